package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestSetupChoosesAccountID: the setup form takes an account ID (12
// digits, else the form again with the reason), and the account gets it.
func TestSetupChoosesAccountID(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	if _, body := b.get("/setup?token=" + e.token); !strings.Contains(body, `name="AccountId"`) {
		t.Fatal("the setup form has no account ID field")
	}
	for _, bad := range []string{"12345", "12345678901x", "1234567890123"} {
		tok := b.csrf("/setup?token=" + e.token)
		res, body := b.post("/setup", url.Values{"_csrf": {tok}, "token": {e.token}, "email": {rootEmail}, "password": {rootPassword},
			"AccountId": {bad}})
		if res.StatusCode == http.StatusSeeOther || !strings.Contains(body, "must be 12 digits") || !strings.Contains(body, `value="`+bad+`"`) {
			t.Fatalf("account ID %q: %d, want the form again with the reason and the value", bad, res.StatusCode)
		}
	}
	tok := b.csrf("/setup?token=" + e.token)
	res, body := b.post("/setup", url.Values{"_csrf": {tok}, "token": {e.token}, "email": {rootEmail}, "password": {rootPassword},
		"AccountId": {" 123456789012 "}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup with an account ID: %d %s", res.StatusCode, body)
	}
	if got := mustAccount(t, e); got != "123456789012" {
		t.Errorf("account %s, want 123456789012", got)
	}
}

// TestHeaderShowsAccountAlias: once the account has an alias, every page's
// header shows it before the ID; removed, the header shows the ID alone.
func TestHeaderShowsAccountAlias(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	if _, body := b.get("/users"); strings.Contains(body, `id="account-alias"`) {
		t.Fatal("an alias shown before there is one")
	}
	if err := e.svc.CreateAccountAlias(context.Background(), nil, "acme-prod", iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if _, body := b.get("/users"); !strings.Contains(body, `<span id="account-alias">acme-prod</span>`) {
		t.Error("the header does not show the alias")
	}
	if err := e.svc.DeleteAccountAlias(context.Background(), nil, "acme-prod", iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if _, body := b.get("/users"); strings.Contains(body, `id="account-alias"`) {
		t.Error("the header still shows a removed alias")
	}
}

// TestSignInNamesTheAccount: the sign-in form takes the account by ID or
// alias (any case), or none; another account's name fails as a wrong
// password does, without saying which part was wrong.
func TestSignInNamesTheAccount(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	acct := mustAccount(t, e)
	e.mkUser("dana", "quiet violet harbor 40")
	if err := e.svc.CreateAccountAlias(context.Background(), nil, "acme-prod", iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if _, body := e.browser().get("/login?account=acme-prod"); !strings.Contains(body, `name="account"`) || !strings.Contains(body, `value="acme-prod"`) {
		t.Fatal("the sign-in form does not offer the account named in its address")
	}
	for _, c := range []struct {
		account string
		ok      bool
	}{{"", true}, {acct, true}, {"acme-prod", true}, {"ACME-PROD", true}, {"other-co", false}, {"123456789012", acct == "123456789012"}} {
		b := e.browser()
		tok := b.csrf("/login")
		res, body := b.post("/login", url.Values{"_csrf": {tok}, "username": {"dana"}, "password": {"quiet violet harbor 40"}, "account": {c.account}})
		if got := res.StatusCode == http.StatusSeeOther; got != c.ok {
			t.Errorf("account %q: %d, want signed in %v", c.account, res.StatusCode, c.ok)
		}
		if !c.ok && !strings.Contains(body, "Your authentication information is incorrect.") {
			t.Errorf("account %q: not the generic failure: %s", c.account, body)
		}
	}
}

package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
)

func TestForcedPasswordChange(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	ctx := context.Background()
	acct := mustAccount(t, e)
	e.mkUser("dave", "dave's first passphrase", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetAccountSummary","Resource":"*"}]}`)
	u, _ := e.store.User(ctx, acct, "dave")
	lp, _ := e.store.LoginProfile(ctx, acct, u.UserID)
	lp.PasswordResetRequired = true
	if err := e.store.UpdateLoginProfile(ctx, acct, lp); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	if res := b.login("dave", "dave's first passphrase", "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	for _, path := range []string{"/", "/audit", "/security", "/simulator"} {
		if res, _ := b.get(path); res.Header.Get("Location") != "/security/password" {
			t.Errorf("%s before the change: %d %s", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if _, body := b.get("/security/password"); !strings.Contains(body, `id="password-change-required"`) {
		t.Fatal("the change page does not say why")
	}
	res, body := b.post("/security/password", url.Values{"_csrf": {b.csrf("/security/password")},
		"old_password": {"dave's first passphrase"}, "new_password": {"a completely new passphrase"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d %s", res.StatusCode, regexp.MustCompile(`-error">[^<]*`).FindAllString(body, -1))
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard after the change: %d", res.StatusCode)
	}
}

package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/auth/sigv4"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestConsoleAndAPIAgree: the same principal gets the same answer for the
// same action through the console and through the API, because both call
// the same operation authorized by the same engine.
func TestConsoleAndAPIAgree(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	ctx, m := context.Background(), iam.Meta{}
	if _, err := e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "ro"}, m); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AttachPolicy(ctx, nil, iam.UserNamed("ro"), "arn:aws:iam::aws:policy/IAMReadOnlyAccess", m); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateLoginProfile(ctx, nil, iam.CreateLoginProfileInput{UserName: "ro", Password: "a read-only passphrase"}, m); err != nil {
		t.Fatal(err)
	}
	key, err := e.svc.CreateAccessKey(ctx, nil, "ro", m)
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	if res := b.login("ro", "a read-only passphrase", "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	api := func(form string) int {
		r, _ := http.NewRequest("POST", e.srv.URL+"/aws", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := sigv4.Sign(r, []byte(form), sigv4.Credential{AccessKeyID: key.AccessKeyId, Secret: key.SecretAccessKey}, "us-east-1", "iam", time.Now()); err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	cases := []struct {
		name    string
		console func() int
		api     func() int
		allowed bool
	}{
		{"list users", func() int { res, _ := b.get("/users"); return res.StatusCode },
			func() int { return api("Action=ListUsers&Version=2010-05-08") }, true},
		{"get a user", func() int { res, _ := b.get("/users/ro"); return res.StatusCode },
			func() int { return api("Action=GetUser&Version=2010-05-08&UserName=ro") }, true},
		{"create a user", func() int {
			res, _ := b.post("/users", url.Values{"_csrf": {b.csrf("/users")}, "UserName": {"mallory"}})
			return res.StatusCode
		}, func() int { return api("Action=CreateUser&Version=2010-05-08&UserName=mallory2") }, false},
		{"create a group", func() int {
			res, _ := b.post("/groups", url.Values{"_csrf": {b.csrf("/groups")}, "GroupName": {"g"}})
			return res.StatusCode
		}, func() int { return api("Action=CreateGroup&Version=2010-05-08&GroupName=g2") }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs, as := c.console(), c.api()
			consoleOK := cs == http.StatusOK || cs == http.StatusSeeOther
			apiOK := as == http.StatusOK
			if consoleOK != c.allowed || apiOK != c.allowed {
				t.Fatalf("console %d, API %d; want allowed=%v on both", cs, as, c.allowed)
			}
			if !c.allowed && (cs != http.StatusForbidden || as != http.StatusForbidden) {
				t.Fatalf("refusals: console %d, API %d; want 403 on both", cs, as)
			}
		})
	}
}

func TestRenameUserAndGroup(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	ctx, m := context.Background(), iam.Meta{}
	e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "ivy"}, m)
	e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "jack"}, m)
	e.svc.CreateGroup(ctx, nil, iam.CreateGroupInput{GroupName: "ops"}, m)
	if _, body := b.get("/users/ivy"); !strings.Contains(body, `action="/users/ivy/rename"`) {
		t.Fatal("no rename form for root")
	}
	res, _ := b.post("/users/ivy/rename", url.Values{"_csrf": {b.csrf("/")}, "NewName": {"ivy2"}, "NewPath": {"/eng/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/users/ivy2" {
		t.Fatalf("rename user: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := b.get("/users/ivy2"); !strings.Contains(body, ":user/eng/ivy2") {
		t.Fatal("renamed user not shown under its new ARN")
	}
	res, body := b.post("/users/ivy2/rename", url.Values{"_csrf": {b.csrf("/")}, "NewName": {"JACK"}, "NewPath": {"/eng/"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="NewName-error"`) {
		t.Fatalf("rename onto an existing name: %d", res.StatusCode)
	}
	res, body = b.post("/users/ivy2/rename", url.Values{"_csrf": {b.csrf("/")}, "NewName": {"ivy2"}, "NewPath": {"no-slashes"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="NewPath-error"`) {
		t.Fatalf("bad path: %d", res.StatusCode)
	}
	res, _ = b.post("/groups/ops/rename", url.Values{"_csrf": {b.csrf("/")}, "NewName": {"platform"}, "NewPath": {"/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/groups/platform" {
		t.Fatalf("rename group: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestPolicyTags(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	p, err := e.svc.CreatePolicy(context.Background(), nil, iam.CreatePolicyInput{PolicyName: "tagged",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"_csrf": {b.csrf("/")}, "arn": {p.Arn}, "tag_key": {"team", ""}, "tag_value": {"blue", ""}}
	res, body := b.post("/policies/tags", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("tag policy: %d %s", res.StatusCode, body[:min(len(body), 300)])
	}
	got, _ := e.svc.GetPolicy(context.Background(), nil, p.Arn, iam.Meta{})
	if len(got.Tags) != 1 || got.Tags[0].Key != "team" {
		t.Fatalf("tags after save: %+v", got.Tags)
	}
}

package handlers_test

import (
	"context"
	neturl "net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// browserAdmin creates the IAM user "admin" (console password, full
// access) through b and signs it in in Chromium.
func browserAdmin(t *testing.T, ctx context.Context, e *env, b *browser) {
	t.Helper()
	res, body := b.form("/users/new", "/users", "UserName", "admin", "ConsoleAccess", "true", "Password", alicePassword)
	mustRedirect(t, res, body, "/users/admin")
	b.form("/users/admin", "/users/admin/policies", "PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess")
	browsertest.Step(t, ctx, "sign in",
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", "admin"),
		chromedp.SendKeys("#password", alicePassword),
		chromedp.Submit("#password"),
		chromedp.WaitVisible("#account-id"),
	)
}

// TestBrowserCreateUserWithKey: in Chromium, an administrator creates a
// user with a console password, then an access key whose secret is shown
// once with its CSV, and gone from the page after.
func TestBrowserCreateUserWithKey(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	url := e.srv.URL
	browserAdmin(t, ctx, e, b)
	browsertest.Step(t, ctx, "create user",
		chromedp.Navigate(url+"/users"),
		chromedp.WaitVisible("#create-user"),
		chromedp.Click("#create-user"),
		chromedp.WaitVisible("#UserName"),
		chromedp.SendKeys("#UserName", "carol"),
		chromedp.SendKeys("#Path", "/staff/"),
		chromedp.Click("#ConsoleAccess"),
		chromedp.SendKeys("#Password", "plenty of entropy in this phrase"),
		chromedp.SendKeys("#PasswordConfirm", "plenty of entropy in this phrase"),
		chromedp.SendKeys(`input[name="tag_key"]`, "team"),
		chromedp.SendKeys(`input[name="tag_value"]`, "payments"),
		chromedp.Submit("#UserName"),
		chromedp.WaitVisible("#user-summary"),
	)
	browsertest.Screenshot(t, ctx, "user")
	if s := browsertest.Text(t, ctx, "#user-summary"); !strings.Contains(s, ":user/staff/carol") {
		t.Fatalf("user summary %q", s)
	}
	browsertest.Step(t, ctx, "create access key",
		chromedp.Navigate(url+"/users/carol?tab=security"),
		chromedp.WaitVisible("#create-access-key"),
		chromedp.Click("#create-access-key"),
		chromedp.WaitVisible("#secret-access-key"),
	)
	browsertest.Screenshot(t, ctx, "access-key")
	id, secret := browsertest.Text(t, ctx, "#access-key-id"), browsertest.Text(t, ctx, "#secret-access-key")
	if !regexp.MustCompile(`^AKIA[A-Z0-9]{16}$`).MatchString(id) || len(secret) != 40 {
		t.Fatalf("key %q secret %q", id, secret)
	}
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	href, err := chromedp.Run(sctx, chromedp.AttributeValue("#download-csv", "href"))
	csv, _ := neturl.PathUnescape(strings.TrimPrefix(href.Value, "data:text/csv;charset=utf-8,"))
	if err != nil || csv != "Access key ID,Secret access key\n"+id+","+secret+"\n" {
		t.Fatalf("CSV link %q %v", href.Value, err)
	}
	browsertest.Step(t, ctx, "key listed",
		chromedp.Navigate(url+"/users/carol?tab=security"),
		chromedp.WaitVisible("#access-keys"),
	)
	page, err := chromedp.Run(sctx, chromedp.OuterHTML("html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, id) || strings.Contains(page, secret) || !strings.Contains(page, "Enabled since") {
		t.Fatal("after creation the page must list the key and the password, never the secret")
	}
	// The attach picker fetches the account's own policies when first used.
	if _, err := e.svc.CreatePolicy(context.Background(), nil, iam.CreatePolicyInput{PolicyName: "TeamRead",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	browsertest.Step(t, ctx, "policy picker",
		chromedp.Navigate(url+"/users/carol?tab=permissions"),
		chromedp.WaitVisible("#PolicyArn"),
		chromedp.Focus("#PolicyArn"),
		chromedp.WaitReady(`datalist#policy-arns[data-loaded="true"]`),
	)
	opts, err := chromedp.Run(sctx, chromedp.OuterHTML("datalist#policy-arns"))
	if err != nil || !strings.Contains(opts, ":policy/TeamRead") || !strings.Contains(opts, "policy/ReadOnlyAccess") {
		t.Fatalf("picker options %q %v", opts, err)
	}
	keys, err := e.svc.ListAccessKeys(context.Background(), nil, "carol", iam.Meta{})
	if err != nil || len(keys) != 1 || keys[0].AccessKeyId != id {
		t.Fatalf("keys %v %v", keys, err)
	}
	c := e.browser()
	if res := c.login("carol", "plenty of entropy in this phrase", "/"); res.StatusCode != 303 || c.cookie("session") == "" {
		t.Fatalf("carol's sign-in: %d", res.StatusCode)
	}
}

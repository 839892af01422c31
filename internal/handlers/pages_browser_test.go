package handlers_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// seedPages fills the live account with what the main pages show: users
// with groups, a password, keys and MFA-less console access, a role, a
// customer managed policy. It returns that policy's ARN.
func seedPages(t *testing.T, e *env) string {
	t.Helper()
	ctx, m := context.Background(), iam.Meta{}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.svc.CreateGroup(ctx, nil, iam.CreateGroupInput{GroupName: "developers"}, m)
	must(err)
	for _, u := range []struct{ name, path string }{{"alice", "/engineering/payments/"}, {"bob", "/"}, {"ci-deploy-bot-with-a-long-name", "/automation/"}} {
		_, err := e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: u.name, Path: u.path}, m)
		must(err)
		must(e.svc.AddUserToGroup(ctx, nil, "developers", u.name, m))
	}
	_, err = e.svc.CreateLoginProfile(ctx, nil, iam.CreateLoginProfileInput{UserName: "alice", Password: alicePassword}, m)
	must(err)
	_, err = e.svc.CreateAccessKey(ctx, nil, "alice", m)
	must(err)
	_, err = e.svc.CreateAccessKey(ctx, nil, "ci-deploy-bot-with-a-long-name", m)
	must(err)
	_, err = e.svc.CreateRole(ctx, nil, iam.CreateRoleInput{RoleName: "Auditor", Description: "Read-only access for the quarterly audit",
		AssumeRolePolicyDocument: iam.TrustTemplateAccount(mustAccount(t, e))}, m)
	must(err)
	must(e.svc.AttachPolicy(ctx, nil, iam.RoleNamed("Auditor"), "arn:aws:iam::aws:policy/ReadOnlyAccess", m))
	p, err := e.svc.CreatePolicy(ctx, nil, iam.CreatePolicyInput{PolicyName: "PaymentsBucketRead",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::payments-reports","arn:aws:s3:::payments-reports/*"]}]}`}, m)
	must(err)
	must(e.svc.AttachPolicy(ctx, nil, iam.UserNamed("alice"), p.Arn, m))
	return p.Arn
}

// mainPages are the console's main pages, by the name their screenshots
// take.
func mainPages(policyARN string) []struct{ name, path string } {
	return []struct{ name, path string }{
		{"dashboard", "/"},
		{"users", "/users"},
		{"user", "/users/alice?tab=security"},
		{"user-permissions", "/users/alice"},
		{"user-access", "/users/alice?tab=access"},
		{"groups", "/groups"},
		{"group", "/groups/developers"},
		{"roles", "/roles"},
		{"role", "/roles/Auditor"},
		{"policies", "/policies"},
		{"policy", "/policies/view?arn=" + url.QueryEscape(policyARN)},
		{"simulator", "/simulator"},
		{"graph", "/graph"},
		{"findings", "/findings"},
		{"who-can", "/who-can?action=iam:CreateUser&resource=*"},
		{"paths", "/paths"},
		{"audit", "/audit"},
		{"settings", "/settings"},
		{"confirm-delete", "/groups/developers/delete"},
		{"create-user", "/users/new"},
		{"create-role", "/roles/new"},
		{"identity-providers", "/identity-providers"},
		{"access-reviews", "/reviews"},
		// A confirmation step with its preview: the Auditor role loses
		// ReadOnlyAccess, every service's reads in one table.
		{"preview-detach", "/roles/Auditor/policies/detach?PolicyArn=" + url.QueryEscape("arn:aws:iam::aws:policy/ReadOnlyAccess")},
	}
}

// TestBrowserNoHorizontalOverflow: at a phone's 390 px, no main page is
// wider than the screen (wide tables scroll inside their own frame).
// With UPDATE_SCREENSHOTS=1 (png, quality 100) it also writes docs/screenshots/NAME-WIDTH.png
// at 1366 and 390 px for the README.
func TestBrowserNoHorizontalOverflow(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	pol := seedPages(t, e)
	browserAdmin(t, ctx, e, b)
	shots := os.Getenv("UPDATE_SCREENSHOTS") == "1"
	dir := filepath.Join("..", "..", "docs", "screenshots")
	widths := []int64{390}
	if shots {
		widths = []int64{1366, 390}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range widths {
		browsertest.Step(t, ctx, "viewport", chromedp.EmulateViewport(w, 900))
		for _, pg := range mainPages(pol) {
			browsertest.Step(t, ctx, pg.name, chromedp.Navigate(e.srv.URL+pg.path), chromedp.WaitVisible("#main"))
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			width, err := chromedp.Run(sctx, chromedp.Evaluate[int64](`document.scrollingElement.scrollWidth`))
			cancel()
			if err != nil {
				t.Fatalf("%s: %v", pg.name, err)
			}
			if w == 390 && width > 390 {
				wide, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > 391 && !e.closest(".table-wrap, .graph-view")).slice(0, 5).map(e => e.tagName + "." + e.className + "#" + e.id + " " + Math.round(e.getBoundingClientRect().right)).join(", ")`))
				dbg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll(".table-wrap")).map(e => getComputedStyle(e).overflowX + " " + e.clientWidth + "/" + e.scrollWidth + " " + Math.round(e.getBoundingClientRect().right)).join("; ")`))
				t.Errorf("%s (%s) is %d px wide at 390 px: %s %s", pg.name, pg.path, width, wide, dbg)
			}
			if shots {
				sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
				png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
				cancel()
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, pg.name+"-"+strconv.FormatInt(w, 10)+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

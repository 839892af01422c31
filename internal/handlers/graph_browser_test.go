package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestBrowserLargeDrawing: in Chromium, an overview too large to sit in
// the page is fetched into it by the page's script, with pan and zoom.
func TestBrowserLargeDrawing(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{MaxInlineSVG: 64 << 10, OverviewWait: -1})
	b := e.browser()
	b.setup()
	res, body := b.form("/users/new", "/users", "UserName", "admin", "ConsoleAccess", "true", "Password", alicePassword)
	mustRedirect(t, res, body, "/users/admin")
	b.form("/users/admin", "/users/admin/policies", "PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess")
	f, err := os.Open(filepath.Join("..", "graph", "testdata", "aws-authorization-details", "iam-vulnerable.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imp, err := e.svc.ImportAccount(context.Background(), nil, f, "vulnerable", iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	url := e.srv.URL
	browsertest.Step(t, ctx, "sign in",
		chromedp.Navigate(url+"/login"),
		chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", "admin"),
		chromedp.SendKeys("#password", alicePassword),
		chromedp.Submit("#password"),
		chromedp.WaitVisible("#account-id"),
	)
	// The page polls until the overview is laid out, reloads, then fetches it.
	browsertest.Step(t, ctx, "overview fetched into the page",
		chromedp.Navigate(url+"/graph?account="+imp.AccountID),
		chromedp.WaitReady(`#graph-view[data-loaded="true"] svg g.node`),
	)
	browsertest.Screenshot(t, ctx, "graph-overview-fetched")
}

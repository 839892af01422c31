package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestBrowserCompare: in Chromium, two imports of one account, the second
// with one policy changed, compare as one new admin with its path in words
// and the full ARN on hover; choosing the sides the other way round shows
// the admin gone.
func TestBrowserCompare(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	var acct string
	for _, p := range []string{filepath.Join("..", "graph", "testdata", "aws-authorization-details", "small.json"), filepath.Join("testdata", "small-biden-escalates.json")} {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		imp, err := e.svc.ImportAccount(context.Background(), nil, f, filepath.Base(p), iam.Meta{})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		acct = imp.AccountID
	}
	browserAdmin(t, ctx, e, b)
	browsertest.Step(t, ctx, "compare the two imports",
		chromedp.Navigate(e.srv.URL+"/graph/compare?account="+acct),
		chromedp.WaitVisible("#compare-summary"),
	)
	title, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#compare-admins-added li a.mono").title`))
	if err != nil {
		t.Fatal(err)
	}
	if s := browsertest.Text(t, ctx, "#compare-summary"); !strings.Contains(s, "1 new admin") {
		t.Errorf("summary %q", s)
	}
	if s := browsertest.Text(t, ctx, "#compare-admins-added"); !strings.Contains(s, "biden — member of → biden — can rewrite the permissions of → biden") {
		t.Errorf("new admins %q", s)
	}
	if title != "arn:aws:iam::012345678901:user/biden" {
		t.Errorf("hover title %q", title)
	}
	browsertest.Screenshot(t, ctx, "compare-imports")
	browsertest.Step(t, ctx, "the other way round",
		chromedp.SetValue("#before", "2"),
		chromedp.SetValue("#after", "1"),
		chromedp.Submit("#before"),
		chromedp.WaitVisible("#compare-admins-removed"),
	)
	if s := browsertest.Text(t, ctx, "#compare-summary"); !strings.Contains(s, "1 admin no longer") {
		t.Errorf("reversed summary %q", s)
	}
	// At a phone's 390 px the page is no wider than the screen.
	browsertest.Step(t, ctx, "at 390 px", chromedp.EmulateViewport(390, 900),
		chromedp.Navigate(e.srv.URL+"/graph/compare?account="+acct), chromedp.WaitVisible("#compare-summary"))
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.scrollingElement.scrollWidth`))
	if err != nil || width > 390 {
		t.Errorf("the page is %d px wide at 390 px (%v)", width, err)
	}
	browsertest.Screenshot(t, ctx, "compare-imports-390")
}

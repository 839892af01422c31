package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestBrowserSetupSignInSignOut walks the first-run story in Chromium:
// setup from the printed URL, sign out, sign in, dashboard, sign out; the
// setup page is dead afterwards; a wrong password shows the generic message.
func TestBrowserSetupSignInSignOut(t *testing.T) {
	ctx := browsertest.New(t)
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			srv := startServer(t, "--db", b.DSN(t), "--data-dir", t.TempDir())
			if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/setup\?token=[A-Za-z0-9_-]{43}$`).MatchString(srv.Setup) {
				t.Fatalf("setup line %q", srv.Setup)
			}
			const email, password = "admin@example.com", "a long and unguessable passphrase"
			browsertest.Step(t, ctx, "setup",
				chromedp.Navigate(srv.Setup),
				chromedp.WaitVisible("#email"),
				chromedp.SendKeys("#email", email),
				chromedp.SendKeys("#password", password),
				chromedp.Submit("#password"),
				chromedp.WaitVisible("#account-id"),
			)
			if id := browsertest.Text(t, ctx, "#account-id"); !regexp.MustCompile(`^\d{12}$`).MatchString(id) {
				t.Fatalf("account ID %q", id)
			}
			browsertest.Step(t, ctx, "sign out", chromedp.Click("#sign-out"), chromedp.WaitVisible("#username"))

			// A wrong password: the generic message, still on the sign-in page.
			browsertest.Step(t, ctx, "wrong password",
				chromedp.SendKeys("#username", email),
				chromedp.SendKeys("#password", "not my password at all"),
				chromedp.Submit("#password"),
				chromedp.WaitVisible("#login-error"),
			)
			if msg := browsertest.Text(t, ctx, "#login-error"); msg != "Your authentication information is incorrect. Please try again." {
				t.Fatalf("login error %q", msg)
			}

			browsertest.Step(t, ctx, "sign in",
				chromedp.Clear("#username"),
				chromedp.SendKeys("#username", email),
				chromedp.SendKeys("#password", password),
				chromedp.Submit("#password"),
				chromedp.WaitVisible("#account-id"),
			)
			if h := browsertest.Text(t, ctx, "h1"); h != "Dashboard" {
				t.Fatalf("heading %q", h)
			}
			browsertest.Screenshot(t, ctx, "dashboard")
			browsertest.Step(t, ctx, "sign out again", chromedp.Click("#sign-out"), chromedp.WaitVisible("#username"))

			// The setup link is dead: it lands on the sign-in page.
			browsertest.Step(t, ctx, "dead setup", chromedp.Navigate(srv.Setup), chromedp.WaitVisible("#username"))
			if u := browsertest.Location(t, ctx); !strings.HasSuffix(u, "/login") {
				t.Fatalf("setup after root went to %s", u)
			}
			res, err := http.Get(srv.Console + "readyz")
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("readyz: %v %v", res, err)
			}
			res.Body.Close()
		})
	}
}

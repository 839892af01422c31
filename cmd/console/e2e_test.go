package main

import (
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/models/dbtest"
)

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBrowserFirstRun walks the first-run story in Chromium: setup from the
// printed URL, forced MFA enrollment (reading #totp-secret and computing
// codes), sign out, sign in with password + code, the same code refused,
// a recovery code once, the password-only state opening no page, the setup
// page dead afterwards, and the generic message for a wrong password.
func TestBrowserFirstRun(t *testing.T) {
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
				chromedp.SendKeys("#password_confirm", password),
				chromedp.Submit("#password"),
				chromedp.WaitVisible("#name"),
			)
			// Root can do nothing else until it has a device.
			browsertest.Step(t, ctx, "forced enrollment", chromedp.Navigate(srv.Console+"audit"), chromedp.WaitVisible("#name"))
			if u := browsertest.Location(t, ctx); !strings.HasSuffix(u, "/mfa/enroll") {
				t.Fatalf("root without MFA reached %s", u)
			}
			// Root set its password moments ago: not asked again.
			browsertest.Step(t, ctx, "start enrollment",
				chromedp.Click("#start-enrollment"),
				chromedp.WaitVisible("#totp-secret"),
			)
			secret := browsertest.Text(t, ctx, "#totp-secret")
			if !regexp.MustCompile(`^[A-Z2-7]{32}$`).MatchString(secret) {
				t.Fatalf("secret %q", secret)
			}
			browsertest.Screenshot(t, ctx, "enroll")
			now := time.Now()
			browsertest.Step(t, ctx, "confirm enrollment",
				chromedp.SendKeys("#code1", totpCode(t, secret, now.Add(-30*time.Second))),
				chromedp.SendKeys("#code2", totpCode(t, secret, now)),
				chromedp.Submit("#code2"),
				chromedp.WaitVisible("#recovery-codes"),
			)
			codes := strings.Fields(browsertest.Text(t, ctx, "#recovery-codes"))
			if len(codes) != 10 {
				t.Fatalf("recovery codes: %q", codes)
			}
			browsertest.Step(t, ctx, "dashboard", chromedp.Navigate(srv.Console), chromedp.WaitVisible("#account-id"))
			if id := browsertest.Text(t, ctx, "#account-id"); !regexp.MustCompile(`^\d{12}$`).MatchString(id) {
				t.Fatalf("account ID %q", id)
			}
			browsertest.Screenshot(t, ctx, "dashboard")

			// Review a real AWS account: upload its dump, see its findings and
			// the graph focused on an escalating user.
			dump, _ := filepath.Abs(filepath.Join("..", "..", "internal", "graph", "testdata", "aws-authorization-details", "iam-vulnerable.json"))
			browsertest.Step(t, ctx, "import",
				chromedp.Navigate(srv.Console+"import"),
				chromedp.WaitVisible("#file"),
				chromedp.SetUploadFiles("#file", []string{dump}),
				chromedp.Submit("#label"),
				chromedp.WaitVisible("#findings"),
			)
			// The first page lists the hidden administrators; the counts above
			// it name every type.
			if txt := browsertest.Text(t, ctx, "#finding-counts"); !strings.Contains(txt, "PrivilegeEscalation") {
				t.Fatal("no escalation among the imported account's findings")
			}
			browsertest.Screenshot(t, ctx, "findings")
			focus := "arn:aws:iam::200611803367:user/privesc4-CreateAccessKey-user"
			browsertest.Step(t, ctx, "graph",
				chromedp.Navigate(srv.Console+"graph?account=200611803367&focus="+url.QueryEscape(focus)),
				chromedp.WaitVisible("#graph-view svg"),
			)
			browsertest.Screenshot(t, ctx, "graph")
			// The whole account is too large for dot while the page waits:
			// sfdp lays out an overview in the background; the page shows it
			// at once or polls until it is ready.
			browsertest.Step(t, ctx, "graph overview",
				chromedp.Navigate(srv.Console+"graph?account=200611803367"),
				chromedp.WaitVisible("#graph-view svg"),
			)
			browsertest.Screenshot(t, ctx, "graph-overview")
			browsertest.Step(t, ctx, "sign out", chromedp.Click("#sign-out"), chromedp.WaitVisible("#username"))

			// A wrong password: the generic message.
			browsertest.Step(t, ctx, "wrong password",
				chromedp.SendKeys("#username", email),
				chromedp.SendKeys("#password", "not my password at all"),
				chromedp.Submit("#password"),
				chromedp.WaitVisible("#login-error"),
			)
			if msg := browsertest.Text(t, ctx, "#login-error"); msg != "Your authentication information is incorrect. Please try again." {
				t.Fatalf("login error %q", msg)
			}

			signInPassword := func(what string) {
				browsertest.Step(t, ctx, what,
					chromedp.Navigate(srv.Console+"login"),
					chromedp.WaitVisible("#username"),
					chromedp.Clear("#username"),
					chromedp.SendKeys("#username", email),
					chromedp.SendKeys("#password", password),
					chromedp.Submit("#password"),
					chromedp.WaitVisible("#code"),
				)
			}
			signInPassword("password step")
			// The password-only state opens no page.
			browsertest.Step(t, ctx, "no page before the code", chromedp.Navigate(srv.Console+"audit"), chromedp.WaitVisible("#username"))
			browsertest.Step(t, ctx, "back to the code step", chromedp.Navigate(srv.Console+"login/mfa"), chromedp.WaitVisible("#code"))
			code := totpCode(t, secret, time.Now().Add(30*time.Second))
			browsertest.Step(t, ctx, "code step",
				chromedp.SendKeys("#code", code),
				chromedp.Submit("#code"),
				chromedp.WaitVisible("#account-id"),
			)
			browsertest.Step(t, ctx, "sign out 2", chromedp.Click("#sign-out"), chromedp.WaitVisible("#username"))

			// The same code again, within its window: refused.
			signInPassword("password step 2")
			browsertest.Step(t, ctx, "replayed code",
				chromedp.SendKeys("#code", code),
				chromedp.Submit("#code"),
				chromedp.WaitVisible("#mfa-error"),
			)
			// A recovery code works, once, and says how many are left.
			browsertest.Step(t, ctx, "recovery code",
				chromedp.Clear("#code"),
				chromedp.SendKeys("#code", codes[0]),
				chromedp.Submit("#code"),
				chromedp.WaitVisible("#account-id"),
			)
			if msg := browsertest.Text(t, ctx, ".flash-warning"); !strings.Contains(msg, "9 recovery codes left") {
				t.Fatalf("recovery warning %q", msg)
			}
			browsertest.Step(t, ctx, "sign out 3", chromedp.Click("#sign-out"), chromedp.WaitVisible("#username"))
			signInPassword("password step 3")
			browsertest.Step(t, ctx, "used recovery code",
				chromedp.SendKeys("#code", codes[0]),
				chromedp.Submit("#code"),
				chromedp.WaitVisible("#mfa-error"),
			)

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

package handlers_test

import (
	"context"
	neturl "net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// evalBool runs a JavaScript test on the current page.
func evalBool(t *testing.T, ctx context.Context, js string) bool {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[bool](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// browserSignIn signs name in on the sign-in page.
func browserSignIn(t *testing.T, ctx context.Context, e *env, name, password string) {
	t.Helper()
	browsertest.Step(t, ctx, "sign in as "+name,
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", name),
		chromedp.SendKeys("#password", password),
		chromedp.Submit("#password"),
		chromedp.WaitNotPresent("#username"),
	)
}

// browserForcedSteps does in Chromium whatever forced step the page asks,
// until the dashboard, and returns the steps' paths. A confined page must
// show no navigation.
func browserForcedSteps(t *testing.T, ctx context.Context, e *env, password string) []string {
	t.Helper()
	var steps []string
	for range 4 {
		u, err := neturl.Parse(browsertest.Location(t, ctx))
		if err != nil {
			t.Fatal(err)
		}
		if u.Path == "/" {
			browsertest.Step(t, ctx, "dashboard", chromedp.WaitVisible("#account-id"))
			return steps
		}
		steps = append(steps, u.Path)
		if evalBool(t, ctx, `document.querySelector('nav.sidebar') !== null`) {
			t.Fatalf("%s shows the navigation to a confined session", u.Path)
		}
		switch u.Path {
		case "/security/password":
			browsertest.Screenshot(t, ctx, "forced-password")
			next := password + " renewed"
			browsertest.Step(t, ctx, "change the password",
				chromedp.WaitVisible("#old_password"),
				chromedp.SendKeys("#old_password", password),
				chromedp.SendKeys("#new_password", next),
				chromedp.SendKeys("#new_password_confirm", next),
				chromedp.Submit("#new_password"),
				chromedp.WaitNotPresent("#old_password"),
			)
			password = next
		case "/mfa/enroll":
			browsertest.Screenshot(t, ctx, "forced-mfa")
			if evalBool(t, ctx, `document.querySelector('input[name=password]') !== null`) {
				t.Fatal("enrollment asks again for a password given moments ago")
			}
			browsertest.Step(t, ctx, "start enrollment",
				chromedp.WaitVisible("#start-enrollment"),
				chromedp.Click("#start-enrollment"),
				chromedp.WaitVisible("#totp-secret"),
			)
			secret := browsertest.Text(t, ctx, "#totp-secret")
			browsertest.Step(t, ctx, "confirm enrollment",
				chromedp.SendKeys("#code1", e.codeOf(secret, -1)),
				chromedp.SendKeys("#code2", e.codeOf(secret, 0)),
				chromedp.Submit("#code2"),
				chromedp.WaitVisible("#recovery-codes"),
				chromedp.Navigate(e.srv.URL+"/"),
			)
		default:
			t.Fatalf("unexpected page %s", u.Path)
		}
	}
	t.Fatalf("no dashboard after %v", steps)
	return nil
}

// browserSignOut signs out with the header's button.
func browserSignOut(t *testing.T, ctx context.Context) {
	t.Helper()
	browsertest.Step(t, ctx, "sign out",
		chromedp.WaitVisible("#sign-out"),
		chromedp.Click("#sign-out"),
		chromedp.WaitVisible("#username"),
	)
}

// TestBrowserFirstSignInReadOnlyUser: a user created with the create form's
// defaults (must set a new password; MFA required by the account default)
// and only IAMReadOnlyAccess signs in for the first time, changes its
// password, enrolls MFA and reaches the dashboard, in Chromium.
func TestBrowserFirstSignInReadOnlyUser(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	root := e.browser()
	root.setup()
	browserAdmin(t, ctx, e, root)
	browsertest.Step(t, ctx, "create a user with the form's defaults",
		chromedp.Navigate(e.srv.URL+"/users/new"),
		chromedp.WaitVisible("#UserName"),
		chromedp.SendKeys("#UserName", "reader"),
		chromedp.Click("#ConsoleAccess"),
		chromedp.SendKeys("#Password", alicePassword),
		chromedp.SendKeys("#PasswordConfirm", alicePassword),
		chromedp.Submit("#UserName"),
		chromedp.WaitVisible("#user-summary"),
	)
	res, body := root.form("/users/reader", "/users/reader/policies", "PolicyArn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
	mustRedirect(t, res, body, "")
	if err := e.svc.UpdateAccountSettings(context.Background(), nil, iam.AccountSettings{AllowUsersWithoutMFA: false}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	browserSignOut(t, ctx)
	browserSignIn(t, ctx, e, "reader", alicePassword)
	steps := browserForcedSteps(t, ctx, e, alicePassword)
	if len(steps) != 2 || steps[0] != "/security/password" || steps[1] != "/mfa/enroll" {
		t.Fatalf("steps %v", steps)
	}
	browserSignOut(t, ctx)
}

// TestBrowserForcedStateCombinations: every combination of forced steps
// reaches the dashboard in as many steps as it owes, and signs out, in
// Chromium; a confined session signs out too.
func TestBrowserForcedStateCombinations(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	root := e.browser()
	root.setup()
	for _, c := range []struct {
		user                 string
		reset, mfa, expired  bool
		steps                int
		signOutWhileConfined bool
	}{
		{"none", false, false, false, 0, false},
		{"pw", true, false, false, 1, false},
		{"mfa", false, true, false, 1, true},
		{"both", true, true, false, 2, true},
		{"expired-mfa", false, true, true, 2, false},
	} {
		t.Run(c.user, func(t *testing.T) {
			forcedUser(t, e, root, c.user, c.reset, c.mfa)
			pol := iam.PasswordPolicy{MinimumPasswordLength: 15, AllowUsersToChangePassword: true}
			if c.expired {
				pol.MaxPasswordAge = 30
			}
			if err := e.svc.UpdatePasswordPolicy(context.Background(), nil, pol, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if c.expired {
				e.clk.Advance(31 * 24 * time.Hour)
			}
			browserSignIn(t, ctx, e, c.user, alicePassword)
			if c.signOutWhileConfined {
				browserSignOut(t, ctx)
				browsertest.Step(t, ctx, "the sign-in page from a signed-out browser",
					chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible("#username"))
				browserSignIn(t, ctx, e, c.user, alicePassword)
				// The sign-in page itself offers a way on and out.
				browsertest.Step(t, ctx, "sign-in page while confined",
					chromedp.Navigate(e.srv.URL+"/login"),
					chromedp.WaitVisible("#confined-sign-in"),
					chromedp.Click("#continue-step"),
					chromedp.WaitNotPresent("#confined-sign-in"),
				)
			}
			if steps := browserForcedSteps(t, ctx, e, alicePassword); len(steps) != c.steps {
				t.Fatalf("steps %v, want %d", steps, c.steps)
			}
			browserSignOut(t, ctx)
			if err := e.svc.DeletePasswordPolicy(context.Background(), nil, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

package handlers_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestBrowserSimulatorOwnPolicies: in Chromium, the simulator with a user
// named and nothing pasted simulates that user's own policies: the example
// policy shown in the empty form is a placeholder, not input, so a user
// without S3 permissions is denied s3:GetObject, and one with them allowed.
func TestBrowserSimulatorOwnPolicies(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	browserAdmin(t, ctx, e, b)
	bg, m := context.Background(), iam.Meta{}
	for _, u := range []string{"alice", "reader"} {
		if _, err := e.svc.CreateUser(bg, nil, iam.CreateUserInput{UserName: u}, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.svc.AttachPolicy(bg, nil, iam.UserNamed("reader"), "arn:aws:iam::aws:policy/ReadOnlyAccess", m); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ user, want string }{
		{"user/alice", "implicitDeny"},
		{"user/reader", "allowed"},
	} {
		t.Run(tc.user, func(t *testing.T) {
			browsertest.Step(t, ctx, "open", chromedp.Navigate(e.srv.URL+"/simulator"), chromedp.WaitVisible("#source"))
			pasted, err := chromedp.Run(ctx, chromedp.Value("#policy1"))
			if err != nil {
				t.Fatal(err)
			}
			browsertest.Step(t, ctx, "simulate",
				chromedp.SendKeys("#source", tc.user),
				chromedp.SendKeys("#actions", "s3:GetObject"),
				chromedp.SendKeys("#resources", "arn:aws:s3:::example-bucket/report.csv"),
				chromedp.Submit("#source"),
				chromedp.WaitVisible("#sim-results"),
			)
			if pasted != "" {
				t.Fatalf("the empty form's policy holds %q: an example must be a placeholder", pasted)
			}
			if got := browsertest.Text(t, ctx, "#sim-results .decision"); got != tc.want {
				t.Fatalf("%s s3:GetObject: %s, want %s", tc.user, got, tc.want)
			}
		})
	}
}

package handlers_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestBrowserAccessReview: in Chromium, a reviewer starts a campaign over
// the members of group devs, revokes AdministratorAccess from alice
// (through the confirmation step), keeps bob, closes the campaign and
// downloads the CSV report, which names the detach's audit event.
func TestBrowserAccessReview(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	bg, m := context.Background(), iam.Meta{}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.svc.CreateGroup(bg, nil, iam.CreateGroupInput{GroupName: "devs"}, m)
	must(err)
	for _, u := range []string{"alice", "bob"} {
		_, err := e.svc.CreateUser(bg, nil, iam.CreateUserInput{UserName: u}, m)
		must(err)
		must(e.svc.AddUserToGroup(bg, nil, "devs", u, m))
	}
	must(e.svc.AttachPolicy(bg, nil, iam.UserNamed("alice"), "arn:aws:iam::aws:policy/AdministratorAccess", m))
	must(e.svc.AttachPolicy(bg, nil, iam.UserNamed("bob"), "arn:aws:iam::aws:policy/ReadOnlyAccess", m))
	_, err = e.svc.CreateUser(bg, nil, iam.CreateUserInput{UserName: "rita"}, m)
	must(err)
	_, err = e.svc.CreateLoginProfile(bg, nil, iam.CreateLoginProfileInput{UserName: "rita", Password: alicePassword}, m)
	must(err)
	_, err = e.svc.PutInlinePolicy(bg, nil, iam.UserNamed("rita"), "review", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["console:*AccessReview*","iam:DetachUserPolicy","iam:GetAccountAuthorizationDetails"],"Resource":"*"}]}`, m)
	must(err)

	browserSignIn(t, ctx, e, "rita", alicePassword)
	browsertest.Step(t, ctx, "start a campaign for devs",
		chromedp.Navigate(e.srv.URL+"/reviews"),
		chromedp.WaitVisible("#review-form"),
		chromedp.SendKeys("#Name", "Quarterly devs"),
		chromedp.SetValue("#Scope", "group-members"),
		chromedp.SendKeys("#Group", "devs"),
		chromedp.SetValue("#Due", "2027-03-31"),
		chromedp.SendKeys("#Reviewers", "rita"),
		chromedp.Click("#create-review"),
		chromedp.WaitVisible("#review-items"),
	)
	if got := browsertest.Text(t, ctx, "#review-undecided"); !strings.HasPrefix(got, "2 of 2") {
		t.Fatalf("undecided: %q", got)
	}
	browsertest.Step(t, ctx, "revoke alice's AdministratorAccess",
		chromedp.Click("#revoke-item-0-0"),
		chromedp.WaitVisible("#confirm-button"),
		chromedp.Click("#confirm-button"),
		chromedp.WaitVisible("#item-0 span.decision:not(.undecided)"),
	)
	browsertest.Screenshot(t, ctx, "access-review")
	browsertest.Step(t, ctx, "keep bob",
		chromedp.Click("#keep-item-1"),
		// The page after the keep, not the one it was clicked on.
		chromedp.WaitVisible("#item-1 span.decision:not(.undecided)"),
	)
	browsertest.Step(t, ctx, "close",
		chromedp.Click("#close-review"),
		chromedp.WaitNotPresent("#close-review"),
	)
	if got := browsertest.Text(t, ctx, "#review-state"); got != "closed" {
		t.Fatalf("state after close: %q", got)
	}
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	report, err := chromedp.Run(sctx, chromedp.Evaluate[string](`fetch(document.querySelector("#report-csv").href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	must(err)
	rows, err := csv.NewReader(strings.NewReader(report)).ReadAll()
	must(err)
	if len(rows) != 3 {
		t.Fatalf("report: %q", rows)
	}
	alice, bob := rows[1], rows[2]
	if !strings.HasSuffix(alice[0], ":user/alice") || alice[5] != "revoke-some" || !strings.Contains(alice[8], "DetachUserPolicy arn:aws:iam::aws:policy/AdministratorAccess (audit event ") ||
		!strings.HasSuffix(alice[6], ":user/rita") {
		t.Errorf("alice's row: %q", alice)
	}
	if !strings.HasSuffix(bob[0], ":user/bob") || bob[5] != "keep" || bob[8] != "" {
		t.Errorf("bob's row: %q", bob)
	}
	pols, _, err := e.svc.ListAttachedPolicies(bg, nil, iam.UserNamed("alice"), iam.ListAttachedPoliciesInput{}, m)
	must(err)
	if len(pols) != 0 {
		t.Errorf("alice still has %v", pols)
	}
}

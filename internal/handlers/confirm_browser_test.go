package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestBrowserDestructiveActionsConfirm: in Chromium, every destructive
// action's button leads to its confirmation step; the step's form posted
// without its confirmation changes nothing and says why (422); confirmed
// (the name typed where data is lost), the action is done.
func TestBrowserDestructiveActionsConfirm(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	browserAdmin(t, ctx, e, b)
	bg, m := context.Background(), iam.Meta{}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	gone := func(err error) bool { return iam.KindOf(err) == iam.NotFound }
	keyStatus := func(user, id string) string {
		keys, err := e.svc.ListAccessKeys(bg, nil, user, m)
		must(err)
		for _, k := range keys {
			if k.AccessKeyId == id {
				return k.Status
			}
		}
		return "deleted"
	}

	_, err := e.svc.CreateUser(bg, nil, iam.CreateUserInput{UserName: "victim"}, m)
	must(err)
	_, err = e.svc.CreateLoginProfile(bg, nil, iam.CreateLoginProfileInput{UserName: "victim", Password: alicePassword}, m)
	must(err)
	active, err := e.svc.CreateAccessKey(bg, nil, "victim", m)
	must(err)
	inactive, err := e.svc.CreateAccessKey(bg, nil, "victim", m)
	must(err)
	must(e.svc.UpdateAccessKey(bg, nil, iam.UpdateAccessKeyInput{UserName: "victim", AccessKeyId: inactive.AccessKeyId, Status: "Inactive"}, m))
	_, err = e.svc.CreateUser(bg, nil, iam.CreateUserInput{UserName: "leaver"}, m)
	must(err)
	_, err = e.svc.CreateGroup(bg, nil, iam.CreateGroupInput{GroupName: "old-team"}, m)
	must(err)
	_, err = e.svc.CreateRole(bg, nil, iam.CreateRoleInput{RoleName: "OldRole", AssumeRolePolicyDocument: iam.TrustTemplateAccount(mustAccount(t, e))}, m)
	must(err)
	_, err = e.svc.CreateUser(bg, nil, iam.CreateUserInput{UserName: "holder"}, m)
	must(err)
	must(e.svc.AttachUserPolicy(bg, nil, "holder", "arn:aws:iam::aws:policy/ReadOnlyAccess", m))
	_, err = e.svc.PutUserPolicy(bg, nil, iam.PutInlinePolicyInput{Name: "holder", PolicyName: "notes",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}, m)
	must(err)
	pol, err := e.svc.CreatePolicy(bg, nil, iam.CreatePolicyInput{PolicyName: "OldPolicy",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}, m)
	must(err)

	for _, tc := range []struct {
		name, page, button string
		typed              string // the name to type; "" for a plain confirmation
		open               string // a disclosure to open first, if any
		done               func() bool
	}{
		{"user", "/users/leaver", "#delete-user", "leaver", "", func() bool { _, err := e.svc.GetUser(bg, nil, "leaver", m); return gone(err) }},
		{"group", "/groups/old-team", "#delete-group", "old-team", "", func() bool {
			_, _, _, err := e.svc.GetGroup(bg, nil, iam.GetGroupInput{GroupName: "old-team"}, m)
			return gone(err)
		}},
		{"role", "/roles/OldRole", "#delete-role", "OldRole", "", func() bool { _, err := e.svc.GetRole(bg, nil, "OldRole", m); return gone(err) }},
		{"policy", "/policies/view?arn=" + url.QueryEscape(pol.Arn), "#delete-policy", "OldPolicy", "", func() bool {
			_, err := e.svc.GetPolicy(bg, nil, pol.Arn, m)
			return gone(err)
		}},
		{"deactivate access key", "/users/victim?tab=security", "#deactivate-" + active.AccessKeyId, "", "", func() bool {
			return keyStatus("victim", active.AccessKeyId) == "Inactive"
		}},
		{"delete access key", "/users/victim?tab=security", "#delete-" + inactive.AccessKeyId, "", "", func() bool {
			return keyStatus("victim", inactive.AccessKeyId) == "deleted"
		}},
		{"detach policy", "/users/holder", "#detach-ReadOnlyAccess", "", "", func() bool {
			a, _, err := e.svc.ListAttachedUserPolicies(bg, nil, iam.ListAttachedPoliciesInput{Name: "holder"}, m)
			must(err)
			return len(a) == 0
		}},
		{"inline policy", "/users/holder", "#delete-inline-notes", "notes", "details.inline-policy summary", func() bool {
			_, err := e.svc.GetUserPolicy(bg, nil, "holder", "notes", m)
			return gone(err)
		}},
		{"console password", "/users/victim?tab=security", "#remove-password", "", "", func() bool {
			_, err := e.svc.GetLoginProfile(bg, nil, "victim", m)
			return gone(err)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			browsertest.Step(t, ctx, "open the page", chromedp.Navigate(e.srv.URL+tc.page), chromedp.WaitVisible("#main"))
			if tc.open != "" {
				browsertest.Step(t, ctx, "open "+tc.open, chromedp.Click(tc.open))
			}
			browsertest.Step(t, ctx, "the button leads to the confirmation step",
				chromedp.WaitVisible(tc.button),
				chromedp.Click(tc.button),
				chromedp.WaitVisible("#confirm-form"),
			)
			// The form posted without its confirmation (as a forged or
			// old one-click form would be) is refused and changes nothing.
			browsertest.Step(t, ctx, "unconfirmed",
				chromedp.Evaluate[chromedp.Void](`document.body.setAttribute("data-old", ""); document.querySelector('#confirm-form [name=confirm]').remove(); document.getElementById('confirm-form').submit()`),
				chromedp.WaitVisible("body:not([data-old]) #confirm-error"),
			)
			if msg := browsertest.Text(t, ctx, "#confirm-error"); !strings.Contains(msg, "Nothing was changed") {
				t.Fatalf("refusal says %q", msg)
			}
			if tc.done() {
				t.Fatal("done without confirmation")
			}
			if tc.typed != "" {
				browsertest.Step(t, ctx, "a wrong name", chromedp.SendKeys("#confirm", tc.typed+"x"), chromedp.Click("#confirm-button"),
					chromedp.WaitVisible(`#confirm[value="`+tc.typed+`x"]`))
				if tc.done() {
					t.Fatal("done with the wrong name typed")
				}
				browsertest.Step(t, ctx, "type the name", chromedp.Clear("#confirm"), chromedp.SendKeys("#confirm", tc.typed))
			}
			browsertest.Step(t, ctx, "confirmed", chromedp.Click("#confirm-button"), chromedp.WaitVisible(".flash-success"))
			deadline := time.Now().Add(5 * time.Second)
			for !tc.done() {
				if time.Now().After(deadline) {
					t.Fatal("not done once confirmed")
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}

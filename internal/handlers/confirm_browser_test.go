package handlers_test

import (
	"context"
	"net/http"
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
	must(e.svc.AttachPolicy(bg, nil, iam.UserNamed("holder"), "arn:aws:iam::aws:policy/ReadOnlyAccess", m))
	_, err = e.svc.PutInlinePolicy(bg, nil, iam.UserNamed("holder"), "notes",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, m)

	must(err)
	pol, err := e.svc.CreatePolicy(bg, nil, iam.CreatePolicyInput{PolicyName: "OldPolicy",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}, m)
	must(err)
	versioned, err := e.svc.CreatePolicy(bg, nil, iam.CreatePolicyInput{PolicyName: "Versioned",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}, m)
	must(err)
	_, err = e.svc.CreatePolicyVersion(bg, nil, iam.CreatePolicyVersionInput{PolicyArn: versioned.Arn, SetAsDefault: true,
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`}, m)
	must(err)
	const boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	_, err = e.svc.CreateUser(bg, nil, iam.CreateUserInput{UserName: "bounded", PermissionsBoundary: boundary}, m)
	must(err)
	_, err = e.svc.CreateRole(bg, nil, iam.CreateRoleInput{RoleName: "BoundedRole", PermissionsBoundary: boundary,
		AssumeRolePolicyDocument: iam.TrustTemplateAccount(mustAccount(t, e))}, m)
	must(err)
	pp := iam.DefaultPasswordPolicy
	pp.MinimumPasswordLength, pp.Default = 20, false
	must(e.svc.UpdatePasswordPolicy(bg, nil, pp, m))
	// victim and admin each have a console session besides Chromium's.
	acct := mustAccount(t, e)
	sessions := func(user string) int {
		ss, err := e.store.SessionsOf(bg, acct, "arn:aws:iam::"+acct+":user/"+user)
		must(err)
		return len(ss)
	}
	for _, u := range []string{"victim", "admin"} {
		if res := e.browser().login(u, alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s signs in: %d", u, res.StatusCode)
		}
	}
	adminSessions := sessions("admin")

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
			a, _, err := e.svc.ListAttachedPolicies(bg, nil, iam.UserNamed("holder"), iam.ListAttachedPoliciesInput{}, m)
			must(err)
			return len(a) == 0
		}},
		{"inline policy", "/users/holder", "#delete-inline-notes", "notes", "details.inline-policy summary", func() bool {
			_, err := e.svc.GetInlinePolicy(bg, nil, iam.UserNamed("holder"), "notes", m)
			return gone(err)
		}},
		{"policy version", "/policies/view?arn=" + url.QueryEscape(versioned.Arn) + "&tab=versions", "#delete-version-v1", "v1", "", func() bool {
			_, err := e.svc.GetPolicyVersion(bg, nil, versioned.Arn, "v1", m)
			return gone(err)
		}},
		{"user boundary", "/users/bounded", "#remove-boundary", "", "", func() bool {
			u, err := e.svc.GetUser(bg, nil, "bounded", m)
			must(err)
			return u.PermissionsBoundary == nil
		}},
		{"role boundary", "/roles/BoundedRole", "#remove-boundary", "", "", func() bool {
			r, err := e.svc.GetRole(bg, nil, "BoundedRole", m)
			must(err)
			return r.PermissionsBoundary == nil
		}},
		{"password policy", "/settings", "#delete-password-policy", "", "", func() bool {
			p, err := e.svc.GetPasswordPolicy(bg, nil)
			must(err)
			return p.Default
		}},
		{"end one of my sessions", "/sessions", `[id^="end-session-"]`, "", "", func() bool { return sessions("admin") == adminSessions-1 }},
		{"sign a user out everywhere", "/users/victim?tab=security", "#end-sessions", "", "", func() bool { return sessions("victim") == 0 }},
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

package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestPreviewBeforeSave: a permission change posted from its form is shown
// first (who becomes admin, by which path; who gains what) and saved only
// from the preview's Save; the destructive steps show their preview too.
func TestPreviewBeforeSave(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	ctx, m := context.Background(), iam.Meta{}
	acct := mustAccount(t, e)
	e.user("alice")
	e.user("bob")
	e.user("carol")
	if _, err := e.svc.CreateGroup(ctx, nil, iam.CreateGroupInput{GroupName: "developers"}, m); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"alice", "bob"} {
		if err := e.svc.AddUserToGroup(ctx, nil, "developers", u, m); err != nil {
			t.Fatal(err)
		}
	}
	e.mkRole("ops", iam.TrustTemplateService("ec2.amazonaws.com"), "arn:aws:iam::aws:policy/AdministratorAccess")
	attached := func() bool {
		ps, _, err := e.svc.ListAttachedPolicies(ctx, nil, iam.GroupNamed("developers"), iam.ListAttachedPoliciesInput{}, m)
		if err != nil {
			t.Fatal(err)
		}
		return len(ps) > 0
	}

	for _, tc := range []struct {
		name   string
		page   string
		path   string
		fields []string
		see    []string // in the preview
		saved  func() bool
	}{
		{name: "AdministratorAccess to a group makes its members admins", page: "/groups/developers?tab=permissions",
			path: "/groups/developers/policies", fields: []string{"PolicyArn", "AdministratorAccess"},
			see:   []string{`id="preview-admins-added"`, "user/alice", "user/bob", "member of", "AdministratorAccess", `id="preview-access"`},
			saved: attached},
		{name: "a trust naming a user opens its path", page: "/roles/ops?tab=trust", path: "/roles/ops/trust",
			fields: []string{"AssumeRolePolicyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/carol"},"Action":"sts:AssumeRole"}]}`},
			see:    []string{`id="preview-admins-added"`, "user/carol", "can assume"},
			saved: func() bool {
				r, err := e.svc.GetRole(ctx, nil, "ops", iam.Meta{})
				return err == nil && strings.Contains(r.AssumeRolePolicyDocument, "user/carol")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{"_csrf": {b.csrf(tc.page)}}
			for i := 0; i+1 < len(tc.fields); i += 2 {
				v.Add(tc.fields[i], tc.fields[i+1])
			}
			res, body := b.post(tc.path, v)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="preview"`) {
				t.Fatalf("no preview: %d", res.StatusCode)
			}
			for _, s := range tc.see {
				if !strings.Contains(body, s) {
					t.Errorf("the preview lacks %q", s)
				}
			}
			if tc.saved() {
				t.Fatal("the preview saved the change")
			}
			res, body = b.post(tc.path, previewedForm(t, body))
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save from the preview: %d", res.StatusCode)
			}
			if !tc.saved() {
				t.Fatal("Save on the preview did not save")
			}
		})
	}

	// Detaching shows who stops being admin.
	res, body := b.get("/groups/developers/policies/detach?PolicyArn=" + url.QueryEscape("arn:aws:iam::aws:policy/AdministratorAccess"))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="preview-admins-removed"`) || !strings.Contains(body, "user/alice") {
		t.Fatalf("the detach step does not preview alice losing admin: %d", res.StatusCode)
	}
	// Input the preview cannot judge goes to the form, with its error.
	res, body = b.form("/groups/developers?tab=permissions", "/groups/developers/policies", "PolicyArn", "NoSuchPolicyAnywhere")
	if res.StatusCode == http.StatusOK || !strings.Contains(body, `id="PolicyArn-error"`) {
		t.Fatalf("an unknown policy: %d", res.StatusCode)
	}
}

// TestGuardrailsPage: the settings page sets the guardrails, refuses one
// that cannot be kept as written beside its field, and a preview shows the
// rule a change would break.
func TestGuardrailsPage(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	ctx, m := context.Background(), iam.Meta{}
	e.user("alice")
	if _, err := e.svc.CreateGroup(ctx, nil, iam.CreateGroupInput{GroupName: "developers"}, m); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AddUserToGroup(ctx, nil, "developers", "alice", m); err != nil {
		t.Fatal(err)
	}
	res, body := b.form("/settings", "/settings/guardrails", "NeverOnStar", "PassRole")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="NeverOnStar-error"`) {
		t.Fatalf("an action without its service: %d", res.StatusCode)
	}
	res, body = b.form("/settings", "/settings/guardrails", "AdminGroup", "Admins", "TrustNeedsCondition", "true", "NeverOnStar", "iam:PassRole\niam:CreateAccessKey")
	mustRedirect(t, res, body, "/settings")
	if _, body = b.get("/settings"); !strings.Contains(body, `value="Admins"`) || !strings.Contains(body, "iam:CreateAccessKey") {
		t.Fatal("the settings page does not show the guardrails saved")
	}
	v := url.Values{"_csrf": {b.csrf("/groups/developers?tab=permissions")}, "PolicyArn": {"AdministratorAccess"}}
	res, body = b.post("/groups/developers/policies", v)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="preview-guardrails"`) || !strings.Contains(body, "admin-group") ||
		!strings.Contains(body, iam.OverrideGuardrailAction) {
		t.Fatalf("the preview does not show the guardrail broken: %d", res.StatusCode)
	}
	// The findings list what breaks them once made (root may override).
	res, body = b.post("/groups/developers/policies", previewedForm(t, body))
	mustRedirect(t, res, body, "")
	if _, body = b.get("/findings?type=GuardrailViolation"); !strings.Contains(body, "breaks guardrail admin-group") {
		t.Fatal("no guardrail finding on the findings page")
	}
}

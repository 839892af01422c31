package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

func TestRolePages(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	acct := mustAccount(t, e)

	if res, body := b.get("/roles/new"); res.StatusCode != 200 || !strings.Contains(body, acct) {
		t.Fatalf("create role form: %d", res.StatusCode)
	}
	for _, tc := range []struct {
		name   string
		fields []string
		see    []string // on the trust tab
	}{
		{"Local", []string{"Trust", "account"}, []string{"Account " + acct}},
		{"Vendor", []string{"Trust", "other", "OtherAccount", "210987654321", "ExternalId", "ext-42", "RequireMFA", "true"},
			[]string{"Account 210987654321", "sts:ExternalId: ext-42", "aws:MultiFactorAuthPresent: true"}},
		{"Ec2App", []string{"Trust", "service", "Service", "ec2.amazonaws.com", "MaxSessionHours", "4", "Description", "for the app"},
			[]string{"AWS service: ec2.amazonaws.com"}},
		{"Deploy", []string{"Trust", "webidentity", "WebProvider", "https://token.actions.githubusercontent.com", "WebAudience", "sts.amazonaws.com",
			"WebSubject", "repo:my-org/my-repo:ref:refs/heads/main"},
			[]string{"Federated identity: arn:aws:iam::" + acct + ":oidc-provider/token.actions.githubusercontent.com",
				"token.actions.githubusercontent.com:aud: sts.amazonaws.com", "token.actions.githubusercontent.com:sub: repo:my-org/my-repo:ref:refs/heads/main"}},
		{"PodReader", []string{"Trust", "webidentity", "WebProvider", "oidc.cluster.internal/id/C1", "WebAudience", "sts.amazonaws.com",
			"WebSubject", "system:serviceaccount:apps:reader"},
			[]string{"oidc-provider/oidc.cluster.internal/id/C1", "oidc.cluster.internal/id/C1:sub: system:serviceaccount:apps:reader"}},
		{"People", []string{"Trust", "saml", "SAMLProvider", "corp-idp", "SAMLConsole", "true"},
			[]string{"Federated identity: arn:aws:iam::" + acct + ":saml-provider/corp-idp", "SAML:aud: https://signin.aws.amazon.com/saml"}},
		{"Custom", []string{"Trust", "custom", "AssumeRolePolicyDocument",
			`{"Version":"2012-10-17","Statement":[{"Sid":"Lambda","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
			[]string{"AWS service: lambda.amazonaws.com", "Lambda"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.form("/roles/new", "/roles", append([]string{"RoleName", tc.name}, tc.fields...)...)
			mustRedirect(t, res, body, "/roles/"+tc.name)
			_, body = b.get("/roles/" + tc.name + "?tab=trust")
			for _, s := range tc.see {
				if !strings.Contains(body, s) {
					t.Errorf("trust tab lacks %q", s)
				}
			}
		})
	}
	if r, err := e.svc.GetRole(context.Background(), nil, "Ec2App", iam.Meta{}); err != nil || r.MaxSessionDuration != 4*3600 || r.Description != "for the app" {
		t.Fatalf("Ec2App: %+v %v", r, err)
	}

	for _, tc := range []struct {
		name, field string
		fields      []string
	}{
		{"no account", "OtherAccount", []string{"RoleName", "X", "Trust", "other"}},
		{"no provider", "WebProvider", []string{"RoleName", "X", "Trust", "webidentity", "WebAudience", "sts.amazonaws.com"}},
		// A role trusting GitHub's issuer without a subject trusts every
		// repository's workflows.
		{"GitHub without subject", "WebSubject", []string{"RoleName", "X", "Trust", "webidentity", "WebProvider", "token.actions.githubusercontent.com"}},
		{"no SAML provider", "SAMLProvider", []string{"RoleName", "X", "Trust", "saml"}},
		{"bad name", "RoleName", []string{"RoleName", "bad name", "Trust", "account"}},
		{"duplicate", "RoleName", []string{"RoleName", "local", "Trust", "account"}},
		{"bad document", "AssumeRolePolicyDocument", []string{"RoleName", "X", "Trust", "custom", "AssumeRolePolicyDocument", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": 7\n}"}},
		{"resource in trust", "AssumeRolePolicyDocument", []string{"RoleName", "X", "Trust", "custom", "AssumeRolePolicyDocument",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}`}},
		{"bad description", "Description", []string{"RoleName", "X", "Trust", "account", "Description", "tab\u0001"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.form("/roles/new", "/roles", tc.fields...)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tc.field+`-error"`) {
				t.Fatalf("%d, no error beside %s: %v", res.StatusCode, tc.field, regexp.MustCompile(`class="field-error" id="[^"]*">[^<]*`).FindAllString(body, -1))
			}
		})
	}
	res, body := b.form("/roles/new", "/roles", "RoleName", "X", "Trust", "custom", "AssumeRolePolicyDocument", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": 7\n}")
	if !strings.Contains(body, "line 3") {
		t.Fatalf("the trust policy error does not name its line: %d", res.StatusCode)
	}

	// Edit the trust policy, the settings, the permissions; delete.
	res, body = b.form("/roles/Ec2App?tab=trust", "/roles/Ec2App/trust", "AssumeRolePolicyDocument", "{")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="AssumeRolePolicyDocument-error"`) {
		t.Fatalf("bad trust edit: %d", res.StatusCode)
	}
	res, body = b.form("/roles/Ec2App?tab=trust", "/roles/Ec2App/trust", "AssumeRolePolicyDocument", iam.TrustTemplateService("ecs-tasks.amazonaws.com"))
	mustRedirect(t, res, body, "/roles/Ec2App?tab=trust")
	if _, body := b.get("/roles/Ec2App?tab=trust"); !strings.Contains(body, "ecs-tasks.amazonaws.com") {
		t.Fatal("trust edit not shown")
	}
	res, body = b.form("/roles/Ec2App", "/roles/Ec2App/settings", "Description", "new words", "MaxSessionHours", "13")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="MaxSessionHours-error"`) {
		t.Fatalf("13 hours: %d", res.StatusCode)
	}
	res, body = b.form("/roles/Ec2App", "/roles/Ec2App/settings", "Description", "new words", "MaxSessionHours", "2")
	mustRedirect(t, res, body, "/roles/Ec2App")
	if _, body := b.get("/roles/Ec2App"); !strings.Contains(body, "new words") || !strings.Contains(body, "2 hours") {
		t.Fatal("settings not saved")
	}
	res, body = b.form("/roles/Ec2App", "/roles/Ec2App/policies", "PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
	mustRedirect(t, res, body, "/roles/Ec2App?tab=permissions")
	res, body = b.form("/roles/Ec2App?tab=tags", "/roles/Ec2App/tags", "tag_key", "app", "tag_value", "web")
	mustRedirect(t, res, body, "/roles/Ec2App?tab=tags")
	res, body = b.form("/roles/Ec2App", "/roles/Ec2App/delete", "confirm", "Ec2App")
	mustRedirect(t, res, body, "/roles/Ec2App")
	if _, body := b.get("/roles/Ec2App"); !strings.Contains(body, "flash-error") {
		t.Fatal("deleting a role with a policy attached did not say why it failed")
	}
	b.form("/roles/Ec2App", "/roles/Ec2App/policies/detach", "PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess", "confirm", "yes")
	res, body = b.form("/roles/Ec2App", "/roles/Ec2App/delete", "confirm", "Ec2App")
	mustRedirect(t, res, body, "/roles")
	if _, body := b.get("/roles"); strings.Contains(body, `href="/roles/Ec2App"`) || !strings.Contains(body, "AWS service: lambda.amazonaws.com") {
		t.Fatal("roles list after deletion")
	}
}

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

// TestMarkupIsEscapedEverywhere stores values that pass AWS's validation
// but carry markup (paths, descriptions, policy text, an external ID) and
// checks that no page shows them raw.
func TestMarkupIsEscapedEverywhere(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	acct := mustAccount(t, e)
	const path = `/"><img/src=x/onerror=alert(1)>/`
	const markup = `"><img src=x onerror=alert(1)>`

	// Each value goes through the console's own forms; a refusal means AWS's
	// rules keep that markup out, which is fine, and is logged.
	stored := 0
	for _, f := range []struct {
		what, page, action string
		fields             []string
	}{
		{"user path", "/users/new", "/users", []string{"UserName", "xss-user", "Path", path, "ConsoleAccess", "true", "Password", alicePassword}},
		{"group path", "/groups/new", "/groups", []string{"GroupName", "xss-group", "Path", path}},
		{"role description and path", "/roles/new", "/roles", []string{"RoleName", "xss-role", "Path", path, "Trust", "other",
			"OtherAccount", "210987654321", "ExternalId", markup, "Description", markup}},
		{"policy description and path", "/policies/new", "/policies", []string{"PolicyName", "xss-policy", "Path", path, "Description", markup,
			"PolicyDocument", `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.ReplaceAll(markup, `"`, `\"`) + `","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/` + strings.ReplaceAll(markup, `"`, `\"`) + `"}]}`}},
		{"policy with markup outside the Sid", "/policies/new", "/policies", []string{"PolicyName", "xss-policy2", "Description", markup,
			"PolicyDocument", `{"Version":"2012-10-17","Statement":[{"Sid":"Reads","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/` + strings.ReplaceAll(markup, `"`, `\"`) + `","Condition":{"StringEquals":{"aws:PrincipalTag/team":"` + strings.ReplaceAll(markup, `"`, `\"`) + `"}}}]}`}},
		{"inline policy", "/users/xss-user", "/users/xss-user/inline", []string{"PolicyName", "inline-xss", "PolicyDocument",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/` + strings.ReplaceAll(markup, `"`, `\"`) + `"}]}`}},
	} {
		res, body := b.form(f.page, f.action, f.fields...)
		if res.StatusCode != http.StatusSeeOther {
			t.Logf("%s refused (%d): %s", f.what, res.StatusCode, fieldErrorsOf(body))
			if strings.Contains(body, "<img") {
				t.Fatalf("the refusal of %s shows the markup raw", f.what)
			}
			continue
		}
		stored++
	}
	if stored < 4 {
		t.Fatalf("only %d of the hostile values were accepted: the test proves little", stored)
	}
	b.form("/users/xss-user?tab=groups", "/users/xss-user/groups", "GroupName", "xss-group")
	pol := "arn:aws:iam::" + acct + ":policy" + path + "xss-policy"
	if _, err := e.svc.GetPolicy(context.Background(), nil, pol, iam.Meta{}); err != nil {
		pol = "arn:aws:iam::" + acct + ":policy/xss-policy2"
	}
	b.form("/users/xss-user", "/users/xss-user/policies", "PolicyArn", pol)
	b.form("/roles/xss-role", "/roles/xss-role/policies", "PolicyArn", pol)
	pv := "/policies/view?arn=" + url.QueryEscape(pol)
	b.form(pv+"&tab=versions", "/policies/versions", "arn", pol, "SetAsDefault", "true", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::c/`+strings.ReplaceAll(markup, `"`, `\"`)+`"}]}`)

	pages := []string{"/", "/users", "/users?q=xss", "/groups", "/roles", "/policies?scope=Local", "/audit",
		"/groups/xss-group", "/groups/xss-group?tab=permissions", "/users/xss-user/delete",
		pv + "&tab=json&version=v1", "/policies/diff?arn=" + url.QueryEscape(pol) + "&from=v1&to=v2"}
	for _, tab := range []string{"permissions", "groups", "security", "tags"} {
		pages = append(pages, "/users/xss-user?tab="+tab)
	}
	for _, tab := range []string{"permissions", "trust", "tags"} {
		pages = append(pages, "/roles/xss-role?tab="+tab)
	}
	for _, tab := range []string{"summary", "json", "versions", "entities"} {
		pages = append(pages, pv+"&tab="+tab)
	}
	escaped := 0
	check := func(who string, c *browser, pages []string) {
		for _, p := range pages {
			res, body := c.get(p)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s %s: %d", who, p, res.StatusCode)
				continue
			}
			if strings.Contains(body, "<img") {
				i := strings.Index(body, "<img")
				t.Errorf("%s %s shows markup raw: …%s…", who, p, body[max(0, i-80):min(len(body), i+80)])
			}
			if strings.Contains(body, "&lt;img") {
				escaped++
			}
		}
	}
	check("root", b, pages)
	if escaped < 10 {
		t.Fatalf("the hostile values were shown escaped on only %d pages", escaped)
	}
	// The user whose ARN carries the markup, signed in, sees it in its own
	// header, escaped.
	u := e.browser()
	if res := u.login("xss-user", alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("xss-user sign-in: %d", res.StatusCode)
	}
	check("xss-user", u, []string{"/", "/security"})
}

func fieldErrorsOf(body string) string {
	var out []string
	for _, part := range strings.Split(body, `class="field-error"`)[1:] {
		if i := strings.Index(part, "</p>"); i > 0 {
			out = append(out, part[:i])
		}
	}
	return strings.Join(out, " | ")
}

package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/web/templates"
)

// TestAccessPage: /access reviews a principal of an imported account (no
// entity pages there) and answers bad input with a clear message.
func TestAccessPage(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	imp := importVulnerable(t, e)
	acct := imp.AccountID
	arn := func(kind, name string) string { return "arn:aws:iam::" + acct + ":" + kind + "/" + name }
	for _, c := range []struct {
		name, account, arn string
		status             int
		want, not          []string
	}{
		{"user that escalates", acct, arn("user", "privesc1-CreateNewPolicyVersion-user"), http.StatusOK,
			[]string{"can become admin", "iam:CreatePolicyVersion", "Permissions management",
				`href="` + htmlAttr(templates.PathsURL(acct, arn("user", "privesc1-CreateNewPolicyVersion-user"))) + `"`,
				`href="` + htmlAttr(templates.GraphURL(acct, arn("user", "privesc1-CreateNewPolicyVersion-user"))) + `"`,
				`id="access-findings"`}, nil},
		{"admin through its group", acct, arn("user", "privesc-sre-user"), http.StatusOK,
			[]string{"privesc-sre-user", "member of", "privesc-sre-group"}, nil},
		{"group", acct, arn("group", "privesc-sre-group"), http.StatusOK,
			[]string{"A group is not a principal", "privesc-sre-user", "Members of privesc-sre-group can become admin"}, nil},
		{"role that cannot become admin", acct, arn("role", "privesc-AssumeRole-ending-role"), http.StatusOK,
			[]string{`id="access-services"`}, nil},
		{"unknown ARN", acct, arn("user", "nobody"), http.StatusNotFound,
			[]string{"has no user, role or group", "user/nobody"}, []string{`id="access-services"`}},
		{"a policy is not a principal", acct, "arn:aws:iam::aws:policy/AdministratorAccess", http.StatusNotFound,
			[]string{"has no user, role or group"}, nil},
		{"unknown account", "999999999999", arn("user", "nobody"), http.StatusNotFound,
			[]string{"No account 999999999999"}, nil},
		{"no ARN", acct, "", http.StatusBadRequest,
			[]string{"Name a user, role or group by its ARN."}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := templates.AccessURL(c.account, c.arn)
			res, body := b.get(u)
			if res.StatusCode != c.status {
				t.Fatalf("%s: status %d, want %d", u, res.StatusCode, c.status)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: no %q on the page", u, w)
				}
			}
			for _, w := range c.not {
				if strings.Contains(body, w) {
					t.Errorf("%s: %q on the page", u, w)
				}
			}
		})
	}
}

// htmlAttr is s as templ writes it in an attribute.
func htmlAttr(s string) string { return strings.ReplaceAll(s, "&", "&amp;") }

// TestAccessTabRefused: a user who may read a user but not review the
// account sees the Access tab say why, not an error page.
func TestAccessTabRefused(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	e.mkUser("ivy", alicePassword, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:List*"],"Resource":"*"}]}`)
	b := e.browser()
	if res := b.login("ivy", alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	res, body := b.get("/users/ivy?tab=access")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="access-denied"`) || !strings.Contains(body, "iam:GetAccountAuthorizationDetails") {
		t.Fatalf("access tab without the right to review: %d\n%s", res.StatusCode, body)
	}
	if res, _ := b.get(templates.AccessURL("", "arn:aws:iam::"+mustAccount(t, e)+":user/ivy")); res.StatusCode != http.StatusForbidden {
		t.Fatalf("/access without the right to review: %d", res.StatusCode)
	}
}

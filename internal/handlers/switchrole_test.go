package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
)

func TestSwitchRole(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	acct, _ := e.store.LiveAccount(context.Background())
	e.mkUser("alice", "quiet violet harbor 38", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	e.mkUser("bob", "quiet violet harbor 39", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	e.mkRole("Auditor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct.ID+`:user/alice"},"Action":"sts:AssumeRole"}]}`,
		"arn:aws:iam::aws:policy/ReadOnlyAccess")

	b := e.browser()
	if res := b.login("alice", "quiet violet harbor 38", "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("alice sign-in: %d", res.StatusCode)
	}
	if _, body := b.get("/"); !strings.Contains(body, `id="dashboard-limited"`) {
		t.Fatal("alice's own dashboard is not limited")
	}
	if res, body := b.get("/audit"); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "cloudtrail:LookupEvents") {
		t.Fatalf("alice's audit log: %d (the 403 must name the action)", res.StatusCode)
	}
	res, _ := b.post("/switch-role", url.Values{"_csrf": {b.csrf("/switch-role")}, "role": {"Auditor"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch role: %d", res.StatusCode)
	}
	_, body := b.get("/")
	if !strings.Contains(body, `class="role-banner"`) || !strings.Contains(body, "Auditor") {
		t.Fatal("no role banner after switching")
	}
	if res, _ := b.get("/audit"); res.StatusCode != 200 {
		t.Fatalf("the role's read-only access: %d", res.StatusCode)
	}
	// ReadOnlyAccess does not allow changing the password policy.
	res, _ = b.post("/settings/password-policy", url.Values{"_csrf": {b.csrf("/")}, "MinimumPasswordLength": {"10"},
		"MaxPasswordAge": {"0"}, "PasswordReusePrevention": {"0"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("a write with the read-only role: %d", res.StatusCode)
	}
	res, _ = b.post("/switch-back", url.Values{"_csrf": {b.csrf("/")}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch back: %d", res.StatusCode)
	}
	if res, _ := b.get("/audit"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("after switching back, alice's own permissions: %d", res.StatusCode)
	}

	// Bob is not in the trust policy: refused, and he stays himself.
	bb := e.browser()
	bb.login("bob", "quiet violet harbor 39", "/")
	res, body = bb.post("/switch-role", url.Values{"_csrf": {bb.csrf("/switch-role")}, "role": {"arn:aws:iam::" + acct.ID + ":role/Auditor"}})
	if res.StatusCode != http.StatusForbidden || strings.Contains(body, "role-banner") {
		t.Fatalf("bob switching: %d", res.StatusCode)
	}
}

// TestSwitchRoleOfferedOnlyWhereItCanBe: root (which AWS never lets
// switch roles) is not offered "Switch role" nor "Switch to this role";
// an IAM user is, until it uses a role (switch back first).
func TestSwitchRoleOfferedOnlyWhereItCanBe(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	root := e.browser()
	root.setup()
	acct, _ := e.store.LiveAccount(context.Background())
	e.mkUser("alice", "quiet violet harbor 38", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	e.mkRole("Auditor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct.ID+`:user/alice"},"Action":"sts:AssumeRole"}]}`,
		"arn:aws:iam::aws:policy/ReadOnlyAccess")
	if _, body := root.get("/roles/Auditor"); strings.Contains(body, `id="switch-to-role"`) || strings.Contains(body, `id="menu-switch-role"`) {
		t.Fatal("root is offered to switch roles")
	}
	if res, body := root.post("/switch-role", url.Values{"_csrf": {root.csrf("/")}, "role": {"Auditor"}}); res.StatusCode != http.StatusForbidden ||
		!strings.Contains(body, "root user cannot switch roles") {
		t.Fatalf("root switching anyway: %d", res.StatusCode)
	}
	b := e.browser()
	b.login("alice", "quiet violet harbor 38", "/")
	if _, body := b.get("/"); !strings.Contains(body, `id="menu-switch-role"`) {
		t.Fatal("an IAM user is not offered Switch role")
	}
	b.post("/switch-role", url.Values{"_csrf": {b.csrf("/switch-role")}, "role": {"Auditor"}})
	if _, body := b.get("/roles/Auditor"); !strings.Contains(body, "role-banner") || strings.Contains(body, `id="switch-to-role"`) ||
		strings.Contains(body, `id="menu-switch-role"`) {
		t.Fatal("a role session is offered to switch again")
	}
}

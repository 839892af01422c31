package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/models"
)

// mkUser creates an IAM user with a console password and inline policies
// straight through the store (the operations' own tests cover them).
func (e *env) mkUser(name, password string, inline ...string) {
	e.t.Helper()
	ctx := context.Background()
	acct, err := e.store.LiveAccount(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	u := &models.User{UserID: "AIDA" + strings.ToUpper(name) + "0000000000000", Name: name, Path: "/"}
	if err := e.store.CreateUser(ctx, acct.ID, u); err != nil {
		e.t.Fatal(err)
	}
	h, _ := auth.HashPassword(password, auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1})
	if err := e.store.CreateLoginProfile(ctx, acct.ID, &models.LoginProfile{UserID: u.UserID, PasswordHash: h, PasswordChangedAt: time.Now()}); err != nil {
		e.t.Fatal(err)
	}
	for i, doc := range inline {
		if err := e.store.PutInlinePolicy(ctx, acct.ID, &models.InlinePolicy{EntityType: models.EntityUser, EntityID: u.UserID,
			Name: name + "-policy-" + string(rune('a'+i)), Document: doc}); err != nil {
			e.t.Fatal(err)
		}
	}
	e.audited(acct.ID, "CreateUser", name)
}

// audited records the event the operations would have committed with a
// change made straight through the store: what reads the IAM state's stamp
// (the access graph's cache, the authorizer's) must see it. "*": it does
// not say which entities changed, so the graph is read again whole.
func (e *env) audited(acct, name, resource string) {
	e.t.Helper()
	err := e.store.AppendAudit(context.Background(), &models.AuditEvent{EventID: auth.NewToken(18), AccountID: acct,
		EventTime: time.Now(), EventSource: "test", EventName: name, Resource: resource, Result: models.ResultSuccess,
		StateChange: true, Changed: "*"})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) mkRole(name, trust string, managed ...string) {
	e.t.Helper()
	ctx := context.Background()
	acct, _ := e.store.LiveAccount(ctx)
	r := &models.Role{RoleID: "AROA" + strings.ToUpper(name) + "0000000000000", Name: name, Path: "/",
		AssumeRolePolicyDocument: trust, MaxSessionDuration: 3600}
	if err := e.store.CreateRole(ctx, acct.ID, r); err != nil {
		e.t.Fatal(err)
	}
	for _, arn := range managed {
		if err := e.store.AttachPolicy(ctx, acct.ID, models.EntityRole, r.RoleID, arn, time.Now()); err != nil {
			e.t.Fatal(err)
		}
	}
	e.audited(acct.ID, "CreateRole", name)
}

func TestSwitchRole(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	acct, _ := e.store.LiveAccount(context.Background())
	e.mkUser("alice", "alice's long passphrase", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	e.mkUser("bob", "bob's long passphrase here", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	e.mkRole("Auditor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct.ID+`:user/alice"},"Action":"sts:AssumeRole"}]}`,
		"arn:aws:iam::aws:policy/ReadOnlyAccess")

	b := e.browser()
	if res := b.login("alice", "alice's long passphrase", "/"); res.StatusCode != http.StatusSeeOther {
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
	bb.login("bob", "bob's long passphrase here", "/")
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
	e.mkUser("alice", "alice's long passphrase", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
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
	b.login("alice", "alice's long passphrase", "/")
	if _, body := b.get("/"); !strings.Contains(body, `id="menu-switch-role"`) {
		t.Fatal("an IAM user is not offered Switch role")
	}
	b.post("/switch-role", url.Values{"_csrf": {b.csrf("/switch-role")}, "role": {"Auditor"}})
	if _, body := b.get("/roles/Auditor"); !strings.Contains(body, "role-banner") || strings.Contains(body, `id="switch-to-role"`) ||
		strings.Contains(body, `id="menu-switch-role"`) {
		t.Fatal("a role session is offered to switch again")
	}
}

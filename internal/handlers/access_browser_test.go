package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// opsAdminAccount builds the hand-made account of the review pages'
// tests: alice is a member of developers, whose policy lets its members
// assume ops-admin, which has AdministratorAccess.
func opsAdminAccount(t *testing.T, e *env) string {
	t.Helper()
	ctx, m := context.Background(), iam.Meta{}
	acct, err := e.store.LiveAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "alice"}, m)
	must(err)
	_, err = e.svc.CreateGroup(ctx, nil, iam.CreateGroupInput{GroupName: "developers"}, m)
	must(err)
	must(e.svc.AddUserToGroup(ctx, nil, "developers", "alice", m))
	_, err = e.svc.PutInlinePolicy(ctx, nil, iam.GroupNamed("developers"), "AssumeOpsAdmin",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","s3:GetObject"],"Resource":["arn:aws:iam::`+acct.ID+`:role/ops-admin","arn:aws:s3:::builds/*"]}]}`, m)

	must(err)
	_, err = e.svc.CreateRole(ctx, nil, iam.CreateRoleInput{RoleName: "ops-admin",
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct.ID + `:root"},"Action":"sts:AssumeRole"}]}`}, m)
	must(err)
	must(e.svc.AttachPolicy(ctx, nil, iam.RoleNamed("ops-admin"), "arn:aws:iam::aws:policy/AdministratorAccess", m))
	return acct.ID
}

// TestBrowserAccessTabs: in Chromium, a role's and a group's Access tabs
// show what they allow by service and access level, say who can become
// admin and link to the path; a user's says it too.
func TestBrowserAccessTabs(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	acct := opsAdminAccount(t, e)
	browserAdmin(t, ctx, e, b)
	url := e.srv.URL
	arn := func(kind, name string) string { return "arn:aws:iam::" + acct + ":" + kind + "/" + name }
	for _, c := range []struct {
		name, page string
		admin      []string // in the admin box, in this order
		service    string   // a service row the tab shows
		level      string   // its access level
		from       string   // the principal whose path is linked
	}{
		{"role", "/roles/ops-admin?tab=access", []string{"ops-admin is an admin"}, "Amazon S3", "Full access: every action of every service", arn("role", "ops-admin")},
		{"group", "/groups/developers?tab=access",
			[]string{"Members of developers can become admin", "alice", "member of", "developers", "can assume", "ops-admin", "has", "AdministratorAccess"},
			"AWS Security Token Service", "Write: Limited", arn("user", "alice")},
		{"user", "/users/alice?tab=access",
			[]string{"alice can become admin", "alice", "member of", "developers", "can assume", "ops-admin", "has", "AdministratorAccess"},
			"Amazon S3", "Read", arn("user", "alice")},
	} {
		t.Run(c.name, func(t *testing.T) {
			browsertest.Step(t, ctx, "open the Access tab",
				chromedp.Navigate(url+c.page),
				chromedp.WaitVisible("#access-admin"),
			)
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			href, err := chromedp.Run(sctx, chromedp.AttributeValue("#access-admin-link", "href"))
			box := browsertest.Text(t, ctx, "#access-admin")
			at := 0
			for _, w := range c.admin {
				i := strings.Index(box[at:], w)
				if i < 0 {
					t.Fatalf("the admin box %q does not say %q (after %d)", box, w, at)
				}
				at += i + len(w)
			}
			if want := templates.PathsURL("", c.from); err != nil || href.Value != want {
				t.Errorf("the path link is %q (%v), want %q", href.Value, err, want)
			}
			table := browsertest.Text(t, ctx, "#access-services")
			if c.name != "role" && (!strings.Contains(table, c.service) || !strings.Contains(table, c.level)) {
				t.Errorf("the access table does not show %s at %s:\n%s", c.service, c.level, table)
			}
			if c.name == "role" && !strings.Contains(table, c.level) {
				t.Errorf("the access table does not show %s:\n%s", c.level, table)
			}
			browsertest.Screenshot(t, ctx, "access-"+c.name)
		})
	}
}

package iam_test

import (
	"context"
	"testing"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestPrincipalAccess: the review of a user, a group and a role of the
// hand-made account (alice, member of developers, whose members may
// assume ops-admin, which has AdministratorAccess) says what each can do
// by service and access level, and the path to admin in words.
func TestPrincipalAccess(t *testing.T) {
	svc, _, root := rootService(t, dbtest.SQLite(t))
	ctx, m := context.Background(), iam.Meta{}
	acct := root.AccountID
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustCreateUser(t, svc, root, "alice")
	mustCreateUser(t, svc, root, "bob")
	_, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "developers"}, m)
	must(err)
	must(svc.AddUserToGroup(ctx, root, "developers", "alice", m))
	_, err = svc.PutInlinePolicy(ctx, root, iam.GroupNamed("developers"), "AssumeOpsAdmin",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::`+acct+`:role/ops-admin"}]}`, m)

	must(err)
	_, err = svc.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: "ops-admin",
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`}, m)
	must(err)
	must(svc.AttachPolicy(ctx, root, iam.RoleNamed("ops-admin"), "arn:aws:iam::aws:policy/AdministratorAccess", m))
	_, err = svc.PutInlinePolicy(ctx, root, iam.UserNamed("bob"), "Reports",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`, m)

	must(err)

	arn := func(kind, name string) string { return "arn:aws:iam::" + acct + ":" + kind + "/" + name }
	for _, c := range []struct {
		arn, kind string
		path      string // the admin path in words, "" for none
		hidden    bool
		service   string // a service row, with its access
		access    string
		members   int
	}{
		{arn("user", "alice"), "user", "alice — member of → developers — can assume → ops-admin — has → AdministratorAccess", true,
			"sts", "Limited: Write", 0},
		{arn("group", "developers"), "group", "alice — member of → developers — can assume → ops-admin — has → AdministratorAccess", true,
			"sts", "Limited: Write", 1},
		{arn("role", "ops-admin"), "role", "ops-admin — has → AdministratorAccess", false,
			"*", "Full access: every action of every service", 0},
		{arn("user", "bob"), "user", "", false, "s3", "Limited: Read", 0},
	} {
		t.Run(c.arn, func(t *testing.T) {
			r, err := svc.PrincipalAccess(ctx, root, "", c.arn, m)
			if err != nil {
				t.Fatal(err)
			}
			if r.Kind != c.kind || r.Account != acct || len(r.Members) != c.members {
				t.Errorf("kind %q account %q members %v", r.Kind, r.Account, r.Members)
			}
			said := ""
			if r.Admin != nil {
				said = graph.SayHops(r.Admin.Principal, r.AdminHops)
				if r.Admin.Hidden != c.hidden {
					t.Errorf("hidden %v, want %v", r.Admin.Hidden, c.hidden)
				}
			}
			if said != c.path {
				t.Errorf("path %q, want %q", said, c.path)
			}
			found := false
			for _, s := range r.Services {
				found = found || (s.Service == c.service && s.Access == c.access)
			}
			if !found {
				t.Errorf("no %s row at %q in %+v", c.service, c.access, r.Services)
			}
		})
	}
}

// TestPrincipalAccessAuthorizes: reviewing access reads the whole
// account, so it needs iam:GetAccountAuthorizationDetails, and a caller
// without it is refused the same for a principal that exists and one that
// does not.
func TestPrincipalAccessAuthorizes(t *testing.T) {
	svc, store, root := rootService(t, dbtest.SQLite(t))
	mustCreateUser(t, svc, root, "alice")
	self := signedInUser(t, svc, store, root, "mallory")
	arn := func(name string) string { return "arn:aws:iam::" + root.AccountID + ":user/" + name }
	for _, c := range []struct {
		caller *iam.Principal
		arn    string
		want   iam.Kind
		ok     bool
	}{
		{self, arn("alice"), iam.AccessDenied, false},
		{self, arn("nobody"), iam.AccessDenied, false},
		{self, arn("mallory"), iam.AccessDenied, false},
		{root, arn("nobody"), iam.NotFound, false},
		{root, "arn:aws:iam::aws:policy/AdministratorAccess", iam.NotFound, false},
		{root, "", iam.Invalid, false},
		{root, arn("alice"), 0, true},
	} {
		_, err := svc.PrincipalAccess(context.Background(), c.caller, "", c.arn, iam.Meta{})
		if c.ok {
			if err != nil {
				t.Errorf("%s on %s: %v", c.caller.Name, c.arn, err)
			}
			continue
		}
		wantKind(t, err, c.want, c.caller.Name+" on "+c.arn)
	}
}

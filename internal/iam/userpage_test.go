package iam_test

import (
	"context"
	"slices"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// pageSummary is what a user page shows, for comparing.
type pageSummary struct {
	password bool
	attached []string
	inline   []string
	groups   []string
	denied   string
}

func summarize(p *iam.UserPage) pageSummary {
	s := pageSummary{password: p.LoginProfile != nil}
	if perms := p.Permissions; perms != nil {
		s.denied = perms.Denied
		for _, a := range perms.Attached {
			s.attached = append(s.attached, a.PolicyName)
		}
		for _, ip := range perms.Inline {
			s.inline = append(s.inline, ip.PolicyName+"="+ip.PolicyDocument)
		}
		for _, g := range perms.Groups {
			for _, a := range g.Attached {
				s.groups = append(s.groups, g.Group.GroupName+":"+a.PolicyName)
			}
			for _, n := range g.Inline {
				s.groups = append(s.groups, g.Group.GroupName+":"+n)
			}
		}
	}
	return s
}

// TestUserPageSeesAnotherProcess: the user page's reads are kept under the
// IAM state stamp, and a change made by another process (another Service
// on the same database) shows on the next request, as does one made by
// this process earlier in the same request (the same Principal).
func TestUserPageSeesAnotherProcess(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			one, _, _ := newService(t, dsn)
			two, _, _ := newService(t, dsn)
			ctx, m := context.Background(), iam.Meta{}
			root := rootOf(mustSetup(t, one))
			mustCreateUser(t, one, root, "admin")
			mustCreateUser(t, one, root, "dev")
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(one.AttachPolicy(ctx, root, iam.UserNamed("admin"), "arn:aws:iam::aws:policy/AdministratorAccess", m))
			_, err := one.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: "admin", Password: userPassword}, m)
			must(err)
			res, err := two.SignIn(ctx, "admin", userPassword, m)
			must(err)
			page := func(svc *iam.Service, p *iam.Principal) pageSummary {
				t.Helper()
				if p == nil {
					if p, err = svc.Authenticate(ctx, res.Token); err != nil {
						t.Fatal(err)
					}
				}
				pg, err := svc.GetUserPage(ctx, p, "dev", true, m)
				if err != nil {
					t.Fatal(err)
				}
				return summarize(pg)
			}
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
			steps := []struct {
				name   string
				change func() error
				want   func(s pageSummary) bool
			}{
				{"attach", func() error {
					return one.AttachPolicy(ctx, root, iam.UserNamed("dev"), "arn:aws:iam::aws:policy/ReadOnlyAccess", m)
				},
					func(s pageSummary) bool { return slices.Equal(s.attached, []string{"ReadOnlyAccess"}) }},
				{"inline", func() error {
					_, err := one.PutInlinePolicy(ctx, root, iam.UserNamed("dev"), "notes", doc, m)
					return err
				}, func(s pageSummary) bool { return len(s.inline) == 1 && s.inline[0] == "notes="+doc }},
				{"group", func() error {
					if _, err := one.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "ops"}, m); err != nil {
						return err
					}
					if err := one.AttachPolicy(ctx, root, iam.GroupNamed("ops"), "arn:aws:iam::aws:policy/IAMReadOnlyAccess", m); err != nil {
						return err
					}
					return one.AddUserToGroup(ctx, root, "ops", "dev", m)
				}, func(s pageSummary) bool { return slices.Equal(s.groups, []string{"ops:IAMReadOnlyAccess"}) }},
				{"password", func() error {
					_, err := one.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: "dev", Password: userPassword}, m)
					return err
				}, func(s pageSummary) bool { return s.password }},
				{"detach", func() error {
					return one.DetachPolicy(ctx, root, iam.UserNamed("dev"), "arn:aws:iam::aws:policy/ReadOnlyAccess", m)
				},
					func(s pageSummary) bool { return len(s.attached) == 0 }},
			}
			for _, st := range steps {
				before := page(two, nil) // kept by the other process
				page(two, nil)
				must(st.change())
				if got := page(two, nil); !st.want(got) {
					t.Fatalf("%s by another process: the next request shows %+v (before %+v)", st.name, got, before)
				}
			}
			// The same request (one Principal) sees its own process's change.
			p, err := one.Authenticate(ctx, res.Token)
			must(err)
			page(one, p)
			must(one.DeleteLoginProfile(ctx, p, "dev", m))
			if got := page(one, p); got.password {
				t.Fatalf("a change earlier in the request is not on its page: %+v", got)
			}
		})
	}
}

// TestUserPageRights: each part of the page needs the right its own
// operation needs; a part the caller may not read is told, not shown.
func TestUserPageRights(t *testing.T) {
	svc, _, _ := newService(t, dbtest.SQLite(t))
	ctx, m := context.Background(), iam.Meta{}
	root := rootOf(mustSetup(t, svc))
	mustCreateUser(t, svc, root, "dev")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	if _, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed("dev"), "notes", doc, m); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		actions string
		want    pageSummary
		err     bool
	}{
		{"no GetUser", `"iam:ListUserPolicies"`, pageSummary{}, true},
		{"only GetUser", `"iam:GetUser"`, pageSummary{denied: "iam:ListAttachedUserPolicies"}, false},
		{"no ListUserPolicies", `["iam:GetUser","iam:ListAttachedUserPolicies"]`, pageSummary{denied: "iam:ListUserPolicies"}, false},
		{"names without documents", `["iam:GetUser","iam:ListAttachedUserPolicies","iam:ListUserPolicies"]`, pageSummary{inline: []string{"notes="}}, false},
		{"documents", `["iam:GetUser","iam:ListAttachedUserPolicies","iam:ListUserPolicies","iam:GetUserPolicy"]`, pageSummary{inline: []string{"notes=" + doc}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			caller := mustCreateUser(t, svc, root, "caller-"+tc.name[:2]+tc.name[len(tc.name)-2:])
			grant := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + tc.actions + `,"Resource":"*"}]}`
			if _, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed(caller.UserName), "grant", grant, m); err != nil {
				t.Fatal(err)
			}
			p := &iam.Principal{Type: iam.TypeUser, AccountID: root.AccountID, ARN: caller.Arn, ID: caller.UserId, Name: caller.UserName}
			pg, err := svc.GetUserPage(ctx, p, "dev", true, m)
			if tc.err {
				if iam.KindOf(err) != iam.AccessDenied {
					t.Fatalf("want AccessDenied, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if iam.KindOf(pg.LoginProfileErr) != iam.AccessDenied {
				t.Errorf("login profile without iam:GetLoginProfile: %v", pg.LoginProfileErr)
			}
			if got := summarize(pg); got.denied != tc.want.denied || !slices.Equal(got.inline, tc.want.inline) || got.groups != nil {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

package iam

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// newInternalService is a Service on a fresh database at dsn, set up, with
// its root as the caller.
func newInternalService(t testing.TB, dsn string) (*Service, *Principal) {
	t.Helper()
	store, err := models.Open(context.Background(), dsn, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := New(store, Config{Now: func() time.Time { return now }, Argon2: auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	res, err := s.Setup(context.Background(), SetupInput{Email: "root@example.com", Password: "correct horse battery staple"}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Account
	return s, &Principal{Type: TypeRoot, AccountID: a.ID, ID: a.ID, ARN: a.RootARN(), Name: a.RootEmail}
}

const allowS3 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`

// TestPatchedSnapshotEqualsWhole: after every kind of change, the kept
// snapshot patched with the entities the change names equals the account
// read again whole, and the ARNs it reports cover what changed.
func TestPatchedSnapshotEqualsWhole(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s, root := newInternalService(t, b.DSN(t))
			ctx := context.Background()
			acct := root.AccountID
			arn := func(kind, pathName string) string { return "arn:aws:iam::" + acct + ":" + kind + "/" + pathName }
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			// A starting account: two users in a group, a role, a policy.
			for _, u := range []string{"alice", "Bob"} {
				_, err := s.CreateUser(ctx, root, CreateUserInput{UserName: u}, Meta{})
				must(err)
			}
			_, err := s.CreateGroup(ctx, root, CreateGroupInput{GroupName: "devs"}, Meta{})
			must(err)
			must(s.AddUserToGroup(ctx, root, "devs", "alice", Meta{}))
			_, err = s.CreatePolicy(ctx, root, CreatePolicyInput{PolicyName: "s3read", PolicyDocument: allowS3}, Meta{})
			must(err)
			_, err = s.CreateRole(ctx, root, CreateRoleInput{RoleName: "ops", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`}, Meta{})
			must(err)
			pol := "arn:aws:iam::" + acct + ":policy/s3read"

			snap, err := s.snapshot(ctx, acct)
			must(err)
			stamp, err := s.store.StateStamp(ctx)
			must(err)
			steps := []struct {
				name  string
				do    func() error
				touch []string // ARNs Update must be told of (at least)
			}{
				{"attach to a user", func() error { return s.AttachPolicy(ctx, root, UserNamed("alice"), pol, Meta{}) }, []string{arn("user", "alice"), pol}},
				{"attach an AWS managed policy to a group", func() error {
					return s.AttachPolicy(ctx, root, GroupNamed("devs"), "arn:aws:iam::aws:policy/ReadOnlyAccess", Meta{})
				}, []string{arn("group", "devs"), "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
				{"inline policy on a role", func() error {
					_, err := s.PutInlinePolicy(ctx, root, RoleNamed("ops"), "inl", allowS3, Meta{})
					return err
				}, []string{arn("role", "ops")}},
				{"boundary", func() error { return s.PutPermissionsBoundary(ctx, root, UserNamed("Bob"), pol, Meta{}) }, []string{arn("user", "Bob"), pol}},
				{"boundary removed", func() error { return s.DeletePermissionsBoundary(ctx, root, UserNamed("Bob"), Meta{}) }, []string{arn("user", "Bob"), pol}},
				{"new version", func() error {
					_, err := s.CreatePolicyVersion(ctx, root, CreatePolicyVersionInput{PolicyArn: pol, SetAsDefault: true,
						PolicyDocument: strings.Replace(allowS3, "GetObject", "PutObject", 1)}, Meta{})
					return err
				}, []string{pol}},
				{"membership", func() error { return s.AddUserToGroup(ctx, root, "devs", "Bob", Meta{}) }, []string{arn("user", "Bob")}},
				{"group renamed", func() error {
					_, err := s.UpdateGroup(ctx, root, UpdateGroupInput{GroupName: "devs", NewGroupName: "builders", NewPath: "/eng/"}, Meta{})
					return err
				}, []string{arn("group", "devs"), arn("group", "eng/builders"), arn("user", "alice"), arn("user", "Bob")}},
				{"user renamed", func() error {
					_, err := s.UpdateUser(ctx, root, UpdateUserInput{UserName: "alice", NewUserName: "zed"}, Meta{})
					return err
				}, []string{arn("user", "alice"), arn("user", "zed")}},
				{"access key", func() error { _, err := s.CreateAccessKey(ctx, root, "Bob", Meta{}); return err }, []string{arn("user", "Bob")}},
				{"tag", func() error { return s.Tag(ctx, root, UserNamed("Bob"), []Tag{{Key: "team", Value: "a"}}, Meta{}) }, []string{arn("user", "Bob")}},
				{"login profile", func() error {
					_, err := s.CreateLoginProfile(ctx, root, CreateLoginProfileInput{UserName: "Bob", Password: "correct horse battery staple"}, Meta{})
					return err
				}, []string{arn("user", "Bob")}},
				{"removed from group", func() error { return s.RemoveUserFromGroup(ctx, root, "builders", "Bob", Meta{}) }, []string{arn("user", "Bob")}},
				{"new user", func() error {
					_, err := s.CreateUser(ctx, root, CreateUserInput{UserName: "carol", Path: "/x/"}, Meta{})
					return err
				}, []string{arn("user", "x/carol")}},
				{"user deleted", func() error {
					if err := s.DetachPolicy(ctx, root, UserNamed("zed"), pol, Meta{}); err != nil {
						return err
					}
					if err := s.RemoveUserFromGroup(ctx, root, "builders", "zed", Meta{}); err != nil {
						return err
					}
					return s.DeleteUser(ctx, root, "zed", Meta{})
				}, []string{arn("user", "zed"), pol}},
				{"instance profile made", func() error {
					_, err := s.CreateInstanceProfile(ctx, root, CreateInstanceProfileInput{InstanceProfileName: "box", Path: "/ec2/"}, Meta{})
					return err
				}, []string{}}, // a state change that no principal's definition shows
				{"role put in an instance profile", func() error { return s.AddRoleToInstanceProfile(ctx, root, "box", "ops", Meta{}) },
					[]string{arn("role", "ops")}},
				{"instance profile tagged", func() error {
					return s.Tag(ctx, root, InstanceProfileNamed("box"), []Tag{{Key: "k", Value: "v"}}, Meta{})
				}, []string{}},
				{"role taken out of its instance profile", func() error { return s.RemoveRoleFromInstanceProfile(ctx, root, "box", "ops", Meta{}) },
					[]string{arn("role", "ops")}},
				{"role deleted", func() error {
					if err := s.DeleteInlinePolicy(ctx, root, RoleNamed("ops"), "inl", Meta{}); err != nil {
						return err
					}
					return s.DeleteRole(ctx, root, "ops", Meta{})
				}, []string{arn("role", "ops")}},
				{"last AWS managed use detached", func() error {
					return s.DetachPolicy(ctx, root, GroupNamed("builders"), "arn:aws:iam::aws:policy/ReadOnlyAccess", Meta{})
				}, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
				{"failed sign-in", func() error {
					if _, err := s.SignIn(ctx, "Bob", "wrong password", Meta{}); err == nil {
						t.Fatal("a wrong password signed in")
					}
					return nil
				}, nil},
			}
			for _, st := range steps {
				must(st.do())
				changed, all, err := s.store.ChangedSince(ctx, stamp, graphPatchLimit)
				must(err)
				if all {
					t.Fatalf("%s: the change list asks for a whole read", st.name)
				}
				patched, touched, err := s.patchSnapshot(ctx, snap, changed)
				must(err)
				whole, err := s.snapshot(ctx, acct)
				must(err)
				if d := snapshotDiff(patched, whole); d != "" {
					t.Fatalf("%s: patched snapshot differs from the whole one: %s", st.name, d)
				}
				for _, want := range st.touch {
					if !containsString(touched, want) {
						t.Errorf("%s: Update is not told of %s (told %v)", st.name, want, touched)
					}
				}
				if st.touch == nil && len(changed) > 0 {
					t.Errorf("%s: changed %v, want nothing", st.name, changed)
				}
				snap = patched
				stamp, err = s.store.StateStamp(ctx)
				must(err)
			}
		})
	}
}

// snapshotDiff names the first part where a and b differ, "" when equal.
func snapshotDiff(a, b *graph.Account) string {
	parts := []struct {
		name string
		x, y any
	}{{"users", a.Users, b.Users}, {"groups", a.Groups, b.Groups}, {"roles", a.Roles, b.Roles}, {"policies", a.Policies, b.Policies}, {"root", a.Root, b.Root}}
	for _, p := range parts {
		if reflect.DeepEqual(p.x, p.y) {
			continue
		}
		xv, yv := reflect.ValueOf(p.x), reflect.ValueOf(p.y)
		if xv.Kind() == reflect.Slice {
			if xv.Len() != yv.Len() {
				return fmt.Sprintf("%s: %d, want %d", p.name, xv.Len(), yv.Len())
			}
			for i := 0; i < xv.Len(); i++ {
				if !reflect.DeepEqual(xv.Index(i).Interface(), yv.Index(i).Interface()) {
					return fmt.Sprintf("%s[%d]:\n got %+v\nwant %+v", p.name, i, xv.Index(i).Interface(), yv.Index(i).Interface())
				}
			}
		}
		return fmt.Sprintf("%s: %+v, want %+v", p.name, p.x, p.y)
	}
	if !reflect.DeepEqual(a, b) {
		return fmt.Sprintf("account: %+v, want %+v", *a, *b)
	}
	return ""
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

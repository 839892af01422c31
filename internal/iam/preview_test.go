package iam_test

import (
	"context"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

const adminARN = "arn:aws:iam::aws:policy/AdministratorAccess"

// TestPreviewChange previews each kind of change, then makes it: the
// preview must say what the change then does (the graph compared before
// and after saving), and saving nothing itself.
func TestPreviewChange(t *testing.T) {
	ctx := context.Background()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, root := rootService(t, b.DSN(t))
			acct := root.AccountID
			m := iam.Meta{}
			for _, u := range []string{"alice", "bob", "carol"} {
				if _, err := svc.CreateUser(ctx, root, iam.CreateUserInput{UserName: u}, m); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "developers"}, m); err != nil {
				t.Fatal(err)
			}
			for _, u := range []string{"alice", "bob"} {
				if err := svc.AddUserToGroup(ctx, root, "developers", u, m); err != nil {
					t.Fatal(err)
				}
			}
			mustCreateRole(t, svc, root, "ops")
			if err := svc.AttachPolicy(ctx, root, iam.RoleNamed("ops"), adminARN, m); err != nil {
				t.Fatal(err)
			}
			pol, err := svc.CreatePolicy(ctx, root, iam.CreatePolicyInput{PolicyName: "read-logs",
				PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:Get*","Resource":"*"}]}`}, m)
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.AttachPolicy(ctx, root, iam.UserNamed("carol"), pol.Arn, m); err != nil {
				t.Fatal(err)
			}
			userARN := func(n string) string { return "arn:aws:iam::" + acct + ":user/" + n }
			trustCarol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + userARN("carol") + `"},"Action":"sts:AssumeRole"}]}`
			trustOther := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`

			for _, tc := range []struct {
				name       string
				change     iam.Change
				save       func() error
				newAdmins  []string // principals the preview shows gaining admin
				gainers    []string // principals shown gaining permissions
				losers     []string
				entering   bool // an outside principal can newly come in
				adminsLost []string
			}{
				{name: "AdministratorAccess to a group: its members become admins",
					change:    iam.Change{Kind: iam.ChangeAttach, Entity: iam.GroupNamed("developers"), PolicyARN: adminARN},
					save:      func() error { return svc.AttachPolicy(ctx, root, iam.GroupNamed("developers"), adminARN, m) },
					newAdmins: []string{userARN("alice"), userARN("bob")}, gainers: []string{userARN("alice"), userARN("bob")}},
				{name: "a trust naming a user opens its path to admin",
					change: iam.Change{Kind: iam.ChangeTrust, Entity: iam.RoleNamed("ops"), Document: trustCarol},
					save: func() error {
						_, err := svc.UpdateAssumeRolePolicy(ctx, root, "ops", trustCarol, m)
						return err
					},
					// The service the role trusted before is no longer in.
					newAdmins: []string{userARN("carol")}, adminsLost: []string{"ec2.amazonaws.com"}},
				{name: "a trust naming another account lets it in",
					change: iam.Change{Kind: iam.ChangeTrust, Entity: iam.RoleNamed("ops"), Document: trustOther},
					save: func() error {
						_, err := svc.UpdateAssumeRolePolicy(ctx, root, "ops", trustOther, m)
						return err
					},
					newAdmins:  []string{"arn:aws:iam::444455556666:root"},
					adminsLost: []string{userARN("carol")}, entering: true},
				{name: "an inline policy granting iam:* to a user",
					change: iam.Change{Kind: iam.ChangePutInline, Entity: iam.UserNamed("carol"), Name: "iam-all",
						Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`},
					save: func() error {
						_, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed("carol"), "iam-all",
							`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`, m)
						return err
					},
					newAdmins: []string{userARN("carol")}, gainers: []string{userARN("carol")}},
				{name: "a new default version widens a policy's holders' access",
					change: iam.Change{Kind: iam.ChangeNewVersion, PolicyARN: pol.Arn,
						Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:Get*","s3:GetObject"],"Resource":"*"}]}`},
					save: func() error {
						_, err := svc.CreatePolicyVersion(ctx, root, iam.CreatePolicyVersionInput{PolicyArn: pol.Arn, SetAsDefault: true,
							PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:Get*","s3:GetObject"],"Resource":"*"}]}`}, m)
						return err
					},
					gainers: []string{userARN("carol")}},
				{name: "leaving the admins' group",
					change:     iam.Change{Kind: iam.ChangeRemoveMember, Entity: iam.GroupNamed("developers"), Name: "bob"},
					save:       func() error { return svc.RemoveUserFromGroup(ctx, root, "developers", "bob", m) },
					adminsLost: []string{userARN("bob")}, losers: []string{userARN("bob")}},
				{name: "a boundary holds a user back",
					change: iam.Change{Kind: iam.ChangeBoundary, Entity: iam.UserNamed("alice"), PolicyARN: "arn:aws:iam::aws:policy/ReadOnlyAccess"},
					save: func() error {
						return svc.PutPermissionsBoundary(ctx, root, iam.UserNamed("alice"), "arn:aws:iam::aws:policy/ReadOnlyAccess", m)
					},
					adminsLost: []string{userARN("alice")}, losers: []string{userARN("alice")}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					stamp, err := store.StateStamp(ctx)
					if err != nil {
						t.Fatal(err)
					}
					p, err := svc.PreviewChange(ctx, root, tc.change, m)
					if err != nil {
						t.Fatal(err)
					}
					if now, _ := store.StateStamp(ctx); now != stamp {
						t.Fatal("a preview changed the account's state")
					}
					before, err := svc.AccessGraph(ctx, root, "", m)
					if err != nil {
						t.Fatal(err)
					}
					if err := tc.save(); err != nil {
						t.Fatal(err)
					}
					after, err := svc.AccessGraph(ctx, root, "", m)
					if err != nil {
						t.Fatal(err)
					}
					saved := graph.Compare(before, after)
					if got, want := p.Diff.Summary(), saved.Summary(); got != want {
						t.Errorf("preview says %q, saving did %q", got, want)
					}
					if got := principals(p.Diff.AdminsAdded); !same(got, tc.newAdmins) {
						t.Errorf("new admins %v, want %v", got, tc.newAdmins)
					}
					if got := principals(p.Diff.AdminsRemoved); !same(got, tc.adminsLost) {
						t.Errorf("admins lost %v, want %v", got, tc.adminsLost)
					}
					var gainers, losers []string
					for _, a := range p.Access {
						if len(a.Gained) > 0 {
							gainers = append(gainers, a.Principal)
						}
						if len(a.Lost) > 0 {
							losers = append(losers, a.Principal)
						}
					}
					if tc.gainers != nil && !same(gainers, tc.gainers) {
						t.Errorf("gainers %v, want %v", gainers, tc.gainers)
					}
					if tc.losers != nil && !same(losers, tc.losers) {
						t.Errorf("losers %v, want %v", losers, tc.losers)
					}
					if (len(p.Entering) > 0) != tc.entering {
						t.Errorf("entering: %+v", p.Entering)
					}
				})
			}

			for _, tc := range []struct {
				name   string
				change iam.Change
				kind   iam.Kind
			}{
				{"no such user", iam.Change{Kind: iam.ChangeAttach, Entity: iam.UserNamed("nobody"), PolicyARN: adminARN}, iam.NotFound},
				{"no such policy", iam.Change{Kind: iam.ChangeAttach, Entity: iam.UserNamed("alice"), PolicyARN: "arn:aws:iam::" + acct + ":policy/none"}, iam.NotFound},
				{"malformed document", iam.Change{Kind: iam.ChangePutInline, Entity: iam.UserNamed("alice"), Name: "x", Document: "{"}, iam.Malformed},
				{"trust of a user", iam.Change{Kind: iam.ChangeTrust, Entity: iam.UserNamed("alice"), Document: trustCarol}, iam.Invalid},
				{"identity policy as trust", iam.Change{Kind: iam.ChangeTrust, Entity: iam.RoleNamed("ops"),
					Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}, iam.Malformed},
				{"unknown change", iam.Change{Kind: "rename", Entity: iam.UserNamed("alice")}, iam.Invalid},
			} {
				if _, err := svc.PreviewChange(ctx, root, tc.change, m); iam.KindOf(err) != tc.kind {
					t.Errorf("%s: %v, want kind %v", tc.name, err, tc.kind)
				}
			}
		})
	}
}

func principals(cs []graph.AdminChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Principal)
	}
	return out
}

func same(a, b []string) bool {
	return strings.Join(a, ",") == strings.Join(b, ",")
}

// TestPreviewCredentials: where an escalation depends on a user's keys (a
// principal allowed iam:CreateAccessKey on an admin can use it while the
// admin has fewer than two), creating the admin's second key closes the
// path and deleting it opens it again; the previews say so.
func TestPreviewCredentials(t *testing.T) {
	ctx := context.Background()
	svc, _, root := rootService(t, dbtest.SQLite(t))
	acct, m := root.AccountID, iam.Meta{}
	mustCreateUser(t, svc, root, "alice")
	if err := svc.AttachPolicy(ctx, root, iam.UserNamed("alice"), adminARN, m); err != nil {
		t.Fatal(err)
	}
	mustCreateUser(t, svc, root, "helper")
	if _, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed("helper"), "keys", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::`+acct+`:user/alice"}]}`, m); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateAccessKey(ctx, root, "alice", m); err != nil {
		t.Fatal(err)
	}
	helper := "arn:aws:iam::" + acct + ":user/helper"
	p, err := svc.PreviewChange(ctx, root, iam.Change{Kind: iam.ChangeCreateAccessKey, Entity: iam.UserNamed("alice")}, m)
	if err != nil {
		t.Fatal(err)
	}
	if got := principals(p.Diff.AdminsRemoved); !same(got, []string{helper}) || !p.Matters() {
		t.Fatalf("alice's second key: admins lost %v, want helper", got)
	}
	k, err := svc.CreateAccessKey(ctx, root, "alice", m)
	if err != nil {
		t.Fatal(err)
	}
	p, err = svc.PreviewChange(ctx, root, iam.Change{Kind: iam.ChangeDeleteAccessKey, Entity: iam.UserNamed("alice"), Name: k.AccessKeyId}, m)
	if err != nil {
		t.Fatal(err)
	}
	if got := principals(p.Diff.AdminsAdded); !same(got, []string{helper}) {
		t.Fatalf("deleting alice's second key: new admins %v, want helper", got)
	}
	// A key for a user no escalation depends on matters to nobody.
	p, err = svc.PreviewChange(ctx, root, iam.Change{Kind: iam.ChangeCreateAccessKey, Entity: iam.UserNamed("helper")}, m)
	if err != nil || p.Matters() {
		t.Fatalf("helper's own key: %v %+v", err, p.Diff.Summary())
	}
	if _, err := svc.PreviewChange(ctx, root, iam.Change{Kind: iam.ChangeDeleteAccessKey, Entity: iam.UserNamed("alice"), Name: "AKIANOSUCHKEY0000000"}, m); iam.KindOf(err) != iam.NotFound {
		t.Fatalf("an unknown key: %v", err)
	}
}

// TestPreviewDeleteRole: deleting a role previews who loses the way
// through it, and the role itself is gone from the graph after.
func TestPreviewDeleteRole(t *testing.T) {
	ctx := context.Background()
	svc, _, root := rootService(t, dbtest.SQLite(t))
	acct, m := root.AccountID, iam.Meta{}
	mustCreateUser(t, svc, root, "carol")
	if _, err := svc.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: "ops", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/carol"},"Action":"sts:AssumeRole"}]}`}, m); err != nil {
		t.Fatal(err)
	}
	if err := svc.AttachPolicy(ctx, root, iam.RoleNamed("ops"), adminARN, m); err != nil {
		t.Fatal(err)
	}
	p, err := svc.PreviewChange(ctx, root, iam.Change{Kind: iam.ChangeDeleteRole, Entity: iam.RoleNamed("ops")}, m)
	if err != nil {
		t.Fatal(err)
	}
	role, carol := "arn:aws:iam::"+acct+":role/ops", "arn:aws:iam::"+acct+":user/carol"
	if got := principals(p.Diff.AdminsRemoved); !same(got, []string{role, carol}) && !same(got, []string{carol, role}) {
		t.Fatalf("deleting ops: admins lost %v, want carol and the role", got)
	}
	if _, ok := p.After.Node(role); ok {
		t.Fatal("the deleted role is still in the graph")
	}
	if _, err := svc.PreviewChange(ctx, root, iam.Change{Kind: iam.ChangeDeleteRole, Entity: iam.UserNamed("carol")}, m); iam.KindOf(err) != iam.Invalid {
		t.Fatalf("deleting a user as a role: %v", err)
	}
}

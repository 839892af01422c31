package iam_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

func TestGroups(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			acct := root.AccountID
			g, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "Admins", Path: "/ops/"}, iam.Meta{})
			if err != nil || len(g.GroupId) != 21 || g.GroupId[:4] != "AGPA" || g.Arn != "arn:aws:iam::"+acct+":group/ops/Admins" {
				t.Fatalf("create: %+v %v", g, err)
			}
			_, err = svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "admins"}, iam.Meta{})
			if e := wantKind(t, err, iam.AlreadyExists, "duplicate"); e.Message != "Group with name admins already exists." {
				t.Fatal(e.Message)
			}
			_, _, _, err = svc.GetGroup(ctx, root, iam.GetGroupInput{GroupName: "nope"}, iam.Meta{})
			if e := wantKind(t, err, iam.NotFound, "missing"); e.Message != "The group with name nope cannot be found." {
				t.Fatal(e.Message)
			}
			mustCreateUser(t, svc, root, "erin")
			for range 2 { // idempotent
				if err := svc.AddUserToGroup(ctx, root, "ADMINS", "erin", iam.Meta{}); err != nil {
					t.Fatal(err)
				}
			}
			if err := svc.AddUserToGroup(ctx, root, "Admins", "ghost", iam.Meta{}); iam.KindOf(err) != iam.NotFound {
				t.Fatalf("unknown user: %v", err)
			}
			// Quota: 10 groups per user.
			for i := range 9 {
				name := fmt.Sprintf("g%02d", i)
				if _, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: name}, iam.Meta{}); err != nil {
					t.Fatal(err)
				}
				if err := svc.AddUserToGroup(ctx, root, name, "erin", iam.Meta{}); err != nil {
					t.Fatalf("group %d: %v", i+2, err)
				}
			}
			svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "eleventh"}, iam.Meta{})
			err = svc.AddUserToGroup(ctx, root, "eleventh", "erin", iam.Meta{})
			if e := wantKind(t, err, iam.LimitExceeded, "11th group"); e.Message != "Cannot exceed quota for GroupsPerUser: 10" {
				t.Fatal(e.Message)
			}
			// Re-adding to a group it is in stays fine at the quota.
			if err := svc.AddUserToGroup(ctx, root, "g00", "erin", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			gs, next, err := svc.ListGroupsForUser(ctx, root, iam.ListGroupsForUserInput{UserName: "erin", MaxItems: 6}, iam.Meta{})
			if err != nil || len(gs) != 6 || next == "" || gs[0].GroupName != "Admins" {
				t.Fatalf("groups for user: %v %q %v", gs, next, err)
			}
			// Members paginate.
			for _, n := range []string{"u1", "u2", "u3"} {
				mustCreateUser(t, svc, root, n)
				svc.AddUserToGroup(ctx, root, "Admins", n, iam.Meta{})
			}
			_, us, next, err := svc.GetGroup(ctx, root, iam.GetGroupInput{GroupName: "Admins", MaxItems: 3}, iam.Meta{})
			if err != nil || len(us) != 3 || next == "" {
				t.Fatalf("page 1: %v %q %v", us, next, err)
			}
			_, us, next, _ = svc.GetGroup(ctx, root, iam.GetGroupInput{GroupName: "Admins", MaxItems: 3, Marker: next}, iam.Meta{})
			if len(us) != 1 || next != "" {
				t.Fatalf("page 2: %v %q", us, next)
			}
			// Rename: members follow.
			if _, err := svc.UpdateGroup(ctx, root, iam.UpdateGroupInput{GroupName: "Admins", NewGroupName: "g00"}, iam.Meta{}); iam.KindOf(err) != iam.AlreadyExists {
				t.Fatalf("rename onto existing: %v", err)
			}
			ng, err := svc.UpdateGroup(ctx, root, iam.UpdateGroupInput{GroupName: "Admins", NewGroupName: "Operators", NewPath: "/"}, iam.Meta{})
			if err != nil || ng.Arn != "arn:aws:iam::"+acct+":group/Operators" {
				t.Fatalf("rename: %+v %v", ng, err)
			}
			_, us, _, _ = svc.GetGroup(ctx, root, iam.GetGroupInput{GroupName: "operators"}, iam.Meta{})
			if len(us) != 4 {
				t.Fatalf("members after rename: %d", len(us))
			}
			// DeleteGroup refuses while it has members, policies.
			err = svc.DeleteGroup(ctx, root, "Operators", iam.Meta{})
			if e := wantKind(t, err, iam.Conflict, "members"); e.Message != "Cannot delete entity, must remove users from group first." {
				t.Fatal(e.Message)
			}
			for _, n := range []string{"erin", "u1", "u2", "u3"} {
				if err := svc.RemoveUserFromGroup(ctx, root, "Operators", n, iam.Meta{}); err != nil {
					t.Fatal(err)
				}
			}
			if err := svc.RemoveUserFromGroup(ctx, root, "Operators", "erin", iam.Meta{}); iam.KindOf(err) != iam.NotFound {
				t.Fatalf("remove a non-member: %v", err)
			}
			store.AttachPolicy(ctx, acct, models.EntityGroup, ng.GroupId, "arn:aws:iam::aws:policy/ReadOnlyAccess", time.Time{})
			err = svc.DeleteGroup(ctx, root, "Operators", iam.Meta{})
			if e := wantKind(t, err, iam.Conflict, "attached"); e.Message != "Cannot delete entity, must detach all policies first." {
				t.Fatal(e.Message)
			}
			store.DetachPolicy(ctx, acct, models.EntityGroup, ng.GroupId, "arn:aws:iam::aws:policy/ReadOnlyAccess")
			putInline(t, store, acct, models.EntityGroup, ng.GroupId, "p", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
			err = svc.DeleteGroup(ctx, root, "Operators", iam.Meta{})
			if e := wantKind(t, err, iam.Conflict, "inline"); e.Message != "Cannot delete entity, must delete policies first." {
				t.Fatal(e.Message)
			}
			store.DeleteInlinePolicy(ctx, acct, models.EntityGroup, ng.GroupId, "p")
			if err := svc.DeleteGroup(ctx, root, "Operators", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			list, _, err := svc.ListGroups(ctx, root, iam.ListInput{NameContains: "OPER"}, iam.Meta{})
			if err != nil || len(list) != 0 {
				t.Fatalf("deleted group listed: %v %v", list, err)
			}
		})
	}
}

const selfServiceKeys = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "ManageOwnAccessKeys",
    "Effect": "Allow",
    "Action": ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:GetAccessKeyLastUsed", "iam:GetUser",
               "iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:TagUser"],
    "Resource": "arn:aws:iam::*:user/${aws:username}"
  }]
}`

func TestAuthorizationOfUserOperations(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			acct := root.AccountID
			mustCreateUser(t, svc, root, "bob")

			// A read-only user lists and reads, and may not create: refused and audited.
			reader := signedInUser(t, svc, store, root, "reader", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
			if _, _, err := svc.ListUsers(ctx, reader, iam.ListInput{}, iam.Meta{}); err != nil {
				t.Fatalf("reader lists: %v", err)
			}
			if _, err := svc.GetUser(ctx, reader, "bob", iam.Meta{}); err != nil {
				t.Fatalf("reader gets: %v", err)
			}
			if _, err := svc.GetUser(ctx, reader, "", iam.Meta{}); err != nil {
				t.Fatalf("reader gets itself: %v", err)
			}
			_, err := svc.CreateUser(ctx, reader, iam.CreateUserInput{UserName: "mallory"}, iam.Meta{})
			if e := wantKind(t, err, iam.AccessDenied, "reader creates"); e.Action != "iam:CreateUser" || e.Resource != "arn:aws:iam::"+acct+":user/mallory" {
				t.Fatalf("denied %s on %s", e.Action, e.Resource)
			}
			evs, _ := store.ListAudit(ctx, acct, models.AuditFilter{EventName: "CreateUser", Result: models.ResultFailure, PrincipalARN: reader.ARN})
			if len(evs) != 1 || evs[0].ErrorCode != "AccessDenied" {
				t.Fatalf("refusal audited: %+v", evs)
			}
			// Probing a user that does not exist tells a caller without the right nothing.
			if _, err := svc.CreateAccessKey(ctx, reader, "ghost", iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
				t.Fatalf("probe: %v", err)
			}

			// Allowed only iam:CreateUser: no keys for others, no joining groups.
			creator := signedInUser(t, svc, store, root, "creator")
			cu, _ := store.User(ctx, acct, "creator")
			putInline(t, store, acct, models.EntityUser, cu.UserID, "create-only",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*"}]}`)
			if _, err := svc.CreateUser(ctx, creator, iam.CreateUserInput{UserName: "made"}, iam.Meta{}); err != nil {
				t.Fatalf("creator creates: %v", err)
			}
			if _, err := svc.CreateAccessKey(ctx, creator, "bob", iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
				t.Fatalf("creator makes bob's key: %v", err)
			}
			svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "admins"}, iam.Meta{})
			store.AttachPolicy(ctx, acct, models.EntityGroup, mustGroupID(t, store, acct, "admins"), "arn:aws:iam::aws:policy/AdministratorAccess", time.Time{})
			if err := svc.AddUserToGroup(ctx, creator, "admins", "creator", iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
				t.Fatalf("creator joins admins: %v", err)
			}
			if _, err := svc.CreateUser(ctx, creator, iam.CreateUserInput{UserName: "tagged", Tags: []iam.Tag{{Key: "a", Value: "b"}}}, iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
				t.Fatalf("tags without iam:TagUser: %v", err)
			}

			// An explicit Deny in an inline policy beats the group's Allow.
			ops := signedInUser(t, svc, store, root, "ops")
			if err := svc.AddUserToGroup(ctx, root, "admins", "ops", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			ou, _ := store.User(ctx, acct, "ops")
			putInline(t, store, acct, models.EntityUser, ou.UserID, "no-delete",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}`)
			if _, err := svc.CreateGroup(ctx, ops, iam.CreateGroupInput{GroupName: "made-by-ops"}, iam.Meta{}); err != nil {
				t.Fatalf("group's allow: %v", err)
			}
			if err := svc.DeleteUser(ctx, ops, "made", iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
				t.Fatalf("deny beats allow: %v", err)
			}

			// A permissions boundary limits an administrator.
			bounded := signedInUser(t, svc, store, root, "bounded", "arn:aws:iam::aws:policy/AdministratorAccess")
			bu, _ := store.User(ctx, acct, "bounded")
			store.SetUserPermissionsBoundary(ctx, acct, bu.UserID, "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
			if _, _, err := svc.ListUsers(ctx, bounded, iam.ListInput{}, iam.Meta{}); err != nil {
				t.Fatalf("bounded lists: %v", err)
			}
			if _, err := svc.CreateUser(ctx, bounded, iam.CreateUserInput{UserName: "x"}, iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
				t.Fatalf("boundary: %v", err)
			}

			// ${aws:username}: alice manages her own keys, not bob's.
			alice := signedInUser(t, svc, store, root, "alice")
			au, _ := store.User(ctx, acct, "alice")
			putInline(t, store, acct, models.EntityUser, au.UserID, "own-keys", selfServiceKeys)
			k, err := svc.CreateAccessKey(ctx, alice, "", iam.Meta{})
			if err != nil || k.UserName != "alice" {
				t.Fatalf("alice's own key: %+v %v", k, err)
			}
			if _, err := svc.CreateAccessKey(ctx, alice, "alice", iam.Meta{}); err != nil {
				t.Fatalf("alice's own key by name: %v", err)
			}
			if ks, err := svc.ListAccessKeys(ctx, alice, "", iam.Meta{}); err != nil || len(ks) != 2 {
				t.Fatalf("alice lists: %v %v", ks, err)
			}
			if err := svc.UpdateAccessKey(ctx, alice, iam.UpdateAccessKeyInput{AccessKeyId: k.AccessKeyId, Status: "Inactive"}, iam.Meta{}); err != nil {
				t.Fatalf("alice deactivates: %v", err)
			}
			for name, err := range map[string]error{
				"create": func() error { _, err := svc.CreateAccessKey(ctx, alice, "bob", iam.Meta{}); return err }(),
				"list":   func() error { _, err := svc.ListAccessKeys(ctx, alice, "bob", iam.Meta{}); return err }(),
				"delete": svc.DeleteAccessKey(ctx, alice, "bob", "AKIAAAAAAAAAAAAAAAAA", iam.Meta{}),
			} {
				if iam.KindOf(err) != iam.AccessDenied {
					t.Errorf("alice %s bob's keys: %v", name, err)
				}
			}
			bk, _ := svc.CreateAccessKey(ctx, root, "bob", iam.Meta{})
			if _, _, err := svc.GetAccessKeyLastUsed(ctx, alice, bk.AccessKeyId, iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
				t.Fatalf("alice reads bob's key use: %v", err)
			}
			// Deleting bob's key by naming her own user does not reach it.
			if err := svc.DeleteAccessKey(ctx, alice, "", bk.AccessKeyId, iam.Meta{}); iam.KindOf(err) != iam.NotFound {
				t.Fatalf("alice deletes bob's key as hers: %v", err)
			}
			if err := svc.DeleteAccessKey(ctx, alice, "", k.AccessKeyId, iam.Meta{}); err != nil {
				t.Fatalf("alice deletes her key: %v", err)
			}
		})
	}
}

func mustGroupID(t *testing.T, store *models.Store, acct, name string) string {
	t.Helper()
	g, err := store.Group(context.Background(), acct, name)
	if err != nil {
		t.Fatal(err)
	}
	return g.GroupID
}

// TestUserGroupPolicies checks the user page's view of a user's groups:
// every group's managed and inline policies, and nothing of a group whose
// lists the caller may not read.
func TestUserGroupPolicies(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			acct := root.AccountID
			mustCreateUser(t, svc, root, "dana")
			for _, g := range []string{"ops", "audit", "empty"} {
				if _, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: g}, iam.Meta{}); err != nil {
					t.Fatal(err)
				}
				if err := svc.AddUserToGroup(ctx, root, g, "dana", iam.Meta{}); err != nil {
					t.Fatal(err)
				}
			}
			ops, audit := mustGroupID(t, store, acct, "ops"), mustGroupID(t, store, acct, "audit")
			store.AttachPolicy(ctx, acct, models.EntityGroup, ops, "arn:aws:iam::aws:policy/PowerUserAccess", time.Time{})
			store.AttachPolicy(ctx, acct, models.EntityGroup, ops, "arn:aws:iam::aws:policy/IAMReadOnlyAccess", time.Time{})
			store.AttachPolicy(ctx, acct, models.EntityGroup, audit, "arn:aws:iam::aws:policy/ReadOnlyAccess", time.Time{})
			putInline(t, store, acct, models.EntityGroup, ops, "zeta", `{"Version":"2012-10-17","Statement":[]}`)
			putInline(t, store, acct, models.EntityGroup, ops, "Alpha", `{"Version":"2012-10-17","Statement":[]}`)

			type view struct {
				group    string
				attached []string
				inline   []string
			}
			flatten := func(gps []iam.GroupPolicies) []view {
				var out []view
				for _, g := range gps {
					v := view{group: g.Group.GroupName, inline: g.Inline}
					for _, a := range g.Attached {
						v.attached = append(v.attached, a.PolicyName)
					}
					out = append(out, v)
				}
				return out
			}
			got, err := svc.UserGroupPolicies(ctx, root, "dana", iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			want := []view{{"audit", []string{"ReadOnlyAccess"}, nil}, {"empty", nil, nil},
				{"ops", []string{"IAMReadOnlyAccess", "PowerUserAccess"}, []string{"Alpha", "zeta"}}}
			if fmt.Sprint(flatten(got)) != fmt.Sprint(want) {
				t.Fatalf("root sees %v, want %v", flatten(got), want)
			}

			// A reader allowed to list groups, and the policies of ops only.
			reader := signedInUser(t, svc, store, root, "reader")
			ru, _ := store.User(ctx, acct, "reader")
			putInline(t, store, acct, models.EntityUser, ru.UserID, "some",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListGroupsForUser","Resource":"*"},
				{"Effect":"Allow","Action":["iam:ListAttachedGroupPolicies","iam:ListGroupPolicies"],"Resource":"arn:aws:iam::`+acct+`:group/ops"}]}`)
			got, err = svc.UserGroupPolicies(ctx, reader, "dana", iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if g := got[0]; g.Group.GroupName != "audit" || g.Attached != nil || g.Inline != nil {
				t.Fatalf("audit's policies shown to a reader who may not list them: %+v", g)
			}
			if g := got[2]; len(g.Attached) != 2 || len(g.Inline) != 2 {
				t.Fatalf("ops's policies: %+v", g)
			}
			// Without iam:ListGroupsForUser, nothing.
			other := signedInUser(t, svc, store, root, "other")
			if _, err := svc.UserGroupPolicies(ctx, other, "dana", iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
				t.Fatalf("no right: %v", err)
			}
		})
	}
}

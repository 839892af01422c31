package iam_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

func TestAttachmentQuotaAndIdempotence(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			acct := root.AccountID
			u := mustCreateUser(t, svc, root, "alice")
			var arns []string
			for i := range 11 {
				arns = append(arns, mustCreatePolicy(t, svc, root, fmt.Sprintf("p%02d", i), s3Read).Arn)
			}
			for _, arn := range arns[:10] {
				if err := svc.AttachPolicy(ctx, root, iam.UserNamed("alice"), arn, iam.Meta{}); err != nil {
					t.Fatal(err)
				}
			}
			// Attaching again succeeds and changes nothing.
			if err := svc.AttachPolicy(ctx, root, iam.UserNamed("ALICE"), arns[0], iam.Meta{}); err != nil {
				t.Fatalf("attach again: %v", err)
			}
			e := wantKind(t, svc.AttachPolicy(ctx, root, iam.UserNamed("alice"), arns[10], iam.Meta{}), iam.LimitExceeded, "eleventh policy")
			if e.Message != "Cannot exceed quota for PoliciesPerUser: 10" {
				t.Errorf("message %q", e.Message)
			}
			if n, _ := store.CountAttachedPolicies(ctx, acct, models.EntityUser, u.UserId); n != 10 {
				t.Fatalf("%d attached", n)
			}
			missing := "arn:aws:iam::" + acct + ":policy/nope"
			e = wantKind(t, svc.AttachPolicy(ctx, root, iam.UserNamed("alice"), missing, iam.Meta{}), iam.NotFound, "attach missing")
			if e.Message != "Policy "+missing+" does not exist or is not attachable." {
				t.Errorf("message %q", e.Message)
			}
			wantKind(t, svc.AttachPolicy(ctx, root, iam.UserNamed("alice"), "not-an-arn", iam.Meta{}), iam.Invalid, "attach bad ARN")
			wantKind(t, svc.AttachPolicy(ctx, root, iam.UserNamed("bob"), arns[0], iam.Meta{}), iam.NotFound, "attach to missing user")
			e = wantKind(t, svc.DetachPolicy(ctx, root, iam.UserNamed("alice"), arns[10], iam.Meta{}), iam.NotFound, "detach unattached")
			if e.Message != "Policy "+arns[10]+" was not found." {
				t.Errorf("message %q", e.Message)
			}

			ps, next, err := svc.ListAttachedPolicies(ctx, root, iam.UserNamed("alice"), iam.ListAttachedPoliciesInput{MaxItems: 6}, iam.Meta{})
			if err != nil || len(ps) != 6 || next == "" || ps[0].PolicyName != "p00" {
				t.Fatalf("page 1: %v %+v %q", err, ps, next)
			}
			ps, next, _ = svc.ListAttachedPolicies(ctx, root, iam.UserNamed("alice"), iam.ListAttachedPoliciesInput{Marker: next}, iam.Meta{})
			if len(ps) != 4 || next != "" || ps[3].PolicyName != "p09" {
				t.Fatalf("page 2: %+v %q", ps, next)
			}

			// Groups and roles have the same quota, named for them.
			g, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "devs"}, iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			r := mustCreateRole(t, svc, root, "app")
			for _, arn := range arns[:10] {
				if err := svc.AttachPolicy(ctx, root, iam.GroupNamed("devs"), arn, iam.Meta{}); err != nil {
					t.Fatal(err)
				}
				if err := svc.AttachPolicy(ctx, root, iam.RoleNamed("app"), arn, iam.Meta{}); err != nil {
					t.Fatal(err)
				}
			}
			e = wantKind(t, svc.AttachPolicy(ctx, root, iam.RoleNamed("app"), arns[10], iam.Meta{}), iam.LimitExceeded, "role quota")
			if e.Message != "Cannot exceed quota for PoliciesPerRole: 10" {
				t.Errorf("message %q", e.Message)
			}
			wantKind(t, svc.AttachPolicy(ctx, root, iam.GroupNamed("devs"), arns[10], iam.Meta{}), iam.LimitExceeded, "group quota")

			ents, _, err := svc.ListEntitiesForPolicy(ctx, root, iam.ListEntitiesForPolicyInput{PolicyArn: arns[3]}, iam.Meta{})
			if err != nil || len(ents.PolicyUsers) != 1 || ents.PolicyUsers[0].UserId != u.UserId ||
				len(ents.PolicyGroups) != 1 || ents.PolicyGroups[0].GroupName != g.GroupName ||
				len(ents.PolicyRoles) != 1 || ents.PolicyRoles[0].RoleId != r.RoleId {
				t.Fatalf("entities: %v %+v", err, ents)
			}
			ents, _, _ = svc.ListEntitiesForPolicy(ctx, root, iam.ListEntitiesForPolicyInput{PolicyArn: arns[3], EntityFilter: "Role"}, iam.Meta{})
			if len(ents.PolicyUsers)+len(ents.PolicyGroups) != 0 || len(ents.PolicyRoles) != 1 {
				t.Fatalf("roles only: %+v", ents)
			}
			if got, _ := svc.GetPolicy(ctx, root, arns[3], iam.Meta{}); got.AttachmentCount != 3 {
				t.Fatalf("attachment count %d", got.AttachmentCount)
			}
			evs, _ := store.ListAudit(ctx, acct, models.AuditFilter{EventName: "AttachUserPolicy", Result: models.ResultSuccess})
			if len(evs) != 11 || !strings.Contains(evs[0].RequestParameters, "policyArn") {
				t.Fatalf("%d attach events", len(evs))
			}
		})
	}
}

func TestPermissionsBoundaries(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, _, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			mustCreateUser(t, svc, root, "alice")
			mustCreateRole(t, svc, root, "app")
			own := mustCreatePolicy(t, svc, root, "Boundary", s3Read).Arn
			if err := svc.PutPermissionsBoundary(ctx, root, iam.RoleNamed("app"), own, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if r, _ := svc.GetRole(ctx, root, "app", iam.Meta{}); r.PermissionsBoundary == nil || r.PermissionsBoundary.PermissionsBoundaryArn != own {
				t.Fatalf("role boundary %+v", r.PermissionsBoundary)
			}
			if err := svc.PutPermissionsBoundary(ctx, root, iam.UserNamed("alice"), "arn:aws:iam::aws:policy/ReadOnlyAccess", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if u, _ := svc.GetUser(ctx, root, "alice", iam.Meta{}); u.PermissionsBoundary == nil {
				t.Fatal("user boundary not set")
			}
			missing := "arn:aws:iam::" + root.AccountID + ":policy/nope"
			wantKind(t, svc.PutPermissionsBoundary(ctx, root, iam.UserNamed("alice"), missing, iam.Meta{}), iam.NotFound, "missing boundary")
			wantKind(t, svc.PutPermissionsBoundary(ctx, root, iam.UserNamed("alice"), "arn:aws:s3:::bucket", iam.Meta{}), iam.Invalid, "not a policy")
			wantKind(t, svc.PutPermissionsBoundary(ctx, root, iam.RoleNamed("ghost"), own, iam.Meta{}), iam.NotFound, "missing role")
			if err := svc.DeletePermissionsBoundary(ctx, root, iam.RoleNamed("app"), iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if err := svc.DeletePermissionsBoundary(ctx, root, iam.UserNamed("alice"), iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if r, _ := svc.GetRole(ctx, root, "app", iam.Meta{}); r.PermissionsBoundary != nil {
				t.Fatal("role boundary kept")
			}
			if err := svc.DeletePolicy(ctx, root, own, iam.Meta{}); err != nil {
				t.Fatalf("delete former boundary: %v", err)
			}
		})
	}
}

func TestTagsOnRolesUsersAndPolicies(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, _, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			mustCreateUser(t, svc, root, "alice")
			mustCreateRole(t, svc, root, "app")
			arn := mustCreatePolicy(t, svc, root, "Pol", s3Read).Arn
			type ops struct {
				name  string
				tag   func([]iam.Tag) error
				untag func([]string) error
				list  func() ([]iam.Tag, error)
			}
			list := func(e iam.Entity) func() ([]iam.Tag, error) {
				return func() ([]iam.Tag, error) {
					tags, _, err := svc.ListTags(ctx, root, e, iam.Page{}, iam.Meta{})
					return tags, err
				}
			}
			for _, o := range []ops{
				{"user", func(t []iam.Tag) error { return svc.Tag(ctx, root, iam.UserNamed("alice"), t, iam.Meta{}) },
					func(k []string) error { return svc.Untag(ctx, root, iam.UserNamed("alice"), k, iam.Meta{}) }, list(iam.UserNamed("alice"))},
				{"role", func(t []iam.Tag) error { return svc.Tag(ctx, root, iam.RoleNamed("app"), t, iam.Meta{}) },
					func(k []string) error { return svc.Untag(ctx, root, iam.RoleNamed("app"), k, iam.Meta{}) }, list(iam.RoleNamed("app"))},
				{"policy", func(t []iam.Tag) error { return svc.Tag(ctx, root, iam.PolicyWithARN(arn), t, iam.Meta{}) },
					func(k []string) error { return svc.Untag(ctx, root, iam.PolicyWithARN(arn), k, iam.Meta{}) }, list(iam.PolicyWithARN(arn))},
			} {
				if err := o.tag([]iam.Tag{{Key: "Team", Value: "a"}, {Key: "env", Value: "prod"}}); err != nil {
					t.Fatalf("%s: %v", o.name, err)
				}
				// Keys compare whatever their case: the value (and case) is replaced.
				if err := o.tag([]iam.Tag{{Key: "team", Value: "b"}}); err != nil {
					t.Fatal(err)
				}
				tags, err := o.list()
				if err != nil || len(tags) != 2 || tags[0].Key != "env" || tags[1].Key != "team" || tags[1].Value != "b" {
					t.Fatalf("%s tags: %v %+v", o.name, err, tags)
				}
				wantKind(t, o.tag([]iam.Tag{{Key: "aws:reserved", Value: "x"}}), iam.Invalid, o.name+" reserved key")
				var many []iam.Tag
				for i := range 49 {
					many = append(many, iam.Tag{Key: fmt.Sprintf("k%d", i), Value: "v"})
				}
				wantKind(t, o.tag(many), iam.LimitExceeded, o.name+" 51 tags")
				if err := o.untag([]string{"TEAM", "absent"}); err != nil {
					t.Fatal(err)
				}
				if tags, _ := o.list(); len(tags) != 1 || tags[0].Key != "env" {
					t.Fatalf("%s after untag: %+v", o.name, tags)
				}
				wantKind(t, o.untag(nil), iam.Invalid, o.name+" untag nothing")
			}
			if tags, _, err := svc.ListTags(ctx, root, iam.PolicyWithARN("arn:aws:iam::aws:policy/ReadOnlyAccess"), iam.Page{}, iam.Meta{}); err != nil || len(tags) != 0 {
				t.Fatalf("built-in tags: %v %+v", err, tags)
			}
		})
	}
}

// TestAuditFailureRollsBackPolicyChanges: when the audit event cannot be
// written, nothing of the change stays (role, tags, policy, versions,
// attachments, inline policies).
func TestAuditFailureRollsBackPolicyChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "console.db")
	svc, store, _ := newService(t, "sqlite:"+path)
	ctx := context.Background()
	root := rootOf(mustSetup(t, svc))
	acct := root.AccountID
	mustCreateUser(t, svc, root, "alice")
	arn := mustCreatePolicy(t, svc, root, "Keep", s3Read).Arn

	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TRIGGER audit_broken BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
		t.Fatal(err)
	}
	_, err = svc.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: ec2Trust, Tags: []iam.Tag{{Key: "k", Value: "v"}}}, iam.Meta{})
	wantKind(t, err, iam.Internal, "create role")
	_, err = svc.CreatePolicy(ctx, root, iam.CreatePolicyInput{PolicyName: "Gone", PolicyDocument: s3Read}, iam.Meta{})
	wantKind(t, err, iam.Internal, "create policy")
	_, err = svc.CreatePolicyVersion(ctx, root, iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: s3Read, SetAsDefault: true}, iam.Meta{})
	wantKind(t, err, iam.Internal, "create version")
	wantKind(t, svc.AttachPolicy(ctx, root, iam.UserNamed("alice"), arn, iam.Meta{}), iam.Internal, "attach")
	_, err = svc.PutInlinePolicy(ctx, root, iam.UserNamed("alice"), "x", s3Read, iam.Meta{})
	wantKind(t, err, iam.Internal, "put inline")

	if n, _ := store.CountRoles(ctx, acct); n != 0 {
		t.Error("role kept")
	}
	var tags int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM tags`).Scan(&tags); err != nil || tags != 0 {
		t.Errorf("%d tags kept (%v)", tags, err)
	}
	if n, _ := store.CountPolicies(ctx, acct); n != 1 {
		t.Errorf("%d policies", n)
	}
	p, _ := store.PolicyByARN(ctx, acct, arn)
	if n, _ := store.CountPolicyVersions(ctx, acct, p.PolicyID); n != 1 || p.DefaultVersionID != "v1" || p.NextVersion != 2 {
		t.Errorf("%d versions, default %s, next %d", n, p.DefaultVersionID, p.NextVersion)
	}
	if n, _ := store.CountPolicyAttachments(ctx, acct, arn); n != 0 {
		t.Error("attachment kept")
	}
	u, _ := store.User(ctx, acct, "alice")
	if n, _ := store.CountInlinePolicies(ctx, acct, models.EntityUser, u.UserID); n != 0 {
		t.Error("inline policy kept")
	}
}

package iam_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// sizedPolicy is a valid identity policy of exactly n characters not
// counting whitespace (n ≥ 100).
func sizedPolicy(t *testing.T, n int) string {
	t.Helper()
	head := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::`
	tail := `"}]}`
	doc := head + strings.Repeat("x", n-len(head)-len(tail)) + tail
	if models.DocumentSize(doc) != n {
		t.Fatalf("sized policy is %d", models.DocumentSize(doc))
	}
	return doc
}

func TestInlinePolicyAggregateSize(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, _, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			mustCreateUser(t, svc, root, "alice")
			if _, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "devs"}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			mustCreateRole(t, svc, root, "app")
			cases := []struct {
				kind  string
				name  string
				limit int
				typ   iam.EntityType
			}{
				{"user", "alice", 2048, iam.UserType},
				{"group", "devs", 5120, iam.GroupType},
				{"role", "app", 10240, iam.RoleType},
			}
			for _, c := range cases {
				put := func(policyName, doc string) error {
					_, err := svc.PutInlinePolicy(ctx, root, iam.Entity{Type: c.typ, Name: c.name}, policyName, doc, iam.Meta{})
					return err
				}
				first := c.limit - 500
				if err := put("one", sizedPolicy(t, first)); err != nil {
					t.Fatalf("%s first: %v", c.kind, err)
				}
				// 500 more fit exactly; 501 do not.
				err := put("two", sizedPolicy(t, 501))
				e := wantKind(t, err, iam.LimitExceeded, c.kind+" over the aggregate")
				if want := "Maximum policy size of " + strconv.Itoa(c.limit) + " bytes exceeded for " + c.kind + " " + c.name; e.Message != want {
					t.Errorf("message %q, want %q", e.Message, want)
				}
				if err := put("two", sizedPolicy(t, 500)); err != nil {
					t.Fatalf("%s at the limit: %v", c.kind, err)
				}
				// Replacing a policy counts its new size, not both (name in any case).
				if err := put("ONE", sizedPolicy(t, first)); err != nil {
					t.Fatalf("%s replace: %v", c.kind, err)
				}
				// One document alone over the quota.
				err = put("big", sizedPolicy(t, c.limit+1))
				wantKind(t, err, iam.LimitExceeded, c.kind+" one document over")
			}
		})
	}
}

func TestInlinePolicyOperations(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			mustCreateRole(t, svc, root, "app")
			for _, n := range []string{"Zeta", "alpha", "Mid"} {
				if _, err := svc.PutInlinePolicy(ctx, root, iam.RoleNamed("app"), n, s3Read, iam.Meta{}); err != nil {
					t.Fatal(err)
				}
			}
			names, next, err := svc.ListInlinePolicies(ctx, root, iam.RoleNamed("app"), iam.Page{MaxItems: 2}, iam.Meta{})
			if err != nil || strings.Join(names, ",") != "alpha,Mid" || next == "" {
				t.Fatalf("page 1: %v %v %q", err, names, next)
			}
			names, next, _ = svc.ListInlinePolicies(ctx, root, iam.RoleNamed("app"), iam.Page{Marker: next}, iam.Meta{})
			if strings.Join(names, ",") != "Zeta" || next != "" {
				t.Fatalf("page 2: %v %q", names, next)
			}
			p, err := svc.GetInlinePolicy(ctx, root, iam.RoleNamed("APP"), "mid", iam.Meta{})
			if err != nil || p.PolicyName != "Mid" || p.EntityName != "app" || p.PolicyDocument != s3Read {
				t.Fatalf("get: %v %+v", err, p)
			}
			_, err = svc.GetInlinePolicy(ctx, root, iam.RoleNamed("app"), "nope", iam.Meta{})
			if e := wantKind(t, err, iam.NotFound, "get missing"); e.Message != "The role policy with name nope cannot be found." {
				t.Errorf("message %q", e.Message)
			}
			_, err = svc.PutInlinePolicy(ctx, root, iam.RoleNamed("app"), "bad name", s3Read, iam.Meta{})
			wantKind(t, err, iam.Invalid, "bad policy name")
			_, err = svc.PutInlinePolicy(ctx, root, iam.RoleNamed("app"), "trust", ec2Trust, iam.Meta{})
			wantKind(t, err, iam.Malformed, "trust policy as inline")
			_, err = svc.PutInlinePolicy(ctx, root, iam.UserNamed("ghost"), "p", s3Read, iam.Meta{})
			if e := wantKind(t, err, iam.NotFound, "missing user"); e.Message != "The user with name ghost cannot be found." {
				t.Errorf("message %q", e.Message)
			}
			if err := svc.DeleteInlinePolicy(ctx, root, iam.RoleNamed("app"), "ZETA", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			wantKind(t, svc.DeleteInlinePolicy(ctx, root, iam.RoleNamed("app"), "Zeta", iam.Meta{}), iam.NotFound, "delete twice")
			evs, _ := store.ListAudit(ctx, root.AccountID, models.AuditFilter{EventName: "PutRolePolicy", Result: models.ResultSuccess})
			if len(evs) != 3 {
				t.Fatalf("%d PutRolePolicy events", len(evs))
			}
			// The policies govern the role's sessions: the engine sees them.
			mustCreateUser(t, svc, root, "alice")
			if _, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed("alice"), "p", s3Read, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			res, err := svc.SimulatePrincipal(ctx, root, iam.PrincipalSimulation{PolicySourceArn: "arn:aws:iam::" + root.AccountID + ":user/alice",
				Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/k"}}, iam.Meta{})
			if err != nil || res[0].Decision != "allowed" {
				t.Fatalf("simulate: %v %+v", err, res)
			}
		})
	}
}

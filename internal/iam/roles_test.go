package iam_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
	"github.com/iamconsole/console/internal/policy"
)

const (
	ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	s3Read   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
)

// rootService is a service after setup with its root user as the caller.
func rootService(t *testing.T, dsn string) (*iam.Service, *models.Store, *iam.Principal) {
	t.Helper()
	svc, store, _ := newService(t, dsn)
	return svc, store, rootOf(mustSetup(t, svc))
}

func mustCreateRole(t *testing.T, svc *iam.Service, root *iam.Principal, name string) *iam.Role {
	t.Helper()
	r, err := svc.CreateRole(context.Background(), root, iam.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: ec2Trust}, iam.Meta{})
	if err != nil {
		t.Fatalf("create role %s: %v", name, err)
	}
	return r
}

func TestCreateRoleValidation(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			cases := []struct {
				name string
				in   iam.CreateRoleInput
				kind iam.Kind
				msg  string
			}{
				{"bad name", iam.CreateRoleInput{RoleName: "no/slash", AssumeRolePolicyDocument: ec2Trust}, iam.Invalid, "role name"},
				{"name too long", iam.CreateRoleInput{RoleName: strings.Repeat("r", 65), AssumeRolePolicyDocument: ec2Trust}, iam.Invalid, "1 to 64"},
				{"bad path", iam.CreateRoleInput{RoleName: "r", Path: "nope", AssumeRolePolicyDocument: ec2Trust}, iam.Invalid, "path"},
				{"no trust policy", iam.CreateRoleInput{RoleName: "r"}, iam.Invalid, "AssumeRolePolicyDocument"},
				{"identity policy as trust", iam.CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: s3Read}, iam.Malformed, "line 1, column"},
				{"session too short", iam.CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: ec2Trust, MaxSessionDuration: 3599}, iam.Invalid, "greater than or equal to 3600"},
				{"session too long", iam.CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: ec2Trust, MaxSessionDuration: 43201}, iam.Invalid, "less than or equal to 43200"},
				{"description too long", iam.CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: ec2Trust, Description: strings.Repeat("d", 1001)}, iam.Invalid, "1000"},
				{"boundary missing", iam.CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: ec2Trust, PermissionsBoundary: "arn:aws:iam::" + root.AccountID + ":policy/nope"}, iam.NotFound, "does not exist or is not attachable"},
				{"bad tag", iam.CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: ec2Trust, Tags: []iam.Tag{{Key: "aws:x", Value: "1"}}}, iam.Invalid, "aws:"},
				{"trust too large", iam.CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: bigTrust(2100)}, iam.LimitExceeded, "ACLSizePerRole: 2048"},
			}
			for _, c := range cases {
				_, err := svc.CreateRole(ctx, root, c.in, iam.Meta{})
				e := wantKind(t, err, c.kind, c.name)
				if !strings.Contains(e.Message, c.msg) {
					t.Errorf("%s: message %q does not mention %q", c.name, e.Message, c.msg)
				}
			}
			if n, _ := store.CountRoles(ctx, root.AccountID); n != 0 {
				t.Fatalf("%d roles after refused creates", n)
			}
			for _, d := range []int{3600, 43200} {
				r, err := svc.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: "r" + strings.Repeat("x", d/3600), AssumeRolePolicyDocument: ec2Trust, MaxSessionDuration: d}, iam.Meta{})
				if err != nil || r.MaxSessionDuration != d {
					t.Fatalf("MaxSessionDuration %d: %v %+v", d, err, r)
				}
			}
		})
	}
}

// bigTrust is a valid trust policy of at least n characters.
func bigTrust(n int) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("A", n) + `","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
}

func TestRoleLifecycle(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			acct := root.AccountID
			r, err := svc.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: "Deployer", Path: "/ci/", AssumeRolePolicyDocument: ec2Trust,
				Description: "deploys", Tags: []iam.Tag{{Key: "team", Value: "infra"}},
				PermissionsBoundary: "arn:aws:iam::aws:policy/PowerUserAccess"}, iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(r.RoleId, "AROA") || r.Arn != "arn:aws:iam::"+acct+":role/ci/Deployer" || r.MaxSessionDuration != 3600 ||
				r.PermissionsBoundary == nil || r.PermissionsBoundary.PermissionsBoundaryArn != "arn:aws:iam::aws:policy/PowerUserAccess" {
				t.Fatalf("created %+v", r)
			}
			// Names are unique whatever their case.
			_, err = svc.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: "deployer", AssumeRolePolicyDocument: ec2Trust}, iam.Meta{})
			if e := wantKind(t, err, iam.AlreadyExists, "duplicate"); e.Message != "Role with name deployer already exists." {
				t.Errorf("message %q", e.Message)
			}
			got, err := svc.GetRole(ctx, root, "DEPLOYER", iam.Meta{})
			if err != nil || got.RoleName != "Deployer" || len(got.Tags) != 1 || got.Description != "deploys" || got.RoleLastUsed == nil {
				t.Fatalf("get: %v %+v", err, got)
			}
			_, err = svc.GetRole(ctx, root, "ghost", iam.Meta{})
			if e := wantKind(t, err, iam.NotFound, "get ghost"); e.Message != "The role with name ghost cannot be found." {
				t.Errorf("message %q", e.Message)
			}

			desc := "builds and deploys"
			if err := svc.UpdateRole(ctx, root, iam.UpdateRoleInput{RoleName: "Deployer", Description: &desc, MaxSessionDuration: 7200}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			wantKind(t, svc.UpdateRole(ctx, root, iam.UpdateRoleInput{RoleName: "Deployer", MaxSessionDuration: 100}, iam.Meta{}), iam.Invalid, "update 100 s")
			if r, err := svc.UpdateRoleDescription(ctx, root, "Deployer", "again", iam.Meta{}); err != nil || r.Description != "again" || r.MaxSessionDuration != 7200 {
				t.Fatalf("update description: %v %+v", err, r)
			}
			// A trust policy must name a principal; an identity policy may not.
			_, err = svc.UpdateAssumeRolePolicy(ctx, root, "Deployer", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\"}]\n}", iam.Meta{})
			if e := wantKind(t, err, iam.Malformed, "trust without principal"); !strings.Contains(e.Message, "line 3, column") || e.Code != "" {
				t.Errorf("message %q code %s", e.Message, e.Code)
			}
			account := iam.TrustTemplateAccount(acct)
			if _, err := svc.UpdateAssumeRolePolicy(ctx, root, "Deployer", account, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if got, _ := svc.GetRole(ctx, root, "Deployer", iam.Meta{}); got.AssumeRolePolicyDocument != account {
				t.Fatal("trust policy not replaced")
			}

			// DeleteRole refuses while policies remain, with AWS's messages.
			if err := svc.AttachPolicy(ctx, root, iam.RoleNamed("Deployer"), "arn:aws:iam::aws:policy/ReadOnlyAccess", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.PutInlinePolicy(ctx, root, iam.RoleNamed("Deployer"), "s3", s3Read, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			e := wantKind(t, svc.DeleteRole(ctx, root, "Deployer", iam.Meta{}), iam.Conflict, "delete with attached")
			if e.Message != "Cannot delete entity, must detach all policies first." || e.Code != "" {
				t.Errorf("message %q", e.Message)
			}
			if err := svc.DetachPolicy(ctx, root, iam.RoleNamed("Deployer"), "arn:aws:iam::aws:policy/ReadOnlyAccess", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			e = wantKind(t, svc.DeleteRole(ctx, root, "Deployer", iam.Meta{}), iam.Conflict, "delete with inline")
			if e.Message != "Cannot delete entity, must delete policies first." {
				t.Errorf("message %q", e.Message)
			}
			if err := svc.DeleteInlinePolicy(ctx, root, iam.RoleNamed("Deployer"), "S3", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if err := svc.DeleteRole(ctx, root, "deployer", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if n, _ := store.CountTags(ctx, acct, models.EntityRole, r.RoleId); n != 0 {
				t.Errorf("%d tags outlived their role", n)
			}
			wantKind(t, svc.DeleteRole(ctx, root, "Deployer", iam.Meta{}), iam.NotFound, "delete twice")
			evs, _ := store.ListAudit(ctx, acct, models.AuditFilter{EventName: "DeleteRole", Result: models.ResultSuccess})
			if len(evs) != 1 || evs[0].Resource != "arn:aws:iam::"+acct+":role/ci/Deployer" {
				t.Fatalf("audit: %+v", evs)
			}
		})
	}
}

func TestListRolesPages(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, _, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			for _, n := range []string{"alpha", "Bravo", "charlie", "delta", "echo"} {
				mustCreateRole(t, svc, root, n)
			}
			var names []string
			marker := ""
			for pages := 0; ; pages++ {
				rs, next, err := svc.ListRoles(ctx, root, iam.ListInput{MaxItems: 2, Marker: marker}, iam.Meta{})
				if err != nil || pages > 3 {
					t.Fatalf("page %d: %v", pages, err)
				}
				for _, r := range rs {
					names = append(names, r.RoleName)
				}
				if next == "" {
					break
				}
				marker = next
			}
			if strings.Join(names, ",") != "alpha,Bravo,charlie,delta,echo" {
				t.Fatalf("paged %v", names)
			}
			rs, _, err := svc.ListRoles(ctx, root, iam.ListInput{NameContains: "HAR"}, iam.Meta{})
			if err != nil || len(rs) != 1 || rs[0].RoleName != "charlie" {
				t.Fatalf("search: %v %+v", err, rs)
			}
			_, _, err = svc.ListRoles(ctx, root, iam.ListInput{MaxItems: 1001}, iam.Meta{})
			wantKind(t, err, iam.Invalid, "MaxItems 1001")
		})
	}
}

func TestTrustTemplates(t *testing.T) {
	for name, doc := range map[string]string{
		"account":       iam.TrustTemplateAccount("111122223333"),
		"other":         iam.TrustTemplateOtherAccount("444455556666", "ext-123", true),
		"other bare":    iam.TrustTemplateOtherAccount("444455556666", "", false),
		"service":       iam.TrustTemplateService("lambda.amazonaws.com"),
		"service (ec2)": iam.TrustTemplateService("ec2.amazonaws.com"),
		"github": iam.TrustTemplateWebIdentity("111122223333", iam.WebIdentityTrust{Provider: "https://token.actions.githubusercontent.com/",
			Audience: "sts.amazonaws.com", Subject: "repo:my-org/*"}),
		"web identity by ARN": iam.TrustTemplateWebIdentity("111122223333", iam.WebIdentityTrust{
			Provider: "arn:aws:iam::111122223333:oidc-provider/oidc.cluster.internal/id/C1"}),
		"saml console": iam.TrustTemplateSAML("111122223333", "corp", true),
		"saml by ARN":  iam.TrustTemplateSAML("111122223333", "arn:aws:iam::111122223333:saml-provider/corp", false),
	} {
		if _, err := iam.CheckPolicyDocument(doc, policy.Trust); err != nil {
			t.Errorf("%s: %v\n%s", name, err, doc)
		}
		if !strings.Contains(doc, "\n  \"Statement\"") {
			t.Errorf("%s is not indented:\n%s", name, doc)
		}
	}
	for _, tc := range []struct {
		doc  string
		want []string
	}{
		{iam.TrustTemplateWebIdentity("111122223333", iam.WebIdentityTrust{Provider: "https://token.actions.githubusercontent.com/",
			Audience: "sts.amazonaws.com", Subject: "repo:my-org/*"}),
			[]string{`"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"`,
				`"Action": "sts:AssumeRoleWithWebIdentity"`, `"StringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"`, `"StringLike": {
          "token.actions.githubusercontent.com:sub": "repo:my-org/*"`}},
		{iam.TrustTemplateWebIdentity("111122223333", iam.WebIdentityTrust{Provider: "arn:aws:iam::111122223333:oidc-provider/oidc.cluster.internal/id/C1"}),
			[]string{`"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.cluster.internal/id/C1"`}},
		{iam.TrustTemplateSAML("111122223333", "corp", true),
			[]string{`"Federated": "arn:aws:iam::111122223333:saml-provider/corp"`, `"Action": "sts:AssumeRoleWithSAML"`,
				`"SAML:aud": "https://signin.aws.amazon.com/saml"`}},
	} {
		for _, want := range tc.want {
			if !strings.Contains(tc.doc, want) {
				t.Errorf("template lacks %s:\n%s", want, tc.doc)
			}
		}
	}
	if strings.Contains(iam.TrustTemplateSAML("111122223333", "corp", false), "Condition") {
		t.Error("a programmatic-only SAML trust needs no audience condition")
	}
	if strings.Contains(iam.TrustTemplateWebIdentity("111122223333", iam.WebIdentityTrust{Provider: "p.example"}), "Condition") {
		t.Error("a web identity trust without audience or subject has no condition")
	}
	doc := iam.TrustTemplateOtherAccount("444455556666", "ext-123", true)
	for _, want := range []string{`"sts:ExternalId": "ext-123"`, `"aws:MultiFactorAuthPresent": "true"`, `arn:aws:iam::444455556666:root`} {
		if !strings.Contains(doc, want) {
			t.Errorf("other-account template lacks %s:\n%s", want, doc)
		}
	}
}

// TestReadOnlyUserMayReadRolesNotCreate: an IAM user with IAMReadOnlyAccess,
// signed in with a password, may GetRole but not CreateRole, and the refusal
// is audited.
func TestReadOnlyUserMayReadRolesNotCreate(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			acct := root.AccountID
			mustCreateRole(t, svc, root, "app")
			u := &models.User{UserID: "AIDAREADER0000000001", Name: "reader", Path: "/", CreatedAt: time.Now()}
			if err := store.CreateUser(ctx, acct, u); err != nil {
				t.Fatal(err)
			}
			if err := store.AttachPolicy(ctx, acct, models.EntityUser, u.UserID, "arn:aws:iam::aws:policy/IAMReadOnlyAccess", time.Now()); err != nil {
				t.Fatal(err)
			}
			hash, err := auth.HashPassword(userPassword, fastArgon)
			if err != nil {
				t.Fatal(err)
			}
			if err := store.CreateLoginProfile(ctx, acct, &models.LoginProfile{UserID: u.UserID, PasswordHash: hash, CreatedAt: time.Now(), PasswordChangedAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
			reader := signIn(t, svc, "reader", userPassword)
			if r, err := svc.GetRole(ctx, reader, "app", iam.Meta{}); err != nil || r.RoleName != "app" {
				t.Fatalf("get role: %v", err)
			}
			if _, _, err := svc.ListRoles(ctx, reader, iam.ListInput{}, iam.Meta{}); err != nil {
				t.Fatalf("list roles: %v", err)
			}
			_, err = svc.CreateRole(ctx, reader, iam.CreateRoleInput{RoleName: "mine", AssumeRolePolicyDocument: ec2Trust}, iam.Meta{})
			e := wantKind(t, err, iam.AccessDenied, "create role")
			if e.Action != "iam:CreateRole" || e.Resource != "arn:aws:iam::"+acct+":role/mine" {
				t.Errorf("denied %s on %s", e.Action, e.Resource)
			}
			wantKind(t, svc.AttachPolicy(ctx, reader, iam.RoleNamed("app"), "arn:aws:iam::aws:policy/AdministratorAccess", iam.Meta{}), iam.AccessDenied, "attach")
			if _, err := store.Role(ctx, acct, "mine"); err == nil {
				t.Fatal("a denied CreateRole created the role")
			}
			evs, _ := store.ListAudit(ctx, acct, models.AuditFilter{EventName: "CreateRole", Result: models.ResultFailure})
			if len(evs) != 1 || evs[0].ErrorCode != "AccessDenied" {
				t.Fatalf("denial audit: %+v", evs)
			}
		})
	}
}

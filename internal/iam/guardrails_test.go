package iam_test

import (
	"context"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestGuardrails: with "no user outside Admins reaches full access", a
// non-admin who may attach policies to developers is refused attaching
// AdministratorAccess there (the path named, the refusal audited) and
// allowed once it holds the override; what already breaks a rule is a
// finding; the other rules show in a preview's Broken.
func TestGuardrails(t *testing.T) {
	ctx := context.Background()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, root := rootService(t, b.DSN(t))
			acct := root.AccountID
			m := iam.Meta{}
			for _, g := range []string{"Admins", "developers"} {
				if _, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: g}, m); err != nil {
					t.Fatal(err)
				}
			}
			if err := svc.AttachPolicy(ctx, root, iam.GroupNamed("Admins"), adminARN, m); err != nil {
				t.Fatal(err)
			}
			mustCreateUser(t, svc, root, "alice")
			if err := svc.AddUserToGroup(ctx, root, "developers", "alice", m); err != nil {
				t.Fatal(err)
			}
			manager := signedInUser(t, svc, store, root, "manager")
			if _, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed("manager"), "team", `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":["iam:AttachGroupPolicy","iam:GetAccountAuthorizationDetails"],"Resource":["arn:aws:iam::`+acct+`:group/developers","*"]}]}`, m); err != nil {
				t.Fatal(err)
			}

			if err := svc.PutGuardrails(ctx, root, iam.Guardrails{AdminGroup: "Admins", TrustNeedsCondition: true,
				NeverOnStar: []string{"iam:PassRole"}}, m); err != nil {
				t.Fatal(err)
			}
			if g, err := svc.GetGuardrails(ctx, root, m); err != nil || g.AdminGroup != "Admins" || len(g.NeverOnStar) != 1 {
				t.Fatalf("guardrails read back: %+v %v", g, err)
			}
			// Other settings saved later keep them.
			if err := svc.UpdateAccountSettings(ctx, root, iam.AccountSettings{AllowUsersWithoutMFA: true}, m); err != nil {
				t.Fatal(err)
			}
			if g, _ := svc.GetGuardrails(ctx, root, m); g.AdminGroup != "Admins" {
				t.Fatal("saving the account settings dropped the guardrails")
			}

			err := svc.AttachPolicy(ctx, manager, iam.GroupNamed("developers"), adminARN, m)
			e := wantKind(t, err, iam.AccessDenied, "attach AdministratorAccess to developers")
			for _, want := range []string{"guardrail admin-group", "alice", "member of → developers", iam.OverrideGuardrailAction} {
				if !strings.Contains(e.Message, want) {
					t.Errorf("the refusal lacks %q: %s", want, e.Message)
				}
			}
			// A change that keeps the rules goes through.
			if err := svc.AttachPolicy(ctx, manager, iam.GroupNamed("developers"), "arn:aws:iam::aws:policy/ReadOnlyAccess", m); err != nil {
				t.Fatalf("a harmless attach: %v", err)
			}
			// Each rule broken needs its own override: AdministratorAccess
			// also grants iam:PassRole on *.
			if _, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed("manager"), "override", `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":"`+iam.OverrideGuardrailAction+`","Resource":"*","Condition":{"StringEquals":{"`+iam.GuardrailKey+`":"admin-group"}}}]}`, m); err != nil {
				t.Fatal(err)
			}
			manager = signIn(t, svc, "manager", userPassword) // a new request: its policies read again
			err = svc.AttachPolicy(ctx, manager, iam.GroupNamed("developers"), adminARN, m)
			if e := wantKind(t, err, iam.AccessDenied, "with one override of two"); !strings.Contains(e.Message, "never-on-star") {
				t.Errorf("the refusal does not name the rule still held: %s", e.Message)
			}
			// With both, the same attach is made.
			if _, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed("manager"), "override", `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":"`+iam.OverrideGuardrailAction+`","Resource":"*"}]}`, m); err != nil {
				t.Fatal(err)
			}
			manager = signIn(t, svc, "manager", userPassword)
			if err := svc.AttachPolicy(ctx, manager, iam.GroupNamed("developers"), adminARN, m); err != nil {
				t.Fatalf("attach with the override: %v", err)
			}

			// alice now breaks the rule: a finding says so.
			g, err := svc.AccessGraph(ctx, root, "", m)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := svc.GuardrailFindings(ctx, g)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range fs {
				found = found || f.Type == graph.FindingGuardrailViolation && strings.HasSuffix(f.Principal, ":user/alice") && strings.Contains(f.Explanation, iam.RuleAdminGroup)
			}
			if !found {
				t.Fatalf("no finding for alice: %+v", fs)
			}

			// The other rules, in previews.
			mustCreateRole(t, svc, root, "app")
			for _, tc := range []struct {
				rule string
				ch   iam.Change
			}{
				{iam.RuleTrustNeedsCondition, iam.Change{Kind: iam.ChangeTrust, Entity: iam.RoleNamed("app"),
					Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`}},
				{iam.RuleNeverOnStar, iam.Change{Kind: iam.ChangePutInline, Entity: iam.RoleNamed("app"), Name: "pass",
					Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Pass*","Resource":"*"}]}`}},
			} {
				p, err := svc.PreviewChange(ctx, root, tc.ch, m)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Broken) == 0 || p.Broken[0].Rule != tc.rule {
					t.Errorf("%s: broken %+v", tc.rule, p.Broken)
				}
			}
			// A rule that cannot be kept as written is refused.
			if err := svc.PutGuardrails(ctx, root, iam.Guardrails{NeverOnStar: []string{"PassRole"}}, m); iam.KindOf(err) != iam.Invalid {
				t.Errorf("an action without its service: %v", err)
			}
		})
	}
}

// TestMFASettingAcrossProcesses: whether users may go without MFA is kept
// under the state stamp; a second process changing the setting moves the
// stamp, so the first asks for enrollment at the session's next request.
func TestMFASettingAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			svc, store, root := rootService(t, dsn)
			other, _, _ := newService(t, dsn)
			m := iam.Meta{}
			if err := svc.UpdateAccountSettings(ctx, root, iam.AccountSettings{AllowUsersWithoutMFA: true}, m); err != nil {
				t.Fatal(err)
			}
			signedInUser(t, svc, store, root, "nomfa")
			res, err := svc.SignIn(ctx, "nomfa", userPassword, iam.Meta{SourceIP: "192.0.2.9"})
			if err != nil {
				t.Fatal(err)
			}
			if p, err := svc.Authenticate(ctx, res.Token); err != nil || p.MustEnrollMFA {
				t.Fatalf("allowed without MFA: %v %+v", err, p)
			}
			if err := other.UpdateAccountSettings(ctx, root, iam.AccountSettings{AllowUsersWithoutMFA: false}, m); err != nil {
				t.Fatal(err)
			}
			if p, err := svc.Authenticate(ctx, res.Token); err != nil || !p.MustEnrollMFA {
				t.Fatalf("after the other process required MFA: %v, must enroll %v", err, p != nil && p.MustEnrollMFA)
			}
		})
	}
}

// TestGuardrailAfterAuthorization: a caller the operation refuses anyway
// gets the operation's own refusal, not a guardrail's: it learns nothing
// of the account's guardrails (nor, if it may review the account, of the
// path a guardrail's message names) and costs no preview.
func TestGuardrailAfterAuthorization(t *testing.T) {
	ctx := context.Background()
	svc, store, root := rootService(t, dbtest.SQLite(t))
	m := iam.Meta{}
	for _, g := range []string{"Admins", "developers"} {
		if _, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: g}, m); err != nil {
			t.Fatal(err)
		}
	}
	mustCreateUser(t, svc, root, "alice")
	if err := svc.AddUserToGroup(ctx, root, "developers", "alice", m); err != nil {
		t.Fatal(err)
	}
	if err := svc.PutGuardrails(ctx, root, iam.Guardrails{AdminGroup: "Admins"}, m); err != nil {
		t.Fatal(err)
	}
	nobody := signedInUser(t, svc, store, root, "nobody")
	cases := []struct {
		name   string
		do     func() error
		action string
	}{
		{"attach", func() error { return svc.AttachPolicy(ctx, nobody, iam.GroupNamed("developers"), adminARN, m) }, "iam:AttachGroupPolicy"},
		{"inline", func() error {
			_, err := svc.PutInlinePolicy(ctx, nobody, iam.GroupNamed("developers"), "all", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, m)
			return err
		}, "iam:PutGroupPolicy"},
		{"membership", func() error { return svc.AddUserToGroup(ctx, nobody, "Admins", "nobody", m) }, "iam:AddUserToGroup"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := wantKind(t, c.do(), iam.AccessDenied, c.name)
			if !strings.Contains(e.Message, c.action) || strings.Contains(e.Message, "guardrail") || strings.Contains(e.Message, "alice") {
				t.Errorf("refused by a guardrail before the operation's own authorization: %s", e.Message)
			}
		})
	}
}

package iam_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
	"github.com/iamconsole/console/internal/policy"
)

// TestPolicyFromActivity: the generated policy allows exactly the actions
// the user was allowed and used in the period (asked of the engine),
// drops the granted services it did not use, saves through CreatePolicy,
// and forgets use older than the period.
func TestPolicyFromActivity(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	root := rootOf(mustSetup(t, svc))
	ctx := context.Background()
	u := mustCreateUser(t, svc, root, "alice")
	if err := svc.AttachPolicy(ctx, root, iam.UserNamed("alice"), "arn:aws:iam::aws:policy/IAMReadOnlyAccess", iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed("alice"), "s3", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	as := func() *iam.Principal { return userPrincipal(root.AccountID, u) }
	for range 2 {
		if _, err := svc.GetUser(ctx, as(), "alice", iam.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := svc.ListUsers(ctx, as(), iam.ListInput{}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, as(), iam.CreateUserInput{UserName: "bob"}, iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
		t.Fatalf("CreateUser = %v", err)
	}

	got, err := svc.PolicyFromActivity(ctx, root, u.Arn, 30, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	used := []string{"iam:GetUser", "iam:ListUsers"}
	if !slices.Equal(got.Actions, used) {
		t.Errorf("Actions = %v, want %v", got.Actions, used)
	}
	removed := map[string]bool{}
	for _, r := range got.Services {
		removed[r.Namespace] = r.Removed()
	}
	if len(removed) != 2 || removed["iam"] || !removed["s3"] {
		t.Errorf("Services = %+v, want iam kept and s3 removed", got.Services)
	}

	gen := policy.MustCompile(policy.PolicyRef{ID: "generated"}, got.Document, policy.Identity)
	in := &policy.Inputs{Identity: []*policy.Policy{gen}}
	for _, c := range []struct {
		action string
		want   bool
	}{
		{"iam:GetUser", true}, {"iam:ListUsers", true},
		{"iam:CreateUser", false}, {"iam:ListRoles", false}, {"iam:GetRole", false}, {"s3:GetObject", false},
	} {
		req := &policy.Request{Principal: policy.Principal{ARN: u.Arn, Account: root.AccountID}, Action: c.action,
			Resource: "arn:aws:iam::" + root.AccountID + ":user/someone", Context: policy.NewContext(nil), Time: clk.Now()}
		if allowed := policy.Decide(in, req) == policy.Allowed; allowed != c.want {
			t.Errorf("generated policy allows %s: %v, want %v\n%s", c.action, allowed, c.want, got.Document)
		}
	}
	if _, err := svc.CreatePolicy(ctx, root, iam.CreatePolicyInput{PolicyName: "alice-from-activity", PolicyDocument: got.Document}, iam.Meta{}); err != nil {
		t.Errorf("CreatePolicy: %v", err)
	}

	clk.Advance(40 * 24 * time.Hour)
	later, err := svc.PolicyFromActivity(ctx, root, u.Arn, 30, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if len(later.Actions) != 0 {
		t.Errorf("after the period: %v", later.Actions)
	}
	for _, bad := range []struct {
		arn  string
		days int
	}{{u.Arn, 0}, {"arn:aws:iam::" + root.AccountID + ":group/g", 30}} {
		if _, err := svc.PolicyFromActivity(ctx, root, bad.arn, bad.days, iam.Meta{}); iam.KindOf(err) != iam.Invalid {
			t.Errorf("PolicyFromActivity(%s, %d) = %v, want Invalid", bad.arn, bad.days, err)
		}
	}
}

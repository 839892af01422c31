package iam_test

import (
	"context"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// Can answers what the operation then decides: where Can says yes the
// operation is allowed, where it says no the operation is refused with
// AccessDenied.
func TestCanAgreesWithTheOperation(t *testing.T) {
	svc, store, _ := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	root := rootOf(mustSetup(t, svc))
	const attachOnly = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:AttachUserPolicy","iam:ListAttachedUserPolicies"],"Resource":"arn:aws:iam::*:user/team/*"},
		{"Effect":"Allow","Action":"iam:PutGroupPolicy","Resource":"*"}]}`
	pol := mustCreatePolicy(t, svc, root, "AttachOnly", attachOnly)
	caller := signedInUser(t, svc, store, root, "operator", pol.Arn)
	team, err := svc.CreateUser(ctx, root, iam.CreateUserInput{UserName: "bob", Path: "/team/"}, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	other := mustCreateUser(t, svc, root, "carol")
	devs, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "devs"}, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	const readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	cases := []struct {
		name string
		op   iam.Op
		arn  string
		want bool
		do   func() error
	}{
		{"attach in the team path", iam.OpAttachPolicy, team.Arn, true,
			func() error { return svc.AttachPolicy(ctx, caller, iam.UserNamed("bob"), readOnly, iam.Meta{}) }},
		{"attach outside it", iam.OpAttachPolicy, other.Arn, false,
			func() error { return svc.AttachPolicy(ctx, caller, iam.UserNamed("carol"), readOnly, iam.Meta{}) }},
		{"detach, not granted", iam.OpDetachPolicy, team.Arn, false,
			func() error { return svc.DetachPolicy(ctx, caller, iam.UserNamed("bob"), readOnly, iam.Meta{}) }},
		{"inline on a group", iam.OpPutInlinePolicy, devs.Arn, true,
			func() error {
				_, err := svc.PutInlinePolicy(ctx, caller, iam.GroupNamed("devs"), "p", attachOnly, iam.Meta{})
				return err
			}},
		{"inline on a user, not granted", iam.OpPutInlinePolicy, team.Arn, false,
			func() error {
				_, err := svc.PutInlinePolicy(ctx, caller, iam.UserNamed("bob"), "p", attachOnly, iam.Meta{})
				return err
			}},
		{"tag, not granted", iam.OpTag, team.Arn, false,
			func() error {
				return svc.Tag(ctx, caller, iam.UserNamed("bob"), []iam.Tag{{Key: "k", Value: "v"}}, iam.Meta{})
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			can := svc.Can(ctx, caller, iam.Meta{}, c.op, c.arn)
			if can != c.want {
				t.Fatalf("Can = %v, want %v", can, c.want)
			}
			err := c.do()
			if can && err != nil {
				t.Errorf("Can said yes, the operation said %v", err)
			}
			if !can && iam.KindOf(err) != iam.AccessDenied {
				t.Errorf("Can said no, the operation said %v", err)
			}
		})
	}
	// An entity type the operation does not act on is a no, not a panic.
	if svc.Can(ctx, root, iam.Meta{}, iam.OpTag, devs.Arn) {
		t.Error("groups have no tags, yet Can said yes")
	}
	if err := svc.Tag(ctx, root, iam.GroupNamed("devs"), []iam.Tag{{Key: "k", Value: "v"}}, iam.Meta{}); iam.KindOf(err) != iam.Invalid {
		t.Errorf("tagging a group: %v, want Invalid", err)
	}
}

package iam

import (
	"context"
	"errors"
	"testing"

	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestGuardrailConcurrentChanges: two changes that each keep the rule "no
// user outside Admins reaches full access", made at the same moment (the
// second's check done before the first commits), are not both made: the
// second's transaction finds the account changed, is checked again with the
// first in its preview, and is refused.
func TestGuardrailConcurrentChanges(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s, root := newInternalService(t, b.DSN(t))
			ctx, m := context.Background(), Meta{}
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			for _, g := range []string{"Admins", "developers"} {
				_, err := s.CreateGroup(ctx, root, CreateGroupInput{GroupName: g}, m)
				must(err)
			}
			for _, u := range []string{"alice", "manager"} {
				_, err := s.CreateUser(ctx, root, CreateUserInput{UserName: u}, m)
				must(err)
			}
			acct := root.AccountID
			_, err := s.PutInlinePolicy(ctx, root, UserNamed("manager"), "team", `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":["iam:AttachGroupPolicy","iam:AddUserToGroup"],"Resource":"arn:aws:iam::`+acct+`:group/developers"}]}`, m)
			must(err)
			must(s.PutGuardrails(ctx, root, Guardrails{AdminGroup: "Admins"}, m))
			u, err := s.GetUser(ctx, root, "manager", m)
			must(err)
			manager := func() *Principal { // a request's caller
				return &Principal{Type: TypeUser, AccountID: acct, ID: u.UserId, ARN: u.Arn, Name: u.UserName, MFA: true}
			}

			// Adding alice to developers keeps the rule (developers grants
			// nothing); while that change is between its check and its
			// transaction, AdministratorAccess is attached to developers,
			// which also keeps it (developers has no member).
			attached := false
			s.afterGuard = func() {
				if attached {
					return
				}
				attached = true
				if err := s.AttachPolicy(ctx, manager(), GroupNamed("developers"), "arn:aws:iam::aws:policy/AdministratorAccess", m); err != nil {
					t.Errorf("the attach, alone: %v", err)
				}
			}
			err = s.AddUserToGroup(ctx, manager(), "developers", "alice", m)
			s.afterGuard = nil
			if !attached {
				t.Fatal("the concurrent attach did not run")
			}
			if KindOf(err) != AccessDenied {
				t.Fatalf("alice added to a group that gained full access meanwhile: %v", err)
			}
			groups, _, err := s.ListGroupsForUser(ctx, root, ListGroupsForUserInput{UserName: "alice"}, m)
			must(err)
			if len(groups) != 0 {
				t.Fatalf("alice is in %+v", groups)
			}
		})
	}
}

// TestGuardrailOvertaken: a guarded change whose every check is overtaken
// by another change answers AWS's ConcurrentModification, after
// guardAttempts checks, and is not made.
func TestGuardrailOvertaken(t *testing.T) {
	s, root := newInternalService(t, dbtest.SQLite(t))
	ctx, m := context.Background(), Meta{}
	_, err := s.CreateGroup(ctx, root, CreateGroupInput{GroupName: "developers"}, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutGuardrails(ctx, root, Guardrails{AdminGroup: "Admins"}, m); err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, root, CreateUserInput{UserName: "manager"}, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutInlinePolicy(ctx, root, UserNamed("manager"), "team", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:AttachGroupPolicy","Resource":"*"}]}`, m); err != nil {
		t.Fatal(err)
	}
	checks := 0
	s.afterGuard = func() { // another change lands after every check
		checks++
		if _, err := s.CreateUser(ctx, root, CreateUserInput{UserName: "u" + string(rune('a'+checks))}, m); err != nil {
			t.Error(err)
		}
	}
	manager := &Principal{Type: TypeUser, AccountID: root.AccountID, ID: u.UserId, ARN: u.Arn, Name: u.UserName, MFA: true}
	err = s.AttachPolicy(ctx, manager, GroupNamed("developers"), "arn:aws:iam::aws:policy/ReadOnlyAccess", m)
	s.afterGuard = nil
	var e *Error
	if !errors.As(err, &e) || e.Kind != Conflict || e.Code != "ConcurrentModification" || checks != guardAttempts {
		t.Fatalf("after %d checks: %v", checks, err)
	}
	atts, _, err := s.ListAttachedPolicies(ctx, root, GroupNamed("developers"), ListAttachedPoliciesInput{}, m)
	if err != nil || len(atts) != 0 {
		t.Fatalf("attached anyway: %+v %v", atts, err)
	}
}

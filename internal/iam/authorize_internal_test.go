package iam

import (
	"context"
	"fmt"
	"testing"

	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
	"github.com/iamconsole/console/internal/policy"
)

// TestMergedInputsDecideAlike: the merged identity policies the authorizer
// keeps decide every request as the list of policies does: allows, denies
// (also by NotAction and conditions), groups' policies, a boundary.
func TestMergedInputsDecideAlike(t *testing.T) {
	s, root := newInternalService(t, dbtest.SQLite(t))
	ctx := context.Background()
	acct := root.AccountID
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.CreateUser(ctx, root, CreateUserInput{UserName: "mixed"}, Meta{})
	must(err)
	_, err = s.CreateGroup(ctx, root, CreateGroupInput{GroupName: "g"}, Meta{})
	must(err)
	must(s.AddUserToGroup(ctx, root, "g", "mixed", Meta{}))
	for _, att := range []struct{ kind, name, arn string }{
		{"user", "mixed", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"},
		{"user", "mixed", "arn:aws:iam::aws:policy/ReadOnlyAccess"},
		{"group", "g", "arn:aws:iam::aws:policy/PowerUserAccess"},
	} {
		if att.kind == "user" {
			must(s.AttachPolicy(ctx, root, UserNamed(att.name), att.arn, Meta{}))
		} else {
			must(s.AttachPolicy(ctx, root, GroupNamed(att.name), att.arn, Meta{}))
		}
	}
	inline := map[string]string{
		"deny-delete": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:Delete*","s3:DeleteBucket"],"Resource":"*"}]}`,
		"mfa-only":    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:Get*","iam:List*"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`,
		"own-user":    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`,
	}
	for name, doc := range inline {
		_, err := s.PutInlinePolicy(ctx, root, UserNamed("mixed"), name, doc, Meta{})
		must(err)
	}
	_, err = s.PutInlinePolicy(ctx, root, GroupNamed("g"), "ec2", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`, Meta{})
	must(err)
	u, err := s.store.User(ctx, acct, "mixed")
	must(err)
	for _, boundary := range []string{"", "arn:aws:iam::aws:policy/PowerUserAccess"} {
		if boundary != "" {
			must(s.PutPermissionsBoundary(ctx, root, UserNamed("mixed"), boundary, Meta{}))
		}
		list, err := s.identityInputs(ctx, s.store, acct, models.EntityUser, u.UserID)
		must(err)
		if len(list.Identity) < 5 {
			t.Fatalf("%d identity policies, want the 7 given", len(list.Identity))
		}
		merged := *list
		merged.Identity = []*policy.Policy{policy.Merge(policy.PolicyRef{ID: "merged"}, list.Identity...)}
		p := &Principal{Type: TypeUser, AccountID: acct, ID: u.UserID, Name: "mixed", ARN: userARN(acct, "/", "mixed")}
		n := 0
		for _, action := range []string{"iam:ListUsers", "iam:GetUser", "iam:DeleteUser", "iam:CreateAccessKey", "iam:CreateUser",
			"s3:GetObject", "s3:DeleteBucket", "ec2:RunInstances", "sts:AssumeRole", "organizations:ListAccounts", "kms:Decrypt"} {
			for _, resource := range []string{"*", p.ARN, userARN(acct, "/", "other"), "arn:aws:s3:::bucket/key"} {
				for _, m := range []Meta{{}, {SourceIP: "10.1.2.3"}} {
					for _, mfa := range []bool{false, true} {
						p.MFA = mfa
						req := &policy.Request{Principal: s.enginePrincipal(p), Action: action, Resource: resource,
							Context: policy.NewContext(s.contextKeys(p, m)), Time: s.now()}
						want, got := policy.Decide(list, req), policy.Decide(&merged, req)
						if got != want {
							t.Errorf("boundary %q: %s on %s (ip %q, mfa %v): merged %v, list %v", boundary, action, resource, m.SourceIP, mfa, got, want)
						}
						ev, lv := policy.Evaluate(&merged, req), policy.Evaluate(list, req)
						if ev.Outcome != lv.Outcome || fmt.Sprint(ev.Matched) != fmt.Sprint(lv.Matched) || fmt.Sprint(ev.Missing) != fmt.Sprint(lv.Missing) {
							t.Errorf("%s on %s: Evaluate merged %+v, list %+v", action, resource, ev, lv)
						}
						n++
					}
				}
			}
		}
		t.Logf("boundary %q: %d requests decided alike", boundary, n)
	}
}

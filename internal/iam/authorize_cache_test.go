package iam_test

import (
	"context"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestAuthorizerSeesAnotherProcess: a caller's policies are kept across
// requests, and a policy detached through one process denies on the
// other's next request (two services on one database, as two processes
// behind a load balancer).
func TestAuthorizerSeesAnotherProcess(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			one, _, _ := newService(t, dsn)
			two, _, _ := newService(t, dsn)
			ctx := context.Background()
			root := rootOf(mustSetup(t, one))
			mustCreateUser(t, one, root, "dev")
			if _, err := one.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: "dev", Password: userPassword}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			ro := "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
			if err := one.AttachPolicy(ctx, root, iam.UserNamed("dev"), ro, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			res, err := two.SignIn(ctx, "dev", userPassword, iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			// Every request authenticates its cookie: a new Principal.
			allowed := func(svc *iam.Service) bool {
				t.Helper()
				p, err := svc.Authenticate(ctx, res.Token)
				if err != nil {
					t.Fatal(err)
				}
				ok, err := svc.Allowed(ctx, p, iam.Meta{}, "iam:ListUsers", "*")
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}
			for i := range 3 {
				if !allowed(two) || !allowed(one) {
					t.Fatalf("request %d: IAMReadOnlyAccess does not allow iam:ListUsers", i)
				}
			}
			// A change that is not the caller's still moves the stamp;
			// the caller is read again and still allowed.
			mustCreateUser(t, one, root, "other")
			if !allowed(two) {
				t.Fatal("an unrelated change took the caller's right away")
			}
			if err := one.DetachPolicy(ctx, root, iam.UserNamed("dev"), ro, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if allowed(two) {
				t.Fatal("a policy detached by the other process still allows on this one's next request")
			}
			if err := two.AttachPolicy(ctx, root, iam.UserNamed("dev"), ro, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if !allowed(one) {
				t.Fatal("a policy attached by the other process does not allow on this one's next request")
			}
		})
	}
}

package iam_test

import (
	"context"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestSimulatePrincipalNamesTheEntityByItsOwnARN: the caller is authorized
// on the ARN it gives, so only the entity whose ARN that is may be
// simulated. A team lead who may simulate users under /dev/ must not reach
// alice at "/" by writing "user/dev/alice".
func TestSimulatePrincipalNamesTheEntityByItsOwnARN(t *testing.T) {
	svc, store, root := rootService(t, dbtest.SQLite(t))
	ctx := context.Background()
	acct := root.AccountID
	arn := func(rest string) string { return "arn:aws:iam::" + acct + ":" + rest }
	mustCreateUser(t, svc, root, "alice")
	if _, err := svc.CreateUser(ctx, root, iam.CreateUserInput{UserName: "dana", Path: "/dev/"}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	mustCreateRole(t, svc, root, "App")
	lead := signedInUser(t, svc, store, root, "lead")
	u, err := store.User(ctx, acct, "lead")
	if err != nil {
		t.Fatal(err)
	}
	putInline(t, store, acct, models.EntityUser, u.UserID, "dev-team", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":"iam:SimulatePrincipalPolicy","Resource":["`+arn("user/dev/*")+`","`+arn("role/dev/*")+`"]}]}`)

	for _, c := range []struct {
		name   string
		caller *iam.Principal
		source string
		want   iam.Kind // Internal: no error
	}{
		{"root, alice's ARN", root, arn("user/alice"), iam.Internal},
		{"root, alice under a path she is not at", root, arn("user/dev/alice"), iam.NotFound},
		{"root, alice's name in another case", root, arn("user/ALICE"), iam.NotFound},
		{"root, dana without her path", root, arn("user/dana"), iam.NotFound},
		{"root, the role under a path it is not at", root, arn("role/dev/App"), iam.NotFound},
		{"lead, dana", lead, arn("user/dev/dana"), iam.Internal},
		{"lead, alice", lead, arn("user/alice"), iam.AccessDenied},
		{"lead, alice through /dev/", lead, arn("user/dev/alice"), iam.NotFound},
		{"lead, the role through /dev/", lead, arn("role/dev/App"), iam.NotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := svc.SimulatePrincipal(ctx, c.caller, iam.PrincipalSimulation{PolicySourceArn: c.source, Actions: []string{"s3:GetObject"}}, iam.Meta{})
			if c.want == iam.Internal {
				if err != nil || len(res) != 1 {
					t.Fatalf("got %v %v, want a result", res, err)
				}
				return
			}
			wantKind(t, err, c.want, c.source)
			if res != nil {
				t.Fatalf("a refused simulation answered %+v", res)
			}
		})
	}
}

package iam_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestAccessGraphIsKeptUntilAChange: the built graph is reused while
// the IAM state is unchanged (sign-ins, failed or not, and refusals are no
// change), and any change (committed with its audit event) or age gives a
// new one that shows it.
func TestAccessGraphIsKeptUntilAChange(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, clk := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			g1, err := svc.AccessGraph(ctx, root, "", iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			g2, _ := svc.AccessGraph(ctx, root, "", iam.Meta{})
			if g1 != g2 {
				t.Fatal("an unchanged account's graph was built again")
			}
			// Events that change no IAM state keep the graph: failed
			// anonymous sign-ins, a refusal.
			for range 3 {
				if _, err := svc.SignIn(ctx, "nobody", "wrong", iam.Meta{SourceIP: "192.0.2.1"}); err == nil {
					t.Fatal("a wrong password signed in")
				}
			}
			if g, _ := svc.AccessGraph(ctx, root, "", iam.Meta{}); g != g1 {
				t.Fatal("a failed sign-in threw the graph away")
			}
			mustCreateUser(t, svc, root, "carol")
			g2, _ = svc.AccessGraph(ctx, root, "", iam.Meta{})
			if _, ok := g2.Node("arn:aws:iam::" + root.AccountID + ":user/carol"); g2 == g1 || !ok {
				t.Fatal("a new user is not in the graph")
			}
			pol := "arn:aws:iam::aws:policy/AdministratorAccess"
			if err := svc.AttachPolicy(ctx, root, iam.UserNamed("carol"), pol, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			g, _ := svc.AccessGraph(ctx, root, "", iam.Meta{})
			if g == g2 || len(g.Admins()) == len(g2.Admins()) {
				t.Fatalf("an attach left the graph as it was (%d admins before, %d after)", len(g2.Admins()), len(g.Admins()))
			}
			g2 = g
			mustCreateUser(t, svc, root, "newcomer")
			g3, _ := svc.AccessGraph(ctx, root, "", iam.Meta{})
			if _, ok := g3.Node("arn:aws:iam::" + root.AccountID + ":user/newcomer"); g3 == g2 || !ok {
				t.Fatal("a change is not in the graph")
			}
			clk.Advance(6 * time.Minute)
			if g4, _ := svc.AccessGraph(ctx, root, "", iam.Meta{}); g4 == g3 {
				t.Fatal("a graph older than its maximum age was served")
			}
			// The right is still checked on every call, kept graph or not.
			reader := signedInUser(t, svc, store, root, "reader")
			if _, err := svc.AccessGraph(ctx, reader, "", iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
				t.Fatalf("a caller without the right got the kept graph: %v", err)
			}
		})
	}
}

// TestAccessGraphSeesAnotherProcess: two services on one database (two
// processes behind a load balancer): a change made through the second is
// in the first's next graph, and an event that changes no state on the
// second leaves the first's graph kept.
func TestAccessGraphSeesAnotherProcess(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			one, _, _ := newService(t, dsn)
			two, _, _ := newService(t, dsn)
			ctx := context.Background()
			root := rootOf(mustSetup(t, one))
			g1, err := one.AccessGraph(ctx, root, "", iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := two.SignIn(ctx, "root@example.com", "wrong", iam.Meta{}); err == nil {
				t.Fatal("a wrong password signed in")
			}
			if g, _ := one.AccessGraph(ctx, root, "", iam.Meta{}); g != g1 {
				t.Fatal("a failed sign-in on the other process threw the graph away")
			}
			mustCreateUser(t, two, root, "elsewhere")
			g2, err := one.AccessGraph(ctx, root, "", iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := g2.Node("arn:aws:iam::" + root.AccountID + ":user/elsewhere"); g2 == g1 || !ok {
				t.Fatal("a user made by the other process is not in the graph")
			}
		})
	}
}

// TestImportedAccountAuthorizedOnItsARN: reviewing an imported account is
// authorized on that account's ARN: a Deny on arn:aws:iam::ID:* hides it
// from the account list and refuses its graph and snapshot, while the
// others stay visible.
func TestImportedAccountAuthorizedOnItsARN(t *testing.T) {
	svc, store, _ := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	root := rootOf(mustSetup(t, svc))
	dump := func(acct string) string {
		return `{"UserDetailList":[{"UserName":"a","UserId":"AIDA1","Arn":"arn:aws:iam::` + acct + `:user/a","Path":"/"}]}`
	}
	for _, acct := range []string{"111122223333", "444455556666"} {
		if _, err := svc.ImportAccount(ctx, root, strings.NewReader(dump(acct)), "", iam.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreatePolicy(ctx, root, iam.CreatePolicyInput{PolicyName: "review-but-one", PolicyDocument: `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:GetAccountAuthorizationDetails","Resource":"*"},
		{"Effect":"Deny","Action":"*","Resource":"arn:aws:iam::111122223333:*"}]}`}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	reviewer := signedInUser(t, svc, store, root, "reviewer", "arn:aws:iam::"+root.AccountID+":policy/review-but-one")
	accts, err := svc.ReviewAccounts(ctx, reviewer, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range accts {
		ids = append(ids, a.ID)
	}
	if want := []string{root.AccountID, "444455556666"}; !slices.Equal(ids, want) {
		t.Fatalf("accounts listed %v, want %v", ids, want)
	}
	if _, err := svc.AccessGraph(ctx, reviewer, "111122223333", iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
		t.Fatalf("graph of the denied account: %v", err)
	}
	if _, err := svc.Snapshot(ctx, reviewer, "111122223333", iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
		t.Fatalf("snapshot of the denied account: %v", err)
	}
	for _, acct := range []string{"", "444455556666"} {
		if _, err := svc.AccessGraph(ctx, reviewer, acct, iam.Meta{}); err != nil {
			t.Fatalf("graph of %q: %v", acct, err)
		}
	}
	// Root and the operator see everything.
	if accts, _ := svc.ReviewAccounts(ctx, root, iam.Meta{}); len(accts) != 3 {
		t.Fatalf("root sees %d accounts, want 3", len(accts))
	}
}

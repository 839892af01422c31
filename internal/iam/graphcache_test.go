package iam_test

import (
	"context"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestAccessGraphIsKeptUntilAChange: the built graph is reused while
// nothing changes, and any change (committed with its audit event) or age
// gives a new one that shows it.
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

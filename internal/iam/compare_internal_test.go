package iam

import (
	"testing"

	"github.com/iamconsole/console/internal/graph"
)

// TestComparedCache: the earlier side is reused for the same snapshot of
// the same account only.
func TestComparedCache(t *testing.T) {
	var c comparedCache
	g := graph.Build(&graph.Account{ID: "111122223333"}, graph.Options{})
	if c.get("111122223333", 1) != nil {
		t.Fatal("an empty cache answered")
	}
	c.put("111122223333", 1, g)
	if c.get("111122223333", 1) != g {
		t.Fatal("the graph just kept is not reused")
	}
	if c.get("111122223333", 2) != nil || c.get("444455556666", 1) != nil {
		t.Fatal("another snapshot got the kept graph")
	}
}

package iam

import (
	"slices"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
)

// TestGraphCacheBudget: kept graphs stay within the edge budget, newest
// first, an account's older graph is dropped, and the newest is kept
// whatever its size.
func TestGraphCacheBudget(t *testing.T) {
	sized := func(edges int) *graph.Graph { return &graph.Graph{Edges: make([]graph.Edge, edges)} }
	var c graphCache
	now := time.Now()
	add := func(account string, edges int) {
		c.put(graphEntry{account: account, key: graphKey{state: models.StateStamp{Count: 1}}, read: now, g: sized(edges)})
	}
	accounts := func() (out []string) {
		for _, e := range c.entries {
			out = append(out, e.account)
		}
		return out
	}
	for _, step := range []struct {
		account string
		edges   int
		want    []string
	}{
		{"a", 1000, []string{"a"}},
		{"b", 2000, []string{"a", "b"}},
		{"a", 3000, []string{"b", "a"}}, // a's older graph goes
		{"c", graphCacheEdges - 3000, []string{"a", "c"}},
		{"d", graphCacheEdges * 2, []string{"d"}}, // too big for company, kept alone
		{"e", 10, []string{"e"}},
	} {
		add(step.account, step.edges)
		if got := accounts(); !slices.Equal(got, step.want) {
			t.Fatalf("after %s (%d edges): %v, want %v", step.account, step.edges, got, step.want)
		}
	}
}

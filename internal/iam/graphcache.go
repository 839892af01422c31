package iam

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
)

// graphCache keeps the access graphs built last, each under the audit
// stamp it was built at. Every change to an account commits an audit event
// in its own transaction, so a graph is current for as long as the stamp
// (the last event's ID and the number of recent events, which a late commit
// of an earlier ID still changes: models.AuditStamp) is the same; imports
// are audited too. What
// changes without an event (an access key's last use, the clock that makes
// a key "unused for 90 days") is caught by a graph's maximum age.
//
// Concurrent requests for a graph not yet built wait for one build.
type graphCache struct {
	mu      sync.Mutex
	entries []graphEntry // oldest first
	flight  singleflight.Group
}

type graphEntry struct {
	account string
	stamp   models.AuditStamp
	built   time.Time
	g       *graph.Graph
}

const (
	// graphCacheEdges bounds the memory kept graphs hold, by their edges
	// (what dominates a graph's size): 10,000 users with 97,500 edges
	// held 117 MB. The newest graph is kept whatever its size.
	graphCacheEdges = 120_000
	graphMaxAge     = 5 * time.Minute
)

// get returns the account's graph at stamp, building it with build when no
// kept one fits.
func (c *graphCache) get(account string, stamp models.AuditStamp, now time.Time, build func() (*graph.Graph, error)) (*graph.Graph, error) {
	c.mu.Lock()
	for _, e := range c.entries {
		if e.account == account && e.stamp == stamp && now.Sub(e.built) < graphMaxAge {
			c.mu.Unlock()
			return e.g, nil
		}
	}
	c.mu.Unlock()
	key := fmt.Sprintf("%s/%d/%d", account, stamp.Count, stamp.Last)
	v, err, _ := c.flight.Do(key, func() (any, error) {
		g, err := build()
		if err != nil {
			return nil, err
		}
		c.put(graphEntry{account: account, stamp: stamp, built: now, g: g})
		return g, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*graph.Graph), nil
}

func (c *graphCache) put(e graphEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kept := c.entries[:0]
	for _, old := range c.entries {
		if old.account != e.account { // an account's older graph is stale
			kept = append(kept, old)
		}
	}
	kept = append(kept, e)
	edges := 0
	first := len(kept) - 1
	for ; first >= 0; first-- {
		if edges += len(kept[first].g.Edges); edges > graphCacheEdges && first < len(kept)-1 {
			break
		}
	}
	c.entries = kept[first+1:]
}

package iam

import (
	"context"
	"sync"

	"github.com/iamconsole/console/internal/models"
)

// stampCache keeps values read from the database across requests, all under
// one IAM state stamp: a request that reads another stamp starts it afresh.
// An entry put under a stamp was read after the stamp was, so it shows at
// least that state; a later change moves the stamp before its request
// returns, and stamps never come back.
type stampCache[V any] struct {
	mu    sync.Mutex
	stamp models.StateStamp
	m     map[string]V
}

// inputCacheMax bounds the entries kept: past it the cache starts over.
const inputCacheMax = 50_000

func (c *stampCache[V]) get(stamp models.StateStamp, key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stamp != stamp {
		var zero V
		return zero, false
	}
	v, ok := c.m[key]
	return v, ok
}

func (c *stampCache[V]) put(stamp models.StateStamp, key string, v V, max int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stamp != stamp || c.m == nil || len(c.m) >= max {
		c.stamp, c.m = stamp, map[string]V{}
	}
	c.m[key] = v
}

// requestStamp is the IAM state stamp for caller's request: read once, and
// again only after this process commits a transaction (the request's own
// change, or another's), so a request reads it once however many caches it
// asks. A nil caller (the operator) reads it each time.
func (s *Service) requestStamp(ctx context.Context, caller *Principal) (models.StateStamp, error) {
	commits := s.store.Commits() // before the stamp: a commit after it reads it again
	if caller != nil && caller.stamped && caller.stampCommits == commits {
		return caller.stamp, nil
	}
	stamp, err := s.store.StateStamp(ctx)
	if err != nil {
		return stamp, internal(err, "state stamp")
	}
	if caller != nil {
		caller.stamp, caller.stampCommits, caller.stamped = stamp, commits, true
	}
	return stamp, nil
}

package iam

import (
	"context"
	"sync"

	"github.com/iamconsole/console/internal/models"
)

// stampCache keeps values read from the database across requests, all under
// one stamp (the IAM state's, or the activity's, or both): a request that
// reads another stamp starts it afresh. An entry put under a stamp was read
// after the stamp was, so it shows at least that state; a later change
// moves the stamp before its request returns, and stamps never come back.
type stampCache[S comparable, V any] struct {
	mu    sync.Mutex
	stamp S
	m     map[string]V
}

// inputCacheMax bounds the entries kept: past it the cache starts over.
const inputCacheMax = 50_000

func (c *stampCache[S, V]) get(stamp S, key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stamp != stamp {
		var zero V
		return zero, false
	}
	v, ok := c.m[key]
	return v, ok
}

func (c *stampCache[S, V]) put(stamp S, key string, v V, max int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stamp != stamp || c.m == nil || len(c.m) >= max {
		c.stamp, c.m = stamp, map[string]V{}
	}
	c.m[key] = v
}

// requestStamp is the IAM state stamp for caller's request (see
// requestStamps).
func (s *Service) requestStamp(ctx context.Context, caller *Principal) (models.StateStamp, error) {
	st, err := s.requestStamps(ctx, caller)
	return st.State, err
}

// requestStamps are the stamps for caller's request: read once, and again
// only after this process commits a transaction (the request's own change,
// or another's), so a request reads them once however many caches it asks.
// A nil caller (the operator) reads them each time.
func (s *Service) requestStamps(ctx context.Context, caller *Principal) (models.Stamps, error) {
	commits := s.store.Commits() // before the stamps: a commit after it reads them again
	if caller != nil && caller.stamped && caller.stampCommits == commits {
		return caller.stamps, nil
	}
	st, err := s.store.Stamps(ctx)
	if err != nil {
		return st, internal(err, "state stamp")
	}
	if caller != nil {
		caller.stamps, caller.stampCommits, caller.stamped = st, commits, true
	}
	return st, nil
}

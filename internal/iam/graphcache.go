package iam

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
)

// graphCache keeps the access graphs built last, each under the key of the
// state it was built from: the live account's models.StateStamp, which
// moves with IAM state only (not with sign-ins, refusals, throttles or
// reads), or an imported account's import time, as nothing else changes
// it. The stamp is read from the database, so a change made by another
// process is seen by the next view here. What changes without a state
// change (an access key's last use, the clock that makes a key "unused for
// 90 days") is caught by a graph's maximum age.
//
// After a change, the next view does not read the account again: the kept
// snapshot is patched with the entities changed since (patchSnapshot) and
// the kept graph updated with them (graph.Graph.Update).
//
// One build per account runs at a time; requests for it wait for it and
// share its graph. The build runs under its own context, with a time limit,
// cancelled when every request waiting for it has gone.
type graphCache struct {
	mu      sync.Mutex
	entries []graphEntry // oldest first
	flights map[string]*graphFlight
	// limit bounds a build's time; 0 means graphBuildLimit.
	limit time.Duration
}

// graphKey is the state a graph was built from.
type graphKey struct {
	state    models.StateStamp
	imported time.Time // the import's time, for an imported account
}

type graphEntry struct {
	account string
	key     graphKey
	// read is when the account was last read whole: the maximum age
	// counts from it, patches or not.
	read time.Time
	g    *graph.Graph
	snap *graph.Account
	// err is a build's own failure (too large, too slow), kept like a
	// graph: the same state fails the same way.
	err error
}

// graphFlight is a build in progress, and the requests waiting for it.
type graphFlight struct {
	key     graphKey
	started time.Time
	done    chan struct{}
	waiters int
	cancel  context.CancelFunc
	entry   *graphEntry
	err     error
}

const (
	// graphCacheEdges bounds the memory kept graphs hold, by their edges
	// (what dominates a graph's size): 10,000 users with 97,500 edges
	// held 117 MB. The newest graph is kept whatever its size.
	graphCacheEdges = 120_000
	graphMaxAge     = 5 * time.Minute
	// graphBuildLimit is the longest a build may take before the view
	// says so instead of waiting on.
	graphBuildLimit = 60 * time.Second
	// graphPatchLimit is the most changed entities a patch reads: past it
	// the account is read again whole.
	graphPatchLimit = 500
)

// graphBuild makes an entry at key, from prev (the account's kept entry,
// nil when none) when it can.
type graphBuild func(ctx context.Context, key graphKey, prev *graphEntry) (*graphEntry, error)

// get returns account's graph at the state key reads, building it with
// build when no kept one fits. ctx is the request's: when it ends the
// request stops waiting, and the build stops when no request waits.
func (c *graphCache) get(ctx context.Context, account string, now time.Time, key func(context.Context) (graphKey, error), build graphBuild) (*graph.Graph, error) {
	asked := time.Now()
	want, err := key(ctx)
	if err != nil {
		return nil, err
	}
	for {
		c.mu.Lock()
		if e := c.find(account, func(e *graphEntry) bool { return e.key == want && now.Sub(e.read) < graphMaxAge }); e != nil {
			c.mu.Unlock()
			return e.g, e.err
		}
		f := c.flights[account]
		if f == nil {
			f = c.start(account, now, key, build)
		}
		f.waiters++
		c.mu.Unlock()
		select {
		case <-f.done:
			// A build that started after this request read its key
			// shows at least what the request knew of.
			if f.err != nil || f.key == want || f.started.After(asked) {
				if f.err != nil {
					return nil, f.err
				}
				return f.entry.g, f.entry.err
			}
		case <-ctx.Done():
			c.leave(account, f)
			return nil, ctx.Err()
		}
	}
}

// start begins account's build (c.mu held).
func (c *graphCache) start(account string, now time.Time, key func(context.Context) (graphKey, error), build graphBuild) *graphFlight {
	limit := c.limit
	if limit == 0 {
		limit = graphBuildLimit
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	f := &graphFlight{started: time.Now(), done: make(chan struct{}), cancel: cancel}
	if c.flights == nil {
		c.flights = map[string]*graphFlight{}
	}
	c.flights[account] = f
	prev := c.find(account, func(e *graphEntry) bool { return e.g != nil && now.Sub(e.read) < graphMaxAge })
	go func() {
		defer cancel()
		defer close(f.done)
		f.key, f.err = key(ctx)
		if f.err == nil {
			f.entry, f.err = build(ctx, f.key, prev)
		}
		f.err = buildError(ctx, limit, f.err)
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.flights[account] == f {
			delete(c.flights, account)
		}
		switch {
		case f.err == nil:
			f.entry.account = account
			c.put(*f.entry)
		case KindOf(f.err) == LimitExceeded:
			// Too large or too slow: the same state would be again.
			c.put(graphEntry{account: account, key: f.key, read: now, err: f.err})
		}
	}()
	return f
}

// leave takes a request that stopped waiting off f, and cancels f when no
// request waits any more (c.mu not held).
func (c *graphCache) leave(account string, f *graphFlight) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.waiters--; f.waiters == 0 {
		f.cancel()
		if c.flights[account] == f {
			delete(c.flights, account) // the next request starts afresh
		}
	}
}

// buildError turns a build's failure into the error the view shows: too
// large and too slow are LimitExceeded with what to do instead.
func buildError(ctx context.Context, limit time.Duration, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, graph.ErrTooLarge):
		return newErr(LimitExceeded, "%s", capitalize(graph.ErrTooLarge.Error()+"."))
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return newErr(LimitExceeded, "Building this account's access graph took longer than %s: it is too large for the whole-account drawing; focus on a principal.", limit)
	case errors.Is(err, context.Canceled):
		return err
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	return internal(err, "access graph")
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// find returns the newest of account's entries that ok accepts (c.mu held).
func (c *graphCache) find(account string, ok func(*graphEntry) bool) *graphEntry {
	for i := len(c.entries) - 1; i >= 0; i-- {
		if e := &c.entries[i]; e.account == account && ok(e) {
			cp := *e
			return &cp
		}
	}
	return nil
}

// put keeps e, dropping the account's older entry and the oldest others
// past the edge budget (c.mu held).
func (c *graphCache) put(e graphEntry) {
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
		if kept[first].g != nil {
			edges += len(kept[first].g.Edges)
		}
		if edges > graphCacheEdges && first < len(kept)-1 {
			break
		}
	}
	c.entries = kept[first+1:]
}

// String names a key in messages and logs.
func (k graphKey) String() string {
	if !k.imported.IsZero() {
		return "imported " + k.imported.Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("state %d/%d/%d", k.state.Last, k.state.Low, k.state.Count)
}

package iam

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// What counts as use (issue 15): the decision of an operation the caller
// actually asked for, that is the operation's own authorize call
// (authorizeMeta), allowed or refused, from the API or a console page. A
// page's other questions (may the caller see the delete button? Can,
// Allowed) are not use: nobody did anything. Root and the operator at the
// command line are not principals Access Advisor reports on, so are not
// recorded.
//
// Use is aggregated in memory per principal, action and day, and flushed
// to the database off the request path: every usageFlushEvery by a
// goroutine started at the first use, and at Close. The store adds counts
// and keeps the later last use in SQL, so several processes on one
// PostgreSQL database flush without losing each other's use. The
// aggregates are bounded (usageMaxEntries): past it, new keys are dropped
// and counted (UsageDropped) until the next flush empties the map.

const (
	usageFlushEvery = 5 * time.Second
	usageMaxEntries = 50_000
)

type usageKey struct {
	account, principal, action string
	day                        int64 // days since the Unix epoch, UTC
}

type usageAgg struct {
	last   int64 // Unix milliseconds
	count  int64
	denied int64 // of count, the refused
}

// usageRecorder holds the use not yet flushed.
type usageRecorder struct {
	mu      sync.Mutex
	pending map[usageKey]usageAgg
	dropped atomic.Int64
	full    chan struct{} // asks the flusher for an early flush

	start  sync.Once
	stop   chan struct{}
	done   chan struct{}
	closed atomic.Bool
}

// recordUse notes caller's use of action now, allowed or refused. It
// never blocks on the database.
func (s *Service) recordUse(caller *Principal, action string, allowed bool) {
	if caller == nil || caller.IsRoot() || action == "" || s.cfg.NoUsage {
		return
	}
	r := &s.usage
	r.start.Do(func() { s.startUsageFlusher() })
	now := s.now()
	ms := now.UnixMilli()
	day := ms / (24 * 60 * 60 * 1000)
	for _, p := range usagePrincipals(caller) {
		k := usageKey{account: caller.AccountID, principal: p, action: action, day: day}
		r.mu.Lock()
		if r.pending == nil {
			r.pending = map[usageKey]usageAgg{}
		}
		a, ok := r.pending[k]
		if !ok && len(r.pending) >= usageMaxEntries {
			r.mu.Unlock()
			r.dropped.Add(1)
			if r.full != nil {
				select {
				case r.full <- struct{}{}:
				default:
				}
			}
			continue
		}
		a.count++
		if !allowed {
			a.denied++
		}
		if ms > a.last {
			a.last = ms
		}
		r.pending[k] = a
		r.mu.Unlock()
	}
}

// usagePrincipals are the ARNs a caller's use counts for: a user's own; an
// assumed-role session's role (AWS reports on the role, not the session);
// and for a session vouched for by an identity provider, the provider too.
func usagePrincipals(p *Principal) []string {
	arn := p.ARN
	if p.Type == TypeAssumedRole && p.Session != nil && p.Session.RoleARN != "" {
		arn = p.Session.RoleARN
	}
	if p.Session != nil && strings.HasPrefix(p.Session.FederatedProvider, "arn:") {
		return []string{arn, p.Session.FederatedProvider}
	}
	return []string{arn}
}

func (s *Service) startUsageFlusher() {
	r := &s.usage
	r.full = make(chan struct{}, 1)
	r.stop, r.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(r.done)
		t := time.NewTicker(usageFlushEvery)
		defer t.Stop()
		for {
			select {
			case <-r.stop:
				return
			case <-t.C:
			case <-r.full:
			}
			if err := s.FlushUsage(context.Background()); err != nil {
				s.cfg.Log.Warn("flush usage", "err", err)
			}
		}
	}()
}

// FlushUsage writes the use recorded so far to the database. A failed
// write puts the use back, to be tried at the next flush.
func (s *Service) FlushUsage(ctx context.Context) error {
	r := &s.usage
	r.mu.Lock()
	taken := r.pending
	if len(taken) > 0 {
		r.pending = make(map[usageKey]usageAgg, len(taken))
	}
	r.mu.Unlock()
	if len(taken) == 0 {
		return nil
	}
	deltas := make([]models.UsageDelta, 0, len(taken))
	for k, a := range taken {
		deltas = append(deltas, models.UsageDelta{AccountID: k.account, PrincipalARN: k.principal, Action: k.action,
			Day: time.UnixMilli(k.day * 24 * 60 * 60 * 1000).UTC().Format(time.DateOnly), LastUsed: time.UnixMilli(a.last), Count: a.count, Denied: a.denied})
	}
	if err := s.store.AddUsage(ctx, deltas); err != nil {
		r.mu.Lock()
		for k, a := range taken {
			b := r.pending[k]
			b.count += a.count
			b.denied += a.denied
			b.last = max(b.last, a.last)
			r.pending[k] = b
		}
		r.mu.Unlock()
		return internal(err, "flush usage")
	}
	return nil
}

// UsageDropped is how many uses were not recorded because the aggregates
// were full (a flush that cannot keep up, or a database that refuses it).
func (s *Service) UsageDropped() int64 { return s.usage.dropped.Load() }

// Close stops the usage flusher and writes what it holds: use survives a
// restart. The Service must not be used after.
func (s *Service) Close(ctx context.Context) error {
	r := &s.usage
	if r.closed.Swap(true) {
		return nil
	}
	started := true
	r.start.Do(func() { started = false })
	if started {
		close(r.stop)
		<-r.done
	}
	return s.FlushUsage(ctx)
}

package iam

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
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

// blockingBuild is a build that runs until its context ends (a build too
// large to finish), reporting its start and its end.
func blockingBuild(started, ended chan<- struct{}) graphBuild {
	return func(ctx context.Context, key graphKey, prev *graphEntry) (*graphEntry, error) {
		started <- struct{}{}
		defer func() { ended <- struct{}{} }()
		<-ctx.Done()
		return nil, ctx.Err()
	}
}

func fixedKey(ctx context.Context) (graphKey, error) {
	return graphKey{state: models.StateStamp{Last: 1, Low: 1, Count: 1}}, nil
}

// TestGraphBuildStopsWhenItsRequestsLeave: a build runs while a request
// waits for it, is shared by a second request, and is cancelled (its
// goroutine gone) when both have left.
func TestGraphBuildStopsWhenItsRequestsLeave(t *testing.T) {
	var c graphCache
	started, ended := make(chan struct{}, 2), make(chan struct{}, 2)
	build := blockingBuild(started, ended)
	goroutines := runtime.NumGoroutine()
	ctx1, cancel1 := context.WithCancel(context.Background())
	ctx2, cancel2 := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() { _, err := c.get(ctx1, "a", time.Now(), fixedKey, build); errs <- err }()
	<-started
	go func() { _, err := c.get(ctx2, "a", time.Now(), fixedKey, build); errs <- err }()
	waitFor(t, "the second request to join", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.flights["a"] != nil && c.flights["a"].waiters == 2
	})
	cancel1()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("the request that left got %v", err)
	}
	select {
	case <-ended:
		t.Fatal("the build stopped while a request still waited for it")
	case <-time.After(50 * time.Millisecond):
	}
	cancel2()
	<-errs
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the build went on after every request left")
	}
	select {
	case <-started:
		t.Fatal("a second build started for the same account")
	default:
	}
	waitFor(t, "the build's goroutines to end", func() bool { return runtime.NumGoroutine() <= goroutines })
	if len(c.entries) != 0 || len(c.flights) != 0 {
		t.Fatalf("a cancelled build left %d entries, %d flights", len(c.entries), len(c.flights))
	}
}

// TestGraphBuildLimits: a build past the time limit, or past its budget,
// ends with a LimitExceeded error that says what to do, and is not tried
// again for the same state.
func TestGraphBuildLimits(t *testing.T) {
	started, ended := make(chan struct{}, 4), make(chan struct{}, 4)
	tooLarge := func(ctx context.Context, key graphKey, prev *graphEntry) (*graphEntry, error) {
		started <- struct{}{}
		return nil, fmt.Errorf("build: %w", graph.ErrTooLarge)
	}
	for _, tc := range []struct {
		name  string
		build graphBuild
		want  string
	}{
		{"time limit", blockingBuild(started, ended), "took longer than 20ms"},
		{"budget", tooLarge, "This account is too large for the whole-account drawing; focus on a principal."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := graphCache{limit: 20 * time.Millisecond}
			for i := range 2 {
				_, err := c.get(context.Background(), "a", time.Now(), fixedKey, tc.build)
				var e *Error
				if !errors.As(err, &e) || e.Kind != LimitExceeded || !strings.Contains(e.Message, tc.want) {
					t.Fatalf("try %d: %v, want LimitExceeded saying %q", i, err, tc.want)
				}
			}
			<-started
			select {
			case <-started:
				t.Fatal("a build that failed its limits was tried again for the same state")
			default:
			}
		})
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestAccessGraphTimeLimit: the service's build under its time limit
// answers with the message, not a hang.
func TestAccessGraphTimeLimit(t *testing.T) {
	s, root := newInternalService(t, dbtest.SQLite(t))
	s.graphs.limit = time.Nanosecond
	_, err := s.AccessGraph(context.Background(), root, "", Meta{})
	if KindOf(err) != LimitExceeded || !strings.Contains(err.Error(), "focus on a principal") {
		t.Fatalf("a build past its time limit: %v", err)
	}
}

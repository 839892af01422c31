package graph

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingCtx is a context that is cancelled after its Err has been asked
// a given number of times: a cancellation at a known point of the build.
type countingCtx struct {
	context.Context
	after, calls int64
	late         atomic.Int64 // Err calls after the first that said Canceled
}

func (c *countingCtx) Err() error {
	if n := atomic.AddInt64(&c.calls, 1); n > c.after {
		if n > c.after+1 {
			c.late.Add(1)
		}
		return context.Canceled
	}
	return nil
}

// TestBuildContextCancelled: a dense build cancelled part way returns
// context.Canceled at the first check after the cancellation, leaves no
// goroutine behind and gives its memory back.
func TestBuildContextCancelled(t *testing.T) {
	a := generateDense(2000)
	for _, after := range []int64{0, 5, 20, 60} {
		ctx := &countingCtx{Context: context.Background(), after: after}
		g, err := BuildContext(ctx, a, Options{Now: testNow})
		if !errors.Is(err, context.Canceled) || g != nil {
			t.Fatalf("cancelled after %d checks: graph %v, error %v", after, g != nil, err)
		}
		if ctx.late.Load() > 0 {
			t.Errorf("cancelled after %d checks: the build asked %d more times", after, ctx.late.Load())
		}
	}

	// A real cancellation from another goroutine, mid-build.
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	var cancelledAt time.Time
	timer := time.AfterFunc(100*time.Millisecond, func() { cancelledAt = time.Now(); cancel() })
	g, err := BuildContext(ctx, a, Options{Now: testNow})
	returned := time.Now()
	timer.Stop()
	cancel()
	if err == nil {
		t.Skip("the build finished within 100 ms: nothing to cancel")
	}
	if !errors.Is(err, context.Canceled) || g != nil {
		t.Fatalf("graph %v, error %v", g != nil, err)
	}
	t.Logf("returned %v after the cancellation", returned.Sub(cancelledAt))
	var after runtime.MemStats
	for i := 0; i < 50 && runtime.NumGoroutine() > goroutines; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("%d goroutines after the build, %d before", n, goroutines)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 8<<20 {
		t.Errorf("the heap kept %d MB after a cancelled build", grown>>20)
	}
}

// TestBuildContextBudget: a build past its budget ends with ErrTooLarge and
// the message the page shows; Build has no budget.
func TestBuildContextBudget(t *testing.T) {
	a := generateDense(2000)
	for name, opts := range map[string]Options{
		"nodes":  {Now: testNow, MaxNodes: 500},
		"edges":  {Now: testNow, MaxEdges: 1000},
		"memory": {Now: testNow, MaxMemory: 1 << 20},
	} {
		g, err := BuildContext(context.Background(), a, opts)
		if !errors.Is(err, ErrTooLarge) || g != nil {
			t.Errorf("%s: graph %v, error %v", name, g != nil, err)
			continue
		}
		if !strings.Contains(err.Error(), "this account is too large for the whole-account drawing; focus on a principal") {
			t.Errorf("%s: message %q", name, err)
		}
	}
	g, err := BuildContext(context.Background(), a, Options{Now: testNow, MaxNodes: 1e6, MaxEdges: 1e6, MaxMemory: 4 << 30})
	if err != nil || len(g.Edges) == 0 {
		t.Fatalf("within budget: %v", err)
	}
	if len(Build(a, Options{Now: testNow, MaxEdges: 1}).Edges) != len(g.Edges) {
		t.Error("Build applies a budget")
	}
}

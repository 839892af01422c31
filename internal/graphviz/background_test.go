package graphviz

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeLayout writes a stand-in for a Graphviz program: it notes each run in
// a file, takes delay seconds ("hang": until killed), then prints an SVG
// (or fails, when fail is set).
func fakeLayout(t *testing.T, delay string, fail bool) (path, runs string) {
	t.Helper()
	dir := t.TempDir()
	path, runs = filepath.Join(dir, "fake-sfdp"), filepath.Join(dir, "runs")
	script := "#!/bin/sh\necho run >> " + runs + "\ncat > /dev/null\n"
	switch {
	case fail:
		script += "sleep " + delay + "\necho 'syntax error' >&2\nexit 1\n"
	case delay == "hang":
		script += "exec sleep 30\n" // exec: the kill at the deadline reaches the sleep
	default:
		script += "sleep " + delay + "\necho '<svg></svg>'\n"
	}
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, runs
}

func countRuns(t *testing.T, runs string) int {
	t.Helper()
	b, err := os.ReadFile(runs)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte("run"))
}

// waitFor polls the layout's state until it leaves Pending or the deadline
// passes.
func waitFor(t *testing.T, b *Background, key Key) State {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := b.Status(key)
		if st != Pending || time.Now().After(deadline) {
			return st
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestBackgroundLayout(t *testing.T) {
	renderer(t, Options{}) // skips without Graphviz
	dir := t.TempDir()
	r := New(Options{Path: "sfdp", CacheDir: dir})
	if !r.Available() {
		t.Skip("sfdp not installed")
	}
	b := NewBackground(r, BackgroundOptions{})
	dot := []byte("digraph g { layout=sfdp; a -> b; b -> c; c -> a }")
	st := b.Request(context.Background(), dot, 0)
	if st.State != Pending && st.State != Ready {
		t.Fatalf("first request: %v %v", st.State, st.Err)
	}
	if got := waitFor(t, b, st.Key); got != Ready {
		t.Fatalf("layout ended %v", got)
	}
	st = b.Request(context.Background(), dot, 0)
	if st.State != Ready || !bytes.Contains(st.SVG, []byte("<svg")) {
		t.Fatalf("after the layout: %v", st.State)
	}
	// Another process (or this one after a restart) finds it on disk.
	again := New(Options{Path: "sfdp", CacheDir: dir})
	if svg := again.Cached(st.Key); !bytes.Equal(svg, st.SVG) {
		t.Fatal("the layout was not kept on disk")
	}
	if k, ok := ParseKey(st.Key.String()); !ok || k != st.Key {
		t.Fatal("key does not round-trip")
	}
	// dot and sfdp layouts of the same text are different entries.
	if New(Options{}).Key(dot) == st.Key {
		t.Fatal("dot and sfdp share a cache key")
	}
}

func TestBackgroundRunsOnce(t *testing.T) {
	path, runs := fakeLayout(t, "0.3", false)
	b := NewBackground(New(Options{Path: path}), BackgroundOptions{})
	dot := []byte("digraph { a }")
	first := b.Request(context.Background(), dot, 0)
	for range 5 {
		if st := b.Request(context.Background(), dot, 0); st.State != Pending && st.State != Ready {
			t.Fatalf("repeated request: %v", st.State)
		}
	}
	if got := waitFor(t, b, first.Key); got != Ready {
		t.Fatalf("layout ended %v", got)
	}
	if n := countRuns(t, runs); n != 1 {
		t.Fatalf("%d layouts for one graph", n)
	}
	// A short wait returns the graph when it is done in time.
	st := b.Request(context.Background(), []byte("digraph { b }"), 10*time.Second)
	if st.State != Ready || countRuns(t, runs) != 2 {
		t.Fatalf("waited request: %v after %d runs", st.State, countRuns(t, runs))
	}
}

func TestBackgroundFailures(t *testing.T) {
	path, runs := fakeLayout(t, "hang", false)
	now := time.Now()
	// The timeout leaves the fake program time to start and count its run
	// on a loaded machine (at 200 ms it was killed before it counted).
	b := NewBackground(New(Options{Path: path, Timeout: 2 * time.Second}), BackgroundOptions{MaxQueue: 1, RetryAfter: time.Minute})
	b.now = func() time.Time { return now }
	start := time.Now()
	st := b.Request(context.Background(), []byte("digraph { slow }"), 0)
	if st.State != Pending {
		t.Fatalf("slow layout: %v", st.State)
	}
	// One layout at a time, and no queue room left: another graph waits.
	if other := b.Request(context.Background(), []byte("digraph { other }"), 0); other.State != Busy || !errors.Is(other.Err, ErrBusy) {
		t.Fatalf("second graph with a full queue: %v", other.State)
	}
	if got := waitFor(t, b, st.Key); got != Failed {
		t.Fatalf("hanging layout ended %v", got)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("the hanging layout was not killed at its timeout")
	}
	again := b.Request(context.Background(), []byte("digraph { slow }"), 0)
	if again.State != Failed || !errors.Is(again.Err, ErrTimeout) || countRuns(t, runs) != 1 {
		t.Fatalf("a failed layout was retried at once: %v %v, %d runs", again.State, again.Err, countRuns(t, runs))
	}
	now = now.Add(2 * time.Minute)
	if retry := b.Request(context.Background(), []byte("digraph { slow }"), 0); retry.State != Pending {
		t.Fatalf("after RetryAfter: %v", retry.State)
	}
	waitFor(t, b, st.Key)

	// Graphviz refusing the graph, and a graph over the size limit.
	path, _ = fakeLayout(t, "0", true)
	b = NewBackground(New(Options{Path: path, MaxDOTBytes: 64}), BackgroundOptions{})
	st = b.Request(context.Background(), []byte("digraph { x }"), 10*time.Second)
	if st.State != Failed || !strings.Contains(st.Err.Error(), "syntax error") {
		t.Fatalf("refused graph: %v %v", st.State, st.Err)
	}
	if st := b.Request(context.Background(), []byte("digraph { "+strings.Repeat("a -> b; ", 20)+"}"), 0); st.State != Failed || st.Err != ErrTooLarge {
		t.Fatalf("oversized graph: %v %v", st.State, st.Err)
	}
	if st := NewBackground(New(Options{Path: "/nonexistent/sfdp"}), BackgroundOptions{}).Request(context.Background(), []byte("digraph{}"), 0); st.Err != ErrNotInstalled {
		t.Fatalf("missing sfdp: %v", st.Err)
	}
}

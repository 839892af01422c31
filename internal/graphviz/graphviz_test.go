package graphviz

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

func renderer(t *testing.T, o Options) *Renderer {
	t.Helper()
	r := New(o)
	if !r.Available() {
		if os.Getenv("CI") == "true" {
			t.Fatal("Graphviz's dot is not installed: CI must run the rendering tests (apt-get install graphviz)")
		}
		t.Skip("!!! GRAPHVIZ TEST SKIPPED: dot not installed (apt-get install graphviz)")
	}
	return r
}

func TestSVG(t *testing.T) {
	r := renderer(t, Options{})
	svg, err := r.SVG(context.Background(), []byte(`digraph g { a [label="<img src=x onerror=alert(1)>"]; a -> b }`))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("<svg")) || bytes.Contains(svg, []byte("<img")) {
		t.Fatalf("svg: %s", svg)
	}
	again, _ := r.SVG(context.Background(), []byte(`digraph g { a [label="<img src=x onerror=alert(1)>"]; a -> b }`))
	if &again[0] != &svg[0] {
		t.Fatal("the same graph was rendered twice instead of cached")
	}
}

func TestLimits(t *testing.T) {
	r := renderer(t, Options{MaxDOTBytes: 100, Timeout: time.Millisecond})
	if _, err := r.SVG(context.Background(), []byte("digraph g {"+strings.Repeat("a -> b; ", 50)+"}")); err != ErrTooLarge {
		t.Fatalf("oversized graph: %v", err)
	}
	// A layout that hangs is killed at the deadline.
	dir := t.TempDir()
	slow, runs := dir+"/slow-dot", dir+"/runs"
	if err := os.WriteFile(slow, []byte("#!/bin/sh\necho run >> "+runs+"\nexec sleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	hanging := New(Options{Path: slow, Timeout: 200 * time.Millisecond})
	if _, err := hanging.SVG(context.Background(), []byte("digraph{}")); err != ErrTimeout {
		t.Fatalf("hanging layout: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("the hanging layout was not killed")
	}
	// Asked again, it fails without running the layout again; another
	// graph is still tried.
	if _, err := hanging.SVG(context.Background(), []byte("digraph{}")); err != ErrTimeout {
		t.Fatalf("a layout that timed out, again: %v", err)
	}
	if _, err := hanging.SVG(context.Background(), []byte("digraph{a}")); err != ErrTimeout {
		t.Fatalf("another hanging layout: %v", err)
	}
	if b, _ := os.ReadFile(runs); strings.Count(string(b), "run") != 2 {
		t.Fatalf("layouts run: %d, want 2 (the one that timed out is not tried again)", strings.Count(string(b), "run"))
	}
	if _, err := renderer(t, Options{}).SVG(context.Background(), []byte("this is not dot")); err == nil {
		t.Fatal("garbage rendered")
	}
}

func TestNotInstalled(t *testing.T) {
	r := New(Options{Path: "/nonexistent/dot"})
	if _, err := r.SVG(context.Background(), []byte("digraph{}")); err != ErrNotInstalled {
		t.Fatalf("missing dot: %v", err)
	}
}

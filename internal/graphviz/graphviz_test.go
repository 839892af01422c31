package graphviz

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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

// TestInstalledLater: a console started before Graphviz was installed finds
// it once it is, without a restart, for pages and background overviews;
// and loses it again when it is removed.
func TestInstalledLater(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	r := New(Options{})
	bg := NewBackground(New(Options{Path: "sfdp"}), BackgroundOptions{})
	if r.Available() {
		t.Fatal("dot found on an empty PATH")
	}
	if _, err := r.SVG(context.Background(), []byte("digraph{}")); err != ErrNotInstalled {
		t.Fatalf("before installing: %v", err)
	}
	if st := bg.Request(context.Background(), []byte("digraph{}"), time.Second); st.State != Failed || st.Err != ErrNotInstalled {
		t.Fatalf("background before installing: %v %v", st.State, st.Err)
	}
	// "Install" Graphviz: programs that answer with a recognisable SVG
	// (shell builtins only: PATH holds nothing else).
	for _, prog := range []string{"dot", "sfdp"} {
		script := "#!/bin/sh\nread -r _\nprintf '<svg><!-- " + prog + " --></svg>'\n"
		if err := os.WriteFile(filepath.Join(dir, prog), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if !r.Available() {
		t.Fatal("dot not found once installed")
	}
	svg, err := r.SVG(context.Background(), []byte("digraph{}"))
	if err != nil || string(svg) != "<svg><!-- dot --></svg>" {
		t.Fatalf("after installing: %q %v", svg, err)
	}
	if st := bg.Request(context.Background(), []byte("digraph{}"), 5*time.Second); st.State != Ready || !bytes.Contains(st.SVG, []byte("sfdp")) {
		t.Fatalf("background after installing: %v %v %q", st.State, st.Err, st.SVG)
	}
	// Uninstalled: a new graph says so (the cached one is still served).
	if err := os.Remove(filepath.Join(dir, "dot")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SVG(context.Background(), []byte("digraph{a}")); err != ErrNotInstalled {
		t.Fatalf("after removing: %v", err)
	}
	if r.Available() {
		t.Fatal("dot still available after removal")
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	if p, ok := Find("dot"); ok {
		t.Fatalf("found %s on an empty PATH", p)
	}
	os.WriteFile(filepath.Join(dir, "dot"), []byte("#!/bin/sh\n"), 0o755)
	if p, ok := Find("dot"); !ok || p != filepath.Join(dir, "dot") {
		t.Fatalf("Find: %q %v", p, ok)
	}
}

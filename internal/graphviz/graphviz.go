// Package graphviz lays out DOT graphs into SVG with Graphviz's own `dot`
// (Debian's graphviz package), run as a subprocess.
//
// Why a subprocess rather than Graphviz compiled to WebAssembly in-process:
// layout time grows fast (seconds at 1,000 nodes), and a subprocess can be
// killed when its deadline passes, freeing the CPU, while an in-process
// render cannot be cancelled safely. Renders are bounded three ways: the DOT
// size is checked before starting, at most Concurrency run at once, and each
// has a timeout. Results are cached by the DOT text's hash, so a page that
// shows the same graph again costs nothing.
package graphviz

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os/exec"
	"sync"
	"time"
)

// Errors a render may return.
var (
	ErrNotInstalled = errors.New("graphviz: the dot command is not installed (apt-get install graphviz)")
	ErrTooLarge     = errors.New("graphviz: the graph is too large to lay out on request")
	ErrTimeout      = errors.New("graphviz: layout took too long")
)

// Renderer runs dot. The zero value is not usable; use New.
type Renderer struct {
	path     string
	timeout  time.Duration
	maxBytes int
	sem      chan struct{}

	mu    sync.Mutex
	cache map[[32]byte]*list.Element
	order *list.List // most recent at the front
	max   int
}

type entry struct {
	key [32]byte
	svg []byte
}

// Options tune a Renderer; zero fields take the defaults.
type Options struct {
	Path        string        // default: "dot" from PATH
	Timeout     time.Duration // default 10 s
	MaxDOTBytes int           // default 2 MiB (a few thousand nodes)
	Concurrency int           // default 1
	CacheSize   int           // default 64 rendered graphs
}

// New makes a Renderer. It does not fail when dot is missing: Render says so.
func New(o Options) *Renderer {
	if o.Path == "" {
		o.Path = "dot"
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxDOTBytes <= 0 {
		o.MaxDOTBytes = 2 << 20
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 1
	}
	if o.CacheSize <= 0 {
		o.CacheSize = 64
	}
	path, err := exec.LookPath(o.Path)
	if err != nil {
		path = ""
	}
	return &Renderer{path: path, timeout: o.Timeout, maxBytes: o.MaxDOTBytes, sem: make(chan struct{}, o.Concurrency),
		cache: map[[32]byte]*list.Element{}, order: list.New(), max: o.CacheSize}
}

// Available reports whether dot was found.
func (r *Renderer) Available() bool { return r.path != "" }

// SVG lays out dot and returns the SVG.
func (r *Renderer) SVG(ctx context.Context, dot []byte) ([]byte, error) {
	if r.path == "" {
		return nil, ErrNotInstalled
	}
	if len(dot) > r.maxBytes {
		return nil, ErrTooLarge
	}
	key := sha256.Sum256(dot)
	if svg := r.cached(key); svg != nil {
		return svg, nil
	}
	select {
	case r.sem <- struct{}{}:
		defer func() { <-r.sem }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if svg := r.cached(key); svg != nil { // another request rendered it while we waited
		return svg, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.path, "-Tsvg")
	cmd.Stdin = bytes.NewReader(dot)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, ErrTimeout
		}
		return nil, fmt.Errorf("graphviz: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	svg := out.Bytes()
	r.store(key, svg)
	return svg, nil
}

func (r *Renderer) cached(key [32]byte) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	if el, ok := r.cache[key]; ok {
		r.order.MoveToFront(el)
		return el.Value.(*entry).svg
	}
	return nil
}

func (r *Renderer) store(key [32]byte, svg []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.cache[key]; ok {
		return
	}
	r.cache[key] = r.order.PushFront(&entry{key: key, svg: svg})
	for r.order.Len() > r.max {
		old := r.order.Back()
		r.order.Remove(old)
		delete(r.cache, old.Value.(*entry).key)
	}
}

// Package graphviz lays out DOT graphs into SVG with Graphviz's own `dot`
// or `sfdp` (Debian's graphviz package), run as a subprocess.
//
// Why a subprocess rather than Graphviz compiled to WebAssembly in-process:
// layout time grows fast (seconds at 1,000 nodes), and a subprocess can be
// killed when its deadline passes, freeing the CPU, while an in-process
// render cannot be cancelled safely. Renders are bounded three ways: the DOT
// size is checked before starting, at most Concurrency run at once, and each
// has a timeout. Results are cached by the DOT text's hash (and the
// program's name), in memory and optionally on disk, so a page that shows
// the same graph again costs nothing. Graphs too large to lay out while a
// page waits go to a Background, which lays them out one at a time.
package graphviz

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// InstallHint says how to install Graphviz, for messages.
const InstallHint = "Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz"

// Errors a render may return.
var (
	ErrNotInstalled = errors.New("graphviz: not installed (" + InstallHint + ")")
	ErrTooLarge     = errors.New("graphviz: the graph is too large to lay out on request")
	ErrTimeout      = errors.New("graphviz: layout took too long")
)

// Renderer runs dot (or another Graphviz layout program). The zero value is
// not usable; use New.
type Renderer struct {
	program  string // as given: a name looked up on PATH, or a path
	name     string // the program's base name, part of every cache key
	timeout  time.Duration
	maxBytes int
	sem      chan struct{}
	dir      string
	dirMax   int
	log      *slog.Logger

	mu sync.Mutex
	// path is where program was found, "" while it is not: looked up when
	// a render needs it, not only at start, so installing Graphviz while
	// the console runs is enough.
	path string
	// timedOut remembers layouts that ran out of time, so asking again
	// (a reload, a download) fails at once instead of burning the timeout
	// of CPU each time. Forgotten after failedFor.
	timedOut map[Key]time.Time
	cache    map[Key]*list.Element
	order    *list.List // most recent at the front
	max      int
}

type entry struct {
	key Key
	svg []byte
}

// Options tune a Renderer; zero fields take the defaults.
type Options struct {
	Path        string        // default: "dot" from PATH; "sfdp" for force-directed layouts
	Timeout     time.Duration // default 10 s
	MaxDOTBytes int           // default 2 MiB (a few thousand nodes)
	Concurrency int           // default 1
	CacheSize   int           // default 64 rendered graphs in memory
	// CacheDir, when set, also keeps every rendered graph on disk as
	// HASH.svg, so what took a minute to lay out survives a restart and is
	// shared by the processes that share the directory. At most
	// DiskCacheSize files are kept (default 256), the oldest removed first.
	CacheDir      string
	DiskCacheSize int
	Log           *slog.Logger // default slog.Default(); disk cache trouble is logged, not fatal
}

// New makes a Renderer. It does not fail when dot is missing: SVG says so,
// and finds it once it is installed.
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
	if o.DiskCacheSize <= 0 {
		o.DiskCacheSize = 256
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &Renderer{program: o.Path, name: filepath.Base(o.Path), timeout: o.Timeout, maxBytes: o.MaxDOTBytes,
		sem: make(chan struct{}, o.Concurrency), dir: o.CacheDir, dirMax: o.DiskCacheSize, log: o.Log,
		cache: map[Key]*list.Element{}, order: list.New(), max: o.CacheSize}
}

// Available reports whether the program is installed now.
func (r *Renderer) Available() bool { return r.lookPath() != "" }

// lookPath is where the program is, or "" when it is not installed. A path
// found is kept; a missing one is looked for again at every call, which
// costs a few stat calls, so that installing Graphviz needs no restart.
func (r *Renderer) lookPath() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.path == "" {
		r.path, _ = Find(r.program)
	}
	return r.path
}

// forget drops a found path that no longer runs (Graphviz uninstalled or
// moved), so the next call looks for it again.
func (r *Renderer) forget(path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.path == path {
		r.path = ""
	}
}

// Find is where program (a name looked up on PATH, or a path) is
// installed, and false when it is not.
func Find(program string) (string, bool) {
	path, err := exec.LookPath(program)
	return path, err == nil
}

// Key is what the cache knows a rendered graph by: the SHA-256 of the
// program's name and the DOT text.
type Key [32]byte

// String is the key in hex, as the disk cache names its files.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// ParseKey reads a key written by String.
func ParseKey(s string) (Key, bool) {
	var k Key
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(k) {
		return k, false
	}
	copy(k[:], b)
	return k, true
}

// Key is the cache key of dot laid out by this Renderer.
func (r *Renderer) Key(dot []byte) Key {
	h := sha256.New()
	h.Write([]byte(r.name))
	h.Write([]byte{0})
	h.Write(dot)
	var k Key
	h.Sum(k[:0])
	return k
}

// Cached returns the SVG for key when it has been rendered (in memory or
// in the disk cache), else nil. It never lays anything out.
func (r *Renderer) Cached(key Key) []byte {
	if svg := r.cached(key); svg != nil {
		return svg
	}
	if r.dir == "" {
		return nil
	}
	svg, err := os.ReadFile(r.file(key))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			r.log.Warn("graphviz disk cache", "err", err)
		}
		return nil
	}
	r.store(key, svg)
	return svg
}

// SVG lays out dot and returns the SVG.
func (r *Renderer) SVG(ctx context.Context, dot []byte) ([]byte, error) {
	path := r.lookPath()
	if path == "" {
		return nil, ErrNotInstalled
	}
	if len(dot) > r.maxBytes {
		return nil, ErrTooLarge
	}
	key := r.Key(dot)
	if svg := r.Cached(key); svg != nil {
		return svg, nil
	}
	if r.timedOutRecently(key) {
		return nil, ErrTimeout
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
	cmd := exec.CommandContext(ctx, path, "-Tsvg")
	cmd.Stdin = bytes.NewReader(dot)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	cmd.WaitDelay = time.Second // a killed layout's output pipes must not hold Wait open
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			r.mu.Lock()
			if r.timedOut == nil {
				r.timedOut = map[Key]time.Time{}
			}
			r.timedOut[key] = time.Now()
			r.mu.Unlock()
			return nil, ErrTimeout
		}
		if errors.Is(err, fs.ErrNotExist) {
			r.forget(path)
			return nil, ErrNotInstalled
		}
		return nil, fmt.Errorf("graphviz: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	svg := out.Bytes()
	r.store(key, svg)
	if r.dir != "" {
		if err := r.persist(key, svg); err != nil {
			r.log.Warn("graphviz disk cache", "err", err)
		}
	}
	return svg, nil
}

// failedFor is how long a layout that timed out is not tried again.
const failedFor = 10 * time.Minute

// timedOutRecently reports whether key's layout ran out of time within
// failedFor, forgetting older failures.
func (r *Renderer) timedOutRecently(key Key) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.timedOut[key]
	if ok && time.Since(at) >= failedFor {
		delete(r.timedOut, key)
		ok = false
	}
	return ok
}

func (r *Renderer) file(key Key) string { return filepath.Join(r.dir, key.String()+".svg") }

// persist writes svg to the disk cache (whole or not at all: a temporary
// file renamed into place) and removes the oldest files beyond the limit.
func (r *Renderer) persist(key Key, svg []byte) error {
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(r.dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(svg)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), r.file(key))
	}
	if werr != nil {
		os.Remove(f.Name())
		return werr
	}
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		return err
	}
	type aged struct {
		name string
		mod  time.Time
	}
	var files []aged
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".svg") {
			continue
		}
		if info, err := e.Info(); err == nil {
			files = append(files, aged{e.Name(), info.ModTime()})
		}
	}
	if len(files) <= r.dirMax {
		return nil
	}
	slices.SortFunc(files, func(a, b aged) int { return a.mod.Compare(b.mod) })
	for _, f := range files[:len(files)-r.dirMax] {
		if err := os.Remove(filepath.Join(r.dir, f.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func (r *Renderer) cached(key Key) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	if el, ok := r.cache[key]; ok {
		r.order.MoveToFront(el)
		return el.Value.(*entry).svg
	}
	return nil
}

func (r *Renderer) store(key Key, svg []byte) {
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

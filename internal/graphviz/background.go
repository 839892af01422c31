package graphviz

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrBusy means too many layouts are already waiting their turn.
var ErrBusy = errors.New("graphviz: other layouts are waiting; ask again later")

// State is where a background layout stands.
type State int

// States of a background layout.
const (
	Unknown State = iota // never asked for, or forgotten (a restart)
	Pending              // laid out now, or waiting its turn
	Ready                // rendered: the SVG is in the cache
	Failed               // timed out, too large or refused by Graphviz
	Busy                 // not started: too many others waiting
)

var stateNames = [...]string{"unknown", "pending", "ready", "failed", "busy"}

// String is the state's lower-case name, as a page's poll reads it.
func (s State) String() string { return stateNames[s] }

// Status answers a request for a background layout.
type Status struct {
	State State
	Key   Key    // what to poll with
	SVG   []byte // when Ready
	Err   error  // when Failed or Busy
}

// Background lays out graphs too large for a page to wait for, off the
// request path. The first request for a graph starts its layout; requests
// for the same DOT meanwhile join it rather than start another. Layouts run
// through the Renderer, so they run one at a time (its Concurrency), are
// killed at its Timeout, and land in its cache (memory and, with CacheDir,
// disk). A failure is remembered for RetryAfter, so a page that polls does
// not start again a layout that just took the whole timeout to fail.
type Background struct {
	r        *Renderer
	ctx      context.Context
	retry    time.Duration
	maxQueue int
	now      func() time.Time

	mu     sync.Mutex
	jobs   map[Key]*job
	queued int // jobs waiting or running
}

type job struct {
	done   chan struct{} // closed when the layout ends
	err    error
	failed time.Time
}

// BackgroundOptions tune a Background; zero fields take the defaults.
type BackgroundOptions struct {
	// Context ends with the server: running layouts are killed with it.
	// Default context.Background().
	Context    context.Context
	RetryAfter time.Duration // default 10 min
	MaxQueue   int           // layouts waiting or running at once; default 4
}

// NewBackground lays out in the background with r.
func NewBackground(r *Renderer, o BackgroundOptions) *Background {
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = 10 * time.Minute
	}
	if o.MaxQueue <= 0 {
		o.MaxQueue = 4
	}
	return &Background{r: r, ctx: o.Context, retry: o.RetryAfter, maxQueue: o.MaxQueue, now: time.Now, jobs: map[Key]*job{}}
}

// Request returns the layout of dot if it is ready, else starts it (unless
// it is already running or failed recently) and waits up to wait for it,
// so a small graph is shown at once and a large one is polled for.
func (b *Background) Request(ctx context.Context, dot []byte, wait time.Duration) Status {
	key := b.r.Key(dot)
	if svg := b.r.Cached(key); svg != nil {
		return Status{State: Ready, Key: key, SVG: svg}
	}
	if !b.r.Available() {
		return Status{State: Failed, Key: key, Err: ErrNotInstalled}
	}
	if len(dot) > b.r.maxBytes {
		return Status{State: Failed, Key: key, Err: ErrTooLarge}
	}
	b.mu.Lock()
	j, ok := b.jobs[key]
	if ok && j.err != nil && b.now().Sub(j.failed) >= b.retry {
		ok = false
	}
	if !ok {
		if b.queued >= b.maxQueue {
			b.mu.Unlock()
			return Status{State: Busy, Key: key, Err: ErrBusy}
		}
		for k, old := range b.jobs { // forget failures that may be retried
			if old.err != nil && b.now().Sub(old.failed) >= b.retry {
				delete(b.jobs, k)
			}
		}
		j = &job{done: make(chan struct{})}
		b.jobs[key] = j
		b.queued++
		go b.run(key, j, dot)
	}
	b.mu.Unlock()
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-j.done:
		case <-t.C:
		case <-ctx.Done():
		}
	}
	return b.status(key)
}

// Status says where the layout known by key stands, without starting
// anything: what a page polls.
func (b *Background) Status(key Key) State { return b.status(key).State }

func (b *Background) status(key Key) Status {
	b.mu.Lock()
	j, ok := b.jobs[key]
	b.mu.Unlock()
	if ok {
		select {
		case <-j.done:
			if j.err != nil {
				return Status{State: Failed, Key: key, Err: j.err}
			}
		default:
			return Status{State: Pending, Key: key}
		}
	}
	if svg := b.r.Cached(key); svg != nil {
		return Status{State: Ready, Key: key, SVG: svg}
	}
	return Status{State: Unknown, Key: key}
}

func (b *Background) run(key Key, j *job, dot []byte) {
	_, err := b.r.SVG(b.ctx, dot)
	b.mu.Lock()
	b.queued--
	if err != nil {
		j.err, j.failed = err, b.now()
	} else {
		// The SVG lives in the Renderer's cache from now on.
		delete(b.jobs, key)
	}
	b.mu.Unlock()
	close(j.done)
}

package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// server is a real `console serve` running in this process, as a user
// would start it, with the lines it printed.
type server struct {
	Console, API, Setup string
	Stderr              *strings.Builder
	stop                func()
}

// startServer runs `console serve` with args on a free port and waits for
// its start lines.
func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, args...), pw, &lockedWriter{b: &stderr})
		pw.Close()
	}()
	s := &server{Stderr: &stderr}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(30 * time.Second)
	for s.API == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("server exited before printing its address: %s", stderr.String())
			}
			key, val, _ := strings.Cut(l, ": ")
			switch key {
			case "console":
				s.Console = val
			case "api":
				s.API = val
			}
		case <-deadline:
			t.Fatal("server did not start in 30 s")
		}
	}
	// The setup line follows at once when there is no root yet.
	select {
	case l := <-lines:
		if v, ok := strings.CutPrefix(l, "setup: "); ok {
			s.Setup = v
		}
	case <-time.After(500 * time.Millisecond):
	}
	go func() {
		for range lines {
		}
	}()
	// stop may be called by the test and again at cleanup.
	var once sync.Once
	stop := func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("server exited with %d: %s", code, stderr.String())
			}
		case <-time.After(20 * time.Second):
			t.Error("server did not shut down in 20 s")
		}
	}
	s.stop = func() { once.Do(stop) }
	t.Cleanup(s.stop)
	return s
}

type lockedWriter struct {
	b *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) { return w.b.Write(p) }

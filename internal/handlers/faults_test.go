package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/awsapi"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// proxy forwards TCP to PostgreSQL and can cut every connection, to make
// the database unreachable and bring it back on the same address.
type proxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	p := &proxy{t: t, target: target}
	p.listen("127.0.0.1:0")
	t.Cleanup(p.down)
	return p
}

func (p *proxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

// down closes the listener and every connection.
func (p *proxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) up() { p.listen(p.addr) }

// TestDatabaseOutage: with PostgreSQL unreachable /readyz fails and pages
// answer with a clear error (no panic, no half page); when it returns,
// everything works again.
func TestDatabaseOutage(t *testing.T) {
	dsn := dbtest.Postgres(t)
	u, _ := url.Parse(dsn)
	px := startProxy(t, u.Host)
	u.Host = px.addr
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	store, err := models.Open(context.Background(), u.String(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := iam.New(store, iam.Config{Argon2: auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	tok, _ := svc.NewSetupToken(context.Background())
	srv := httptest.NewServer(handlers.New(svc, handlers.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), API: awsapi.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil)))}))
	defer srv.Close()
	e := &env{t: t, srv: srv, svc: svc, store: store, token: tok, clk: &clock{t: time.Now()}}
	b := e.browser()
	if res, _ := b.get("/readyz"); res.StatusCode != 200 {
		t.Fatalf("readyz before the outage: %d", res.StatusCode)
	}

	px.down()
	if res, _ := b.get("/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz during the outage: %d", res.StatusCode)
	}
	if res, _ := b.get("/healthz"); res.StatusCode != 200 {
		t.Fatalf("healthz during the outage: %d (the process is up)", res.StatusCode)
	}
	res, body := b.get("/setup?token=" + tok)
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "Something went wrong") || strings.Contains(body, "dial") {
		t.Fatalf("page during the outage: %d", res.StatusCode)
	}

	px.up()
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, _ := b.get("/readyz")
		if res.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no recovery after the database came back")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if res, _ := b.get("/setup?token=" + tok); res.StatusCode != 200 {
		t.Fatalf("setup page after recovery: %d", res.StatusCode)
	}
}

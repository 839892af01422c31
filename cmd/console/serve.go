package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/iamconsole/console/internal/awsapi"
	"github.com/iamconsole/console/internal/graphviz"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// ServeCmd serves the console and the API on one listener.
type ServeCmd struct {
	Addr           string        `name:"addr" env:"CONSOLE_ADDR" default:"127.0.0.1:8080" help:"Address to listen on; port 0 picks a free one."`
	SecureCookies  bool          `name:"secure-cookies" env:"CONSOLE_SECURE_COOKIES" help:"Mark cookies Secure (use when TLS ends at a proxy in front)."`
	TrustedProxies string        `name:"trusted-proxies" env:"CONSOLE_TRUSTED_PROXIES" help:"Comma-separated CIDRs of proxies whose X-Forwarded-For is believed."`
	SessionIdle    time.Duration `name:"session-idle" env:"CONSOLE_SESSION_IDLE" default:"1h" help:"Console session idle timeout."`
	SessionMax     time.Duration `name:"session-max" env:"CONSOLE_SESSION_MAX" default:"12h" help:"Console session absolute lifetime."`
	BodyLimit      string        `name:"body-limit" env:"CONSOLE_BODY_LIMIT" default:"1M" help:"Largest request body accepted."`
	ShutdownGrace  time.Duration `name:"shutdown-grace" env:"CONSOLE_SHUTDOWN_GRACE" default:"15s" help:"How long in-flight requests may finish at shutdown."`
	NoUsage        bool          `name:"no-usage" env:"CONSOLE_NO_USAGE" help:"Do not record which principal used which action (Access Advisor and the unused-access findings then see no use)."`
	DebugAddr      string        `name:"debug-addr" env:"CONSOLE_DEBUG_ADDR" help:"Serve Go's pprof profiles on this separate address (off when empty; keep it on loopback)."`
}

// Run serves until the context ends, then shuts down gracefully.
func (s *ServeCmd) Run(g *Globals, e *env) error {
	log := g.logger(e.stderr)
	proxies, err := handlers.ParseCIDRs(s.TrustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	store, sealer, err := g.open(e.ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := g.service(store, sealer, log, iam.Config{SessionIdle: s.SessionIdle, SessionMax: s.SessionMax, NoUsage: s.NoUsage})

	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := "http://" + displayAddr(ln.Addr().(*net.TCPAddr))
	fmt.Fprintf(e.stdout, "console: %s/\napi: %s/aws\n", base, base)
	tok, err := svc.NewSetupToken(e.ctx)
	if err != nil {
		ln.Close()
		return err
	}
	if tok != "" {
		fmt.Fprintf(e.stdout, "setup: %s/setup?token=%s\n", base, tok)
	}
	if w := graphvizWarning(graphviz.Find); w != "" {
		fmt.Fprintln(e.stderr, w)
	}

	h := handlers.New(svc, handlers.Config{SecureCookies: s.SecureCookies, TrustedProxies: proxies,
		BodyLimit: s.BodyLimit, Log: log, Context: e.ctx, GraphCacheDir: filepath.Join(g.DataDir, "graph-cache"),
		API: awsapi.New(svc, log)})
	srv := &http.Server{
		Handler: h, ReadHeaderTimeout: handlers.ReadHeaderTimeout, ReadTimeout: handlers.ReadTimeout,
		WriteTimeout: handlers.WriteTimeout, IdleTimeout: handlers.IdleTimeout, MaxHeaderBytes: 64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// Keep the planner's statistics fresh as the account grows, and drop
	// expired sessions and temporary credentials.
	go func() {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-e.ctx.Done():
				return
			case <-t.C:
				if err := store.Optimize(e.ctx); err != nil {
					log.Warn("optimize", "err", err)
				}
				svc.Housekeeping(e.ctx)
			}
		}
	}()
	if s.DebugAddr != "" {
		if err := serveDebug(e.ctx, s.DebugAddr, log); err != nil {
			srv.Close()
			return err
		}
	}
	log.Info("serving", "addr", ln.Addr().String(), "db", store.Dialect())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-e.ctx.Done():
	}
	log.Info("shutting down")
	ctx, cancel := context.WithTimeout(context.Background(), s.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	// The requests are done: write the use they recorded (before the
	// deferred store.Close).
	if err := svc.Close(ctx); err != nil {
		log.Warn("flush usage at shutdown", "err", err)
	}
	return nil
}

// graphvizWarning is the line printed at start when Graphviz's programs
// are missing, "" when they are there. The console runs without them (the
// graph pages say so), so the operator is told once, here, what will not
// be drawn and that installing them is enough: they are looked for again
// whenever a drawing is asked for.
func graphvizWarning(find func(program string) (string, bool)) string {
	_, dot := find("dot")
	_, sfdp := find("sfdp")
	var what string
	switch {
	case !dot && !sfdp:
		what = "Graphviz is not installed (no dot or sfdp on PATH): the access graph pages and SVG downloads will show no drawing; everything else works"
	case !dot:
		what = "Graphviz's dot is not on PATH: focused access graph drawings and SVG downloads will not be drawn"
	case !sfdp:
		what = "Graphviz's sfdp is not on PATH: whole-account graph overviews will not be drawn"
	default:
		return ""
	}
	return "warning: " + what + ". Install it (" + graphviz.InstallHint + "); no restart needed."
}

// displayAddr is the address to print: an unspecified host (0.0.0.0, ::)
// is shown as localhost so the printed URL can be opened.
func displayAddr(a *net.TCPAddr) string {
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, fmt.Sprint(a.Port))
}

package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/models"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestHostileInput is the console's security table for what arrives in
// forms and URLs. Names and IDs of other principals' entities in URLs are
// TestIDORSweep's (idor_test.go), route by route.
func TestHostileInput(t *testing.T) {
	logs := &syncBuffer{}
	e := newEnv(t, handlers.Config{Log: slog.New(slog.NewTextHandler(logs, nil))})
	b := e.browser()

	t.Run("mass assignment at setup", func(t *testing.T) {
		tok := b.csrf("/setup?token=" + e.token)
		res, _ := b.post("/setup", url.Values{"_csrf": {tok}, "token": {e.token}, "email": {rootEmail}, "password": {rootPassword},
			"AccountID": {"111111111111"}, "ID": {"111111111111"}, "IsRoot": {"true"}, "Imported": {"true"}, "RootPasswordHash": {"x"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("setup: %d", res.StatusCode)
		}
		acct, err := e.store.LiveAccount(context.Background())
		if err != nil || acct.ID == "111111111111" || acct.Imported || acct.RootPasswordHash == "x" {
			t.Fatalf("extra form fields reached the account: %+v %v", acct, err)
		}
		b.enroll("phone")
	})

	t.Run("invalid UTF-8 and NUL bytes", func(t *testing.T) {
		for _, v := range []string{"\xff\xfe", "root@example.com\x00", "a\x00b", strings.Repeat("\xc3", 300)} {
			c := e.browser()
			tok := c.csrf("/login")
			res, body := c.post("/login", url.Values{"_csrf": {tok}, "username": {v}, "password": {v}})
			if res.StatusCode != http.StatusForbidden || !strings.Contains(body, `id="login-error"`) {
				t.Errorf("username %q: %d", v, res.StatusCode)
			}
		}
	})

	t.Run("log injection", func(t *testing.T) {
		c := e.browser()
		c.get("/nothing%0aforged=1%0d%0alevel=ERROR")
		tok := c.csrf("/login")
		c.post("/login", url.Values{"_csrf": {tok}, "username": {"eve\nlevel=ERROR msg=forged"}, "password": {"x"}})
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			if !strings.HasPrefix(line, "time=") {
				t.Fatalf("a log line was forged: %q", line)
			}
		}
	})

	t.Run("secrets stay out of logs and the audit log", func(t *testing.T) {
		if strings.Contains(logs.String(), rootPassword) {
			t.Fatal("the root password is in the logs")
		}
		evs, _ := e.store.ListAudit(context.Background(), mustAccount(t, e), models.AuditFilter{Limit: 1000})
		for _, ev := range evs {
			if strings.Contains(ev.RequestParameters, rootPassword) || strings.Contains(ev.RequestParameters, e.secret) {
				t.Fatalf("a secret is in audit event %s", ev.EventName)
			}
		}
		for _, path := range []string{"/", "/security", "/audit", "/settings", "/sessions"} {
			if _, body := b.get(path); strings.Contains(body, e.secret) || strings.Contains(body, rootPassword) {
				t.Fatalf("a secret is on %s", path)
			}
		}
	})

	t.Run("clickjacking and sniffing headers on every page", func(t *testing.T) {
		for _, path := range []string{"/", "/login", "/security", "/nope"} {
			res, _ := b.get(path)
			if res.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
				res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: headers %v", path, res.Header)
			}
		}
	})
}

func mustAccount(t *testing.T, e *env) string {
	t.Helper()
	acct, err := e.store.LiveAccount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return acct.ID
}

func TestAuditExport(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	res, body := b.get("/audit.jsonl?event=ConsoleLogin")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// The keys are the file's public format (iam.AuditEvent): a change here
	// breaks the scripts that read the export.
	wantKeys := []string{"AccountID", "ErrorCode", "ErrorMessage", "EventID", "EventName", "EventSource", "EventTime",
		"ID", "PrincipalARN", "RequestID", "RequestParameters", "Resource", "Result", "SourceIP", "UserAgent"}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	for _, l := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil || ev["EventName"] != "ConsoleLogin" {
			t.Fatalf("line %q: %v", l, err)
		}
		keys := make([]string, 0, len(ev))
		for k := range ev {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if !slices.Equal(keys, wantKeys) {
			t.Fatalf("line %q: keys %v, want %v", l, keys, wantKeys)
		}
	}
	if len(lines) == 0 {
		t.Fatal("no events exported")
	}
}

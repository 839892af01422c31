// Package dbtest gives tests real databases: a fresh SQLite file always, and
// a fresh PostgreSQL schema when CONSOLE_TEST_POSTGRES names a server.
// Under CI=true a missing PostgreSQL fails the test instead of skipping it,
// so CI can never pass without having exercised PostgreSQL.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for schema setup
)

// EnvPostgres names the PostgreSQL URL tests use, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvPostgres = "CONSOLE_TEST_POSTGRES"

// Backend is one database to run a test against.
type Backend struct {
	Name string // "sqlite" or "postgres"
	// DSN opens a fresh, empty database for one test (call it once per test).
	DSN func(t testing.TB) string
}

// Backends returns SQLite, plus PostgreSQL when it is configured. Without
// it the test logs loudly (and fails under CI=true).
func Backends(t testing.TB) []Backend {
	t.Helper()
	bs := []Backend{{Name: "sqlite", DSN: SQLite}}
	if pg := PostgresURL(t); pg != "" {
		bs = append(bs, Backend{Name: "postgres", DSN: Postgres})
	}
	return bs
}

// SQLite returns the DSN of a new database file in the test's temp dir.
func SQLite(t testing.TB) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "console.db")
}

// PostgresURL returns the configured server URL, or "" after logging why
// PostgreSQL is skipped. Under CI=true it fails the test instead.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvPostgres)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests", EnvPostgres)
		}
		t.Logf("!!! PostgreSQL tests SKIPPED: set %s=postgres://… to run them", EnvPostgres)
	}
	return u
}

// Postgres creates a fresh schema on the configured server, drops it when
// the test ends, and returns a DSN whose search_path is that schema.
func Postgres(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	if base == "" {
		t.Skip("PostgreSQL not configured")
	}
	schema := "t_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:20]
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema (is PostgreSQL at %s running?): %v", base, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return fmt.Sprint(u)
}

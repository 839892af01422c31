package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// immediatePool is the SQLite connection pool as GORM sees it: its
// transactions begin with BEGIN IMMEDIATE, taking the write lock at once.
//
// A DEFERRED transaction that reads and then writes (count, then insert:
// every quota check) must upgrade its read lock to the write lock; when
// another connection writes meanwhile, SQLite cannot wait for it (the
// transaction's snapshot would be stale) and fails at once with
// SQLITE_BUSY or SQLITE_BUSY_SNAPSHOT, whatever the busy timeout: an
// internal error for a request that only lost a race. An IMMEDIATE
// transaction waits (busy_timeout) for the lock before reading anything,
// so writers queue up instead.
//
// The DSN's _txlock=immediate should do this, but glebarez/go-sqlite
// (v1.21.2, and v1.22.0 still) stops reading DSN parameters after
// _time_format and silently ignores _txlock, so the pool begins
// transactions itself rather than trust the parameter.
type immediatePool struct {
	*sql.DB
}

// GetDBConn lets gorm.DB.DB() find the *sql.DB (to set the pool size, ping
// and close it).
func (p immediatePool) GetDBConn() (*sql.DB, error) { return p.DB, nil }

// BeginTx begins a transaction on one connection of the pool. A read-only
// transaction takes no write lock.
func (p immediatePool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	conn, err := p.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	begin := "BEGIN IMMEDIATE"
	if opts != nil && opts.ReadOnly {
		begin = "BEGIN"
	}
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		conn.Close()
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &immediateTx{ctx: ctx, conn: conn, db: p.DB}, nil
}

// immediateTx is a transaction begun by immediatePool: a connection taken
// out of the pool until Commit or Rollback gives it back. It does not embed
// the *sql.Conn: the Conn's BeginTx would make GORM take it for a pool and
// begin a transaction inside this one.
type immediateTx struct {
	// ctx is the context the transaction began with: once it is done, the
	// transaction can only roll back, as a *sql.Tx's does.
	ctx  context.Context
	conn *sql.Conn
	db   *sql.DB
	done bool
}

// PrepareContext prepares a statement in the transaction.
func (t *immediateTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.conn.PrepareContext(ctx, query)
}

// ExecContext runs a statement in the transaction.
func (t *immediateTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.conn.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (t *immediateTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.conn.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query in the transaction.
func (t *immediateTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.conn.QueryRowContext(ctx, query, args...)
}

// GetDBConn is the pool the transaction's connection belongs to.
func (t *immediateTx) GetDBConn() (*sql.DB, error) { return t.db, nil }

// Commit commits the transaction and returns its connection to the pool;
// if the transaction's context is done, it rolls back instead.
func (t *immediateTx) Commit() error {
	if err := t.ctx.Err(); err != nil {
		if rerr := t.end("ROLLBACK"); rerr != nil {
			return rerr
		}
		return fmt.Errorf("commit: %w", err)
	}
	return t.end("COMMIT")
}

// Rollback rolls the transaction back and returns its connection.
func (t *immediateTx) Rollback() error { return t.end("ROLLBACK") }

func (t *immediateTx) end(stmt string) error {
	if t.done {
		return sql.ErrTxDone
	}
	t.done = true
	// Not the request's context: a cancelled request must still end its
	// transaction, or its connection would go back to the pool holding the
	// write lock.
	_, err := t.conn.ExecContext(context.Background(), stmt)
	if err == nil {
		return t.conn.Close()
	}
	// A failed COMMIT can leave the transaction open; roll it back, and if
	// even that fails, close the connection instead of pooling it.
	if stmt == "COMMIT" {
		if _, rerr := t.conn.ExecContext(context.Background(), "ROLLBACK"); rerr == nil {
			t.conn.Close()
			return fmt.Errorf("commit: %w", err)
		}
	}
	_ = t.conn.Raw(func(any) error { return driver.ErrBadConn }) // discards the connection
	t.conn.Close()
	return fmt.Errorf("%s: %w", strings.ToLower(stmt), err)
}

package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Errors every Store method may return, wrapped with context.
var (
	// ErrNotFound means the record asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique key (a name, a singleton) is already taken.
	ErrConflict = errors.New("conflict")
)

// Store is the console's database. It is safe for concurrent use; Tx gives a
// Store bound to one transaction.
type Store struct {
	db *gorm.DB
	// statements counts the SQL statements this Store (and its
	// transactions) ran: what a page costs is mostly how many it runs.
	statements *atomic.Uint64
	// commits counts the transactions this process committed through the
	// Store: what a request read before it may be out of date once it moved.
	commits *atomic.Uint64
}

// Commits is how many transactions this process has committed through the
// Store. A request that keeps something it read (the IAM state stamp) reads
// it again once this moves: its own change, or another request's, is then
// in the next read.
func (s *Store) Commits() uint64 { return s.commits.Load() }

// Statements is how many SQL statements the Store and its transactions have
// run since it was opened.
func (s *Store) Statements() uint64 { return s.statements.Load() }

// countStatements counts every statement GORM runs on db into n.
func countStatements(db *gorm.DB, n *atomic.Uint64) error {
	count := func(*gorm.DB) { n.Add(1) }
	cb := db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("console:count", count),
		cb.Row().After("gorm:row").Register("console:count", count),
		cb.Raw().After("gorm:raw").Register("console:count", count),
		cb.Create().After("gorm:create").Register("console:count", count),
		cb.Update().After("gorm:update").Register("console:count", count),
		cb.Delete().After("gorm:delete").Register("console:count", count),
	} {
		if err != nil {
			return fmt.Errorf("count statements: %w", err)
		}
	}
	return nil
}

// PostgresPoolSize bounds each process's PostgreSQL connections: several
// processes share the server's max_connections (100 by default).
const PostgresPoolSize = 16

// Open connects to dsn ("sqlite:PATH", a bare path, or a postgres:// URL)
// and applies pending migrations. A relative SQLite path is taken under
// dataDir.
func Open(ctx context.Context, dsn, dataDir string) (*Store, error) {
	dialector, err := dialectorFor(dsn, dataDir)
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		TranslateError: true,
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		if d, ok := dialector.(*sqlite.Dialector); ok {
			d.Conn.(immediatePool).Close()
		}
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if db.Dialector.Name() == "sqlite" {
		// SQLite allows one writer; a small pool with IMMEDIATE transactions
		// and a busy timeout serialises writers instead of failing them.
		// Keep them all idle: opening a SQLite connection (file, WAL,
		// pragmas) cost a tenth of a page's CPU when the pool churned.
		sqlDB.SetMaxOpenConns(4)
		sqlDB.SetMaxIdleConns(4)
	} else {
		// database/sql keeps 2 idle connections by default: under load every
		// other request paid for a new PostgreSQL backend (fork and
		// authentication), which was the tail of every page's latency. A
		// bounded pool kept warm, and recycled so a failover is noticed.
		sqlDB.SetMaxOpenConns(PostgresPoolSize)
		sqlDB.SetMaxIdleConns(PostgresPoolSize)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		sqlDB.SetConnMaxLifetime(time.Hour)
	}
	s := &Store{db: db, statements: new(atomic.Uint64), commits: new(atomic.Uint64)}
	if err := countStatements(db, s.statements); err != nil {
		s.Close()
		return nil, err
	}
	if err := migrate(ctx, db); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Optimize(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func dialectorFor(dsn, dataDir string) (gorm.Dialector, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(dsn), nil
	case dsn == "" || strings.HasPrefix(dsn, "sqlite:") || !strings.Contains(dsn, "://"):
		path := SQLitePath(dsn, dataDir)
		if dir := filepath.Dir(path); path != ":memory:" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create data directory: %w", err)
			}
		}
		// _txlock is not here: the driver ignores it after _time_format,
		// so immediatePool begins transactions itself.
		db, err := sql.Open(sqlite.DriverName, "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)"+
			"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite")
		if err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
		return &sqlite.Dialector{Conn: immediatePool{db}}, nil
	default:
		return nil, fmt.Errorf("unsupported --db %q: use sqlite:PATH or a postgres:// URL", dsn)
	}
}

// Dialect names the database in use: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.db.Dialector.Name() }

// Close releases the database connections.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Tx runs fn in one transaction: everything fn does through the Store it is
// given commits together, or not at all.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(&Store{db: tx, statements: s.statements, commits: s.commits})
	})
	if err == nil {
		s.commits.Add(1)
	}
	return err
}

func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// translate maps GORM's errors to the Store's, with what was being done.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return fmt.Errorf("%s: %w", what, ErrConflict)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

// ErrBackupUnsupported is returned by BackupTo on PostgreSQL, whose own
// tools (pg_dump) do it better.
var ErrBackupUnsupported = errors.New("online backup is for SQLite; for PostgreSQL use pg_dump")

// BackupTo writes a consistent copy of a SQLite database to path while the
// console keeps running (VACUUM INTO). The file must not exist.
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if s.Dialect() != "sqlite" {
		return ErrBackupUnsupported
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	return translate(s.q(ctx).Exec("VACUUM INTO ?", path).Error, "backup")
}

// SQLitePath returns the database file a SQLite DSN names (as Open
// resolves it), or "" for PostgreSQL.
func SQLitePath(dsn, dataDir string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return ""
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if path == "" {
		path = "console.db"
	}
	if path != ":memory:" && !filepath.IsAbs(path) {
		path = filepath.Join(dataDir, path)
	}
	return path
}

// Optimize refreshes SQLite's query-planner statistics (ANALYZE). Without
// them SQLite can pick a primary-key prefix over a better index and scan
// every group membership of an account for one user. PostgreSQL's
// autovacuum keeps its own statistics, so this does nothing there.
func (s *Store) Optimize(ctx context.Context) error {
	if s.Dialect() != "sqlite" {
		return nil
	}
	return s.Analyze(ctx)
}

// Analyze refreshes the query planner's statistics on either database: after
// a bulk load, which PostgreSQL's autovacuum sees only a minute or more
// later.
// PostgreSQL's is of the console's own tables, not of every schema in the
// database.
func (s *Store) Analyze(ctx context.Context) error {
	if s.Dialect() == "sqlite" {
		return translate(s.q(ctx).Exec("ANALYZE").Error, "analyze")
	}
	tables, err := s.db.WithContext(ctx).Migrator().GetTables()
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	for i, t := range tables {
		tables[i] = pgx.Identifier{t}.Sanitize()
	}
	return translate(s.q(ctx).Exec("ANALYZE "+strings.Join(tables, ", ")).Error, "analyze")
}

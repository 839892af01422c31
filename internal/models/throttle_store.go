package models

import (
	"context"
	"time"
	"unicode/utf8"
)

// Throttle returns the failure record for key; a key never seen is a zero
// record, not an error.
func (s *Store) Throttle(ctx context.Context, key string) (LoginThrottle, error) {
	var t LoginThrottle
	err := s.q(ctx).Where("key = ?", key).Limit(1).Find(&t).Error
	if t.Key == "" {
		t.Key = key
	}
	return t, translate(err, "login throttle")
}

// RecordFailure counts one failure for key atomically (one upsert, safe
// across processes). Failures before windowStart are forgotten: the count
// restarts at 1. It returns the record after the change.
func (s *Store) RecordFailure(ctx context.Context, key string, now, windowStart time.Time) (LoginThrottle, error) {
	err := s.q(ctx).Exec(`INSERT INTO login_throttles (key, failures, window_start, last_failure_at, locked_until)
		VALUES (?, 1, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN login_throttles.window_start < ? THEN 1 ELSE login_throttles.failures + 1 END,
			window_start = CASE WHEN login_throttles.window_start < ? THEN excluded.window_start ELSE login_throttles.window_start END,
			last_failure_at = excluded.last_failure_at`,
		key, now, now, time.Time{}, windowStart, windowStart).Error
	if err != nil {
		return LoginThrottle{}, translate(err, "record failure")
	}
	return s.Throttle(ctx, key)
}

// LockThrottle locks key until the given time.
func (s *Store) LockThrottle(ctx context.Context, key string, until time.Time) error {
	return translate(s.q(ctx).Model(&LoginThrottle{}).Where("key = ?", key).Update("locked_until", until).Error, "lock")
}

// ResetThrottle forgets key's failures and lock (after a success, or when an
// administrator unlocks). It reports whether there was anything to forget.
func (s *Store) ResetThrottle(ctx context.Context, key string) (bool, error) {
	res := s.q(ctx).Where("key = ?", key).Delete(&LoginThrottle{})
	return res.RowsAffected > 0, translate(res.Error, "reset throttle")
}

// CountAttempt counts one attempt for key before it is checked, and returns
// the record as it was before this attempt (Failures not yet counting it).
// The increment is the transaction's first statement, so it takes the row
// (PostgreSQL) or the database (SQLite) write lock: concurrent attempts for
// one key, from any process, are counted one after another, each seeing
// the ones before it. Run it inside Tx; rolling back uncounts the attempt.
func (s *Store) CountAttempt(ctx context.Context, key string) (LoginThrottle, error) {
	err := s.q(ctx).Exec(`INSERT INTO login_throttles (key, failures, window_start, last_failure_at, locked_until)
		VALUES (?, 1, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET failures = login_throttles.failures + 1`,
		key, time.Time{}, time.Time{}, time.Time{}).Error
	if err != nil {
		return LoginThrottle{}, translate(err, "count attempt")
	}
	t, err := s.Throttle(ctx, key)
	t.Failures--
	return t, err
}

// MarkAttempt records when key's last attempt was let through (the
// backoff runs from it) and, when windowStart is set, starts its window.
func (s *Store) MarkAttempt(ctx context.Context, key string, at, windowStart time.Time) error {
	cols := map[string]any{"last_failure_at": at}
	if !windowStart.IsZero() {
		cols["window_start"] = windowStart
	}
	return translate(s.q(ctx).Model(&LoginThrottle{}).Where("key = ?", key).Updates(cols).Error, "mark attempt")
}

// RestartThrottle sets key's count to n and clears its lock (a lock that
// has run out, a window that has passed).
func (s *Store) RestartThrottle(ctx context.Context, key string, n int, windowStart time.Time) error {
	return translate(s.q(ctx).Model(&LoginThrottle{}).Where("key = ?", key).
		Updates(map[string]any{"failures": n, "locked_until": time.Time{}, "window_start": windowStart}).Error, "restart throttle")
}

// ResetThrottles forgets key and every key that starts with key+"|" (a
// name's per-network records). It reports whether there was anything to
// forget. A prefix by substr, not LIKE (names may hold LIKE's wildcards)
// nor a range (PostgreSQL's collation need not order bytes).
func (s *Store) ResetThrottles(ctx context.Context, key string) (bool, error) {
	prefix := key + "|"
	res := s.q(ctx).Where("key = ? OR substr(key, 1, ?) = ?", key, utf8.RuneCountInString(prefix), prefix).Delete(&LoginThrottle{})
	return res.RowsAffected > 0, translate(res.Error, "reset throttles")
}

// Remember records at in key's window start, making the row if needed: a
// name's sign-in from a network, remembered so that network is known.
func (s *Store) Remember(ctx context.Context, key string, at time.Time) error {
	err := s.q(ctx).Exec(`INSERT INTO login_throttles (key, failures, window_start, last_failure_at, locked_until)
		VALUES (?, 0, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start`,
		key, at, time.Time{}, time.Time{}).Error
	return translate(err, "remember")
}

// UncountAttempt takes back one counted attempt for key: it was not a
// failure (a right password whose code step follows).
func (s *Store) UncountAttempt(ctx context.Context, key string) error {
	return translate(s.q(ctx).Exec(`UPDATE login_throttles SET failures = failures - 1 WHERE key = ? AND failures > 0`, key).Error, "uncount attempt")
}

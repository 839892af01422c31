package models

import (
	"context"
	"time"
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

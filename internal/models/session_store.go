package models

import (
	"context"
	"time"
)

// CreateSession stores a new console session.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	return translate(s.q(ctx).Create(sess).Error, "create session")
}

// SessionByHash returns the session whose ID hashes to idHash.
func (s *Store) SessionByHash(ctx context.Context, idHash string) (*Session, error) {
	var sess Session
	if err := s.q(ctx).Where("id_hash = ?", idHash).Take(&sess).Error; err != nil {
		return nil, translate(err, "session")
	}
	return &sess, nil
}

// TouchSession records activity on a session, for the idle timeout.
func (s *Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	return translate(s.q(ctx).Model(&Session{}).Where("id_hash = ?", idHash).Update("last_seen_at", at).Error, "touch session")
}

// deleteSessions ends the sessions where says, moving the activity stamp
// in the same transaction when it ends any: every process keeping one of
// them reads the session again on its next request.
func (s *Store) deleteSessions(ctx context.Context, what string, where string, args ...any) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *Store) error {
		res := tx.q(ctx).Where(where, args...).Delete(&Session{})
		if res.Error != nil {
			return translate(res.Error, what)
		}
		if n = res.RowsAffected; n == 0 {
			return nil
		}
		return tx.moveActivity(ctx)
	})
	return n, err
}

// DeleteSession ends one session. Deleting one that is already gone is not
// an error: sign-out is idempotent.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.deleteSessions(ctx, "delete session", "id_hash = ?", idHash)
	return err
}

// DeleteSessionsOf ends every session of a principal in an account, except
// the one whose hash is keep (empty keeps none).
func (s *Store) DeleteSessionsOf(ctx context.Context, accountID, principalARN, keep string) (int64, error) {
	return s.deleteSessions(ctx, "delete sessions", "account_id = ? AND principal_arn = ? AND id_hash <> ?", accountID, principalARN, keep)
}

// DeleteExpiredSessions removes sessions past their absolute expiry or idle
// for longer than idle, as housekeeping; validity never depends on it.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	return s.deleteSessions(ctx, "delete expired sessions", "expires_at <= ? OR last_seen_at <= ?", now, now.Add(-idle))
}

// CountSessions counts an account's sessions.
func (s *Store) CountSessions(ctx context.Context, accountID string) (int64, error) {
	var n int64
	err := s.q(ctx).Model(&Session{}).Where("account_id = ?", accountID).Count(&n).Error
	return n, translate(err, "count sessions")
}

// SessionsOf lists a principal's sessions, newest first.
func (s *Store) SessionsOf(ctx context.Context, accountID, principalARN string) ([]Session, error) {
	var ss []Session
	err := s.q(ctx).Where("account_id = ? AND principal_arn = ?", accountID, principalARN).Order("created_at DESC").Find(&ss).Error
	return ss, translate(err, "list sessions")
}

// DeleteSessionByPublicID ends one of a principal's sessions by the ID the
// sessions page shows.
func (s *Store) DeleteSessionByPublicID(ctx context.Context, accountID, principalARN, publicID string) error {
	n, err := s.deleteSessions(ctx, "delete session", "account_id = ? AND principal_arn = ? AND public_id = ?", accountID, principalARN, publicID)
	if err == nil && n == 0 {
		return translate(ErrNotFound, "delete session")
	}
	return err
}

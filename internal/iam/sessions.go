package iam

import (
	"context"
	"errors"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// SessionInfo describes a console session on the sessions page.
type SessionInfo struct {
	PublicID   string
	CreatedAt  time.Time
	LastSeenAt time.Time
	SourceIP   string
	UserAgent  string
	MFA        bool
	Current    bool
}

// CSRFToken is the anti-forgery token of what a console request belongs to
// (kind "session" and a session ID hash, or "pre-session" and the
// pre-session cookie): a MAC under a key derived from the master key, the
// same in every console process, unguessable without the key.
func (s *Service) CSRFToken(kind, binding string) string {
	return s.cfg.Sealer.MAC("csrf", []byte(kind+"\x00"+binding))
}

// MySessions lists the caller's console sessions, newest first.
func (s *Service) MySessions(ctx context.Context, p *Principal) ([]SessionInfo, error) {
	ss, err := s.store.SessionsOf(ctx, p.AccountID, p.ARN)
	if err != nil {
		return nil, internal(err, "sessions")
	}
	now := s.now()
	out := make([]SessionInfo, 0, len(ss))
	for _, x := range ss {
		if !now.Before(x.ExpiresAt) || now.Sub(x.LastSeenAt) >= s.cfg.SessionIdle {
			continue // dead already; housekeeping removes it
		}
		out = append(out, SessionInfo{PublicID: x.PublicID, CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt,
			SourceIP: x.SourceIP, UserAgent: x.UserAgent, MFA: x.MFA, Current: x.IDHash == p.SessionID})
	}
	return out, nil
}

// EndMySession ends one of the caller's sessions by its public ID.
func (s *Service) EndMySession(ctx context.Context, p *Principal, publicID string, m Meta) error {
	err := s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.DeleteSessionByPublicID(ctx, p.AccountID, p.ARN, publicID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, p.AccountID, p.ARN, event{name: "EndSession", resource: p.ARN,
			params: map[string]any{"sessionId": publicID}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return newErr(NotFound, "That session has already ended.")
	}
	return asInternal(err, "end session")
}

// EndUserSessions ends every console session of an IAM user (an
// administrator's "sign out everywhere"). It is authorized as
// iam:UpdateLoginProfile on the user, the permission that governs the
// user's console access.
func (s *Service) EndUserSessions(ctx context.Context, caller *Principal, userName string, m Meta) (int64, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return 0, err
	}
	if userName == "" {
		return 0, invalidField("UserName", "UserName is required.")
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpUpdateLoginProfile.Action(UserType))
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.store.Tx(ctx, func(tx *models.Store) (err error) {
		if n, err = tx.DeleteSessionsOf(ctx, acct, arn, ""); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "EndUserSessions", resource: arn,
			params: map[string]any{"userName": u.Name, "sessions": n}}, nil)
	})
	return n, asInternal(err, "end user sessions")
}

// Housekeeping removes expired console sessions and temporary credentials.
// Validity never depends on it: expired ones are refused when presented.
func (s *Service) Housekeeping(ctx context.Context) {
	now := s.now()
	if _, err := s.store.DeleteExpiredSessions(ctx, now, s.cfg.SessionIdle); err != nil {
		s.cfg.Log.Warn("housekeeping: sessions", "err", err)
	}
	if _, err := s.store.DeleteExpiredConsoleFederations(ctx, now); err != nil {
		s.cfg.Log.Warn("housekeeping: console federations", "err", err)
	}
	if _, err := s.store.DeleteExpiredSTSSessions(ctx, now.Add(-time.Hour)); err != nil {
		s.cfg.Log.Warn("housekeeping: temporary credentials", "err", err)
	}
	if _, err := s.store.DeleteExpiredOIDCSignInStates(ctx, now); err != nil {
		s.cfg.Log.Warn("housekeeping: OIDC sign-ins", "err", err)
	}
}

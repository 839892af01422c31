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

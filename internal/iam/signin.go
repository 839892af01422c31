package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/models"
)

// ErrSignInFailed is the one answer for an unknown user, a wrong password
// and a locked account, so none can be told apart.
var ErrSignInFailed = &Error{Kind: Unauthenticated, Code: "InvalidClientTokenId",
	Message: "Your authentication information is incorrect. Please try again."}

// ErrSessionInvalid means the session cookie names no live session.
var ErrSessionInvalid = &Error{Kind: Unauthenticated, Code: "InvalidClientTokenId",
	Message: "Your session has ended. Sign in again."}

// SignInResult is a successful sign-in: the new session's bearer token (for
// the cookie; only its hash is stored) and who signed in.
type SignInResult struct {
	Token     string
	Principal *Principal
	ExpiresAt time.Time
}

// SignIn checks a user name (or root's email) and password and opens a
// session. Every failure is ErrSignInFailed after the same amount of work.
func (s *Service) SignIn(ctx context.Context, username, password string, m Meta) (*SignInResult, error) {
	username = strings.TrimSpace(username)
	if len(password) > auth.MaxPasswordLength*4 { // bound argon2's input; still the generic answer
		password = password[:auth.MaxPasswordLength*4]
	}
	p, hash, err := s.lookupPrincipal(ctx, username)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, internal(err, "sign-in lookup")
	}
	if p == nil {
		auth.SpendVerifyTime(password)
		return nil, s.failSignIn(ctx, m, "", username)
	}
	ok, verr := auth.VerifyPassword(password, hash)
	if verr != nil {
		s.cfg.Log.Error("stored password hash unreadable", "principal", p.ARN, "err", verr)
	}
	if !ok {
		return nil, s.failSignIn(ctx, m, p.AccountID, p.ARN)
	}
	return s.openSession(ctx, p, m, "ConsoleLogin")
}

// lookupPrincipal finds who signs in as username: root by email. IAM users
// sign in by name once they exist.
func (s *Service) lookupPrincipal(ctx context.Context, username string) (*Principal, string, error) {
	if !strings.Contains(username, "@") {
		return nil, "", models.ErrNotFound
	}
	acct, err := s.store.AccountByRootEmail(ctx, username)
	if err != nil {
		return nil, "", err
	}
	return rootPrincipal(acct), acct.RootPasswordHash, nil
}

func rootPrincipal(acct *models.Account) *Principal {
	return &Principal{AccountID: acct.ID, Type: TypeRoot, Name: acct.RootEmail, ID: acct.ID, ARN: acct.RootARN()}
}

func (s *Service) failSignIn(ctx context.Context, m Meta, accountID, who string) error {
	if err := s.audit(ctx, s.store, m, accountID, "", event{name: "ConsoleLogin", resource: who,
		params: map[string]any{"userName": truncate(who, 256)}}, ErrSignInFailed); err != nil {
		return err
	}
	return ErrSignInFailed
}

// openSession opens a session for p and records the event, in one
// transaction.
func (s *Service) openSession(ctx context.Context, p *Principal, m Meta, eventName string) (*SignInResult, error) {
	var res *SignInResult
	err := s.store.Tx(ctx, func(tx *models.Store) (err error) {
		res, err = s.createSession(ctx, tx, p, m, eventName)
		return err
	})
	if err != nil {
		return nil, asInternal(err, "open session")
	}
	return res, nil
}

// createSession stores a session for p with a fresh random ID, and its
// audit event, through tx.
func (s *Service) createSession(ctx context.Context, tx *models.Store, p *Principal, m Meta, eventName string) (*SignInResult, error) {
	tok := auth.NewToken(32)
	now := s.now()
	sess := &models.Session{
		IDHash: auth.HashToken(tok), AccountID: p.AccountID, PrincipalType: p.Type, PrincipalID: p.ID,
		PrincipalName: p.Name, PrincipalARN: p.ARN, MFA: p.MFA, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.SessionMax), SourceIP: m.SourceIP, UserAgent: truncate(m.UserAgent, 512),
	}
	if err := tx.CreateSession(ctx, sess); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, tx, m, p.AccountID, p.ARN, event{name: eventName, resource: p.ARN,
		params: map[string]any{"mfaUsed": p.MFA}}, nil); err != nil {
		return nil, err
	}
	p.SessionID, p.AuthTime = sess.IDHash, now
	return &SignInResult{Token: tok, Principal: p, ExpiresAt: sess.ExpiresAt}, nil
}

// Authenticate resolves a session cookie to its principal, enforcing the idle
// and absolute timeouts. Activity is recorded at most once a minute.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrSessionInvalid
	}
	h := auth.HashToken(token)
	sess, err := s.store.SessionByHash(ctx, h)
	if errors.Is(err, models.ErrNotFound) {
		return nil, ErrSessionInvalid
	}
	if err != nil {
		return nil, internal(err, "session")
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.cfg.SessionIdle {
		if err := s.store.DeleteSession(ctx, h); err != nil {
			s.cfg.Log.Warn("delete expired session", "err", err)
		}
		return nil, ErrSessionInvalid
	}
	if now.Sub(sess.LastSeenAt) >= time.Minute {
		if err := s.store.TouchSession(ctx, h, now); err != nil {
			return nil, internal(err, "touch session")
		}
	}
	return &Principal{AccountID: sess.AccountID, Type: sess.PrincipalType, Name: sess.PrincipalName,
		ID: sess.PrincipalID, ARN: sess.PrincipalARN, MFA: sess.MFA, AuthTime: sess.CreatedAt, SessionID: h}, nil
}

// SignOut ends the caller's session server-side.
func (s *Service) SignOut(ctx context.Context, p *Principal, m Meta) error {
	err := s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.DeleteSession(ctx, p.SessionID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, p.AccountID, p.ARN, event{name: "ConsoleLogout", resource: p.ARN}, nil)
	})
	return asInternal(err, "sign out")
}

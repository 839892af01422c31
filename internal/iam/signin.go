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
var ErrSignInFailed = &Error{Kind: Unauthenticated,
	Message: "Your authentication information is incorrect. Please try again."}

// ErrSessionInvalid means the session cookie names no live session.
var ErrSessionInvalid = &Error{Kind: Unauthenticated,
	Message: "Your session has ended. Sign in again."}

// SignInResult is a sign-in that got past the password. Either MFAChallenge
// is set (the principal must now give a code: the token goes in a
// short-lived cookie and opens nothing else), or Token is the new session's
// bearer token (for the cookie; only its hash is stored).
type SignInResult struct {
	Token        string
	Principal    *Principal
	ExpiresAt    time.Time
	MFAChallenge string
	// RecoveryCodesLeft is set (>= 0) when a recovery code was used.
	RecoveryCodesLeft int
}

// MFAChallengeLifetime bounds the password-only state.
const MFAChallengeLifetime = 5 * time.Minute

// SignIn checks a user name (or root's email) and password. Every failure,
// including a locked principal, is ErrSignInFailed after the same work; a
// client IP that failed too often gets ErrThrottled. A principal with an
// MFA device gets a challenge, not a session.
func (s *Service) SignIn(ctx context.Context, username, password string, m Meta) (*SignInResult, error) {
	username = strings.TrimSpace(username)
	if len(password) > auth.MaxPasswordLength*4 { // bound argon2's input; still the generic answer
		password = password[:auth.MaxPasswordLength*4]
	}
	key := pairKey(principalKey(username), m.SourceIP)
	p, hash, err := s.lookupPrincipal(ctx, username)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, internal(err, "sign-in lookup")
	}
	accountID := ""
	if p != nil {
		accountID = p.AccountID
		if m.Account != "" && !s.isAccount(ctx, accountID, m.Account) {
			p = nil // the account named is not the user's: no hint which part was wrong
		}
	}
	ev := event{name: "ConsoleLogin", resource: truncate(username, 256), params: map[string]any{"userName": truncate(username, 256)}}
	// Counted before the password is checked (throttle.go).
	if gerr := s.admit(ctx, key, m, accountID, false); gerr != nil {
		auth.SpendVerifyTime(password)
		if aerr := s.audit(ctx, s.store, m, accountID, "", ev, gerr); aerr != nil {
			return nil, aerr
		}
		return nil, gerr
	}
	if p == nil {
		auth.SpendVerifyTime(password)
		if err := s.recordFailure(ctx, key, m, accountID, ev, ErrSignInFailed); err != nil {
			return nil, err
		}
		return nil, ErrSignInFailed
	}
	ok, verr := auth.VerifyPassword(password, hash)
	if verr != nil {
		s.cfg.Log.Error("stored password hash unreadable", "principal", p.ARN, "err", verr)
	}
	if !ok {
		if err := s.recordFailure(ctx, key, m, accountID, ev, ErrSignInFailed); err != nil {
			return nil, err
		}
		return nil, ErrSignInFailed
	}
	if p.Type == TypeUser {
		p.signInHash = hash
	}
	if perr := s.checkPasswordExpiry(ctx, p); perr != nil {
		if aerr := s.audit(ctx, s.store, m, accountID, "", ev, perr); aerr != nil {
			return nil, aerr
		}
		return nil, perr
	}
	devs, err := s.store.MFADevices(ctx, p.AccountID, p.ARN)
	if err != nil {
		return nil, internal(err, "devices")
	}
	if len(devs) > 0 {
		return s.challenge(ctx, p, key, m)
	}
	var res *SignInResult
	err = s.store.Tx(ctx, func(tx *models.Store) (err error) {
		if err := lockSigningIn(ctx, tx, p); err != nil {
			return err
		}
		if err := s.signedIn(ctx, tx, key, m.SourceIP); err != nil {
			return err
		}
		res, err = s.createSession(ctx, tx, p, m, "ConsoleLogin")
		return err
	})
	if err != nil {
		return nil, asInternal(err, "open session")
	}
	return res, nil
}

// challenge records the password-only state: single-use, five minutes.
func (s *Service) challenge(ctx context.Context, p *Principal, key string, m Meta) (*SignInResult, error) {
	tok := auth.NewToken(32)
	now := s.now()
	err := s.store.Tx(ctx, func(tx *models.Store) error {
		// A password change or removal committed since the password was
		// checked fails this step; one committed after it drops the
		// challenge (loginprofiles.go). The user's row lock orders the two.
		if err := s.signInStillValid(ctx, tx, p); err != nil {
			return err
		}
		// The right password is no failure; the code step counts its own.
		if err := tx.UncountAttempt(ctx, key); err != nil {
			return err
		}
		return tx.CreateMFAChallenge(ctx, &models.MFAChallenge{IDHash: auth.HashToken(tok), AccountID: p.AccountID,
			PrincipalType: p.Type, PrincipalID: p.ID, PrincipalName: p.Name, PrincipalARN: p.ARN, ThrottleKey: key,
			CreatedAt: now, ExpiresAt: now.Add(MFAChallengeLifetime)})
	})
	if err != nil {
		return nil, asInternal(err, "create challenge")
	}
	return &SignInResult{MFAChallenge: tok, Principal: p, RecoveryCodesLeft: -1}, nil
}

// ErrMFAFailed is the answer to a wrong, reused or malformed code.
var ErrMFAFailed = &Error{Kind: Unauthenticated,
	Message: "The code is not valid or was already used. Wait for the next code and try again."}

// ErrMFAExpired means the password step is missing, used or expired.
var ErrMFAExpired = &Error{Kind: Unauthenticated,
	Message: "Your sign-in has expired. Sign in again."}

// VerifyMFA completes a sign-in with a TOTP code or a recovery code. Every
// code works once: a TOTP code only for a time step later than the last one
// accepted for its device, checked with a conditional update in the same
// transaction that creates the session, so two sign-ins racing with one code
// get one session.
func (s *Service) VerifyMFA(ctx context.Context, challengeToken, code string, m Meta) (*SignInResult, error) {
	if challengeToken == "" || len(challengeToken) > 128 {
		return nil, ErrMFAExpired
	}
	h := auth.HashToken(challengeToken)
	ch, err := s.store.MFAChallenge(ctx, h, s.now())
	if errors.Is(err, models.ErrNotFound) {
		return nil, ErrMFAExpired
	}
	if err != nil {
		return nil, internal(err, "challenge")
	}
	p := &Principal{AccountID: ch.AccountID, Type: ch.PrincipalType, Name: ch.PrincipalName, ID: ch.PrincipalID, ARN: ch.PrincipalARN, MFA: true}
	ev := event{name: "ConsoleLogin", resource: p.ARN, params: map[string]any{"mfaUsed": true}}
	if gerr := s.admit(ctx, ch.ThrottleKey, m, p.AccountID, true); gerr != nil {
		if gerr == ErrSignInFailed {
			gerr = ErrMFAFailed
		}
		if aerr := s.audit(ctx, s.store, m, p.AccountID, "", ev, gerr); aerr != nil {
			return nil, aerr
		}
		return nil, gerr
	}
	code = strings.TrimSpace(code)
	var res *SignInResult
	if rc, ok := normalizeRecoveryCode(code); ok && !validTOTPFormat(code) {
		res, err = s.signInWithRecoveryCode(ctx, h, ch, p, rc, m)
	} else if validTOTPFormat(code) {
		res, err = s.signInWithTOTP(ctx, h, ch, p, code, m)
	} else {
		err = ErrMFAFailed
	}
	if err == ErrMFAFailed {
		if ferr := s.recordFailure(ctx, ch.ThrottleKey, m, p.AccountID, ev, ErrMFAFailed); ferr != nil {
			return nil, ferr
		}
		return nil, ErrMFAFailed
	}
	if errors.Is(err, models.ErrNotFound) { // the challenge was taken by a racing request
		return nil, ErrMFAExpired
	}
	return res, asInternal(err, "verify MFA")
}

// errReplay rolls back a transaction whose code turned out to be used.
var errReplay = errors.New("code already used")

func (s *Service) signInWithTOTP(ctx context.Context, h string, ch *models.MFAChallenge, p *Principal, code string, m Meta) (*SignInResult, error) {
	devs, err := s.store.MFADevices(ctx, p.AccountID, p.ARN)
	if err != nil {
		return nil, internal(err, "devices")
	}
	for _, d := range devs {
		seed, err := s.cfg.Sealer.Open(d.SealedSeed, []byte("mfa:"+d.SerialNumber))
		if err != nil {
			return nil, internal(err, "unseal device "+d.SerialNumber)
		}
		step, ok, err := matchTOTP(string(seed), code, s.now())
		if err != nil {
			return nil, internal(err, "totp")
		}
		if !ok {
			continue
		}
		var res *SignInResult
		err = s.store.Tx(ctx, func(tx *models.Store) error {
			if err := lockSigningIn(ctx, tx, p); err != nil {
				return err
			}
			if err := tx.TakeMFAChallenge(ctx, h); err != nil {
				return err
			}
			fresh, err := tx.ConsumeTOTPStep(ctx, p.AccountID, d.ID, step)
			if err != nil {
				return err
			}
			if !fresh {
				return errReplay
			}
			res, err = s.finishSignIn(ctx, tx, ch, p, m)
			return err
		})
		if errors.Is(err, errReplay) {
			return nil, ErrMFAFailed
		}
		return res, err
	}
	return nil, ErrMFAFailed
}

func (s *Service) signInWithRecoveryCode(ctx context.Context, h string, ch *models.MFAChallenge, p *Principal, code string, m Meta) (*SignInResult, error) {
	codes, err := s.store.UnusedRecoveryCodes(ctx, p.AccountID, p.ARN)
	if err != nil {
		return nil, internal(err, "recovery codes")
	}
	for _, rc := range codes {
		if ok, _ := auth.VerifyPassword(code, rc.Hash); !ok {
			continue
		}
		var res *SignInResult
		err = s.store.Tx(ctx, func(tx *models.Store) error {
			if err := lockSigningIn(ctx, tx, p); err != nil {
				return err
			}
			if err := tx.TakeMFAChallenge(ctx, h); err != nil {
				return err
			}
			fresh, err := tx.UseRecoveryCode(ctx, p.AccountID, rc.ID, s.now())
			if err != nil {
				return err
			}
			if !fresh {
				return errReplay
			}
			if err := s.audit(ctx, tx, m, p.AccountID, p.ARN, event{name: "RecoveryCodeUsed", resource: p.ARN,
				params: map[string]any{"remaining": len(codes) - 1}}, nil); err != nil {
				return err
			}
			res, err = s.finishSignIn(ctx, tx, ch, p, m)
			return err
		})
		if errors.Is(err, errReplay) {
			return nil, ErrMFAFailed
		}
		if res != nil {
			res.RecoveryCodesLeft = len(codes) - 1
		}
		return res, err
	}
	return nil, ErrMFAFailed
}

// finishSignIn opens the session of a completed MFA sign-in and forgets the
// principal's failures, inside tx.
func (s *Service) finishSignIn(ctx context.Context, tx *models.Store, ch *models.MFAChallenge, p *Principal, m Meta) (*SignInResult, error) {
	if err := s.signedIn(ctx, tx, ch.ThrottleKey, m.SourceIP); err != nil {
		return nil, err
	}
	res, err := s.createSession(ctx, tx, p, m, "ConsoleLogin")
	if res != nil {
		res.RecoveryCodesLeft = -1
	}
	return res, err
}

// lookupPrincipal finds who signs in as username: root by email, an IAM
// user of the live account by name (case-insensitively) when it has a
// console password.
func (s *Service) lookupPrincipal(ctx context.Context, username string) (*Principal, string, error) {
	if strings.Contains(username, "@") {
		acct, err := s.store.AccountByRootEmail(ctx, username)
		if err == nil {
			return rootPrincipal(acct), acct.RootPasswordHash, nil
		}
		if !errors.Is(err, models.ErrNotFound) {
			return nil, "", err
		}
		// IAM user names may contain @ too: fall through.
	}
	acct, err := s.store.LiveAccount(ctx)
	if err != nil {
		return nil, "", err
	}
	u, err := s.store.User(ctx, acct.ID, username)
	if err != nil {
		return nil, "", err
	}
	lp, err := s.store.LoginProfile(ctx, acct.ID, u.UserID)
	if err != nil {
		return nil, "", err
	}
	return &Principal{AccountID: acct.ID, Type: TypeUser, Name: u.Name, ID: u.UserID,
		ARN: userARN(acct.ID, u.Path, u.Name)}, lp.PasswordHash, nil
}

func rootPrincipal(acct *models.Account) *Principal {
	return &Principal{AccountID: acct.ID, Type: TypeRoot, Name: acct.RootEmail, ID: acct.ID, ARN: acct.RootARN()}
}

// lockSigningIn locks a signing-in IAM user's row (nothing for root or a
// role session): ErrSignInFailed when the user is gone. Every transaction
// that opens a session takes it first, before any other row, so that it
// cannot deadlock with a change to the user (a rename, a password reset,
// a deletion), which locks the user first too (locks.go).
func lockSigningIn(ctx context.Context, tx *models.Store, p *Principal) error {
	if p.Type != TypeUser {
		return nil
	}
	err := tx.LockEntity(ctx, p.AccountID, models.EntityUser, p.ID)
	if errors.Is(err, models.ErrNotFound) {
		return ErrSignInFailed
	}
	return err
}

// signInStillValid locks a signing-in IAM user's row and checks, through
// tx, that the login profile its password was checked against is still the
// one stored: ErrSignInFailed when it was changed or deleted meanwhile.
func (s *Service) signInStillValid(ctx context.Context, tx *models.Store, p *Principal) error {
	if p.Type != TypeUser || p.signInHash == "" {
		return nil
	}
	if err := lockSigningIn(ctx, tx, p); err != nil {
		return err
	}
	lp, err := tx.LoginProfile(ctx, p.AccountID, p.ID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && lp.PasswordHash != p.signInHash) {
		return ErrSignInFailed
	}
	return err
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
	return s.createFederatedSession(ctx, tx, p, m, eventName, nil)
}

// createFederatedSession is createSession for a session an identity
// provider vouched for (fed non-nil): the session ends when the
// federation's does, if sooner, its federated identity is kept beside it,
// and the sign-in event names the provider, the subject and the session.
func (s *Service) createFederatedSession(ctx context.Context, tx *models.Store, p *Principal, m Meta, eventName string, fed *consoleFederation) (*SignInResult, error) {
	if p.Type == TypeUser {
		// The user was read before its password was checked; a rename may
		// have committed since, ending the sessions of the old ARN but not
		// this one. Locking the row waits for such a rename and reading it
		// again gives the session the user's current name, so it never
		// carries an ARN a new user could be given.
		if err := lockSigningIn(ctx, tx, p); err != nil {
			return nil, err
		}
		u, err := tx.UserByID(ctx, p.AccountID, p.ID)
		if err != nil {
			return nil, err
		}
		p.Name, p.ARN = u.Name, userARN(p.AccountID, u.Path, u.Name)
		if err := s.signInStillValid(ctx, tx, p); err != nil {
			return nil, err
		}
	}
	if err := s.passwordState(ctx, tx, p, eventName); err != nil {
		return nil, err
	}
	tok := auth.NewToken(32)
	now := s.now()
	sess := &models.Session{
		IDHash: auth.HashToken(tok), PublicID: auth.NewToken(12), AccountID: p.AccountID, PrincipalType: p.Type, PrincipalID: p.ID,
		PrincipalName: p.Name, PrincipalARN: p.ARN, MFA: p.MFA, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.SessionMax), SourceIP: m.SourceIP, UserAgent: truncate(m.UserAgent, 512),
		MustChangePassword: p.MustChangePassword,
	}
	params := map[string]any{"mfaUsed": p.MFA}
	if fed != nil {
		fed.open(sess, params)
	} else if fs := p.Session; fs != nil && fs.FederatedSubject != "" {
		// A sign-in through an OpenID Connect provider: who it vouched
		// for, for no longer than its role allows.
		if !fs.Expiration.IsZero() && fs.Expiration.Before(sess.ExpiresAt) {
			sess.ExpiresAt = fs.Expiration
		}
		sess.FederatedProvider, sess.FederatedSubject = fs.FederatedProvider, truncate(fs.FederatedSubject, 255)
		params["identityProvider"], params["subject"], params["sessionId"], params["roleArn"] =
			fs.FederatedProvider, sess.FederatedSubject, sess.PublicID, fs.RoleARN
		if fs.FederatedEmail != "" {
			params["email"] = fs.FederatedEmail
		}
	}
	if err := tx.CreateSession(ctx, sess); err != nil {
		return nil, err
	}
	if fed != nil {
		if err := tx.CreateConsoleFederation(ctx, &fed.row); err != nil {
			return nil, err
		}
	}
	if err := s.audit(ctx, tx, m, p.AccountID, p.ARN, event{name: eventName, resource: p.ARN, params: params}, nil); err != nil {
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
	p := &Principal{}
	sess, err := s.session(ctx, p, h)
	if err != nil {
		return nil, err
	}
	p.AccountID, p.Type, p.Name, p.ID, p.ARN = sess.AccountID, sess.PrincipalType, sess.PrincipalName, sess.PrincipalID, sess.PrincipalARN
	p.MFA, p.AuthTime, p.SessionID = sess.MFA, sess.CreatedAt, h
	// A session opened without a second factor means its principal had no
	// device: root (and IAM users, unless the account allows them without)
	// may then only enroll one.
	if p.MustEnrollMFA, err = s.mustEnroll(ctx, p); err != nil {
		return nil, err
	}
	p.MustChangePassword = sess.MustChangePassword
	if p.Type == TypeAssumedRole {
		if err := s.roleSessionFromID(ctx, p); err != nil {
			return nil, err
		}
		p.Session.FederatedProvider, p.Session.FederatedSubject = sess.FederatedProvider, sess.FederatedSubject
		// A SAML sign-in keeps its identity (and session tags) in a row
		// of its own.
		if err := s.readConsoleFederation(ctx, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// sessionsMax bounds the console sessions kept: past it the cache starts
// over.
const sessionsMax = 10_000

// session is the console session whose token hashes to h, while it is
// valid (ErrSessionInvalid otherwise), kept under the request's activity
// stamp: ending a session moves it, so a session kept is one no process
// has ended. What is kept of its last activity may be older than the
// database's (another process records it too): a session that looks idle
// is read again before it is ended. Activity is recorded at most once a
// minute.
func (s *Service) session(ctx context.Context, p *Principal, h string) (*models.Session, error) {
	st, err := s.requestStamps(ctx, p)
	if err != nil {
		return nil, err
	}
	now := s.now()
	sess, kept := s.sessions.get(st.Activity, h)
	if kept && now.Sub(sess.LastSeenAt) >= s.cfg.SessionIdle {
		kept = false
	}
	if !kept {
		sess, err = s.store.SessionByHash(ctx, h)
		if errors.Is(err, models.ErrNotFound) {
			return nil, ErrSessionInvalid
		}
		if err != nil {
			return nil, internal(err, "session")
		}
	}
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
		touched := *sess // kept ones are shared
		touched.LastSeenAt = now
		sess, kept = &touched, false
	}
	if !kept {
		s.sessions.put(st.Activity, h, sess, sessionsMax)
	}
	return sess, nil
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

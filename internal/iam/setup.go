package iam

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// SetupTokenLifetime bounds how long a printed setup token stays usable.
const SetupTokenLifetime = 24 * time.Hour

// RootPasswordRules are what root's first password must meet: NIST's 15
// characters while no MFA exists, no composition rules.
var RootPasswordRules = auth.PasswordRules{MinimumLength: 15}

// NewSetupToken makes a fresh one-time setup token while no root exists and
// stores its hash. It returns "" once setup is done.
func (s *Service) NewSetupToken(ctx context.Context) (string, error) {
	done, err := s.store.SetupDone(ctx)
	if err != nil {
		return "", internal(err, "setup state")
	}
	if done {
		return "", nil
	}
	tok := auth.NewToken(32) // 256 bits
	now := s.now()
	if err := s.store.AddSetupToken(ctx, auth.HashToken(tok), now, now.Add(SetupTokenLifetime)); err != nil {
		return "", internal(err, "store setup token")
	}
	return tok, nil
}

// SetupDone reports whether root exists.
func (s *Service) SetupDone(ctx context.Context) (bool, error) {
	done, err := s.store.SetupDone(ctx)
	if err != nil {
		return false, internal(err, "setup state")
	}
	return done, nil
}

// SetupInput is what the setup form and `console bootstrap` provide.
type SetupInput struct {
	Token    string
	Email    string
	Password string
	// CheckToken requires Token to be one printed at start (the browser
	// path); `console bootstrap` runs with the operator's own authority.
	CheckToken bool
	// OpenSession signs root in as part of setup (the browser path).
	OpenSession bool
	// AccountID is the live account's 12-digit ID (`console bootstrap
	// --account-id`); empty makes a random one. It is fixed once set.
	AccountID string
}

// SetupResult is the new account and, with OpenSession, root's session.
type SetupResult struct {
	Account *Account
	Session *SignInResult
}

// Account is the live account as setup made it: its ID and root's email.
type Account struct {
	ID        string
	RootEmail string
}

// RootARN is the account's root user's ARN.
func (a *Account) RootARN() string { return "arn:aws:iam::" + a.ID + ":root" }

// ErrSetupDone is returned by Setup once root exists.
var ErrSetupDone = &Error{Kind: NotFound, Message: "Setup is complete: sign in instead."}

// Setup creates the live account and its root user. With checkToken, the
// token must be one printed at start (compared in constant time). Exactly
// one setup ever succeeds, even when several race.
func (s *Service) Setup(ctx context.Context, in SetupInput, m Meta) (*SetupResult, error) {
	done, err := s.SetupDone(ctx)
	if err != nil {
		return nil, err
	}
	if done {
		return nil, s.refuseSetupDone(ctx, in, m)
	}
	if in.CheckToken {
		ok, err := s.setupTokenValid(ctx, in.Token)
		if err != nil {
			return nil, err
		}
		if !ok {
			e := invalidField("token", "The setup token is invalid or has expired. Use the setup link printed when the console started.")
			return nil, s.failSetup(ctx, m, e)
		}
	}
	email := strings.TrimSpace(in.Email)
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || len(email) > 254 {
		return nil, invalidField("email", "Enter a valid email address, such as admin@example.com.")
	}
	local, _, _ := strings.Cut(email, "@")
	if err := auth.CheckPassword(in.Password, RootPasswordRules, local); err != nil {
		return nil, invalidField("password", "%s", err.Error())
	}
	hash, err := auth.HashPassword(in.Password, s.cfg.Argon2)
	if err != nil {
		return nil, internal(err, "hash password")
	}
	id, err := s.setupAccountID(ctx, in.AccountID)
	if err != nil {
		return nil, err
	}
	acct := &models.Account{ID: id, RootEmail: email, RootPasswordHash: hash, CreatedAt: s.now()}
	res := &SetupResult{Account: &Account{ID: acct.ID, RootEmail: acct.RootEmail}}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.CompleteSetup(ctx, acct, s.now()); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, m, acct.ID, acct.RootARN(), event{name: "CreateRootUser", resource: acct.RootARN(),
			params: map[string]any{"email": acct.RootEmail}}, nil); err != nil {
			return err
		}
		if in.OpenSession {
			res.Session, err = s.createSession(ctx, tx, rootPrincipal(acct), m, "ConsoleLogin")
		}
		return err
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, s.refuseSetupDone(ctx, in, m)
	}
	if err != nil {
		return nil, asInternal(err, "setup")
	}
	return res, nil
}

// setupAccountID is the ID the new live account takes: the one asked for,
// when it is 12 digits and not an imported account's (whose review data
// would then be shadowed by the live account), else a random one.
func (s *Service) setupAccountID(ctx context.Context, want string) (string, error) {
	if want == "" {
		id, err := newAccountID()
		if err != nil {
			return "", internal(err, "account id")
		}
		return id, nil
	}
	if !policy.IsAccountID(want) {
		return "", invalidField("AccountId", "The account ID must be 12 digits, such as 123456789012.")
	}
	if _, err := s.store.ImportedAccount(ctx, want); err == nil {
		return "", invalidField("AccountId", "Account %s is an imported account under review: choose another ID.", want)
	} else if !errors.Is(err, models.ErrNotFound) {
		return "", internal(err, "imported account")
	}
	return want, nil
}

func (s *Service) setupTokenValid(ctx context.Context, token string) (bool, error) {
	hashes, err := s.store.SetupTokenHashes(ctx, s.now())
	if err != nil {
		return false, internal(err, "setup tokens")
	}
	want := auth.HashToken(token)
	ok := false
	for _, h := range hashes {
		// Compare against every stored hash so timing says nothing.
		ok = auth.TokenEqual(h, want) || ok
	}
	return ok && token != "", nil
}

// refuseSetupDone records, in the live account's log, an attempt at setup
// once root exists (someone holding an old setup link, or probing), and
// returns ErrSetupDone.
func (s *Service) refuseSetupDone(ctx context.Context, in SetupInput, m Meta) error {
	acct, err := s.store.LiveAccount(ctx)
	if err != nil {
		return internal(err, "live account")
	}
	ev := event{name: "CreateRootUser", resource: acct.RootARN(), params: map[string]any{"email": truncate(strings.TrimSpace(in.Email), 254)}}
	if err := s.audit(ctx, s.store, m, acct.ID, "", ev, ErrSetupDone); err != nil {
		return err
	}
	return ErrSetupDone
}

// failSetup records a refused setup attempt and returns e.
func (s *Service) failSetup(ctx context.Context, m Meta, e *Error) error {
	if err := s.audit(ctx, s.store, m, "", "", event{name: "CreateRootUser"}, e); err != nil {
		return err
	}
	return e
}

// asInternal passes an *Error through and wraps anything else as Internal.
func asInternal(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if asError(err, &e) {
		return e
	}
	return internal(err, what)
}

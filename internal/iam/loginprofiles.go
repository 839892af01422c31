package iam

import (
	"context"
	"errors"
	"time"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/models"
)

// LoginProfile is AWS's LoginProfile: a user's console access, without the
// password.
type LoginProfile struct {
	UserName              string
	CreateDate            time.Time
	PasswordResetRequired bool
}

// CreateLoginProfileInput is CreateLoginProfile's input.
type CreateLoginProfileInput struct {
	UserName              string
	Password              string
	PasswordResetRequired bool
}

// UpdateLoginProfileInput is an administrator's reset: a new password
// (nil keeps the current one) and the reset flag (nil keeps it).
type UpdateLoginProfileInput struct {
	UserName              string
	Password              *string
	PasswordResetRequired *bool
}

func noSuchLoginProfile(name string) *Error {
	return newErr(NotFound, "Login Profile for User %s cannot be found.", name)
}

// checkUserPassword applies the account's password policy (and the common
// password list, and the user's name) to a password an administrator sets.
func (s *Service) checkUserPassword(ctx context.Context, acct, userName, pw string) error {
	pol, err := s.passwordPolicy(ctx, s.store, acct)
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(pw, pol.Rules(), userName); err != nil {
		e := invalidField("Password", "%s", err.Error())
		e.Code = "PasswordPolicyViolation"
		return e
	}
	return nil
}

// CreateLoginProfile gives a user a console password, checked against the
// account's password policy. With PasswordResetRequired the user must
// choose a new one at its first sign-in.
func (s *Service) CreateLoginProfile(ctx context.Context, caller *Principal, in CreateLoginProfileInput, m Meta) (*LoginProfile, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, in.UserName, m, OpCreateLoginProfile.Action(UserType))
	if err != nil {
		return nil, err
	}
	if err := s.checkUserPassword(ctx, acct, u.Name, in.Password); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(in.Password, s.cfg.Argon2)
	if err != nil {
		return nil, internal(err, "hash password")
	}
	now := s.now()
	lp := &models.LoginProfile{UserID: u.UserID, PasswordHash: hash, PasswordResetRequired: in.PasswordResetRequired,
		CreatedAt: now, PasswordChangedAt: now}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangeCreateLoginProfile, Entity: UserNamed(userNameOr(caller, in.UserName))}, m, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		if err := tx.CreateLoginProfile(ctx, acct, lp); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateLoginProfile", resource: arn,
			params: map[string]any{"userName": u.Name, "passwordResetRequired": in.PasswordResetRequired}}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, newErr(AlreadyExists, "Login Profile for user %s already exists.", u.Name)
	}
	if err != nil {
		return nil, asInternal(err, "create login profile")
	}
	return &LoginProfile{UserName: u.Name, CreateDate: now, PasswordResetRequired: in.PasswordResetRequired}, nil
}

// GetLoginProfile tells whether a user has console access.
func (s *Service) GetLoginProfile(ctx context.Context, caller *Principal, userName string, m Meta) (*LoginProfile, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, _, err := s.authorizedUser(ctx, caller, acct, userName, m, "iam:GetLoginProfile")
	if err != nil {
		return nil, err
	}
	lp, err := s.store.LoginProfile(ctx, acct, u.UserID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchLoginProfile(u.Name)
	}
	if err != nil {
		return nil, internal(err, "login profile")
	}
	return &LoginProfile{UserName: u.Name, CreateDate: lp.CreatedAt.UTC(), PasswordResetRequired: lp.PasswordResetRequired}, nil
}

// UpdateLoginProfile is an administrator's reset of a user's password
// and/or its reset flag. A new password is checked against the policy, and
// ends the user's console sessions.
func (s *Service) UpdateLoginProfile(ctx context.Context, caller *Principal, in UpdateLoginProfileInput, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, in.UserName, m, OpUpdateLoginProfile.Action(UserType))
	if err != nil {
		return err
	}
	var hash string
	if in.Password != nil {
		if err := s.checkUserPassword(ctx, acct, u.Name, *in.Password); err != nil {
			return err
		}
		if hash, err = auth.HashPassword(*in.Password, s.cfg.Argon2); err != nil {
			return internal(err, "hash password")
		}
	}
	params := map[string]any{"userName": u.Name, "passwordChanged": in.Password != nil}
	if in.PasswordResetRequired != nil {
		params["passwordResetRequired"] = *in.PasswordResetRequired
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		// A sign-in locks the user before it opens a session (createSession):
		// with the lock, one checked against the old password either opens
		// before this change (and sees its sessions ended) or fails.
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		lp, err := tx.LoginProfile(ctx, acct, u.UserID)
		if err != nil {
			return err
		}
		reset := lp.PasswordResetRequired
		if in.PasswordResetRequired != nil {
			reset = *in.PasswordResetRequired
		}
		if hash != "" {
			if err := s.replacePassword(ctx, tx, acct, arn, lp, hash, reset); err != nil {
				return err
			}
			if _, err := tx.DeleteSessionsOf(ctx, acct, arn, ""); err != nil {
				return err
			}
		} else if err := tx.UpdateLoginProfile(ctx, acct, &models.LoginProfile{UserID: u.UserID,
			PasswordHash: lp.PasswordHash, PasswordResetRequired: reset, PasswordChangedAt: lp.PasswordChangedAt}); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateLoginProfile", resource: arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchLoginProfile(u.Name)
	}
	return asInternal(err, "update login profile")
}

// DeleteLoginProfile takes a user's console access away, and ends its
// console sessions. Its access keys keep working.
func (s *Service) DeleteLoginProfile(ctx context.Context, caller *Principal, userName string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpDeleteLoginProfile.Action(UserType))
	if err != nil {
		return err
	}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangeDeleteLoginProfile, Entity: UserNamed(userNameOr(caller, userName))}, m, func(tx *models.Store) error {
		// As in UpdateLoginProfile: no session opens on the deleted profile.
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		if err := tx.DeleteLoginProfile(ctx, acct, u.UserID); err != nil {
			return err
		}
		if err := tx.DeleteMFAChallengesOf(ctx, acct, arn); err != nil {
			return err
		}
		n, err := tx.DeleteSessionsOf(ctx, acct, arn, "")
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteLoginProfile", resource: arn,
			params: map[string]any{"userName": u.Name, "sessionsEnded": n}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchLoginProfile(u.Name)
	}
	return asInternal(err, "delete login profile")
}

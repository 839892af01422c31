package iam

import (
	"context"
	"errors"
	"time"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/models"
)

// ErrPasswordExpired refuses the sign-in of a user whose password is past
// the policy's maximum age under hard expiry: only an administrator can set
// a new one. It is returned only after the password was verified, so it
// tells nothing to someone who does not know it.
var ErrPasswordExpired = &Error{Kind: Unauthenticated, Code: "PasswordExpired",
	Message: "Your password has expired; ask an administrator to reset it."}

// passwordExpired reports whether lp's password is older than the policy's
// MaxPasswordAge.
func passwordExpired(pol PasswordPolicy, lp *models.LoginProfile, now time.Time) bool {
	if pol.MaxPasswordAge <= 0 {
		return false
	}
	changed := lp.PasswordChangedAt
	if changed.IsZero() {
		changed = lp.CreatedAt
	}
	return !now.Before(changed.Add(time.Duration(pol.MaxPasswordAge) * 24 * time.Hour))
}

// checkPasswordExpiry refuses a user whose password expired under hard
// expiry. Root and role sessions are not governed by the password policy.
func (s *Service) checkPasswordExpiry(ctx context.Context, p *Principal) error {
	if p.Type != TypeUser || p.Session != nil {
		return nil
	}
	lp, err := s.store.LoginProfile(ctx, p.AccountID, p.ID)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	if err != nil {
		return internal(err, "login profile")
	}
	pol, err := s.passwordPolicy(ctx, s.store, p.AccountID)
	if err != nil {
		return err
	}
	if pol.HardExpiry && passwordExpired(pol, lp, s.now()) {
		return ErrPasswordExpired
	}
	return nil
}

// passwordState sets p.MustChangePassword for a console session of an IAM
// user from its login profile and the password policy (read through st, so a
// session rotated after a change sees the change), and records the
// password's use at a sign-in.
func (s *Service) passwordState(ctx context.Context, st *models.Store, p *Principal, eventName string) error {
	if p.Type != TypeUser || p.Session != nil {
		return nil
	}
	lp, err := st.LoginProfile(ctx, p.AccountID, p.ID)
	if errors.Is(err, models.ErrNotFound) {
		if eventName == "ConsoleLogin" {
			// The password was checked against a login profile deleted
			// since: console access was taken away meanwhile.
			return ErrSignInFailed
		}
		p.MustChangePassword = false
		return nil
	}
	if err != nil {
		return err
	}
	pol, err := s.passwordPolicy(ctx, st, p.AccountID)
	if err != nil {
		return err
	}
	p.MustChangePassword = lp.PasswordResetRequired || passwordExpired(pol, lp, s.now())
	if eventName == "ConsoleLogin" {
		return st.RecordPasswordUse(ctx, p.AccountID, p.ID, s.now())
	}
	return nil
}

// ChangePassword is AWS's ChangePassword: an IAM user changes its own
// console password, giving the current one. It is allowed when the account's
// password policy lets users change their passwords, when the user must
// change it (reset required or expired), or when the user's policies allow
// iam:ChangePassword on its own ARN (a session confined to changing it has
// that by its session grant). The new password must meet the policy
// and not be one of the last PasswordReusePrevention (the current one
// always counts). The user's other sessions end; a console caller gets a
// new session (the returned result; nil for API callers), no longer
// confined to changing its password.
func (s *Service) ChangePassword(ctx context.Context, caller *Principal, oldPW, newPW string, m Meta) (*SignInResult, error) {
	if caller == nil || caller.Type != TypeUser {
		return nil, &Error{Kind: Invalid, Code: "InvalidUserType", Message: "Only IAM users can change their own password with ChangePassword."}
	}
	acct := caller.AccountID
	u, err := s.store.UserByID(ctx, acct, caller.userID())
	if errors.Is(err, models.ErrNotFound) {
		return nil, newErr(NotFound, "The user with name %s cannot be found.", caller.Name)
	}
	if err != nil {
		return nil, internal(err, "user")
	}
	arn := userARN(acct, u.Path, u.Name)
	lp, err := s.store.LoginProfile(ctx, acct, u.UserID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, newErr(NotFound, "Login Profile for User %s cannot be found.", u.Name)
	}
	if err != nil {
		return nil, internal(err, "login profile")
	}
	pol, err := s.passwordPolicy(ctx, s.store, acct)
	if err != nil {
		return nil, err
	}
	// A console session confined to changing its password is allowed to by
	// its session grant (forcedsteps.go), through the engine.
	if !pol.AllowUsersToChangePassword && !lp.PasswordResetRequired {
		if err := s.authorizeMeta(ctx, caller, m, "iam:ChangePassword", arn); err != nil {
			return nil, err
		}
	}
	fail := func(e *Error) (*SignInResult, error) {
		if aerr := s.audit(ctx, s.store, m, acct, caller.ARN, event{name: "ChangePassword", resource: arn}, e); aerr != nil {
			return nil, aerr
		}
		return nil, e
	}
	// Hard expiry closes the console, not the API: AWS's PasswordPolicy
	// reference says users with iam:ChangePassword and active access keys
	// can reset their own expired password through the CLI or API.
	if pol.HardExpiry && caller.SessionID != "" && passwordExpired(pol, lp, s.now()) {
		return fail(ErrPasswordExpired)
	}
	if ok, _ := auth.VerifyPassword(oldPW, lp.PasswordHash); !ok {
		return fail(invalidField("old_password", "The old password is not correct."))
	}
	if err := s.checkNewPassword(ctx, s.store, acct, arn, lp.PasswordHash, newPW, pol.Rules(),
		max(pol.PasswordReusePrevention, 1), u.Name); err != nil {
		var e *Error
		if asError(err, &e) && e.Kind == Invalid {
			e.Code = "PasswordPolicyViolation"
			return fail(e)
		}
		return nil, err
	}
	hash, err := auth.HashPassword(newPW, s.cfg.Argon2)
	if err != nil {
		return nil, internal(err, "hash password")
	}
	var res *SignInResult
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		// The user first, as every change to it does (locks.go): this one
		// ends by opening a session, which locks it too.
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		if err := s.replacePassword(ctx, tx, acct, arn, lp, hash, false); err != nil {
			return err
		}
		if _, err := tx.DeleteSessionsOf(ctx, acct, arn, caller.SessionID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, m, acct, caller.ARN, event{name: "ChangePassword", resource: arn, params: stepParams(caller, nil)}, nil); err != nil {
			return err
		}
		np := *caller
		np.MustChangePassword = false
		np.RequestContext = nil
		var err error
		res, err = s.rotateSession(ctx, tx, caller, &np, m)
		return err
	})
	if err != nil {
		return nil, asInternal(err, "change password")
	}
	return res, nil
}

// replacePassword gives a login profile a new hash, remembering the old one
// for reuse prevention, through tx. Sign-ins that checked the old password
// and wait for their code step are dropped.
func (s *Service) replacePassword(ctx context.Context, tx *models.Store, acct, arn string, lp *models.LoginProfile, hash string, resetRequired bool) error {
	now := s.now()
	if err := tx.DeleteMFAChallengesOf(ctx, acct, arn); err != nil {
		return err
	}
	if err := tx.AddPasswordHistory(ctx, &models.PasswordHistory{AccountID: acct, OwnerARN: arn,
		Hash: lp.PasswordHash, CreatedAt: now}); err != nil {
		return err
	}
	return tx.UpdateLoginProfile(ctx, acct, &models.LoginProfile{UserID: lp.UserID, PasswordHash: hash,
		PasswordResetRequired: resetRequired, PasswordChangedAt: now})
}

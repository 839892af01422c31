package iam

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/models"
)

// PasswordPolicy is an account's password policy, in AWS's fields.
type PasswordPolicy struct {
	MinimumPasswordLength      int
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercaseCharacters bool
	RequireLowercaseCharacters bool
	AllowUsersToChangePassword bool
	MaxPasswordAge             int // days; 0 = never expire
	PasswordReusePrevention    int // 0 = off
	HardExpiry                 bool
	// Default is true when no policy is set and these are the defaults.
	Default bool
}

// DefaultPasswordPolicy is what applies while none is set: NIST SP 800-63B
// minded, 15 characters, no composition rules, no expiry.
var DefaultPasswordPolicy = PasswordPolicy{MinimumPasswordLength: 15, AllowUsersToChangePassword: true, Default: true}

// Rules are the password rules the policy imposes on new passwords.
func (p PasswordPolicy) Rules() auth.PasswordRules {
	return auth.PasswordRules{MinimumLength: p.MinimumPasswordLength, RequireSymbols: p.RequireSymbols,
		RequireNumbers: p.RequireNumbers, RequireUppercase: p.RequireUppercaseCharacters, RequireLowercase: p.RequireLowercaseCharacters}
}

// Validate checks the fields against AWS's ranges, every violation at
// once as AWS reports them (MaxPasswordAge and PasswordReusePrevention 0
// stand for "not set").
func (p PasswordPolicy) Validate() error {
	var errs []error
	rng := func(field string, v, lo, hi int, msg string) {
		at := lowerFirst(field)
		switch {
		case v < lo:
			errs = append(errs, violation(field, msg, Violation{at, strconv.Itoa(v), "Member must have value greater than or equal to " + strconv.Itoa(lo)}))
		case v > hi:
			errs = append(errs, violation(field, msg, Violation{at, strconv.Itoa(v), "Member must have value less than or equal to " + strconv.Itoa(hi)}))
		}
	}
	rng("MinimumPasswordLength", p.MinimumPasswordLength, 6, 128, "MinimumPasswordLength must be between 6 and 128.")
	// In the order AWS lists them (as moto's test quotes AWS's answer).
	if p.PasswordReusePrevention != 0 {
		rng("PasswordReusePrevention", p.PasswordReusePrevention, 1, 24, "PasswordReusePrevention must be between 1 and 24, or 0 for none.")
	}
	if p.MaxPasswordAge != 0 {
		rng("MaxPasswordAge", p.MaxPasswordAge, 1, 1095, "MaxPasswordAge must be between 1 and 1095 days, or 0 for no expiry.")
	}
	if err := joinInvalid(errs...); err != nil {
		return err
	}
	if p.HardExpiry && p.MaxPasswordAge == 0 {
		return invalidField("HardExpiry", "HardExpiry needs MaxPasswordAge.")
	}
	return nil
}

// passwordPolicy returns the account's policy, or the default.
func (s *Service) passwordPolicy(ctx context.Context, st *models.Store, accountID string) (PasswordPolicy, error) {
	m, err := st.PasswordPolicy(ctx, accountID)
	if errors.Is(err, models.ErrNotFound) {
		return DefaultPasswordPolicy, nil
	}
	if err != nil {
		return PasswordPolicy{}, internal(err, "password policy")
	}
	return PasswordPolicy{MinimumPasswordLength: m.MinimumPasswordLength, RequireSymbols: m.RequireSymbols,
		RequireNumbers: m.RequireNumbers, RequireUppercaseCharacters: m.RequireUppercaseCharacters,
		RequireLowercaseCharacters: m.RequireLowercaseCharacters, AllowUsersToChangePassword: m.AllowUsersToChangePassword,
		MaxPasswordAge: m.MaxPasswordAge, PasswordReusePrevention: m.PasswordReusePrevention, HardExpiry: m.HardExpiry}, nil
}

// GetPasswordPolicy returns the account's password policy (the defaults,
// marked Default, when none is set).
func (s *Service) GetPasswordPolicy(ctx context.Context, caller *Principal) (PasswordPolicy, error) {
	acct, err := s.accountOf(ctx, caller) // the operator's (nil) is the live account's
	if err != nil {
		return PasswordPolicy{}, err
	}
	if err := s.authorize(ctx, caller, "iam:GetAccountPasswordPolicy", "*"); err != nil {
		return PasswordPolicy{}, err
	}
	return s.passwordPolicy(ctx, s.store, acct)
}

// UpdatePasswordPolicy sets the account's password policy.
func (s *Service) UpdatePasswordPolicy(ctx context.Context, caller *Principal, p PasswordPolicy, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, caller, "iam:UpdateAccountPasswordPolicy", "*"); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	rec := &models.PasswordPolicy{AccountID: acct, MinimumPasswordLength: p.MinimumPasswordLength,
		RequireSymbols: p.RequireSymbols, RequireNumbers: p.RequireNumbers, RequireUppercaseCharacters: p.RequireUppercaseCharacters,
		RequireLowercaseCharacters: p.RequireLowercaseCharacters, AllowUsersToChangePassword: p.AllowUsersToChangePassword,
		MaxPasswordAge: p.MaxPasswordAge, PasswordReusePrevention: p.PasswordReusePrevention, HardExpiry: p.HardExpiry, UpdatedAt: s.now()}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.PutPasswordPolicy(ctx, rec); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateAccountPasswordPolicy", resource: "arn:aws:iam::" + acct + ":root",
			params: map[string]any{"minimumPasswordLength": p.MinimumPasswordLength, "requireSymbols": p.RequireSymbols,
				"requireNumbers": p.RequireNumbers, "requireUppercaseCharacters": p.RequireUppercaseCharacters,
				"requireLowercaseCharacters": p.RequireLowercaseCharacters, "allowUsersToChangePassword": p.AllowUsersToChangePassword,
				"maxPasswordAge": p.MaxPasswordAge, "passwordReusePrevention": p.PasswordReusePrevention, "hardExpiry": p.HardExpiry}}, nil)
	})
	return asInternal(err, "update password policy")
}

// DeletePasswordPolicy removes the account's password policy (the defaults
// apply again). NotFound when none is set, as AWS answers.
func (s *Service) DeletePasswordPolicy(ctx context.Context, caller *Principal, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, caller, "iam:DeleteAccountPasswordPolicy", "*"); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.DeletePasswordPolicy(ctx, acct); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteAccountPasswordPolicy", resource: "arn:aws:iam::" + acct + ":root"}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return newErr(NotFound, "The Password Policy with domain name %s cannot be found.", acct)
	}
	return asInternal(err, "delete password policy")
}

// checkNewPassword applies the rules, the common-password list, the words to
// avoid, and reuse prevention: the last `reuse` passwords, the current one
// among them, as AWS counts them.
func (s *Service) checkNewPassword(ctx context.Context, st *models.Store, accountID, ownerARN, current, pw string, rules auth.PasswordRules, reuse int, avoid ...string) error {
	if err := auth.CheckPassword(pw, rules, avoid...); err != nil {
		return invalidField("new_password", "%s", err.Error())
	}
	hashes, err := st.RecentPasswordHashes(ctx, accountID, ownerARN, reuse-1)
	if err != nil {
		return internal(err, "password history")
	}
	if current != "" {
		hashes = append(hashes, current)
	}
	for _, h := range hashes {
		if ok, _ := auth.VerifyPassword(pw, h); ok {
			return invalidField("new_password", "Choose a password you have not used recently.")
		}
	}
	return nil
}

// MyPasswordRules are the rules the caller's own new password must meet, to
// show beside the form: the account's password policy for an IAM user (the
// rules ChangePassword applies, which every user who may change its
// password must be able to read), root's floor for root.
func (s *Service) MyPasswordRules(ctx context.Context, p *Principal) (auth.PasswordRules, error) {
	if p.IsRoot() {
		rules := RootPasswordRules
		if p.MFA {
			rules.MinimumLength = 8
		}
		return rules, nil
	}
	pol, err := s.passwordPolicy(ctx, s.store, p.AccountID)
	if err != nil {
		return auth.PasswordRules{}, err
	}
	return pol.Rules(), nil
}

// ChangeMyPassword changes the caller's own password (old + new). The
// caller's other sessions end and this one gets a new ID.
func (s *Service) ChangeMyPassword(ctx context.Context, p *Principal, oldPW, newPW string, m Meta) (*SignInResult, error) {
	if p.Type == TypeUser {
		return s.ChangePassword(ctx, p, oldPW, newPW, m)
	}
	if !p.IsRoot() {
		return nil, newErr(Invalid, "Changing an IAM user's password arrives with IAM users.")
	}
	acct, err := s.store.Account(ctx, p.AccountID)
	if err != nil {
		return nil, internal(err, "account")
	}
	if ok, _ := auth.VerifyPassword(oldPW, acct.RootPasswordHash); !ok {
		return nil, invalidField("old_password", "The current password is not correct.")
	}
	pol, err := s.passwordPolicy(ctx, s.store, p.AccountID)
	if err != nil {
		return nil, err
	}
	// AWS's password policy does not govern root; our floor does: 15
	// characters, or 8 once root has MFA.
	rules := RootPasswordRules
	if p.MFA {
		rules.MinimumLength = 8
	}
	local, _, _ := strings.Cut(acct.RootEmail, "@")
	if err := s.checkNewPassword(ctx, s.store, p.AccountID, p.ARN, acct.RootPasswordHash, newPW, rules,
		max(pol.PasswordReusePrevention, 1), local, acct.Alias); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(newPW, s.cfg.Argon2)
	if err != nil {
		return nil, internal(err, "hash password")
	}
	var res *SignInResult
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.AddPasswordHistory(ctx, &models.PasswordHistory{AccountID: p.AccountID, OwnerARN: p.ARN,
			Hash: acct.RootPasswordHash, CreatedAt: s.now()}); err != nil {
			return err
		}
		if err := tx.UpdateRootPassword(ctx, p.AccountID, hash); err != nil {
			return err
		}
		if _, err := tx.DeleteSessionsOf(ctx, p.AccountID, p.ARN, p.SessionID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, m, p.AccountID, p.ARN, event{name: "ChangePassword", resource: p.ARN}, nil); err != nil {
			return err
		}
		var err error
		res, err = s.rotateSession(ctx, tx, p, p, m)
		return err
	})
	if err != nil {
		return nil, asInternal(err, "change password")
	}
	return res, nil
}

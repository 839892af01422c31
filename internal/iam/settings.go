package iam

import (
	"context"

	"github.com/iamconsole/console/internal/models"
)

// AccountSettings are the console's own switches for an account.
type AccountSettings struct {
	// AllowUsersWithoutMFA lets IAM users use the console without an MFA
	// device. Off by default: like root, users must enroll one first.
	AllowUsersWithoutMFA bool
}

// GetAccountSettings returns the caller's account settings. Reading them
// is iam:GetAccountPasswordPolicy: the same page, the same readers.
func (s *Service) GetAccountSettings(ctx context.Context, caller *Principal, m Meta) (AccountSettings, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return AccountSettings{}, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetAccountPasswordPolicy", "*"); err != nil {
		return AccountSettings{}, err
	}
	st, err := s.store.AccountSettings(ctx, acct)
	if err != nil {
		return AccountSettings{}, internal(err, "settings")
	}
	return AccountSettings{AllowUsersWithoutMFA: st.AllowUsersWithoutMFA}, nil
}

// UpdateAccountSettings saves them; changing them is
// iam:UpdateAccountPasswordPolicy, the permission of whoever sets sign-in
// rules.
func (s *Service) UpdateAccountSettings(ctx context.Context, caller *Principal, in AccountSettings, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:UpdateAccountPasswordPolicy", "*"); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		st, err := tx.AccountSettings(ctx, acct)
		if err != nil {
			return err
		}
		st.AllowUsersWithoutMFA, st.UpdatedAt = in.AllowUsersWithoutMFA, s.now()
		if err := tx.PutAccountSettings(ctx, st); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateAccountSettings", resource: "arn:aws:iam::" + acct + ":root",
			params: map[string]any{"allowUsersWithoutMFA": in.AllowUsersWithoutMFA}}, nil)
	})
	return asInternal(err, "update settings")
}

// mustEnroll reports whether a console session without MFA must enroll a
// device first: always for root, for IAM users unless the account allows it.
func (s *Service) mustEnroll(ctx context.Context, p *Principal) (bool, error) {
	switch {
	case p.MFA:
		return false, nil
	case p.IsRoot():
		return true, nil
	case p.Type != TypeUser:
		return false, nil
	}
	// Asked on every page a user without a device opens: the answer is
	// kept under the IAM state stamp, which UpdateAccountSettings moves,
	// and which the request reads anyway (its policies are kept under it).
	stamp, err := s.requestStamp(ctx, p)
	if err != nil {
		return false, err
	}
	if allow, ok := s.mfaOptional.get(stamp, p.AccountID); ok {
		return !allow, nil
	}
	st, err := s.store.AccountSettings(ctx, p.AccountID)
	if err != nil {
		return false, internal(err, "settings")
	}
	s.mfaOptional.put(stamp, p.AccountID, st.AllowUsersWithoutMFA, inputCacheMax)
	return !st.AllowUsersWithoutMFA, nil
}

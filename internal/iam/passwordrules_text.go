package iam

import (
	"context"
	"fmt"
)

// PasswordRulesText is the account's password rules in words, for forms
// that set a password to show before it is typed rather than after it is
// refused. The rules are no secret (every user meets them when changing its
// password), so reading them needs no permission.
func (s *Service) PasswordRulesText(ctx context.Context, caller *Principal) ([]string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	pol, err := s.passwordPolicy(ctx, s.store, acct)
	if err != nil {
		return nil, err
	}
	return pol.RulesText(), nil
}

// RulesText says what the policy asks of a new password, one rule a line:
// the rules every new password meets (auth.PasswordRules.Describe), then
// the policy's own memory of past passwords.
func (p PasswordPolicy) RulesText() []string {
	out := p.Rules().Describe()
	if p.PasswordReusePrevention > 0 {
		out = append(out, fmt.Sprintf("Not one of the user's last %d passwords.", p.PasswordReusePrevention))
	}
	return out
}

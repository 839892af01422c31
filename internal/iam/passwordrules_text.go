package iam

import (
	"context"
	"fmt"

	"github.com/iamconsole/console/internal/auth"
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

// RulesText says what the policy asks of a new password, one rule a line.
func (p PasswordPolicy) RulesText() []string {
	out := []string{fmt.Sprintf("At least %d characters, at most %d.", max(p.MinimumPasswordLength, auth.MinimumPasswordFloor), auth.MaxPasswordLength)}
	for _, r := range []struct {
		on   bool
		text string
	}{{p.RequireUppercaseCharacters, "At least one uppercase letter."}, {p.RequireLowercaseCharacters, "At least one lowercase letter."},
		{p.RequireNumbers, "At least one number."}, {p.RequireSymbols, "At least one symbol, such as ! @ # $ %."}} {
		if r.on {
			out = append(out, r.text)
		}
	}
	out = append(out, "Not a commonly used password, and not containing the user name.")
	if p.PasswordReusePrevention > 0 {
		out = append(out, fmt.Sprintf("Not one of the user's last %d passwords.", p.PasswordReusePrevention))
	}
	return out
}

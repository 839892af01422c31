package iam

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// accountAliasRE is AWS's pattern for an account alias: lowercase letters,
// digits and single dashes, not at either end, 3 to 63 characters.
var accountAliasRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func validAlias(alias string) error {
	if len(alias) < 3 || len(alias) > 63 || !accountAliasRE.MatchString(alias) {
		return invalidField("AccountAlias", "1 validation error detected: Value '%s' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$", alias)
	}
	return nil
}

// CreateAccountAlias gives the account its alias, the name the console
// shows beside its ID (and that authenticator apps show). An account has
// one alias: a new one replaces the old, as AWS's. EntityAlreadyExists when
// another account has it.
func (s *Service) CreateAccountAlias(ctx context.Context, caller *Principal, alias string, m Meta) error {
	return s.setAccountAlias(ctx, caller, "CreateAccountAlias", alias, alias, m)
}

// DeleteAccountAlias removes the account's alias; NotFound when alias is
// not the account's.
func (s *Service) DeleteAccountAlias(ctx context.Context, caller *Principal, alias string, m Meta) error {
	return s.setAccountAlias(ctx, caller, "DeleteAccountAlias", alias, "", m)
}

// setAccountAlias authorizes op, checks alias, and sets the account's
// alias to to ("" removes it), audited.
func (s *Service) setAccountAlias(ctx context.Context, caller *Principal, op, alias, to string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:"+op, "*"); err != nil {
		return err
	}
	if err := validAlias(alias); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if to == "" {
			a, err := tx.Account(ctx, acct)
			if err != nil {
				return err
			}
			if a.Alias != alias {
				return newErr(NotFound, "The account alias %s cannot be found.", alias)
			}
		}
		if err := tx.SetAccountAlias(ctx, acct, to); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: op, resource: "arn:aws:iam::" + acct + ":root",
			params: map[string]any{"accountAlias": alias}}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return newErr(AlreadyExists, "The account alias %s already exists.", alias)
	}
	s.forgetAlias(acct)
	return asInternal(err, "account alias")
}

// ListAccountAliases lists the account's alias (none or one).
func (s *Service) ListAccountAliases(ctx context.Context, caller *Principal, m Meta) ([]string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:ListAccountAliases", "*"); err != nil {
		return nil, err
	}
	a, err := s.store.Account(ctx, acct)
	if err != nil {
		return nil, internal(err, "account")
	}
	if a.Alias == "" {
		return []string{}, nil
	}
	return []string{a.Alias}, nil
}

// aliasTTL is how long a page's header may show an alias after it changed
// in another process (this process forgets it at once).
const aliasTTL = 10 * time.Second

// aliasCache keeps each account's alias for the header every page shows,
// so that a page does not read the account row for it.
type aliasCache struct {
	mu sync.Mutex
	m  map[string]cachedAlias
}

type cachedAlias struct {
	alias string
	at    time.Time
}

// AccountAlias is the account's alias for display ("" when it has none),
// at most aliasTTL old. A failure to read it is "": the header shows the
// ID alone.
func (s *Service) AccountAlias(ctx context.Context, accountID string) string {
	now := time.Now()
	s.aliases.mu.Lock()
	c, ok := s.aliases.m[accountID]
	s.aliases.mu.Unlock()
	if ok && now.Sub(c.at) < aliasTTL {
		return c.alias
	}
	a, err := s.store.Account(ctx, accountID)
	if err != nil {
		return ""
	}
	s.aliases.mu.Lock()
	if s.aliases.m == nil {
		s.aliases.m = map[string]cachedAlias{}
	}
	s.aliases.m[accountID] = cachedAlias{alias: a.Alias, at: now}
	s.aliases.mu.Unlock()
	return a.Alias
}

// forgetAlias drops the cached alias after a change in this process.
func (s *Service) forgetAlias(accountID string) {
	s.aliases.mu.Lock()
	delete(s.aliases.m, accountID)
	s.aliases.mu.Unlock()
}

// isAccount reports whether name (an account ID, or an alias whatever its
// case) names account id.
func (s *Service) isAccount(ctx context.Context, id, name string) bool {
	if name == id {
		return true
	}
	alias := s.AccountAlias(ctx, id)
	return alias != "" && strings.EqualFold(name, alias)
}

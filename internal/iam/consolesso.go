package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/iamconsole/console/internal/federation/oidc"
	"github.com/iamconsole/console/internal/models"
)

// ConsoleOIDC is the account setting that lets people sign in to the
// console through one of the account's OpenID Connect providers, landing
// in a role session: the role is picked by a claim of their ID token
// (ClaimRoles, tried in order, else DefaultRole), and the role's trust
// policy must allow the provider's identity as it would for
// AssumeRoleWithWebIdentity.
type ConsoleOIDC struct {
	Enabled     bool
	ProviderARN string
	ClientID    string
	// ClientSecret is written, never read back: "" on reads and, on
	// writes, "keep the one saved" (ClearClientSecret removes it, for a
	// public client).
	ClientSecret      string
	ClearClientSecret bool
	// HasClientSecret says a secret is saved.
	HasClientSecret bool
	RoleClaim       string
	ClaimRoles      []ClaimRole
	DefaultRole     string
}

// ClaimRole maps one value of the role claim to a role name.
type ClaimRole struct {
	Value string `json:"Value"`
	Role  string `json:"Role"`
}

// Bounds of the setting.
const (
	maxClaimRoles      = 100
	maxClaimLength     = 256
	maxClientIDLength  = 255
	maxClientSecretLen = 1024
)

// consoleOIDCSecretAD binds a sealed client secret to its account.
func consoleOIDCSecretAD(acct string) []byte { return []byte("console-oidc-client-secret:" + acct) }

// GetConsoleOIDC returns the account's console sign-in through OpenID
// Connect, read as the other account settings are
// (iam:GetAccountPasswordPolicy). The client secret never comes back.
func (s *Service) GetConsoleOIDC(ctx context.Context, caller *Principal, m Meta) (ConsoleOIDC, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return ConsoleOIDC{}, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetAccountPasswordPolicy", "*"); err != nil {
		return ConsoleOIDC{}, err
	}
	st, err := s.store.ConsoleOIDCSettings(ctx, acct)
	if err != nil {
		return ConsoleOIDC{}, internal(err, "console OIDC settings")
	}
	return consoleOIDCOf(st)
}

func consoleOIDCOf(st *models.ConsoleOIDCSettings) (ConsoleOIDC, error) {
	out := ConsoleOIDC{Enabled: st.Enabled, ProviderARN: st.ProviderARN, ClientID: st.ClientID,
		HasClientSecret: st.SealedClientSecret != "", RoleClaim: st.RoleClaim, DefaultRole: st.DefaultRole}
	if st.RoleMapping != "" {
		if err := json.Unmarshal([]byte(st.RoleMapping), &out.ClaimRoles); err != nil {
			return ConsoleOIDC{}, internal(err, "console OIDC role mapping")
		}
	}
	return out, nil
}

// PutConsoleOIDC saves the setting, changed as the other account settings
// are (iam:UpdateAccountPasswordPolicy). When enabled, the provider must
// be one of the account's, the client ID one of its client IDs, and the
// claim must map to at least one role (or a default role be named).
func (s *Service) PutConsoleOIDC(ctx context.Context, caller *Principal, in ConsoleOIDC, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:UpdateAccountPasswordPolicy", "*"); err != nil {
		return err
	}
	in.ProviderARN, in.ClientID, in.RoleClaim, in.DefaultRole = strings.TrimSpace(in.ProviderARN),
		strings.TrimSpace(in.ClientID), strings.TrimSpace(in.RoleClaim), strings.TrimSpace(in.DefaultRole)
	if err := s.validConsoleOIDC(ctx, acct, in); err != nil {
		return err
	}
	mapping, _ := json.Marshal(in.ClaimRoles) // strings always encode
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		st, err := tx.ConsoleOIDCSettings(ctx, acct)
		if err != nil {
			return err
		}
		st.Enabled, st.ProviderARN, st.ClientID, st.RoleClaim, st.RoleMapping, st.DefaultRole, st.UpdatedAt =
			in.Enabled, in.ProviderARN, in.ClientID, in.RoleClaim, string(mapping), in.DefaultRole, s.now()
		switch {
		case in.ClientSecret != "":
			st.SealedClientSecret = s.cfg.Sealer.Seal([]byte(in.ClientSecret), consoleOIDCSecretAD(acct))
		case in.ClearClientSecret:
			st.SealedClientSecret = ""
		}
		if err := tx.PutConsoleOIDCSettings(ctx, st); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateConsoleOIDCSignIn", resource: "arn:aws:iam::" + acct + ":root",
			params: map[string]any{"enabled": in.Enabled, "identityProvider": in.ProviderARN, "clientId": in.ClientID,
				"roleClaim": in.RoleClaim, "claimRoles": in.ClaimRoles, "defaultRole": in.DefaultRole,
				"clientSecretChanged": in.ClientSecret != "" || in.ClearClientSecret}}, nil)
	})
	return asInternal(err, "update console OIDC sign-in")
}

// validConsoleOIDC checks a setting; a disabled one only for its bounds,
// so that it can be kept while the provider is being fixed.
func (s *Service) validConsoleOIDC(ctx context.Context, acct string, in ConsoleOIDC) error {
	if len(in.ClientID) > maxClientIDLength {
		return invalidField("ClientID", "The client ID must be at most %d characters.", maxClientIDLength)
	}
	if len(in.ClientSecret) > maxClientSecretLen {
		return invalidField("ClientSecret", "The client secret must be at most %d characters.", maxClientSecretLen)
	}
	if utf8.RuneCountInString(in.RoleClaim) > maxClaimLength {
		return invalidField("RoleClaim", "The claim name must be at most %d characters.", maxClaimLength)
	}
	if len(in.ClaimRoles) > maxClaimRoles {
		return invalidField("ClaimRoles", "At most %d claim values may be mapped to roles.", maxClaimRoles)
	}
	for _, cr := range in.ClaimRoles {
		if cr.Value == "" || utf8.RuneCountInString(cr.Value) > maxClaimLength {
			return invalidField("ClaimRoles", "Each line is a claim value of 1 to %d characters, =, and a role name.", maxClaimLength)
		}
		if err := validName("role", "ClaimRoles", cr.Role); err != nil {
			return invalidField("ClaimRoles", "%q is not a role name: role names are 1 to 64 letters, digits and +=,.@_-.", cr.Role)
		}
	}
	if in.DefaultRole != "" {
		if err := validName("role", "DefaultRole", in.DefaultRole); err != nil {
			return invalidField("DefaultRole", "Role names are 1 to 64 letters, digits and +=,.@_-.")
		}
	}
	if !in.Enabled {
		return nil
	}
	pacct, key, ok := oidcProviderKeyOf(in.ProviderARN)
	if !ok || pacct != acct {
		return invalidField("ProviderARN", "Choose one of this account's OpenID Connect providers.")
	}
	p, err := s.store.OIDCProvider(ctx, acct, key)
	if errors.Is(err, models.ErrNotFound) {
		return invalidField("ProviderARN", "Choose one of this account's OpenID Connect providers.")
	}
	if err != nil {
		return internal(err, "OIDC provider")
	}
	ids, err := readList(p.ClientIDs)
	if err != nil {
		return internal(err, "OIDC provider client IDs")
	}
	if !slices.Contains(ids, in.ClientID) {
		return invalidField("ClientID", "The client ID must be one of the provider's client IDs (%s).", strings.Join(ids, ", "))
	}
	if in.RoleClaim == "" {
		return invalidField("RoleClaim", "Name the claim that picks the role, such as groups.")
	}
	if len(in.ClaimRoles) == 0 && in.DefaultRole == "" {
		return invalidField("ClaimRoles", "Map at least one claim value to a role, or name a default role.")
	}
	return nil
}

// ConsoleOIDCOffer names the provider the sign-in page offers ("Sign in
// with …"), "" when console sign-in through OpenID Connect is off or its
// provider was deleted. It needs no caller: the sign-in page is public.
func (s *Service) ConsoleOIDCOffer(ctx context.Context) (string, error) {
	c, err := s.consoleOIDCSetup(ctx)
	if errors.Is(err, errOIDCSignInOff) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return c.provider.URLKey, nil
}

// claimValues reads a claim as the strings it holds: a string, a list of
// strings (groups), or a number or boolean in its JSON spelling.
func claimValues(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case bool, float64, json.Number:
		return []string{fmt.Sprint(x)}
	}
	return nil
}

// pickRole is the role of the first mapping whose value the claim holds,
// else the default role ("" when neither).
func (c ConsoleOIDC) pickRole(claims *oidc.Claims) string {
	vals := claimValues(claims.All[c.RoleClaim])
	for _, cr := range c.ClaimRoles {
		if slices.Contains(vals, cr.Value) {
			return cr.Role
		}
	}
	return c.DefaultRole
}

// consoleSessionName is the role session's name: the verified email when
// it is a valid session name, else the subject, with the characters a
// session name may not hold replaced by "-", at most 64.
func consoleSessionName(c *oidc.Claims) string {
	if email, _ := c.All["email"].(string); email != "" && c.All["email_verified"] != false &&
		len(email) >= 2 && len(email) <= 64 && sessionNameRE.MatchString(email) {
		return email
	}
	var b strings.Builder
	for _, r := range c.Subject {
		if r < 0x80 && (r == '_' || r == '+' || r == '=' || r == ',' || r == '.' || r == '@' || r == '-' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
		if b.Len() == 64 {
			break
		}
	}
	name := b.String()
	for len(name) < 2 {
		name += "-"
	}
	return name
}

// emailOf is the token's email claim, "" when it has none.
func emailOf(c *oidc.Claims) string {
	e, _ := c.All["email"].(string)
	return truncate(e, 254)
}

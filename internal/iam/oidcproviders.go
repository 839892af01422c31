package iam

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamconsole/console/internal/models"
)

// OIDCProvider is AWS's OpenID Connect identity provider, as
// GetOpenIDConnectProvider answers it: Url is the issuer without
// "https://", as in its ARN (arn:aws:iam::ACCOUNT:oidc-provider/URL).
type OIDCProvider struct {
	Arn            string
	Url            string
	ClientIDList   []string
	ThumbprintList []string
	CreateDate     time.Time
	Tags           []Tag
}

// CreateOIDCProviderInput is CreateOpenIDConnectProvider's input. The
// thumbprints are optional (as AWS's since 2024): without them the
// issuer's certificate must chain to a public root.
type CreateOIDCProviderInput struct {
	Url            string
	ClientIDList   []string
	ThumbprintList []string
	Tags           []Tag
}

// OIDC provider quotas and limits, as AWS's.
const (
	MaxOIDCProvidersPerAccount    = 100
	MaxClientIDsPerOIDCProvider   = 100
	MaxThumbprintsPerOIDCProvider = 5
	maxOIDCURL                    = 255
	maxClientID                   = 255
)

// OIDCProviderType is an OpenID Connect identity provider, named by its
// ARN: its own operations are in oidcproviders.go; tags go through Tag,
// Untag and ListTags.
const OIDCProviderType EntityType = "oidc-provider"

// OIDCProviderWithARN names an OpenID Connect provider.
func OIDCProviderWithARN(arn string) Entity { return Entity{OIDCProviderType, arn} }

func oidcProviderARN(acct, urlKey string) string {
	return "arn:aws:iam::" + acct + ":oidc-provider/" + urlKey
}

func noSuchOIDCProvider(arn string) *Error {
	return newErr(NotFound, "OpenIDConnect Provider not found for arn %s", arn)
}

// validOIDCURL checks an issuer URL as AWS does: https, a host, no query
// or fragment, at most 255 characters. Unlike AWS, a port is accepted: a
// self-hosted issuer (a cluster's own) often listens on one.
func validOIDCURL(raw string) error {
	if raw == "" {
		return invalidField("Url", "1 validation error detected: Value at 'url' failed to satisfy constraint: Member must not be null")
	}
	if utf8.RuneCountInString(raw) > maxOIDCURL {
		return invalidField("Url", "1 validation error detected: Value at 'url' failed to satisfy constraint: Member must have length less than or equal to 255")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" && u.Opaque == "" {
		return invalidField("Url", "Invalid Open ID Connect Provider URL")
	}
	if u.Scheme != "https" {
		return invalidInput("Url", "Invalid Open ID Connect Provider URL. The URL must begin with https://.")
	}
	if u.Host == "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.User != nil || strings.Contains(raw, "#") {
		return invalidInput("Url", "Invalid Open ID Connect Provider URL.")
	}
	return nil
}

// invalidInput is IAM's InvalidInput (400), which some validations answer
// instead of ValidationError.
func invalidInput(field, format string, args ...any) *Error {
	e := invalidField(field, format, args...)
	e.Code = "InvalidInput"
	return e
}

func validClientIDs(ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		if n := utf8.RuneCountInString(id); n < 1 || n > maxClientID {
			return nil, invalidField("ClientIDList", "1 validation error detected: Value at 'clientID' failed to satisfy constraint: Member must have length less than or equal to 255")
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > MaxClientIDsPerOIDCProvider {
		return nil, clientIDQuota()
	}
	return out, nil
}

func clientIDQuota() *Error {
	return newErr(LimitExceeded, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", MaxClientIDsPerOIDCProvider)
}

// validThumbprints checks and lower-cases thumbprints (40 hex digits, five
// at most), as AWS stores them.
func validThumbprints(tps []string) ([]string, error) {
	if len(tps) > MaxThumbprintsPerOIDCProvider {
		return nil, invalidInput("ThumbprintList", "Thumbprint list must contain fewer than 5 entries.")
	}
	var out []string
	for _, tp := range tps {
		if len(tp) != 40 {
			return nil, invalidInput("ThumbprintList", "Thumbprint must be exactly 40 characters.")
		}
		tp = strings.ToLower(tp)
		if strings.Trim(tp, "0123456789abcdef") != "" {
			return nil, invalidInput("ThumbprintList", "Thumbprint must be a hex-encoded SHA-1 hash.")
		}
		if !slices.Contains(out, tp) {
			out = append(out, tp)
		}
	}
	return out, nil
}

func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l) // a []string always encodes
	return string(b)
}

func readList(s string) ([]string, error) {
	var out []string
	if s == "" {
		return nil, nil
	}
	return out, json.Unmarshal([]byte(s), &out)
}

// oidcProviderKeyOf reads arn:aws:iam::ACCOUNT:oidc-provider/URL. ok is
// false for anything else.
func oidcProviderKeyOf(arn string) (acct, key string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", "", false
	}
	acct, res, ok := strings.Cut(rest, ":")
	if !ok || len(acct) != 12 {
		return "", "", false
	}
	key, ok = strings.CutPrefix(res, "oidc-provider/")
	return acct, key, ok && key != ""
}

// authorizedOIDCProvider finds the provider arn names and authorizes
// action on arn (before NotFound is told, as for every entity).
func (s *Service) authorizedOIDCProvider(ctx context.Context, caller *Principal, acct, arn string, m Meta, action string, keys map[string][]string) (*models.OIDCProvider, error) {
	if arn == "" {
		return nil, invalidField("OpenIDConnectProviderArn", "1 validation error detected: Value null at 'openIDConnectProviderArn' failed to satisfy constraint: Member must not be null")
	}
	owner, key, ok := oidcProviderKeyOf(arn)
	if !ok || len(arn) > 2048 {
		return nil, invalidField("OpenIDConnectProviderArn", "ARN %s is not valid.", arn)
	}
	if err := s.authorizeMeta(ctx, withRequestContext(caller, keys), m, action, arn); err != nil {
		return nil, err
	}
	if owner != acct {
		return nil, noSuchOIDCProvider(arn)
	}
	p, err := s.store.OIDCProvider(ctx, acct, key)
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchOIDCProvider(arn)
	}
	if err != nil {
		return nil, internal(err, "OIDC provider")
	}
	return p, nil
}

func oidcProviderOut(acct string, p *models.OIDCProvider) (OIDCProvider, error) {
	out := OIDCProvider{Arn: oidcProviderARN(acct, p.URLKey), Url: p.URLKey, CreateDate: p.CreatedAt.UTC()}
	var err1, err2 error
	out.ClientIDList, err1 = readList(p.ClientIDs)
	out.ThumbprintList, err2 = readList(p.Thumbprints)
	if err := errors.Join(err1, err2); err != nil {
		return out, internal(err, "OIDC provider lists")
	}
	return out, nil
}

// CreateOIDCProvider creates an OpenID Connect identity provider for an
// issuer URL. AlreadyExists for a URL the account has a provider for;
// tags need iam:TagOpenIDConnectProvider too, as in AWS; LimitExceeded
// past 100 providers.
func (s *Service) CreateOIDCProvider(ctx context.Context, caller *Principal, in CreateOIDCProviderInput, m Meta) (*OIDCProvider, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	key := models.OIDCProviderKey(in.Url)
	arn := oidcProviderARN(acct, key)
	if err := s.authorizeCreate(ctx, caller, m, OIDCProviderType, arn, in.Tags, ""); err != nil {
		return nil, err
	}
	if err := validOIDCURL(in.Url); err != nil {
		return nil, err
	}
	clientIDs, err := validClientIDs(in.ClientIDList)
	if err != nil {
		return nil, err
	}
	thumbprints, err := validThumbprints(in.ThumbprintList)
	if err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	p := &models.OIDCProvider{ProviderID: newID(PrefixOIDCProvider, 17), URL: "https://" + key, URLKey: key,
		ClientIDs: jsonList(clientIDs), Thumbprints: jsonList(thumbprints), CreatedAt: s.now()}
	params := map[string]any{"url": in.Url, "clientIDList": clientIDs, "thumbprintList": thumbprints}
	if len(in.Tags) > 0 {
		params["tags"] = in.Tags
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.LockAccount(ctx, acct); err != nil {
			return err
		}
		n, err := tx.CountOIDCProviders(ctx, acct)
		if err != nil {
			return err
		}
		if n >= MaxOIDCProvidersPerAccount {
			return newErr(LimitExceeded, "Cannot exceed quota for OpenIdConnectProvidersPerAccount: %d", MaxOIDCProvidersPerAccount)
		}
		if err := tx.CreateOIDCProvider(ctx, acct, p); err != nil {
			return err
		}
		if err := tx.SetTags(ctx, acct, models.EntityOIDCProvider, p.ProviderID, storeTags(in.Tags)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateOpenIDConnectProvider", resource: arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, newErr(AlreadyExists, "Provider with url %s already exists.", in.Url)
	}
	if err != nil {
		return nil, asInternal(err, "create OIDC provider")
	}
	out, err := oidcProviderOut(acct, p)
	if err != nil {
		return nil, err
	}
	out.Tags = in.Tags
	return &out, nil
}

// GetOIDCProvider returns a provider with its client IDs, thumbprints and
// tags.
func (s *Service) GetOIDCProvider(ctx context.Context, caller *Principal, arn string, m Meta) (*OIDCProvider, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	p, err := s.authorizedOIDCProvider(ctx, caller, acct, arn, m, "iam:GetOpenIDConnectProvider", nil)
	if err != nil {
		return nil, err
	}
	out, err := oidcProviderOut(acct, p)
	if err != nil {
		return nil, err
	}
	tags, err := s.store.ListTags(ctx, acct, models.EntityOIDCProvider, p.ProviderID)
	if err != nil {
		return nil, internal(err, "tags")
	}
	for _, t := range tags {
		out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	return &out, nil
}

// ListOIDCProviders lists the account's providers (ARNs only in AWS's
// answer; the whole provider here, for the console's page), by URL.
func (s *Service) ListOIDCProviders(ctx context.Context, caller *Principal, m Meta) ([]OIDCProvider, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, OpList.Action(OIDCProviderType), oidcProviderARN(acct, "*")); err != nil {
		return nil, err
	}
	rows, err := s.store.ListOIDCProviders(ctx, acct)
	if err != nil {
		return nil, internal(err, "list OIDC providers")
	}
	out := make([]OIDCProvider, len(rows))
	for i := range rows {
		if out[i], err = oidcProviderOut(acct, &rows[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeleteOIDCProvider deletes a provider and its tags. Roles that trust it
// keep their trust policies, as in AWS: nothing can assume them through
// it any more. NotFound for a provider that does not exist (AWS's
// documentation calls the action idempotent; AWS answers NoSuchEntity).
func (s *Service) DeleteOIDCProvider(ctx context.Context, caller *Principal, arn string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	p, err := s.authorizedOIDCProvider(ctx, caller, acct, arn, m, OpDelete.Action(OIDCProviderType), nil)
	if KindOf(err) == NotFound {
		return newErr(NotFound, "OpenId connect Provider %s cannot be found.", arn)
	}
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.DeleteTagsOf(ctx, acct, models.EntityOIDCProvider, p.ProviderID); err != nil {
			return err
		}
		if err := tx.DeleteOIDCProvider(ctx, acct, p.ProviderID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteOpenIDConnectProvider", resource: arn,
			params: map[string]any{"openIDConnectProviderArn": arn}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return newErr(NotFound, "OpenId connect Provider %s cannot be found.", arn)
	}
	return asInternal(err, "delete OIDC provider")
}

// changeOIDCProvider runs change on a provider's lists under its row lock
// and stores what it returns, audited as event name with params.
func (s *Service) changeOIDCProvider(ctx context.Context, caller *Principal, arn string, m Meta, name string, params map[string]any,
	change func(clientIDs, thumbprints []string) ([]string, []string, error)) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	p, err := s.authorizedOIDCProvider(ctx, caller, acct, arn, m, "iam:"+name, nil)
	if err != nil {
		return err
	}
	params["openIDConnectProviderArn"] = arn
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.LockEntity(ctx, acct, models.EntityOIDCProvider, p.ProviderID); err != nil {
			return err
		}
		cur, err := tx.OIDCProvider(ctx, acct, p.URLKey)
		if err != nil {
			return err
		}
		ids, err1 := readList(cur.ClientIDs)
		tps, err2 := readList(cur.Thumbprints)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		ids, tps, err = change(ids, tps)
		if err != nil {
			return err
		}
		if err := tx.UpdateOIDCProviderLists(ctx, acct, p.ProviderID, jsonList(ids), jsonList(tps)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: name, resource: arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchOIDCProvider(arn)
	}
	return asInternal(err, strings.ToLower(name))
}

// AddClientIDToOIDCProvider adds an audience; adding one the provider has
// succeeds and changes nothing, as AWS's.
func (s *Service) AddClientIDToOIDCProvider(ctx context.Context, caller *Principal, arn, clientID string, m Meta) error {
	if _, err := validClientIDs([]string{clientID}); err != nil {
		return err
	}
	return s.changeOIDCProvider(ctx, caller, arn, m, "AddClientIDToOpenIDConnectProvider", map[string]any{"clientID": clientID},
		func(ids, tps []string) ([]string, []string, error) {
			if slices.Contains(ids, clientID) {
				return ids, tps, nil
			}
			if len(ids) >= MaxClientIDsPerOIDCProvider {
				return nil, nil, clientIDQuota()
			}
			return append(ids, clientID), tps, nil
		})
}

// RemoveClientIDFromOIDCProvider removes an audience; removing one the
// provider does not have succeeds, as AWS's.
func (s *Service) RemoveClientIDFromOIDCProvider(ctx context.Context, caller *Principal, arn, clientID string, m Meta) error {
	if _, err := validClientIDs([]string{clientID}); err != nil {
		return err
	}
	return s.changeOIDCProvider(ctx, caller, arn, m, "RemoveClientIDFromOpenIDConnectProvider", map[string]any{"clientID": clientID},
		func(ids, tps []string) ([]string, []string, error) {
			return slices.DeleteFunc(ids, func(id string) bool { return id == clientID }), tps, nil
		})
}

// UpdateOIDCProviderThumbprint replaces a provider's thumbprints.
func (s *Service) UpdateOIDCProviderThumbprint(ctx context.Context, caller *Principal, arn string, thumbprints []string, m Meta) error {
	tps, err := validThumbprints(thumbprints)
	if err != nil {
		return err
	}
	return s.changeOIDCProvider(ctx, caller, arn, m, "UpdateOpenIDConnectProviderThumbprint", map[string]any{"thumbprintList": tps},
		func(ids, _ []string) ([]string, []string, error) { return ids, tps, nil })
}

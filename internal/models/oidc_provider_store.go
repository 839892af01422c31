package models

import (
	"context"
	"strings"
	"time"
)

// EntityOIDCProvider is an OpenID Connect identity provider (tags only go
// through the entity type).
const EntityOIDCProvider EntityType = "oidc-provider"

// OIDCProvider is an IAM OpenID Connect identity provider. URLKey is its
// ARN's resource after "oidc-provider/": the URL without "https://", the
// host lower-cased. ClientIDs and Thumbprints are JSON lists of strings.
type OIDCProvider struct {
	ProviderID  string `gorm:"primaryKey;size:32"`
	AccountID   string `gorm:"size:12;uniqueIndex:idx_oidc_providers_url,priority:1"`
	URL         string `gorm:"size:255"`
	URLKey      string `gorm:"size:255;uniqueIndex:idx_oidc_providers_url,priority:2"`
	ClientIDs   string `gorm:"type:text"`
	Thumbprints string `gorm:"type:text"`
	CreatedAt   time.Time
}

// TableName keeps GORM from spelling the table "o_id_c_providers".
func (OIDCProvider) TableName() string { return "oidc_providers" }

// CreateOIDCProvider stores a new provider; p.ProviderID is the caller's.
// Returns ErrConflict if the account has a provider for the URL.
func (s *Store) CreateOIDCProvider(ctx context.Context, accountID string, p *OIDCProvider) error {
	p.AccountID = accountID
	return translate(s.q(ctx).Create(p).Error, "create OIDC provider "+p.URLKey)
}

// OIDCProvider returns the account's provider for urlKey (host/path).
func (s *Store) OIDCProvider(ctx context.Context, accountID, urlKey string) (*OIDCProvider, error) {
	var p OIDCProvider
	err := s.q(ctx).Where("account_id = ? AND url_key = ?", accountID, urlKey).Take(&p).Error
	if err != nil {
		return nil, translate(err, "OIDC provider "+urlKey)
	}
	return &p, nil
}

// ListOIDCProviders returns every provider of the account (100 at most,
// AWS's quota), by URL.
func (s *Store) ListOIDCProviders(ctx context.Context, accountID string) ([]OIDCProvider, error) {
	var out []OIDCProvider
	err := s.q(ctx).Where("account_id = ?", accountID).Order("url_key").Find(&out).Error
	return out, translate(err, "list OIDC providers")
}

// CountOIDCProviders counts the account's providers.
func (s *Store) CountOIDCProviders(ctx context.Context, accountID string) (int64, error) {
	return s.count(ctx, &OIDCProvider{}, "count OIDC providers", "account_id = ?", accountID)
}

// UpdateOIDCProviderLists replaces a provider's client IDs and thumbprints
// (JSON lists). The caller locks the provider first. ErrNotFound when it
// is gone.
func (s *Store) UpdateOIDCProviderLists(ctx context.Context, accountID, providerID, clientIDs, thumbprints string) error {
	res := s.q(ctx).Model(&OIDCProvider{}).Where("account_id = ? AND provider_id = ?", accountID, providerID).
		Updates(map[string]any{"client_ids": clientIDs, "thumbprints": thumbprints})
	return changedOne(res, "update OIDC provider "+providerID)
}

// DeleteOIDCProvider deletes a provider. ErrNotFound when it is gone. Its
// tags are the caller's to remove, in the same Tx.
func (s *Store) DeleteOIDCProvider(ctx context.Context, accountID, providerID string) error {
	res := s.q(ctx).Where("account_id = ? AND provider_id = ?", accountID, providerID).Delete(&OIDCProvider{})
	return changedOne(res, "delete OIDC provider "+providerID)
}

// OIDCProviderKey is the URLKey of an issuer URL: without "https://" and
// a trailing "/", the host lower-cased (hosts compare whatever their case;
// paths do not).
func OIDCProviderKey(url string) string {
	rest := strings.TrimPrefix(url, "https://")
	host, path, _ := strings.Cut(rest, "/")
	key := strings.ToLower(host)
	if path != "" {
		key += "/" + path
	}
	return strings.TrimSuffix(key, "/")
}

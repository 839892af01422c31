package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// EntitySAMLProvider is a SAML identity provider (tags only).
const EntitySAMLProvider EntityType = "saml-provider"

// SAMLProvider is a SAML 2.0 identity provider of an account: its metadata
// document as uploaded, and what was read from it (EntityID, ValidUntil).
// ProviderID is the UUID AWS answers as SAMLProviderUUID, without dashes.
type SAMLProvider struct {
	ProviderID              string `gorm:"primaryKey;size:32"`
	AccountID               string `gorm:"size:12;uniqueIndex:idx_saml_providers_name,priority:1"`
	Name                    string `gorm:"size:128;uniqueIndex:idx_saml_providers_name,priority:2"`
	UUID                    string `gorm:"size:36"`
	EntityID                string `gorm:"size:1024"`
	MetadataDocument        string `gorm:"type:text"`
	ValidUntil              time.Time
	AssertionEncryptionMode string `gorm:"size:16"`
	PrivateKeys             string `gorm:"type:text"`
	CreatedAt               time.Time
}

// SAMLAssertionUse marks one assertion as used until it expires. Key is a
// digest of the account, the issuer and the assertion's ID.
type SAMLAssertionUse struct {
	Key       string    `gorm:"primaryKey;size:64"`
	ExpiresAt time.Time `gorm:"index"`
}

// CreateSAMLProvider stores a new provider; it sets p.AccountID. Returns
// ErrConflict if the name is taken.
func (s *Store) CreateSAMLProvider(ctx context.Context, accountID string, p *SAMLProvider) error {
	p.AccountID = accountID
	return translate(s.q(ctx).Create(p).Error, "create SAML provider "+p.Name)
}

// SAMLProvider returns the provider with the given name.
func (s *Store) SAMLProvider(ctx context.Context, accountID, name string) (*SAMLProvider, error) {
	var p SAMLProvider
	if err := s.q(ctx).Where("account_id = ? AND name = ?", accountID, name).Take(&p).Error; err != nil {
		return nil, translate(err, "SAML provider "+name)
	}
	return &p, nil
}

// ListSAMLProviders returns the account's providers in name order (AWS
// lists them all at once: at most 100 per account).
func (s *Store) ListSAMLProviders(ctx context.Context, accountID string) ([]SAMLProvider, error) {
	var out []SAMLProvider
	err := s.q(ctx).Where("account_id = ?", accountID).Order("name").Find(&out).Error
	return out, translate(err, "list SAML providers")
}

// CountSAMLProviders counts the account's providers.
func (s *Store) CountSAMLProviders(ctx context.Context, accountID string) (int64, error) {
	return s.count(ctx, &SAMLProvider{}, "count SAML providers", "account_id = ?", accountID)
}

// UpdateSAMLProvider saves a provider's metadata, encryption mode and
// private keys. Returns ErrNotFound when it is gone.
func (s *Store) UpdateSAMLProvider(ctx context.Context, accountID string, p *SAMLProvider) error {
	res := s.q(ctx).Model(&SAMLProvider{}).Where("account_id = ? AND provider_id = ?", accountID, p.ProviderID).
		Updates(map[string]any{"entity_id": p.EntityID, "metadata_document": p.MetadataDocument, "valid_until": p.ValidUntil,
			"assertion_encryption_mode": p.AssertionEncryptionMode, "private_keys": p.PrivateKeys})
	return changedOne(res, "update SAML provider "+p.Name)
}

// DeleteSAMLProvider deletes a provider. Returns ErrNotFound when it is
// gone. Its tags are the caller's to remove, in the same Tx.
func (s *Store) DeleteSAMLProvider(ctx context.Context, accountID, providerID string) error {
	res := s.q(ctx).Where("account_id = ? AND provider_id = ?", accountID, providerID).Delete(&SAMLProvider{})
	return changedOne(res, "delete SAML provider "+providerID)
}

// LockSAMLProvider locks a provider's row until the transaction ends, as
// LockEntity does for the other entities (its tags are counted under it).
func (s *Store) LockSAMLProvider(ctx context.Context, accountID, providerID string) error {
	return s.lockRow(ctx, &SAMLProvider{}, "provider_id", "SAML provider "+providerID,
		"account_id = ? AND provider_id = ?", accountID, providerID)
}

// UseSAMLAssertion records the assertion key as used until expires and
// reports whether it was fresh: false when any process recorded it first.
// One INSERT … ON CONFLICT DO NOTHING, so two racing requests cannot both
// win, and a conflict does not abort a PostgreSQL transaction. Keys that
// expired before now are forgotten first.
func (s *Store) UseSAMLAssertion(ctx context.Context, key string, expires, now time.Time) (bool, error) {
	if err := s.q(ctx).Where("expires_at < ?", now).Delete(&SAMLAssertionUse{}).Error; err != nil {
		return false, translate(err, "forget expired SAML assertions")
	}
	res := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&SAMLAssertionUse{Key: key, ExpiresAt: expires})
	return res.RowsAffected == 1, translate(res.Error, "use SAML assertion")
}

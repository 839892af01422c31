package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0012OIDCProviders adds OpenID Connect identity providers, and
// what a web identity session carries beyond an AssumeRole session: its
// session tags, the tag keys that pass on to a chained session, the
// source identity and the federated identity (provider and subject) the
// audit log and GetCallerIdentity tell.
//
// A provider's client IDs and thumbprints are short lists (100 and 5 at
// most) always read and written whole, so they are JSON columns; a
// change to them locks the provider's row first (LockEntity).
func migrate0012OIDCProviders(tx *gorm.DB) error {
	type OIDCProvider struct {
		ProviderID  string `gorm:"primaryKey;size:32"`
		AccountID   string `gorm:"size:12;uniqueIndex:idx_oidc_providers_url,priority:1"`
		URL         string `gorm:"size:255"`
		URLKey      string `gorm:"size:255;uniqueIndex:idx_oidc_providers_url,priority:2"`
		ClientIDs   string `gorm:"type:text"`
		Thumbprints string `gorm:"type:text"`
		CreatedAt   time.Time
	}
	// Named here: GORM would spell the struct "o_id_c_providers".
	if err := tx.Table("oidc_providers").Migrator().CreateTable(&OIDCProvider{}); err != nil {
		return err
	}
	for _, col := range []string{"session_tags", "transitive_tag_keys", "source_identity", "federated_provider", "federated_subject"} {
		if err := tx.Exec("ALTER TABLE sts_sessions ADD COLUMN " + col + " text NOT NULL DEFAULT ''").Error; err != nil {
			return err
		}
	}
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	return tx.Exec(`ALTER TABLE oidc_providers ALTER COLUMN url_key TYPE varchar(255) COLLATE "C"`).Error
}

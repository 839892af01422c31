package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0013SAMLProviders adds SAML identity providers and the record of
// the SAML assertions AssumeRoleWithSAML has accepted. An assertion is
// good for one use: its key is kept until the assertion expires, in the
// database so that every console process sharing it refuses a replay.
func migrate0013SAMLProviders(tx *gorm.DB) error {
	type SAMLProvider struct {
		ProviderID              string `gorm:"primaryKey;size:32"`
		AccountID               string `gorm:"size:12;uniqueIndex:idx_saml_providers_name,priority:1"`
		Name                    string `gorm:"size:128;uniqueIndex:idx_saml_providers_name,priority:2"`
		UUID                    string `gorm:"size:36"`
		EntityID                string `gorm:"size:1024"`
		MetadataDocument        string `gorm:"type:text"`
		ValidUntil              time.Time
		AssertionEncryptionMode string `gorm:"size:16"`
		PrivateKeys             string `gorm:"type:text"` // JSON list, each key sealed
		CreatedAt               time.Time
	}
	type SAMLAssertionUse struct {
		Key       string    `gorm:"primaryKey;size:64"`
		ExpiresAt time.Time `gorm:"index"`
	}
	if err := tx.Migrator().CreateTable(&SAMLProvider{}, &SAMLAssertionUse{}); err != nil {
		return err
	}
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	// Provider names are compared byte for byte, as their ARNs are.
	return tx.Exec(`ALTER TABLE saml_providers ALTER COLUMN name TYPE varchar(128) COLLATE "C"`).Error
}

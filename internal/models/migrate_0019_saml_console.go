package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0019SAMLConsole adds SAML sign-in to the console: per account, the
// SAML provider allowed to sign people in and the console's assertion
// consumer URL its assertions must be addressed to; and, per console
// session opened that way, the federated identity it carries (its own
// table, not columns of sessions: most sessions have none).
func migrate0019SAMLConsole(tx *gorm.DB) error {
	type SAMLConsoleSetting struct {
		AccountID    string `gorm:"primaryKey;size:12"`
		ProviderName string `gorm:"size:128"`
		ACSURL       string `gorm:"size:1024"`
		UpdatedAt    time.Time
	}
	type ConsoleFederation struct {
		SessionIDHash     string    `gorm:"primaryKey;size:64"`
		AccountID         string    `gorm:"size:12"`
		Provider          string    `gorm:"size:2048"`
		Subject           string    `gorm:"size:1024"`
		SourceIdentity    string    `gorm:"size:64"`
		SessionTags       string    `gorm:"type:text"`
		TransitiveTagKeys string    `gorm:"type:text"`
		ExpiresAt         time.Time `gorm:"index"`
	}
	return tx.Migrator().CreateTable(&SAMLConsoleSetting{}, &ConsoleFederation{})
}

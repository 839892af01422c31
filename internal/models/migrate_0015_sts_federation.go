package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0015STSFederation adds what GetFederationToken and the account's
// STS preferences need: a federated user's session tags on its temporary
// credentials (aws:PrincipalTag), and a table of per-account STS and
// outbound-federation settings (SetSecurityTokenServicePreferences,
// Enable/DisableOutboundWebIdentityFederation). The settings have a table of
// their own rather than columns of account_settings, the console's own
// switches: they are AWS's account state, read by other actions.
func migrate0015STSFederation(tx *gorm.DB) error {
	type STSSession struct {
		AccessKeyID string `gorm:"primaryKey;size:32"`
		SessionTags string `gorm:"type:text"`
	}
	// 0012 (web identity) may have added the column already.
	if !tx.Migrator().HasColumn(&STSSession{}, "SessionTags") {
		if err := tx.Migrator().AddColumn(&STSSession{}, "SessionTags"); err != nil {
			return err
		}
	}
	type AccountSTSSettings struct {
		AccountID                  string `gorm:"primaryKey;size:12"`
		GlobalEndpointTokenVersion string `gorm:"size:16"`
		OutboundFederationEnabled  bool
		OutboundIssuerID           string `gorm:"size:64;index"`
		OutboundIssuer             string `gorm:"size:2048"`
		SealedRS256Key             string `gorm:"type:text"`
		SealedES384Key             string `gorm:"type:text"`
		UpdatedAt                  time.Time
	}
	return tx.Migrator().CreateTable(&AccountSTSSettings{})
}

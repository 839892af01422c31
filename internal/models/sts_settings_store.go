package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// AccountSTSSettings are an account's STS preferences and outbound web
// identity federation state, as AWS keeps them per account. No row means
// AWS's defaults: v1 tokens from the global endpoint, outbound federation
// disabled.
type AccountSTSSettings struct {
	AccountID string `gorm:"primaryKey;size:12"`
	// GlobalEndpointTokenVersion is "v1Token" or "v2Token"; "" is AWS's
	// default, v1Token.
	GlobalEndpointTokenVersion string `gorm:"size:16"`
	OutboundFederationEnabled  bool
	// OutboundIssuerID is the random part of the account's issuer URL, made
	// at the first enabling and kept after, as AWS keeps an account's
	// issuer: tokens verified once stay verifiable by the same issuer.
	OutboundIssuerID string `gorm:"size:64;index"`
	// OutboundIssuer is the issuer URL (the tokens' iss), fixed when the
	// issuer ID was made.
	OutboundIssuer string `gorm:"size:2048"`
	// SealedRS256Key and SealedES384Key are the issuer's signing keys
	// (PKCS #8, sealed under the master key), one per algorithm
	// GetWebIdentityToken offers.
	SealedRS256Key string `gorm:"type:text"`
	SealedES384Key string `gorm:"type:text"`
	UpdatedAt      time.Time
}

// AccountSTSSettings returns an account's STS settings, the defaults when
// none were saved.
func (s *Store) AccountSTSSettings(ctx context.Context, accountID string) (*AccountSTSSettings, error) {
	var st AccountSTSSettings
	if err := s.q(ctx).Where("account_id = ?", accountID).Limit(1).Find(&st).Error; err != nil {
		return nil, translate(err, "account STS settings")
	}
	st.AccountID = accountID
	return &st, nil
}

// PutAccountSTSSettings saves an account's STS settings whole.
func (s *Store) PutAccountSTSSettings(ctx context.Context, st *AccountSTSSettings) error {
	return translate(s.q(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(st).Error, "put account STS settings")
}

// AccountSTSSettingsByIssuer returns the settings of the account whose
// outbound federation issuer ID is id. Like STSSessionByKey it is not
// limited to an account: the issuer's public discovery documents name only
// the issuer.
func (s *Store) AccountSTSSettingsByIssuer(ctx context.Context, id string) (*AccountSTSSettings, error) {
	var st AccountSTSSettings
	if err := s.q(ctx).Where("outbound_issuer_id = ? AND outbound_issuer_id <> ''", id).Take(&st).Error; err != nil {
		return nil, translate(err, "outbound federation issuer")
	}
	return &st, nil
}

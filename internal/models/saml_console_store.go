package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// SAMLConsoleSetting is an account's SAML sign-in to the console: the
// provider (by name) whose users may sign in, and the console's assertion
// consumer URL, the Recipient and Audience its assertions must name. No
// row: nobody signs in through SAML.
type SAMLConsoleSetting struct {
	AccountID    string `gorm:"primaryKey;size:12"`
	ProviderName string `gorm:"size:128"`
	ACSURL       string `gorm:"size:1024"`
	UpdatedAt    time.Time
}

// ConsoleFederation is the federated identity a console session carries:
// who the provider vouched for, and the session's tags and source
// identity from the assertion. Kept beside the session until it expires.
type ConsoleFederation struct {
	SessionIDHash     string    `gorm:"primaryKey;size:64"`
	AccountID         string    `gorm:"size:12"`
	Provider          string    `gorm:"size:2048"`
	Subject           string    `gorm:"size:1024"`
	SourceIdentity    string    `gorm:"size:64"`
	SessionTags       string    `gorm:"type:text"` // JSON object
	TransitiveTagKeys string    `gorm:"type:text"` // JSON list
	ExpiresAt         time.Time `gorm:"index"`
}

// SAMLConsoleSetting returns the account's setting. Returns ErrNotFound
// when SAML sign-in is off.
func (s *Store) SAMLConsoleSetting(ctx context.Context, accountID string) (*SAMLConsoleSetting, error) {
	var st SAMLConsoleSetting
	if err := s.q(ctx).Where("account_id = ?", accountID).Take(&st).Error; err != nil {
		return nil, translate(err, "SAML console setting")
	}
	return &st, nil
}

// PutSAMLConsoleSetting saves the account's setting.
func (s *Store) PutSAMLConsoleSetting(ctx context.Context, st *SAMLConsoleSetting) error {
	return translate(s.q(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"provider_name", "acs_url", "updated_at"}),
	}).Create(st).Error, "put SAML console setting")
}

// DeleteSAMLConsoleSetting turns SAML sign-in off (no error when it was).
func (s *Store) DeleteSAMLConsoleSetting(ctx context.Context, accountID string) error {
	return translate(s.q(ctx).Where("account_id = ?", accountID).Delete(&SAMLConsoleSetting{}).Error, "delete SAML console setting")
}

// CreateConsoleFederation records a new session's federated identity.
func (s *Store) CreateConsoleFederation(ctx context.Context, f *ConsoleFederation) error {
	return translate(s.q(ctx).Create(f).Error, "create console federation")
}

// ConsoleFederation returns a session's federated identity. Returns
// ErrNotFound for a session that has none.
func (s *Store) ConsoleFederation(ctx context.Context, idHash string) (*ConsoleFederation, error) {
	var f ConsoleFederation
	if err := s.q(ctx).Where("session_id_hash = ?", idHash).Take(&f).Error; err != nil {
		return nil, translate(err, "console federation")
	}
	return &f, nil
}

// DeleteExpiredConsoleFederations forgets the identities of sessions that
// have expired.
func (s *Store) DeleteExpiredConsoleFederations(ctx context.Context, now time.Time) (int64, error) {
	res := s.q(ctx).Where("expires_at < ?", now).Delete(&ConsoleFederation{})
	return res.RowsAffected, translate(res.Error, "delete expired console federations")
}

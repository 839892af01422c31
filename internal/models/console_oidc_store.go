package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// ConsoleOIDCSettings enable console sign-in through one OpenID Connect
// provider of the account. No row means disabled.
type ConsoleOIDCSettings struct {
	AccountID   string `gorm:"primaryKey;size:12"`
	Enabled     bool   `gorm:"not null;default:false"`
	ProviderARN string `gorm:"size:2048"`
	ClientID    string `gorm:"size:255"`
	// SealedClientSecret is the client secret sealed under the master key
	// ("" for a public client).
	SealedClientSecret string `gorm:"type:text"`
	// RoleClaim names the ID token claim whose values pick the role.
	RoleClaim string `gorm:"size:256"`
	// RoleMapping is a JSON list of {"Value","Role"}, in the order tried.
	RoleMapping string `gorm:"type:text"`
	DefaultRole string `gorm:"size:64"`
	UpdatedAt   time.Time
}

// ConsoleOIDCSettings returns an account's setting, disabled when none
// was saved.
func (s *Store) ConsoleOIDCSettings(ctx context.Context, accountID string) (*ConsoleOIDCSettings, error) {
	var st ConsoleOIDCSettings
	if err := s.q(ctx).Where("account_id = ?", accountID).Limit(1).Find(&st).Error; err != nil {
		return nil, translate(err, "console OIDC settings")
	}
	st.AccountID = accountID
	return &st, nil
}

// PutConsoleOIDCSettings saves an account's setting whole.
func (s *Store) PutConsoleOIDCSettings(ctx context.Context, st *ConsoleOIDCSettings) error {
	return translate(s.q(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}},
		UpdateAll: true,
	}).Create(st).Error, "put console OIDC settings")
}

// OIDCSignInState is a console sign-in through an OpenID Connect provider
// under way: made when the browser is sent to the provider, taken (once)
// when it comes back.
type OIDCSignInState struct {
	// StateHash is the hash of the state parameter.
	StateHash string `gorm:"primaryKey;size:64"`
	AccountID string `gorm:"size:12"`
	// BindingHash is the hash of the pre-session cookie the browser that
	// started got: another browser cannot finish the sign-in.
	BindingHash string `gorm:"size:64"`
	Nonce       string `gorm:"size:64"`
	// SealedVerifier is the PKCE code verifier, sealed.
	SealedVerifier string `gorm:"type:text"`
	ProviderARN    string `gorm:"size:2048"`
	ClientID       string `gorm:"size:255"`
	TokenURL       string `gorm:"size:2048"`
	RedirectURI    string `gorm:"size:2048"`
	Next           string `gorm:"size:2048"`
	CreatedAt      time.Time
	ExpiresAt      time.Time `gorm:"index"`
}

// CreateOIDCSignInState stores a sign-in under way.
func (s *Store) CreateOIDCSignInState(ctx context.Context, st *OIDCSignInState) error {
	return translate(s.q(ctx).Create(st).Error, "create OIDC sign-in state")
}

// TakeOIDCSignInState returns and deletes the sign-in under way with the
// state's hash, if it has not expired at now: ErrNotFound otherwise, and
// for the second of two requests racing with one state.
func (s *Store) TakeOIDCSignInState(ctx context.Context, stateHash string, now time.Time) (*OIDCSignInState, error) {
	var st OIDCSignInState
	if err := s.q(ctx).Where("state_hash = ?", stateHash).Take(&st).Error; err != nil {
		return nil, translate(err, "OIDC sign-in state")
	}
	res := s.q(ctx).Where("state_hash = ?", stateHash).Delete(&OIDCSignInState{})
	if res.Error != nil {
		return nil, translate(res.Error, "take OIDC sign-in state")
	}
	if res.RowsAffected == 0 || !now.Before(st.ExpiresAt) {
		return nil, translate(ErrNotFound, "take OIDC sign-in state")
	}
	return &st, nil
}

// DeleteExpiredOIDCSignInStates removes sign-ins abandoned before now.
func (s *Store) DeleteExpiredOIDCSignInStates(ctx context.Context, now time.Time) (int64, error) {
	res := s.q(ctx).Where("expires_at <= ?", now).Delete(&OIDCSignInState{})
	return res.RowsAffected, translate(res.Error, "delete expired OIDC sign-in states")
}

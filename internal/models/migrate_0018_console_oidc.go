package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0018ConsoleOIDC adds console sign-in through an OpenID Connect
// provider: the account's setting, the sign-ins under way (state, nonce,
// PKCE verifier: one use each, whichever console process the browser comes
// back to), and the federated identity of the console sessions they open.
func migrate0018ConsoleOIDC(tx *gorm.DB) error {
	type ConsoleOIDCSettings struct {
		AccountID          string `gorm:"primaryKey;size:12"`
		Enabled            bool   `gorm:"not null;default:false"`
		ProviderARN        string `gorm:"size:2048"`
		ClientID           string `gorm:"size:255"`
		SealedClientSecret string `gorm:"type:text"`
		RoleClaim          string `gorm:"size:256"`
		RoleMapping        string `gorm:"type:text"`
		DefaultRole        string `gorm:"size:64"`
		UpdatedAt          time.Time
	}
	type OIDCSignInState struct {
		StateHash      string `gorm:"primaryKey;size:64"`
		AccountID      string `gorm:"size:12"`
		BindingHash    string `gorm:"size:64"`
		Nonce          string `gorm:"size:64"`
		SealedVerifier string `gorm:"type:text"`
		ProviderARN    string `gorm:"size:2048"`
		ClientID       string `gorm:"size:255"`
		TokenURL       string `gorm:"size:2048"`
		RedirectURI    string `gorm:"size:2048"`
		Next           string `gorm:"size:2048"`
		CreatedAt      time.Time
		ExpiresAt      time.Time `gorm:"index"`
	}
	type Session struct {
		FederatedProvider string `gorm:"size:2048;not null;default:''"`
		FederatedSubject  string `gorm:"size:255;not null;default:''"`
	}
	m := tx.Migrator()
	if err := m.CreateTable(&ConsoleOIDCSettings{}, &OIDCSignInState{}); err != nil {
		return err
	}
	if err := m.AddColumn(&Session{}, "FederatedProvider"); err != nil {
		return err
	}
	return m.AddColumn(&Session{}, "FederatedSubject")
}

package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0002MFA adds MFA devices and enrollments, the sign-in MFA step,
// recovery codes, login throttles, the password policy and history, and a
// public ID for sessions (so the sessions page can name one without its
// secret).
func migrate0002MFA(tx *gorm.DB) error {
	type MFADevice struct {
		ID           uint64 `gorm:"primaryKey;autoIncrement"`
		AccountID    string `gorm:"size:12;uniqueIndex:idx_mfa_serial,priority:1;index:idx_mfa_owner,priority:1"`
		OwnerARN     string `gorm:"size:2048;index:idx_mfa_owner,priority:2"`
		Name         string `gorm:"size:128"`
		SerialNumber string `gorm:"size:2048;uniqueIndex:idx_mfa_serial,priority:2"`
		SealedSeed   string `gorm:"type:text"`
		LastUsedStep int64
		CreatedAt    time.Time
	}
	type MFAEnrollment struct {
		AccountID  string `gorm:"primaryKey;size:12"`
		OwnerARN   string `gorm:"primaryKey;size:2048"`
		Name       string `gorm:"size:128"`
		SealedSeed string `gorm:"type:text"`
		CreatedAt  time.Time
		ExpiresAt  time.Time
	}
	type MFAChallenge struct {
		IDHash        string `gorm:"primaryKey;size:64"`
		AccountID     string `gorm:"size:12"`
		PrincipalType string `gorm:"size:32"`
		PrincipalID   string `gorm:"size:32"`
		PrincipalName string `gorm:"size:254"`
		PrincipalARN  string `gorm:"size:2048"`
		ThrottleKey   string `gorm:"size:300"`
		Next          string `gorm:"size:2048"`
		CreatedAt     time.Time
		ExpiresAt     time.Time
	}
	type RecoveryCode struct {
		ID        uint64 `gorm:"primaryKey;autoIncrement"`
		AccountID string `gorm:"size:12;index:idx_recovery_owner,priority:1"`
		OwnerARN  string `gorm:"size:2048;index:idx_recovery_owner,priority:2"`
		Hash      string `gorm:"size:255"`
		UsedAt    *time.Time
		CreatedAt time.Time
	}
	type LoginThrottle struct {
		Key           string `gorm:"primaryKey;size:300"`
		Failures      int
		WindowStart   time.Time
		LastFailureAt time.Time
		LockedUntil   time.Time
	}
	type PasswordPolicy struct {
		AccountID                  string `gorm:"primaryKey;size:12"`
		MinimumPasswordLength      int
		RequireSymbols             bool
		RequireNumbers             bool
		RequireUppercaseCharacters bool
		RequireLowercaseCharacters bool
		AllowUsersToChangePassword bool
		MaxPasswordAge             int
		PasswordReusePrevention    int
		HardExpiry                 bool
		UpdatedAt                  time.Time
	}
	type PasswordHistory struct {
		ID        uint64 `gorm:"primaryKey;autoIncrement"`
		AccountID string `gorm:"size:12;index:idx_pwhist_owner,priority:1"`
		OwnerARN  string `gorm:"size:2048;index:idx_pwhist_owner,priority:2"`
		Hash      string `gorm:"size:255"`
		CreatedAt time.Time
	}
	if err := tx.Migrator().CreateTable(&MFADevice{}, &MFAEnrollment{}, &MFAChallenge{}, &RecoveryCode{},
		&LoginThrottle{}, &PasswordPolicy{}, &PasswordHistory{}); err != nil {
		return err
	}
	type Session struct {
		PublicID string `gorm:"size:32;index"`
	}
	return tx.Migrator().AddColumn(&Session{}, "PublicID")
}

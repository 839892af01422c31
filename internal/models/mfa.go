package models

import "time"

// MFADevice is a virtual (TOTP) MFA device of root or a user. The seed is
// sealed under the master key; LastUsedStep is the last accepted TOTP time
// step, so each code works once.
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

// MFAEnrollment is an enrollment in progress: one per principal, dropped
// when it expires, fails or completes, so it never becomes a device by
// itself.
type MFAEnrollment struct {
	AccountID  string `gorm:"primaryKey;size:12"`
	OwnerARN   string `gorm:"primaryKey;size:2048"`
	Name       string `gorm:"size:128"`
	SealedSeed string `gorm:"type:text"`
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// MFAChallenge is the state between a correct password and the MFA code:
// single-use and short-lived. It opens no page by itself.
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

// RecoveryCode is one single-use recovery code, stored as an argon2id hash.
type RecoveryCode struct {
	ID        uint64 `gorm:"primaryKey;autoIncrement"`
	AccountID string `gorm:"size:12;index:idx_recovery_owner,priority:1"`
	OwnerARN  string `gorm:"size:2048;index:idx_recovery_owner,priority:2"`
	Hash      string `gorm:"size:255"`
	UsedAt    *time.Time
	CreatedAt time.Time
}

// LoginThrottle counts failed sign-in attempts for one key (a principal or a
// client IP), in the database so every console process sees the same count.
type LoginThrottle struct {
	Key           string `gorm:"primaryKey;size:300"`
	Failures      int
	WindowStart   time.Time
	LastFailureAt time.Time
	LockedUntil   time.Time
}

// PasswordPolicy is an account's password policy (AWS's fields). No row
// means no policy has been set.
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

// PasswordHistory keeps earlier password hashes for reuse prevention.
type PasswordHistory struct {
	ID        uint64 `gorm:"primaryKey;autoIncrement"`
	AccountID string `gorm:"size:12;index:idx_pwhist_owner,priority:1"`
	OwnerARN  string `gorm:"size:2048;index:idx_pwhist_owner,priority:2"`
	Hash      string `gorm:"size:255"`
	CreatedAt time.Time
}

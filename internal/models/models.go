package models

import "time"

// Account is one IAM account: the live one made at setup, or one imported
// from an authorization-details dump for review.
type Account struct {
	ID               string `gorm:"primaryKey;size:12"`
	Alias            string `gorm:"size:63"`
	RootEmail        string `gorm:"size:254;uniqueIndex"`
	RootPasswordHash string `gorm:"size:255"`
	// Imported accounts are read-only copies of real AWS accounts.
	Imported  bool
	Label     string `gorm:"size:128"`
	CreatedAt time.Time
}

// RootARN is the ARN AWS gives an account's root user.
func (a *Account) RootARN() string { return "arn:aws:iam::" + a.ID + ":root" }

// SetupState is a singleton row (ID is always 1): inserting it is what makes
// setup happen at most once, even when two setups race.
type SetupState struct {
	ID          int `gorm:"primaryKey;autoIncrement:false"`
	AccountID   string
	CompletedAt time.Time
}

// SetupToken is the hash of a one-time setup token printed at start while
// no root exists. The token itself is never stored.
type SetupToken struct {
	Hash      string `gorm:"primaryKey;size:64"`
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Session is a console session. Only the SHA-256 of the cookie value is
// stored, so a database leak does not hand out live sessions.
type Session struct {
	IDHash string `gorm:"primaryKey;size:64"`
	// PublicID names the session on the sessions page; it opens nothing.
	PublicID      string `gorm:"size:32;index"`
	AccountID     string `gorm:"size:12;index"`
	PrincipalType string `gorm:"size:32"`
	PrincipalID   string `gorm:"size:32"`
	PrincipalName string `gorm:"size:254"`
	PrincipalARN  string `gorm:"size:2048;index"`
	// MFA records whether the session was opened with a second factor.
	MFA        bool
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	SourceIP   string `gorm:"size:64"`
	UserAgent  string `gorm:"size:512"`
	// MustChangePassword confines the session to changing its password.
	MustChangePassword bool `gorm:"not null;default:false"`
	// FederatedProvider and FederatedSubject name who an OpenID Connect
	// provider vouched for, for a role session opened through console
	// sign-in with it ("" otherwise).
	FederatedProvider string `gorm:"size:2048;not null;default:''"`
	FederatedSubject  string `gorm:"size:255;not null;default:''"`
}

// AuditEvent is one entry of the append-only audit log, shaped like a
// CloudTrail record.
type AuditEvent struct {
	ID                uint64    `gorm:"primaryKey;autoIncrement"`
	EventID           string    `gorm:"size:36;uniqueIndex"`
	AccountID         string    `gorm:"size:12;index:idx_audit_account_time,priority:1"`
	EventTime         time.Time `gorm:"index:idx_audit_account_time,priority:2"`
	EventSource       string    `gorm:"size:64"`
	EventName         string    `gorm:"size:128;index"`
	PrincipalARN      string    `gorm:"size:2048"`
	SourceIP          string    `gorm:"size:64"`
	UserAgent         string    `gorm:"size:512"`
	RequestID         string    `gorm:"size:64"`
	Resource          string    `gorm:"size:2048"`
	Result            string    `gorm:"size:16"`
	ErrorCode         string    `gorm:"size:128"`
	ErrorMessage      string    `gorm:"size:1024"`
	RequestParameters string    `gorm:"type:text"`
	// StateChange marks a successful change to IAM state (see StateStamp);
	// Changed lists the ARNs of the entities it changed, one per line, or
	// "*" when it cannot say.
	StateChange bool   `gorm:"not null;default:false"`
	Changed     string `gorm:"type:text;not null;default:''"`
}

// Audit results.
const (
	ResultSuccess = "Success"
	ResultFailure = "Failure"
)

package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// AccountSettings are the console's own per-account switches. No row means
// the defaults (the safest choice for each).
type AccountSettings struct {
	AccountID string `gorm:"primaryKey;size:12"`
	// AllowUsersWithoutMFA relaxes the rule that IAM users must enroll an MFA
	// device before using the console. Root is never relaxed.
	AllowUsersWithoutMFA bool
	// Guardrails are the rules every change must keep, as JSON (iam
	// reads them); "" for none.
	Guardrails string
	UpdatedAt  time.Time
	// CredentialReportAt is when GenerateCredentialReport last started a
	// report (nil: never). Written only by MarkCredentialReport.
	CredentialReportAt *time.Time
	// UnusedAccessDays is how long without use makes access unused (0:
	// 90 days). Written only by SetUnusedAccessDays.
	UnusedAccessDays int
}

// AccountSettings returns an account's settings, the defaults when none
// were saved.
func (s *Store) AccountSettings(ctx context.Context, accountID string) (*AccountSettings, error) {
	var st AccountSettings
	err := s.q(ctx).Where("account_id = ?", accountID).Limit(1).Find(&st).Error
	if err != nil {
		return nil, translate(err, "account settings")
	}
	st.AccountID = accountID
	return &st, nil
}

// PutAccountSettings saves an account's switches (not the credential
// report's time, which has its own writer).
func (s *Store) PutAccountSettings(ctx context.Context, st *AccountSettings) error {
	return translate(s.q(ctx).Omit("CredentialReportAt", "UnusedAccessDays").Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"allow_users_without_mfa", "guardrails", "updated_at"}),
	}).Create(st).Error, "put account settings")
}

// MarkCredentialReport records that an account's credential report was
// generated at t, keeping its other settings.
func (s *Store) MarkCredentialReport(ctx context.Context, accountID string, t time.Time) error {
	st := &AccountSettings{AccountID: accountID, UpdatedAt: t, CredentialReportAt: &t}
	return translate(s.q(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"credential_report_at"}),
	}).Create(st).Error, "mark credential report")
}

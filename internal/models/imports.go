package models

import (
	"context"
	"time"
)

// ImportedAccount is a real AWS account's authorization-details dump, kept
// whole for review: the access graph, findings and who-can read it as they
// read the live account. It is read-only: nothing here changes it.
type ImportedAccount struct {
	ID         string `gorm:"primaryKey;size:12"`
	Label      string `gorm:"size:128"`
	Document   string `gorm:"type:text"`
	Warnings   string `gorm:"type:text"` // JSON list of what the import could not read
	ImportedAt time.Time
}

// PutImportedAccount stores (or replaces) an imported account.
func (s *Store) PutImportedAccount(ctx context.Context, a *ImportedAccount) error {
	if err := s.q(ctx).Where("id = ?", a.ID).Delete(&ImportedAccount{}).Error; err != nil {
		return translate(err, "replace imported account")
	}
	return translate(s.q(ctx).Create(a).Error, "import account")
}

// ImportedAccount returns an imported account by ID.
func (s *Store) ImportedAccount(ctx context.Context, id string) (*ImportedAccount, error) {
	var a ImportedAccount
	if err := s.q(ctx).Where("id = ?", id).Take(&a).Error; err != nil {
		return nil, translate(err, "imported account "+id)
	}
	return &a, nil
}

// ImportedAccounts lists imported accounts (without their documents).
func (s *Store) ImportedAccounts(ctx context.Context) ([]ImportedAccount, error) {
	var as []ImportedAccount
	err := s.q(ctx).Select("id", "label", "imported_at").Order("id").Find(&as).Error
	return as, translate(err, "imported accounts")
}

package models

import (
	"context"
	"fmt"
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

// AccountImport is one import of an account kept for comparison: the
// newest is the same dump as its ImportedAccount, the older ones are how
// the account was when imported before. ID numbers imports across all
// accounts, in the order they were made.
type AccountImport struct {
	ID         uint64 `gorm:"primaryKey;autoIncrement"`
	AccountID  string `gorm:"size:12;index"`
	Label      string `gorm:"size:128"`
	Document   string `gorm:"type:text"`
	Warnings   string `gorm:"type:text"`
	ImportedAt time.Time
}

// KeepImport records an import of account a.AccountID and forgets all but
// the newest keep imports of that account. It sets a.ID.
func (s *Store) KeepImport(ctx context.Context, a *AccountImport, keep int) error {
	if err := s.q(ctx).Create(a).Error; err != nil {
		return translate(err, "keep import")
	}
	var ids []uint64
	err := s.q(ctx).Model(&AccountImport{}).Where("account_id = ?", a.AccountID).Order("id DESC").Pluck("id", &ids).Error
	if err != nil {
		return translate(err, "kept imports")
	}
	if len(ids) <= keep {
		return nil
	}
	return translate(s.q(ctx).Where("account_id = ? AND id IN ?", a.AccountID, ids[keep:]).Delete(&AccountImport{}).Error, "forget old imports")
}

// AccountImports lists the kept imports of an account, newest first,
// without their documents.
func (s *Store) AccountImports(ctx context.Context, accountID string) ([]AccountImport, error) {
	var as []AccountImport
	err := s.q(ctx).Select("id", "account_id", "label", "imported_at").Where("account_id = ?", accountID).Order("id DESC").Find(&as).Error
	return as, translate(err, "kept imports of "+accountID)
}

// AccountImport returns one kept import of an account, with its document;
// ErrNotFound when the account has no such import.
func (s *Store) AccountImport(ctx context.Context, accountID string, id uint64) (*AccountImport, error) {
	var a AccountImport
	if err := s.q(ctx).Where("account_id = ? AND id = ?", accountID, id).Take(&a).Error; err != nil {
		return nil, translate(err, fmt.Sprintf("import %d of %s", id, accountID))
	}
	return &a, nil
}

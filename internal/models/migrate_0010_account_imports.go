package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0010AccountImports keeps the recent imports of each account, so a
// reviewer can compare an account with how it was when imported before. The
// imports already made become the first kept ones.
func migrate0010AccountImports(tx *gorm.DB) error {
	type AccountImport struct {
		ID         uint64 `gorm:"primaryKey;autoIncrement"`
		AccountID  string `gorm:"size:12;index"`
		Label      string `gorm:"size:128"`
		Document   string `gorm:"type:text"`
		Warnings   string `gorm:"type:text"`
		ImportedAt time.Time
	}
	if err := tx.Migrator().CreateTable(&AccountImport{}); err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO account_imports (account_id, label, document, warnings, imported_at)
		SELECT id, label, document, warnings, imported_at FROM imported_accounts ORDER BY id`).Error
}

package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0007Imports adds imported accounts (authorization-details dumps).
func migrate0007Imports(tx *gorm.DB) error {
	type ImportedAccount struct {
		ID         string `gorm:"primaryKey;size:12"`
		Label      string `gorm:"size:128"`
		Document   string `gorm:"type:text"`
		Warnings   string `gorm:"type:text"`
		ImportedAt time.Time
	}
	return tx.Migrator().CreateTable(&ImportedAccount{})
}

package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0006Settings adds the console's per-account settings.
func migrate0006Settings(tx *gorm.DB) error {
	type AccountSettings struct {
		AccountID            string `gorm:"primaryKey;size:12"`
		AllowUsersWithoutMFA bool
		UpdatedAt            time.Time
	}
	return tx.Migrator().CreateTable(&AccountSettings{})
}

package models

import "gorm.io/gorm"

// migrate0004Users marks sessions that may only change their password (a
// reset required by an administrator, or a password past its maximum age).
func migrate0004Users(tx *gorm.DB) error {
	type Session struct {
		MustChangePassword bool `gorm:"not null;default:false"`
	}
	return tx.Migrator().AddColumn(&Session{}, "MustChangePassword")
}

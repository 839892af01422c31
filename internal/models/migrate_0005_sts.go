package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0005STS adds temporary credentials (STS sessions).
func migrate0005STS(tx *gorm.DB) error {
	type STSSession struct {
		AccessKeyID   string `gorm:"primaryKey;size:32"`
		AccountID     string `gorm:"size:12;index"`
		SealedSecret  string `gorm:"type:text"`
		SealedToken   string `gorm:"type:text"`
		Kind          string `gorm:"size:16"`
		RoleID        string `gorm:"size:32"`
		RoleARN       string `gorm:"size:2048"`
		SessionName   string `gorm:"size:64"`
		UserID        string `gorm:"size:32"`
		PrincipalARN  string `gorm:"size:2048"`
		SessionPolicy string `gorm:"type:text"`
		PolicyARNs    string `gorm:"type:text"`
		MFA           bool
		SourceARN     string `gorm:"size:2048"`
		Chained       bool
		CreatedAt     time.Time
		Expiration    time.Time `gorm:"index"`
	}
	return tx.Migrator().CreateTable(&STSSession{})
}

package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0016CredentialReport records when each account last generated its
// credential report: AWS answers GetCredentialReport with ReportNotPresent
// until GenerateCredentialReport ran, and ReportExpired four hours after,
// whichever console process is asked, so the moment lives in the database.
func migrate0016CredentialReport(tx *gorm.DB) error {
	type AccountSettings struct {
		AccountID          string `gorm:"primaryKey;size:12"`
		CredentialReportAt *time.Time
	}
	return tx.Migrator().AddColumn(&AccountSettings{}, "CredentialReportAt")
}

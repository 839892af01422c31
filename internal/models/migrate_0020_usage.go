package models

import "gorm.io/gorm"

// migrate0020Usage adds the evidence of use (issue 15): per principal,
// action and day, the last time an authorization decision named it and how
// many did; the Access Advisor jobs asked for (computed when read, so any
// process answers); and the account's window for unused access.
func migrate0020Usage(tx *gorm.DB) error {
	stmts := []string{
		`CREATE TABLE action_usages (
			account_id VARCHAR(12) NOT NULL,
			principal_arn VARCHAR(2048) NOT NULL,
			action VARCHAR(256) NOT NULL,
			day VARCHAR(10) NOT NULL,
			last_used BIGINT NOT NULL,
			count BIGINT NOT NULL,
			denied BIGINT NOT NULL DEFAULT 0,
			PRIMARY KEY (account_id, principal_arn, action, day))`,
		`CREATE INDEX idx_action_usages_last ON action_usages (account_id, principal_arn, last_used)`,
		`CREATE TABLE last_accessed_jobs (
			job_id VARCHAR(64) NOT NULL PRIMARY KEY,
			account_id VARCHAR(12) NOT NULL,
			arn VARCHAR(2048) NOT NULL,
			granularity VARCHAR(32) NOT NULL,
			created_at BIGINT NOT NULL)`,
		`ALTER TABLE account_settings ADD COLUMN unused_access_days INTEGER NOT NULL DEFAULT 0`,
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

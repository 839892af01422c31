package models

import "gorm.io/gorm"

// migrate0017Guardrails adds an account's guardrails (issue 14): rules a
// change must keep, as JSON (iam.Guardrails), "" for none.
func migrate0017Guardrails(tx *gorm.DB) error {
	return tx.Exec("ALTER TABLE account_settings ADD COLUMN guardrails TEXT NOT NULL DEFAULT ''").Error
}

package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0021Campaigns adds access review campaigns (issue 15, item 5): a
// campaign, the principals it snapshot when it started (one row each, the
// snapshot as JSON: what the principal could do then is the evidence, not
// what it can do when the auditor reads the report), and the reviewers'
// decisions, appended and never rewritten.
func migrate0021Campaigns(tx *gorm.DB) error {
	type Campaign struct {
		ID         string `gorm:"primaryKey;size:36"`
		AccountID  string `gorm:"size:12;index:idx_campaigns_account,priority:1"`
		Name       string `gorm:"size:128"`
		Scope      string `gorm:"size:32"`
		ScopeGroup string `gorm:"size:128"`
		Reviewers  string `gorm:"type:text"`
		DueDate    time.Time
		State      string    `gorm:"size:16"`
		CreatedBy  string    `gorm:"size:2048"`
		CreatedAt  time.Time `gorm:"index:idx_campaigns_account,priority:2"`
		ClosedBy   string    `gorm:"size:2048"`
		ClosedAt   time.Time
	}
	type CampaignItem struct {
		ID           uint64 `gorm:"primaryKey;autoIncrement"`
		AccountID    string `gorm:"size:12"`
		CampaignID   string `gorm:"size:36;uniqueIndex:idx_campaign_items_principal,priority:1"`
		PrincipalARN string `gorm:"size:2048;uniqueIndex:idx_campaign_items_principal,priority:2"`
		Snapshot     string `gorm:"type:text"`
	}
	type CampaignDecision struct {
		ID           uint64 `gorm:"primaryKey;autoIncrement"`
		AccountID    string `gorm:"size:12"`
		CampaignID   string `gorm:"size:36;index:idx_campaign_decisions_item,priority:1"`
		ItemID       uint64 `gorm:"index:idx_campaign_decisions_item,priority:2"`
		PrincipalARN string `gorm:"size:2048"`
		Permission   string `gorm:"size:2048"`
		Decision     string `gorm:"size:16"`
		Reviewer     string `gorm:"size:2048"`
		DecidedAt    time.Time
		Revocations  string `gorm:"type:text"`
		AuditEventID string `gorm:"size:36"`
	}
	return tx.Migrator().CreateTable(&Campaign{}, &CampaignItem{}, &CampaignDecision{})
}

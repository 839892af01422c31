package models

import (
	"context"
	"time"
)

// Campaign is an access review campaign (issue 15): who reviews which
// principals of the account by when. Reviewers is a JSON array of IAM user
// names. State is "open" or "closed".
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

// CampaignItem is one principal of a campaign as it was when the campaign
// started: Snapshot is the iam package's JSON of its access and evidence.
type CampaignItem struct {
	ID           uint64 `gorm:"primaryKey;autoIncrement"`
	AccountID    string `gorm:"size:12"`
	CampaignID   string `gorm:"size:36;uniqueIndex:idx_campaign_items_principal,priority:1"`
	PrincipalARN string `gorm:"size:2048;uniqueIndex:idx_campaign_items_principal,priority:2"`
	Snapshot     string `gorm:"type:text"`
}

// CampaignDecision is one reviewer's decision on a campaign's principal
// (Permission "") or on one of its permissions. Decisions are appended,
// never changed: a later one supersedes an earlier one in the report, and
// both stay as the record. Revocations is the iam package's JSON of the
// operations applied, with their audit event IDs.
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

// CreateCampaign stores a campaign and its items, in one transaction when
// s is one. It sets the account on each.
func (s *Store) CreateCampaign(ctx context.Context, accountID string, c *Campaign, items []CampaignItem) error {
	c.AccountID = accountID
	if err := translate(s.q(ctx).Create(c).Error, "create campaign "+c.Name); err != nil {
		return err
	}
	for i := range items {
		items[i].AccountID, items[i].CampaignID = accountID, c.ID
	}
	if len(items) == 0 {
		return nil
	}
	return translate(s.q(ctx).CreateInBatches(items, 100).Error, "create campaign items")
}

// Campaign returns the account's campaign with the given ID.
func (s *Store) Campaign(ctx context.Context, accountID, id string) (*Campaign, error) {
	var c Campaign
	err := s.q(ctx).Where("account_id = ? AND id = ?", accountID, id).Take(&c).Error
	if err != nil {
		return nil, translate(err, "campaign "+id)
	}
	return &c, nil
}

// Campaigns returns the account's campaigns, newest first.
func (s *Store) Campaigns(ctx context.Context, accountID string) ([]Campaign, error) {
	var out []Campaign
	err := s.q(ctx).Where("account_id = ?", accountID).Order("created_at DESC, id").Find(&out).Error
	return out, translate(err, "list campaigns")
}

// CampaignItems returns a campaign's items in principal order.
func (s *Store) CampaignItems(ctx context.Context, accountID, campaignID string) ([]CampaignItem, error) {
	var out []CampaignItem
	err := s.q(ctx).Where("account_id = ? AND campaign_id = ?", accountID, campaignID).Order("principal_arn").Find(&out).Error
	return out, translate(err, "campaign items of "+campaignID)
}

// CampaignDecisions returns a campaign's decisions, oldest first.
func (s *Store) CampaignDecisions(ctx context.Context, accountID, campaignID string) ([]CampaignDecision, error) {
	var out []CampaignDecision
	err := s.q(ctx).Where("account_id = ? AND campaign_id = ?", accountID, campaignID).Order("id").Find(&out).Error
	return out, translate(err, "campaign decisions of "+campaignID)
}

// AddCampaignDecisions appends decisions.
func (s *Store) AddCampaignDecisions(ctx context.Context, accountID string, ds []CampaignDecision) error {
	if len(ds) == 0 {
		return nil
	}
	for i := range ds {
		ds[i].AccountID = accountID
	}
	return translate(s.q(ctx).Create(&ds).Error, "add campaign decisions")
}

// CloseCampaign marks an open campaign closed. Returns ErrConflict when it
// is no longer open (two closes at once: one wins).
func (s *Store) CloseCampaign(ctx context.Context, accountID, id, by string, at time.Time) error {
	res := s.q(ctx).Model(&Campaign{}).Where("account_id = ? AND id = ? AND state = ?", accountID, id, "open").
		Updates(map[string]any{"state": "closed", "closed_by": by, "closed_at": at})
	if err := translate(res.Error, "close campaign "+id); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}

// AuditEventsOfRequest returns the account's successful events of one
// request since a time, oldest first: what an operation run under that
// request ID recorded.
func (s *Store) AuditEventsOfRequest(ctx context.Context, accountID, requestID string, since time.Time) ([]AuditEvent, error) {
	var out []AuditEvent
	err := s.q(ctx).Where("account_id = ? AND event_time >= ? AND request_id = ? AND result = ?", accountID, since, requestID, ResultSuccess).
		Order("id").Limit(1000).Find(&out).Error
	return out, translate(err, "audit events of request "+requestID)
}

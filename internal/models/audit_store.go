package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// AppendAudit adds an event to the audit log. Call it in the same Tx as the
// change it records: if it fails, the change must not happen. On SQLite a
// state change's ID is the state stamp (see Stamps), kept in the same
// transaction.
func (s *Store) AppendAudit(ctx context.Context, ev *AuditEvent) error {
	if !ev.StateChange || !s.sqlite() {
		return translate(s.q(ctx).Create(ev).Error, "append audit event")
	}
	return s.inTx(ctx, func(tx *Store) error {
		if err := tx.q(ctx).Create(ev).Error; err != nil {
			return translate(err, "append audit event")
		}
		err := tx.q(ctx).Exec(`UPDATE stamps SET last_state_change = MAX(last_state_change, ?) WHERE id = 1`, ev.ID).Error
		return translate(err, "move state stamp")
	})
}

// AuditFilter narrows ListAudit. Zero fields do not filter.
type AuditFilter struct {
	PrincipalARN string
	EventName    string
	Resource     string
	Result       string
	Since, Until time.Time
	// BeforeID pages backwards: only events with a smaller ID.
	BeforeID uint64
	// Oldest lists oldest first; AfterID then pages forwards: only events
	// with a larger ID.
	Oldest  bool
	AfterID uint64
	Limit   int
}

// apply adds f's conditions to q.
func (f AuditFilter) apply(q *gorm.DB) *gorm.DB {
	if f.PrincipalARN != "" {
		q = q.Where("principal_arn = ?", f.PrincipalARN)
	}
	if f.EventName != "" {
		q = q.Where("event_name = ?", f.EventName)
	}
	if f.Resource != "" {
		q = q.Where("resource = ?", f.Resource)
	}
	if f.Result != "" {
		q = q.Where("result = ?", f.Result)
	}
	if !f.Since.IsZero() {
		q = q.Where("event_time >= ?", f.Since)
	}
	if !f.Until.IsZero() {
		q = q.Where("event_time < ?", f.Until)
	}
	return q
}

// ListAudit returns an account's events matching f, newest first.
func (s *Store) ListAudit(ctx context.Context, accountID string, f AuditFilter) ([]AuditEvent, error) {
	q := f.apply(s.q(ctx).Where("account_id = ?", accountID))
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	if f.AfterID > 0 {
		q = q.Where("id > ?", f.AfterID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	order := "id DESC"
	if f.Oldest {
		order = "id"
	}
	var evs []AuditEvent
	err := q.Order(order).Limit(limit).Find(&evs).Error
	return evs, translate(err, "list audit events")
}

// CountAudit counts an account's events matching f (Limit, BeforeID and
// AfterID are ignored).
func (s *Store) CountAudit(ctx context.Context, accountID string, f AuditFilter) (int64, error) {
	var n int64
	err := f.apply(s.q(ctx).Model(&AuditEvent{}).Where("account_id = ?", accountID)).Count(&n).Error
	return n, translate(err, "count audit events")
}

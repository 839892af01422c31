package iam

import (
	"context"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// AuditEvent is one entry of the audit log as the console shows and exports
// it. It is a public, stable format: each event is one line of the
// `audit-log.jsonl` download, and scripts read those lines, so the JSON keys
// are fixed by the tags below, not by the database's columns. Keys are only
// ever added; none is renamed or removed. They follow CloudTrail's
// LookupEvents names (EventID, EventTime, EventSource, EventName) where
// CloudTrail has one.
//
// The store's bookkeeping of which events changed IAM state (the columns
// behind the caches' state stamp) is deliberately not part of this format:
// it is an internal cache key, free to change shape.
type AuditEvent struct {
	// ID orders events within the installation; pass it back as
	// AuditFilter.BeforeID or AfterID to page.
	ID          uint64    `json:"ID"`
	EventID     string    `json:"EventID"`
	AccountID   string    `json:"AccountID"`
	EventTime   time.Time `json:"EventTime"`
	EventSource string    `json:"EventSource"`
	EventName   string    `json:"EventName"`
	// PrincipalARN is who acted (CloudTrail's userIdentity.arn).
	PrincipalARN string `json:"PrincipalARN"`
	SourceIP     string `json:"SourceIP"`
	UserAgent    string `json:"UserAgent"`
	RequestID    string `json:"RequestID"`
	// Resource is the ARN the event acted on.
	Resource string `json:"Resource"`
	// Result is "Success" or "Failure".
	Result       string `json:"Result"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
	// RequestParameters is a JSON object, kept as the string it was
	// recorded as (secrets never enter it).
	RequestParameters string `json:"RequestParameters"`
}

// Audit results, as AuditEvent.Result and AuditFilter.Result spell them.
const (
	ResultSuccess = models.ResultSuccess
	ResultFailure = models.ResultFailure
)

// AuditFilter narrows the audit log. Empty fields match everything.
type AuditFilter struct {
	PrincipalARN string
	EventName    string
	Resource     string
	Result       string
	// Since and Until bound EventTime: Since <= EventTime < Until.
	Since, Until time.Time
	// BeforeID pages backwards: only events with a smaller ID.
	BeforeID uint64
	// Oldest lists oldest first; AfterID then pages forwards: only events
	// with a larger ID.
	Oldest  bool
	AfterID uint64
	// Limit caps the page (at most 1000; 0 means 100).
	Limit int
}

// AuditLog lists the caller's account's events matching f, newest first
// (oldest first with f.Oldest).
func (s *Service) AuditLog(ctx context.Context, p *Principal, f AuditFilter, m Meta) ([]AuditEvent, error) {
	if err := s.authorizeMeta(ctx, p, m, "cloudtrail:LookupEvents", "*"); err != nil {
		return nil, err
	}
	rows, err := s.store.ListAudit(ctx, p.AccountID, models.AuditFilter{
		PrincipalARN: f.PrincipalARN, EventName: f.EventName, Resource: f.Resource, Result: f.Result,
		Since: f.Since, Until: f.Until, BeforeID: f.BeforeID, Oldest: f.Oldest, AfterID: f.AfterID, Limit: f.Limit,
	})
	if err != nil {
		return nil, internal(err, "audit log")
	}
	evs := make([]AuditEvent, len(rows))
	for i, r := range rows {
		evs[i] = AuditEvent{ID: r.ID, EventID: r.EventID, AccountID: r.AccountID, EventTime: r.EventTime,
			EventSource: r.EventSource, EventName: r.EventName, PrincipalARN: r.PrincipalARN, SourceIP: r.SourceIP,
			UserAgent: r.UserAgent, RequestID: r.RequestID, Resource: r.Resource, Result: r.Result,
			ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage, RequestParameters: r.RequestParameters}
	}
	return evs, nil
}

package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// UsageDelta is what one process saw of one principal's use of one action
// on one day since its last flush.
type UsageDelta struct {
	AccountID    string
	PrincipalARN string
	Action       string // service:Action, as asked of the engine
	Day          string // 2006-01-02, UTC
	LastUsed     time.Time
	Count        int64
	Denied       int64 // of Count, the refused
}

// ActionUsage is a principal's use of an action over the days asked for.
type ActionUsage struct {
	PrincipalARN string
	Action       string
	LastUsed     time.Time
	Count        int64
	Denied       int64 // of Count, the refused
}

// usageBatch keeps one statement's parameters well under SQLite's and
// PostgreSQL's limits (seven per row).
const usageBatch = 100

// AddUsage merges deltas into the stored aggregates: the later last use
// wins and counts add up, in the database itself, so several processes
// flushing the same principal and action never lose each other's counts.
func (s *Store) AddUsage(ctx context.Context, deltas []UsageDelta) error {
	greatest := "GREATEST"
	if s.Dialect() == "sqlite" {
		greatest = "MAX" // SQLite's two-argument MAX is a scalar
	}
	for len(deltas) > 0 {
		n := min(len(deltas), usageBatch)
		batch := deltas[:n]
		deltas = deltas[n:]
		var b strings.Builder
		b.WriteString("INSERT INTO action_usages (account_id, principal_arn, action, day, last_used, count, denied) VALUES ")
		args := make([]any, 0, 7*n)
		for i, d := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, d.AccountID, d.PrincipalARN, d.Action, d.Day, d.LastUsed.UnixMilli(), d.Count, d.Denied)
		}
		b.WriteString(" ON CONFLICT (account_id, principal_arn, action, day) DO UPDATE SET last_used = " + greatest +
			"(action_usages.last_used, excluded.last_used), count = action_usages.count + excluded.count, denied = action_usages.denied + excluded.denied")
		if err := s.q(ctx).Exec(b.String(), args...).Error; err != nil {
			return translate(err, "add usage")
		}
	}
	return nil
}

// UsageOf sums principals' use by action over the days from since on
// (all days when since is zero).
func (s *Store) UsageOf(ctx context.Context, accountID string, principalARNs []string, since time.Time) ([]ActionUsage, error) {
	if len(principalARNs) == 0 {
		return nil, nil
	}
	return s.usageWhere(ctx, accountID, principalARNs, since)
}

func (s *Store) usageWhere(ctx context.Context, accountID string, principalARNs []string, since time.Time) ([]ActionUsage, error) {
	var rows []struct {
		PrincipalARN string
		Action       string
		LastUsed     int64
		Count        int64
		Denied       int64
	}
	q := s.q(ctx).Table("action_usages").Select("principal_arn, action, MAX(last_used) AS last_used, SUM(count) AS count, SUM(denied) AS denied").
		Where("account_id = ?", accountID)
	if principalARNs != nil {
		q = q.Where("principal_arn IN ?", principalARNs)
	}
	if !since.IsZero() {
		q = q.Where("day >= ?", since.UTC().Format(time.DateOnly))
	}
	if err := q.Group("principal_arn, action").Order("principal_arn, action").Scan(&rows).Error; err != nil {
		return nil, translate(err, "usage")
	}
	out := make([]ActionUsage, len(rows))
	for i, r := range rows {
		out[i] = ActionUsage{PrincipalARN: r.PrincipalARN, Action: r.Action, LastUsed: time.UnixMilli(r.LastUsed).UTC(), Count: r.Count, Denied: r.Denied}
	}
	return out, nil
}

// UsageOfAccount is UsageOf for every principal of an account (no list
// of ARNs to bind: an account may hold more principals than a statement
// takes parameters).
func (s *Store) UsageOfAccount(ctx context.Context, accountID string, since time.Time) ([]ActionUsage, error) {
	return s.usageWhere(ctx, accountID, nil, since)
}

// LastUseByPrincipal is each principal's latest use of anything in an
// account.
func (s *Store) LastUseByPrincipal(ctx context.Context, accountID string) (map[string]time.Time, error) {
	var rows []struct {
		PrincipalARN string
		LastUsed     int64
	}
	err := s.q(ctx).Table("action_usages").Select("principal_arn, MAX(last_used) AS last_used").
		Where("account_id = ?", accountID).Group("principal_arn").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "last use")
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.PrincipalARN] = time.UnixMilli(r.LastUsed).UTC()
	}
	return out, nil
}

// LastAccessedJob is an Access Advisor report asked for: its answer is
// computed when read, from the usage then stored.
type LastAccessedJob struct {
	JobID       string `gorm:"primaryKey;size:64"`
	AccountID   string `gorm:"size:12"`
	ARN         string `gorm:"column:arn"`
	Granularity string
	CreatedAt   int64 `gorm:"autoCreateTime:false"`
}

// TableName is the migration's.
func (LastAccessedJob) TableName() string { return "last_accessed_jobs" }

// PutLastAccessedJob stores a new job.
func (s *Store) PutLastAccessedJob(ctx context.Context, j *LastAccessedJob) error {
	return translate(s.q(ctx).Create(j).Error, "put last accessed job")
}

// LastAccessedJobByID returns an account's job, ErrNotFound if it has none
// by that ID.
func (s *Store) LastAccessedJobByID(ctx context.Context, accountID, jobID string) (*LastAccessedJob, error) {
	var j LastAccessedJob
	err := s.q(ctx).Where("account_id = ? AND job_id = ?", accountID, jobID).Take(&j).Error
	return &j, translate(err, "last accessed job")
}

// SetUnusedAccessDays saves the account's window for unused access (0:
// the default), keeping its other settings.
func (s *Store) SetUnusedAccessDays(ctx context.Context, accountID string, days int, at time.Time) error {
	st := &AccountSettings{AccountID: accountID, UpdatedAt: at, UnusedAccessDays: days}
	return translate(s.q(ctx).Omit("CredentialReportAt").Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"unused_access_days", "updated_at"}),
	}).Create(st).Error, "set unused access days")
}

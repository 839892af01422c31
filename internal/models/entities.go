package models

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// EntityType names the kind of IAM entity a policy attachment, an inline
// policy or a tag belongs to.
type EntityType string

// Entity types, as stored.
const (
	EntityUser   EntityType = "user"
	EntityGroup  EntityType = "group"
	EntityRole   EntityType = "role"
	EntityPolicy EntityType = "policy"
	// EntityInstanceProfile is an EC2 instance profile (tags only).
	EntityInstanceProfile EntityType = "instance-profile"
)

// Access key statuses, as AWS spells them.
const (
	AccessKeyActive   = "Active"
	AccessKeyInactive = "Inactive"
)

// User is an IAM user. UserID (AIDA…) is made by the caller; NameKey is the
// lower-cased name, set by the store, so names are unique per account
// whatever their case, as AWS's are.
type User struct {
	UserID                 string `gorm:"primaryKey;size:32"`
	AccountID              string `gorm:"size:12;uniqueIndex:idx_users_name,priority:1"`
	Name                   string `gorm:"size:64"`
	NameKey                string `gorm:"size:64;uniqueIndex:idx_users_name,priority:2"`
	Path                   string `gorm:"size:512"`
	PermissionsBoundaryARN string `gorm:"size:2048"`
	CreatedAt              time.Time
	PasswordLastUsed       *time.Time
}

// LoginProfile is a user's console password: one per user, keyed by the
// user's ID so a rename does not orphan it. No row means no console access.
type LoginProfile struct {
	UserID                string `gorm:"primaryKey;size:32"`
	AccountID             string `gorm:"size:12;index:idx_login_profiles_account"`
	PasswordHash          string `gorm:"size:255"`
	PasswordResetRequired bool
	CreatedAt             time.Time
	PasswordChangedAt     time.Time
}

// Group is an IAM group (AGPA…).
type Group struct {
	GroupID   string `gorm:"primaryKey;size:32"`
	AccountID string `gorm:"size:12;uniqueIndex:idx_groups_name,priority:1"`
	Name      string `gorm:"size:128"`
	NameKey   string `gorm:"size:128;uniqueIndex:idx_groups_name,priority:2"`
	Path      string `gorm:"size:512"`
	CreatedAt time.Time
}

// GroupMember puts a user in a group; the pair is unique.
type GroupMember struct {
	AccountID string `gorm:"primaryKey;size:12;index:idx_group_members_user,priority:1"`
	GroupID   string `gorm:"primaryKey;size:32"`
	UserID    string `gorm:"primaryKey;size:32;index:idx_group_members_user,priority:2"`
	CreatedAt time.Time
}

// Role is an IAM role (AROA…).
type Role struct {
	RoleID                   string `gorm:"primaryKey;size:32"`
	AccountID                string `gorm:"size:12;uniqueIndex:idx_roles_name,priority:1"`
	Name                     string `gorm:"size:64"`
	NameKey                  string `gorm:"size:64;uniqueIndex:idx_roles_name,priority:2"`
	Path                     string `gorm:"size:512"`
	AssumeRolePolicyDocument string `gorm:"type:text"`
	Description              string `gorm:"size:1000"`
	// MaxSessionDuration is in seconds.
	MaxSessionDuration     int
	PermissionsBoundaryARN string `gorm:"size:2048"`
	CreatedAt              time.Time
	LastUsedAt             *time.Time
	LastUsedRegion         string `gorm:"size:32"`
}

// ManagedPolicy is a customer managed policy (ANPA…). AWS's built-in
// policies live in code, not here. NextVersion is the number the next
// version gets: version IDs are never reused, even after a delete.
type ManagedPolicy struct {
	PolicyID         string `gorm:"primaryKey;size:32"`
	AccountID        string `gorm:"size:12;uniqueIndex:idx_managed_policies_name,priority:1"`
	Name             string `gorm:"size:128"`
	NameKey          string `gorm:"size:128;uniqueIndex:idx_managed_policies_name,priority:2"`
	Path             string `gorm:"size:512"`
	ARN              string `gorm:"column:arn;size:2048;uniqueIndex:idx_managed_policies_arn"`
	Description      string `gorm:"size:1000"`
	DefaultVersionID string `gorm:"size:16"`
	NextVersion      int
	CreatedAt        time.Time
	// UpdatedAt is AWS's UpdateDate: it moves when the default version
	// changes, so the store sets it, not GORM.
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
}

// PolicyVersion is one version of a managed policy's document. Number is
// the n of "vn", for ordering.
type PolicyVersion struct {
	AccountID string `gorm:"size:12"`
	PolicyID  string `gorm:"primaryKey;size:32"`
	VersionID string `gorm:"primaryKey;size:16"`
	Number    int
	Document  string `gorm:"type:text"`
	IsDefault bool
	CreatedAt time.Time
}

// PolicyAttachment attaches a managed policy, by ARN (built-in ones too), to
// a user, group or role, named by its ID. The triple is unique.
type PolicyAttachment struct {
	AccountID  string     `gorm:"primaryKey;size:12;index:idx_policy_attachments_policy,priority:1"`
	EntityType EntityType `gorm:"primaryKey;size:8"`
	EntityID   string     `gorm:"primaryKey;size:32"`
	PolicyARN  string     `gorm:"column:policy_arn;primaryKey;size:2048;index:idx_policy_attachments_policy,priority:2"`
	CreatedAt  time.Time
}

// InlinePolicy is a policy embedded in one user, group or role. Names are
// unique per entity whatever their case. Size counts the document's
// characters other than white space, as AWS's quotas do.
type InlinePolicy struct {
	AccountID  string     `gorm:"primaryKey;size:12"`
	EntityType EntityType `gorm:"primaryKey;size:8"`
	EntityID   string     `gorm:"primaryKey;size:32"`
	NameKey    string     `gorm:"primaryKey;size:128"`
	Name       string     `gorm:"size:128"`
	Document   string     `gorm:"type:text"`
	Size       int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// AccessKey is a user's long-term access key. The secret is sealed by the
// caller; the store never sees it in clear.
type AccessKey struct {
	AccessKeyID     string `gorm:"primaryKey;size:32"`
	AccountID       string `gorm:"size:12;index:idx_access_keys_user,priority:1"`
	UserID          string `gorm:"size:32;index:idx_access_keys_user,priority:2"`
	SealedSecret    string `gorm:"type:text"`
	Status          string `gorm:"size:16"`
	CreatedAt       time.Time
	LastUsedAt      *time.Time
	LastUsedService string `gorm:"size:64"`
	LastUsedRegion  string `gorm:"size:32"`
}

// Tag is a key/value tag on a user, role, policy or instance profile. Keys are unique per
// entity whatever their case (KeyLower, set by the store); Key keeps the
// case last written.
type Tag struct {
	AccountID  string     `gorm:"primaryKey;size:12"`
	EntityType EntityType `gorm:"primaryKey;size:16"`
	EntityID   string     `gorm:"primaryKey;size:32"`
	KeyLower   string     `gorm:"primaryKey;size:128"`
	Key        string     `gorm:"size:128"`
	Value      string     `gorm:"size:256"`
}

// ListFilter narrows and pages the lists of users, groups, roles and
// policies. Zero fields do not filter.
type ListFilter struct {
	// PathPrefix keeps entities whose path starts with it (case-sensitive,
	// as AWS's PathPrefix).
	PathPrefix string
	// NamePrefix and NameContains match the name whatever its case.
	NamePrefix   string
	NameContains string
	// After is the marker returned with the previous page: only entities
	// sorting after it are listed.
	After string
	// Limit is the page size: 100 when zero or less, at most 1000.
	Limit int
	// Descending lists in reverse name order (Z to A); After is then the
	// name the page continues below.
	Descending bool
}

// Page sizes for lists.
const (
	DefaultListLimit = 100
	MaxListLimit     = 1000
)

func (f ListFilter) limit() int {
	switch {
	case f.Limit <= 0:
		return DefaultListLimit
	case f.Limit > MaxListLimit:
		return MaxListLimit
	}
	return f.Limit
}

// apply adds f's conditions to q, a query on a table with path and
// name_key columns. substr rather than LIKE for prefixes: it is
// case-sensitive on both databases and needs no escaping.
func (f ListFilter) apply(q *gorm.DB) *gorm.DB {
	if f.PathPrefix != "" {
		q = q.Where("substr(path, 1, ?) = ?", utf8.RuneCountInString(f.PathPrefix), f.PathPrefix)
	}
	if f.NamePrefix != "" {
		// The range lets the name index bound the scan; substr keeps the
		// match exact.
		p := strings.ToLower(f.NamePrefix)
		q = q.Where("name_key >= ? AND name_key < ? AND substr(name_key, 1, ?) = ?",
			p, p+string(utf8.MaxRune), utf8.RuneCountInString(p), p)
	}
	if f.NameContains != "" {
		q = q.Where(`name_key LIKE ? ESCAPE '\'`, "%"+escapeLike(strings.ToLower(f.NameContains))+"%")
	}
	switch {
	case f.After != "" && f.Descending:
		q = q.Where("name_key < ?", f.After)
	case f.After != "":
		q = q.Where("name_key > ?", f.After)
	}
	return q
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func escapeLike(s string) string { return likeEscaper.Replace(s) }

// listPage runs q (already narrowed to one account) under f, in name order,
// and returns one page with the marker of the next ("" on the last page).
// It reads one row more than the page to know whether another follows.
func listPage[T any](q *gorm.DB, f ListFilter, nameKey func(*T) string, what string) ([]T, string, error) {
	limit := f.limit()
	var rows []T
	order := "name_key"
	if f.Descending {
		order = "name_key DESC"
	}
	if err := f.apply(q).Order(order).Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", translate(err, what)
	}
	if len(rows) <= limit {
		return rows, "", nil
	}
	rows = rows[:limit]
	return rows, nameKey(&rows[limit-1]), nil
}

// changedOne turns an UPDATE or DELETE by key into ErrNotFound when no row
// matched.
func changedOne(res *gorm.DB, what string) error {
	if res.Error != nil {
		return translate(res.Error, what)
	}
	if res.RowsAffected == 0 {
		return translate(ErrNotFound, what)
	}
	return nil
}

// count counts model's rows matching where.
func (s *Store) count(ctx context.Context, model any, what, where string, args ...any) (int64, error) {
	var n int64
	err := s.q(ctx).Model(model).Where(where, args...).Count(&n).Error
	return n, translate(err, what)
}

// now is the store's clock, for timestamps the caller left zero.
func (s *Store) now() time.Time { return s.db.NowFunc() }

// EntityCounts is what the dashboard shows of an account.
type EntityCounts struct {
	Users, Groups, Roles, Policies int64
	InstanceProfiles               int64
	ServerCertificates             int64
}

// EntityCounts counts an account's users, groups, roles, customer managed
// policies, instance profiles and server certificates.
func (s *Store) EntityCounts(ctx context.Context, accountID string) (EntityCounts, error) {
	var c EntityCounts
	for _, x := range []struct {
		model any
		n     *int64
	}{{&User{}, &c.Users}, {&Group{}, &c.Groups}, {&Role{}, &c.Roles}, {&ManagedPolicy{}, &c.Policies},
		{&InstanceProfile{}, &c.InstanceProfiles}, {&ServerCertificate{}, &c.ServerCertificates}} {
		n, err := s.count(ctx, x.model, "count entities", "account_id = ?", accountID)
		if err != nil {
			return EntityCounts{}, err
		}
		*x.n = n
	}
	return c, nil
}

package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0003Entities adds IAM users, login profiles, groups and their
// members, roles, customer managed policies and their versions, policy
// attachments, inline policies, access keys and tags.
//
// On PostgreSQL the name keys get the "C" collation, so lists sort byte-wise
// as on SQLite, the same marker pages the same way on both, and the name
// indexes serve prefix matches.
func migrate0003Entities(tx *gorm.DB) error {
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
	type LoginProfile struct {
		UserID                string `gorm:"primaryKey;size:32"`
		AccountID             string `gorm:"size:12;index:idx_login_profiles_account"`
		PasswordHash          string `gorm:"size:255"`
		PasswordResetRequired bool
		CreatedAt             time.Time
		PasswordChangedAt     time.Time
	}
	type Group struct {
		GroupID   string `gorm:"primaryKey;size:32"`
		AccountID string `gorm:"size:12;uniqueIndex:idx_groups_name,priority:1"`
		Name      string `gorm:"size:128"`
		NameKey   string `gorm:"size:128;uniqueIndex:idx_groups_name,priority:2"`
		Path      string `gorm:"size:512"`
		CreatedAt time.Time
	}
	type GroupMember struct {
		AccountID string `gorm:"primaryKey;size:12;index:idx_group_members_user,priority:1"`
		GroupID   string `gorm:"primaryKey;size:32"`
		UserID    string `gorm:"primaryKey;size:32;index:idx_group_members_user,priority:2"`
		CreatedAt time.Time
	}
	type Role struct {
		RoleID                   string `gorm:"primaryKey;size:32"`
		AccountID                string `gorm:"size:12;uniqueIndex:idx_roles_name,priority:1"`
		Name                     string `gorm:"size:64"`
		NameKey                  string `gorm:"size:64;uniqueIndex:idx_roles_name,priority:2"`
		Path                     string `gorm:"size:512"`
		AssumeRolePolicyDocument string `gorm:"type:text"`
		Description              string `gorm:"size:1000"`
		MaxSessionDuration       int
		PermissionsBoundaryARN   string `gorm:"size:2048"`
		CreatedAt                time.Time
		LastUsedAt               *time.Time
		LastUsedRegion           string `gorm:"size:32"`
	}
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
		UpdatedAt        time.Time `gorm:"autoUpdateTime:false"`
	}
	type PolicyVersion struct {
		AccountID string `gorm:"size:12"`
		PolicyID  string `gorm:"primaryKey;size:32"`
		VersionID string `gorm:"primaryKey;size:16"`
		Number    int
		Document  string `gorm:"type:text"`
		IsDefault bool
		CreatedAt time.Time
	}
	type PolicyAttachment struct {
		AccountID  string `gorm:"primaryKey;size:12;index:idx_policy_attachments_policy,priority:1"`
		EntityType string `gorm:"primaryKey;size:8"`
		EntityID   string `gorm:"primaryKey;size:32"`
		PolicyARN  string `gorm:"column:policy_arn;primaryKey;size:2048;index:idx_policy_attachments_policy,priority:2"`
		CreatedAt  time.Time
	}
	type InlinePolicy struct {
		AccountID  string `gorm:"primaryKey;size:12"`
		EntityType string `gorm:"primaryKey;size:8"`
		EntityID   string `gorm:"primaryKey;size:32"`
		NameKey    string `gorm:"primaryKey;size:128"`
		Name       string `gorm:"size:128"`
		Document   string `gorm:"type:text"`
		Size       int
		CreatedAt  time.Time
		UpdatedAt  time.Time
	}
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
	type Tag struct {
		AccountID  string `gorm:"primaryKey;size:12"`
		EntityType string `gorm:"primaryKey;size:8"`
		EntityID   string `gorm:"primaryKey;size:32"`
		KeyLower   string `gorm:"primaryKey;size:128"`
		Key        string `gorm:"size:128"`
		Value      string `gorm:"size:256"`
	}
	if err := tx.Migrator().CreateTable(&User{}, &LoginProfile{}, &Group{}, &GroupMember{}, &Role{},
		&ManagedPolicy{}, &PolicyVersion{}, &PolicyAttachment{}, &InlinePolicy{}, &AccessKey{}, &Tag{}); err != nil {
		return err
	}
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	for _, s := range []string{
		`ALTER TABLE users ALTER COLUMN name_key TYPE varchar(64) COLLATE "C"`,
		`ALTER TABLE groups ALTER COLUMN name_key TYPE varchar(128) COLLATE "C"`,
		`ALTER TABLE roles ALTER COLUMN name_key TYPE varchar(64) COLLATE "C"`,
		`ALTER TABLE managed_policies ALTER COLUMN name_key TYPE varchar(128) COLLATE "C"`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

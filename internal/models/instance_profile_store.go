package models

import (
	"context"
	"errors"
	"strings"
	"time"
)

// InstanceProfile is an EC2 instance profile (AIPA…): what an instance is
// launched with to act as its role. RoleID is the one role it holds, ""
// for none (AWS allows one at most). NameKey is the lower-cased name.
type InstanceProfile struct {
	InstanceProfileID string `gorm:"primaryKey;size:32"`
	AccountID         string `gorm:"size:12;uniqueIndex:idx_instance_profiles_name,priority:1;index:idx_instance_profiles_role,priority:1"`
	Name              string `gorm:"size:128"`
	NameKey           string `gorm:"size:128;uniqueIndex:idx_instance_profiles_name,priority:2"`
	Path              string `gorm:"size:512"`
	RoleID            string `gorm:"size:32;index:idx_instance_profiles_role,priority:2"`
	CreatedAt         time.Time
}

// ErrProfileFull is AddRoleToInstanceProfile's answer when the profile
// already holds a role.
var ErrProfileFull = errors.New("instance profile already holds a role")

// ErrProfileHoldsRole is DeleteInstanceProfile's answer while the profile
// holds a role.
var ErrProfileHoldsRole = errors.New("instance profile holds a role")

// CreateInstanceProfile stores a new profile; p.InstanceProfileID is the
// caller's. It sets p.AccountID and p.NameKey. Returns ErrConflict if the
// name (in any case) or the ID is taken.
func (s *Store) CreateInstanceProfile(ctx context.Context, accountID string, p *InstanceProfile) error {
	p.AccountID = accountID
	p.NameKey = strings.ToLower(p.Name)
	return translate(s.q(ctx).Create(p).Error, "create instance profile "+p.Name)
}

// InstanceProfile returns the profile with the given name, whatever its
// case.
func (s *Store) InstanceProfile(ctx context.Context, accountID, name string) (*InstanceProfile, error) {
	var p InstanceProfile
	err := s.q(ctx).Where("account_id = ? AND name_key = ?", accountID, strings.ToLower(name)).Take(&p).Error
	if err != nil {
		return nil, translate(err, "instance profile "+name)
	}
	return &p, nil
}

// ListInstanceProfiles returns one page of the account's profiles in name
// order, and the marker for the next page ("" on the last).
func (s *Store) ListInstanceProfiles(ctx context.Context, accountID string, f ListFilter) ([]InstanceProfile, string, error) {
	q := s.q(ctx).Where("account_id = ?", accountID)
	return listPage(q, f, func(p *InstanceProfile) string { return p.NameKey }, "list instance profiles")
}

// ListInstanceProfilesForRole returns one page of the profiles holding the
// role, in name order.
func (s *Store) ListInstanceProfilesForRole(ctx context.Context, accountID, roleID string, f ListFilter) ([]InstanceProfile, string, error) {
	q := s.q(ctx).Where("account_id = ? AND role_id = ?", accountID, roleID)
	return listPage(q, f, func(p *InstanceProfile) string { return p.NameKey }, "list instance profiles of role "+roleID)
}

// InstanceProfilesOfRoles returns the profiles holding any of the roles,
// in name order; nil roleIDs means every profile holding a role.
func (s *Store) InstanceProfilesOfRoles(ctx context.Context, accountID string, roleIDs []string) ([]InstanceProfile, error) {
	q := s.q(ctx).Where("account_id = ? AND role_id <> ''", accountID)
	if roleIDs != nil {
		if len(roleIDs) == 0 {
			return nil, nil
		}
		q = q.Where("role_id IN ?", roleIDs)
	}
	var out []InstanceProfile
	err := q.Order("name_key").Find(&out).Error
	return out, translate(err, "instance profiles of roles")
}

// CountInstanceProfiles counts the account's profiles.
func (s *Store) CountInstanceProfiles(ctx context.Context, accountID string) (int64, error) {
	return s.count(ctx, &InstanceProfile{}, "count instance profiles", "account_id = ?", accountID)
}

// CountRoleInstanceProfiles counts the profiles holding the role, which
// DeleteRole must find none of.
func (s *Store) CountRoleInstanceProfiles(ctx context.Context, accountID, roleID string) (int64, error) {
	return s.count(ctx, &InstanceProfile{}, "count instance profiles of role "+roleID,
		"account_id = ? AND role_id = ?", accountID, roleID)
}

// AddRoleToInstanceProfile puts the role in the profile, in one statement
// that only succeeds on a profile holding none. Returns ErrProfileFull when
// it holds one (this role or another), ErrNotFound when it is gone. The
// caller locks the role first, so a DeleteRole cannot slip in between.
func (s *Store) AddRoleToInstanceProfile(ctx context.Context, accountID, profileID, roleID string) error {
	res := s.q(ctx).Model(&InstanceProfile{}).
		Where("account_id = ? AND instance_profile_id = ? AND role_id = ''", accountID, profileID).
		Update("role_id", roleID)
	if res.Error != nil {
		return translate(res.Error, "add role to instance profile "+profileID)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	return s.profileState(ctx, accountID, profileID, ErrProfileFull)
}

// RemoveRoleFromInstanceProfile takes the role out of the profile. Returns
// ErrNotFound when the profile does not hold it (or is gone).
func (s *Store) RemoveRoleFromInstanceProfile(ctx context.Context, accountID, profileID, roleID string) error {
	res := s.q(ctx).Model(&InstanceProfile{}).
		Where("account_id = ? AND instance_profile_id = ? AND role_id = ?", accountID, profileID, roleID).
		Update("role_id", "")
	return changedOne(res, "remove role "+roleID+" from instance profile "+profileID)
}

// DeleteInstanceProfile deletes a profile that holds no role. Returns
// ErrProfileHoldsRole while it holds one, ErrNotFound when it is gone. Its
// tags are the caller's to remove, in the same Tx.
func (s *Store) DeleteInstanceProfile(ctx context.Context, accountID, profileID string) error {
	res := s.q(ctx).Where("account_id = ? AND instance_profile_id = ? AND role_id = ''", accountID, profileID).
		Delete(&InstanceProfile{})
	if res.Error != nil {
		return translate(res.Error, "delete instance profile "+profileID)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	return s.profileState(ctx, accountID, profileID, ErrProfileHoldsRole)
}

// profileState explains why a conditional change to a profile matched no
// row: the profile is gone (ErrNotFound), or it holds a role (busy).
func (s *Store) profileState(ctx context.Context, accountID, profileID string, busy error) error {
	n, err := s.count(ctx, &InstanceProfile{}, "instance profile "+profileID,
		"account_id = ? AND instance_profile_id = ?", accountID, profileID)
	switch {
	case err != nil:
		return err
	case n == 0:
		return translate(ErrNotFound, "instance profile "+profileID)
	}
	return busy
}

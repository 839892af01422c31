package models

import (
	"context"
	"strings"
	"time"
)

// CreateRole stores a new role; r.RoleID is the caller's. It sets
// r.AccountID and r.NameKey. Returns ErrConflict if the name (in any case)
// or the ID is taken.
func (s *Store) CreateRole(ctx context.Context, accountID string, r *Role) error {
	r.AccountID = accountID
	r.NameKey = strings.ToLower(r.Name)
	return translate(s.q(ctx).Create(r).Error, "create role "+r.Name)
}

// Role returns the role with the given name, whatever its case.
func (s *Store) Role(ctx context.Context, accountID, name string) (*Role, error) {
	var r Role
	err := s.q(ctx).Where("account_id = ? AND name_key = ?", accountID, strings.ToLower(name)).Take(&r).Error
	if err != nil {
		return nil, translate(err, "role "+name)
	}
	return &r, nil
}

// RoleByID returns the role with the given ID (AROA…).
func (s *Store) RoleByID(ctx context.Context, accountID, roleID string) (*Role, error) {
	var r Role
	if err := s.q(ctx).Where("account_id = ? AND role_id = ?", accountID, roleID).Take(&r).Error; err != nil {
		return nil, translate(err, "role "+roleID)
	}
	return &r, nil
}

// ListRoles returns one page of the account's roles in name order, and the
// marker for the next page ("" on the last).
func (s *Store) ListRoles(ctx context.Context, accountID string, f ListFilter) ([]Role, string, error) {
	q := s.q(ctx).Where("account_id = ?", accountID)
	return listPage(q, f, func(r *Role) string { return r.NameKey }, "list roles")
}

// CountRoles counts the account's roles.
func (s *Store) CountRoles(ctx context.Context, accountID string) (int64, error) {
	return s.count(ctx, &Role{}, "count roles", "account_id = ?", accountID)
}

// RenameRole gives a role a new name and path. AWS has no such call; it
// serves imports and repairs. Returns ErrConflict if the name is taken,
// ErrNotFound if the role is gone.
func (s *Store) RenameRole(ctx context.Context, accountID, roleID, name, path string) error {
	return s.updateRole(ctx, accountID, roleID, "rename role ",
		map[string]any{"name": name, "name_key": strings.ToLower(name), "path": path})
}

// UpdateRoleTrustPolicy replaces a role's trust (assume-role) policy.
func (s *Store) UpdateRoleTrustPolicy(ctx context.Context, accountID, roleID, document string) error {
	return s.updateRole(ctx, accountID, roleID, "update trust policy of role ",
		map[string]any{"assume_role_policy_document": document})
}

// UpdateRoleDescription replaces a role's description.
func (s *Store) UpdateRoleDescription(ctx context.Context, accountID, roleID, description string) error {
	return s.updateRole(ctx, accountID, roleID, "update description of role ",
		map[string]any{"description": description})
}

// UpdateRoleMaxSessionDuration sets how long, in seconds, a session of the
// role may last.
func (s *Store) UpdateRoleMaxSessionDuration(ctx context.Context, accountID, roleID string, seconds int) error {
	return s.updateRole(ctx, accountID, roleID, "update max session duration of role ",
		map[string]any{"max_session_duration": seconds})
}

// SetRolePermissionsBoundary sets the ARN of a role's permissions boundary;
// "" removes it.
func (s *Store) SetRolePermissionsBoundary(ctx context.Context, accountID, roleID, policyARN string) error {
	return s.updateRole(ctx, accountID, roleID, "set permissions boundary of role ",
		map[string]any{"permissions_boundary_arn": policyARN})
}

// RecordRoleUse notes that the role was assumed, for RoleLastUsed.
func (s *Store) RecordRoleUse(ctx context.Context, accountID, roleID string, at time.Time, region string) error {
	return s.updateRole(ctx, accountID, roleID, "record use of role ",
		map[string]any{"last_used_at": at, "last_used_region": region})
}

func (s *Store) updateRole(ctx context.Context, accountID, roleID, what string, set map[string]any) error {
	res := s.q(ctx).Model(&Role{}).Where("account_id = ? AND role_id = ?", accountID, roleID).Updates(set)
	return changedOne(res, what+roleID)
}

// DeleteRole deletes the role row and nothing else: policies and tags are
// the caller's to remove first (see RoleDependents), in the same Tx.
func (s *Store) DeleteRole(ctx context.Context, accountID, roleID string) error {
	res := s.q(ctx).Where("account_id = ? AND role_id = ?", accountID, roleID).Delete(&Role{})
	return changedOne(res, "delete role "+roleID)
}

// RoleDependents is what a role still has that AWS makes DeleteRole refuse
// (DeleteConflict).
type RoleDependents struct {
	AttachedPolicies int64
	InlinePolicies   int64
}

// Any reports whether anything is left.
func (d RoleDependents) Any() bool { return d.AttachedPolicies+d.InlinePolicies > 0 }

// RoleDependents counts what the role still has.
func (s *Store) RoleDependents(ctx context.Context, accountID, roleID string) (RoleDependents, error) {
	var d RoleDependents
	var err error
	if d.AttachedPolicies, err = s.CountAttachedPolicies(ctx, accountID, EntityRole, roleID); err != nil {
		return d, err
	}
	d.InlinePolicies, err = s.CountInlinePolicies(ctx, accountID, EntityRole, roleID)
	return d, err
}

package models

import (
	"context"
	"strings"
	"time"
)

// CreateGroup stores a new group; g.GroupID is the caller's. It sets
// g.AccountID and g.NameKey. Returns ErrConflict if the name (in any case)
// or the ID is taken.
func (s *Store) CreateGroup(ctx context.Context, accountID string, g *Group) error {
	g.AccountID = accountID
	g.NameKey = strings.ToLower(g.Name)
	return translate(s.q(ctx).Create(g).Error, "create group "+g.Name)
}

// Group returns the group with the given name, whatever its case.
func (s *Store) Group(ctx context.Context, accountID, name string) (*Group, error) {
	var g Group
	err := s.q(ctx).Where("account_id = ? AND name_key = ?", accountID, strings.ToLower(name)).Take(&g).Error
	if err != nil {
		return nil, translate(err, "group "+name)
	}
	return &g, nil
}

// GroupByID returns the group with the given ID (AGPA…).
func (s *Store) GroupByID(ctx context.Context, accountID, groupID string) (*Group, error) {
	var g Group
	if err := s.q(ctx).Where("account_id = ? AND group_id = ?", accountID, groupID).Take(&g).Error; err != nil {
		return nil, translate(err, "group "+groupID)
	}
	return &g, nil
}

// ListGroups returns one page of the account's groups in name order, and
// the marker for the next page ("" on the last).
func (s *Store) ListGroups(ctx context.Context, accountID string, f ListFilter) ([]Group, string, error) {
	q := s.q(ctx).Where("account_id = ?", accountID)
	return listPage(q, f, func(g *Group) string { return g.NameKey }, "list groups")
}

// CountGroups counts the account's groups.
func (s *Store) CountGroups(ctx context.Context, accountID string) (int64, error) {
	return s.count(ctx, &Group{}, "count groups", "account_id = ?", accountID)
}

// RenameGroup gives a group a new name and path (pass the current ones to
// keep them). Memberships follow, being by ID. Returns ErrConflict if the
// name is taken, ErrNotFound if the group is gone.
func (s *Store) RenameGroup(ctx context.Context, accountID, groupID, name, path string) error {
	res := s.q(ctx).Model(&Group{}).Where("account_id = ? AND group_id = ?", accountID, groupID).
		Updates(map[string]any{"name": name, "name_key": strings.ToLower(name), "path": path})
	return changedOne(res, "rename group "+groupID)
}

// DeleteGroup deletes the group row and nothing else: members and policies
// are the caller's to remove first (see GroupDependents), in the same Tx.
func (s *Store) DeleteGroup(ctx context.Context, accountID, groupID string) error {
	res := s.q(ctx).Where("account_id = ? AND group_id = ?", accountID, groupID).Delete(&Group{})
	return changedOne(res, "delete group "+groupID)
}

// GroupDependents is what a group still has that AWS makes DeleteGroup
// refuse (DeleteConflict).
type GroupDependents struct {
	Members          int64
	AttachedPolicies int64
	InlinePolicies   int64
}

// Any reports whether anything is left.
func (d GroupDependents) Any() bool { return d.Members+d.AttachedPolicies+d.InlinePolicies > 0 }

// GroupDependents counts what the group still has.
func (s *Store) GroupDependents(ctx context.Context, accountID, groupID string) (GroupDependents, error) {
	var d GroupDependents
	var err error
	if d.Members, err = s.CountGroupMembers(ctx, accountID, groupID); err != nil {
		return d, err
	}
	if d.AttachedPolicies, err = s.CountAttachedPolicies(ctx, accountID, EntityGroup, groupID); err != nil {
		return d, err
	}
	d.InlinePolicies, err = s.CountInlinePolicies(ctx, accountID, EntityGroup, groupID)
	return d, err
}

// AddUserToGroup makes a user a member of a group. Returns ErrConflict if
// it already is one. The store does not check that either exists.
func (s *Store) AddUserToGroup(ctx context.Context, accountID, groupID, userID string, at time.Time) error {
	m := &GroupMember{AccountID: accountID, GroupID: groupID, UserID: userID, CreatedAt: at}
	return translate(s.q(ctx).Create(m).Error, "add user "+userID+" to group "+groupID)
}

// RemoveUserFromGroup ends a membership. Returns ErrNotFound if the user
// was not a member.
func (s *Store) RemoveUserFromGroup(ctx context.Context, accountID, groupID, userID string) error {
	res := s.q(ctx).Where("account_id = ? AND group_id = ? AND user_id = ?", accountID, groupID, userID).
		Delete(&GroupMember{})
	return changedOne(res, "remove user "+userID+" from group "+groupID)
}

// IsGroupMember reports whether the user is in the group.
func (s *Store) IsGroupMember(ctx context.Context, accountID, groupID, userID string) (bool, error) {
	n, err := s.count(ctx, &GroupMember{}, "group membership",
		"account_id = ? AND group_id = ? AND user_id = ?", accountID, groupID, userID)
	return n > 0, err
}

// ListGroupMembers returns one page of a group's users in name order, and
// the marker for the next page.
func (s *Store) ListGroupMembers(ctx context.Context, accountID, groupID string, f ListFilter) ([]User, string, error) {
	members := s.q(ctx).Model(&GroupMember{}).Select("user_id").Where("account_id = ? AND group_id = ?", accountID, groupID)
	q := s.q(ctx).Where("account_id = ? AND user_id IN (?)", accountID, members)
	return listPage(q, f, func(u *User) string { return u.NameKey }, "list members of group "+groupID)
}

// ListGroupsForUser returns one page of the groups a user is in, in name
// order, and the marker for the next page.
func (s *Store) ListGroupsForUser(ctx context.Context, accountID, userID string, f ListFilter) ([]Group, string, error) {
	groups := s.q(ctx).Model(&GroupMember{}).Select("group_id").Where("account_id = ? AND user_id = ?", accountID, userID)
	q := s.q(ctx).Where("account_id = ? AND group_id IN (?)", accountID, groups)
	return listPage(q, f, func(g *Group) string { return g.NameKey }, "list groups of user "+userID)
}

// CountGroupMembers counts a group's users.
func (s *Store) CountGroupMembers(ctx context.Context, accountID, groupID string) (int64, error) {
	return s.count(ctx, &GroupMember{}, "count members of group "+groupID,
		"account_id = ? AND group_id = ?", accountID, groupID)
}

// CountGroupsForUser counts the groups a user is in.
func (s *Store) CountGroupsForUser(ctx context.Context, accountID, userID string) (int64, error) {
	return s.count(ctx, &GroupMember{}, "count groups of user "+userID,
		"account_id = ? AND user_id = ?", accountID, userID)
}

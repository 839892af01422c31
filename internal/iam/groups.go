package iam

import (
	"context"
	"errors"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// Group is AWS's Group.
type Group struct {
	Path       string
	GroupName  string
	GroupId    string
	Arn        string
	CreateDate time.Time
}

// CreateGroupInput is CreateGroup's input.
type CreateGroupInput struct {
	GroupName string
	Path      string
}

// GetGroupInput is GetGroup's input: the group and a page of its users.
type GetGroupInput struct {
	GroupName string
	Marker    string
	MaxItems  int
}

// UpdateGroupInput renames a group or changes its path; empty new fields
// keep the current value.
type UpdateGroupInput struct {
	GroupName    string
	NewGroupName string
	NewPath      string
}

func noSuchGroup(name string) *Error {
	return newErr(NotFound, "The group with name %s cannot be found.", name)
}

func groupOut(acct string, g *models.Group) Group {
	return Group{Path: g.Path, GroupName: g.Name, GroupId: g.GroupID, Arn: groupARN(acct, g.Path, g.Name),
		CreateDate: g.CreatedAt.UTC()}
}

// authorizedGroup finds the named group and authorizes action on its ARN; a
// group that does not exist is authorized at path "/" before NotFound.
func (s *Service) authorizedGroup(ctx context.Context, caller *Principal, acct, name string, m Meta, action string) (*models.Group, string, error) {
	if name == "" {
		return nil, "", invalidField("GroupName", "GroupName is required.")
	}
	g, err := s.store.Group(ctx, acct, name)
	if err != nil {
		return nil, "", s.lookupFailed(ctx, caller, m, action, err, groupARN(acct, "/", name), noSuchGroup(name), "group")
	}
	arn := groupARN(acct, g.Path, g.Name)
	if err := s.authorizeMeta(ctx, caller, m, action, arn); err != nil {
		return nil, "", err
	}
	return g, arn, nil
}

// CreateGroup creates a group. AlreadyExists when the name is taken in any
// case; LimitExceeded past AWS's 300 groups per account.
func (s *Service) CreateGroup(ctx context.Context, caller *Principal, in CreateGroupInput, m Meta) (*Group, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	path, perr := normalizePath("Path", in.Path)
	if perr != nil {
		path = in.Path
	}
	arn := groupARN(acct, path, in.GroupName)
	if err := s.authorizeMeta(ctx, caller, m, OpCreate.Action(GroupType), arn); err != nil {
		return nil, err
	}
	if err := joinInvalid(validName("group", "GroupName", in.GroupName), perr); err != nil {
		return nil, err
	}
	g := &models.Group{GroupID: newID(PrefixGroup, 17), Name: in.GroupName, Path: path, CreatedAt: s.now()}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.LockAccount(ctx, acct); err != nil {
			return err
		}
		n, err := tx.CountGroups(ctx, acct)
		if err != nil {
			return err
		}
		if n >= MaxGroupsPerAccount {
			return newErr(LimitExceeded, "Cannot exceed quota for GroupsPerAccount: %d", MaxGroupsPerAccount)
		}
		if err := tx.CreateGroup(ctx, acct, g); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateGroup", resource: arn,
			params: map[string]any{"groupName": in.GroupName, "path": path}}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, newErr(AlreadyExists, "Group with name %s already exists.", in.GroupName)
	}
	if err != nil {
		return nil, asInternal(err, "create group")
	}
	out := groupOut(acct, g)
	return &out, nil
}

// GetGroup returns a group and one page of its users, with the marker of
// the next page.
func (s *Service) GetGroup(ctx context.Context, caller *Principal, in GetGroupInput, m Meta) (*Group, []User, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, nil, "", err
	}
	g, _, err := s.authorizedGroup(ctx, caller, acct, in.GroupName, m, "iam:GetGroup")
	if err != nil {
		return nil, nil, "", err
	}
	f, err := listFilter("", in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, nil, "", err
	}
	rows, next, err := s.store.ListGroupMembers(ctx, acct, g.GroupID, f)
	if err != nil {
		return nil, nil, "", internal(err, "group members")
	}
	users := make([]User, len(rows))
	for i := range rows {
		users[i] = userOut(acct, &rows[i])
	}
	out := groupOut(acct, g)
	return &out, users, next, nil
}

// ListGroups returns one page of the account's groups in name order.
func (s *Service) ListGroups(ctx context.Context, caller *Principal, in ListInput, m Meta) ([]Group, string, error) {
	return listPage(ctx, s, caller, m, GroupType, in, s.store.ListGroups, groupOut)
}

// UpdateGroup renames a group or changes its path, authorized on both the
// old and the new ARN. Members and policies follow (they are by ID).
func (s *Service) UpdateGroup(ctx context.Context, caller *Principal, in UpdateGroupInput, m Meta) (*Group, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	g, oldARN, err := s.authorizedGroup(ctx, caller, acct, in.GroupName, m, OpUpdate.Action(GroupType))
	if err != nil {
		return nil, err
	}
	mv, err := s.authorizedMove(ctx, caller, m, acct, GroupNamed(g.Name), g.Path, oldARN, in.NewGroupName, in.NewPath)
	if err != nil {
		return nil, err
	}
	name, path, params := mv.name, mv.path, mv.params
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.RenameGroup(ctx, acct, g.GroupID, name, path); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateGroup", resource: oldARN, params: params}, nil)
	})
	switch {
	case errors.Is(err, models.ErrConflict):
		return nil, newErr(AlreadyExists, "Group with name %s already exists.", name)
	case errors.Is(err, models.ErrNotFound):
		return nil, noSuchGroup(in.GroupName)
	case err != nil:
		return nil, asInternal(err, "update group")
	}
	g.Name, g.Path = name, path
	out := groupOut(acct, g)
	return &out, nil
}

// DeleteGroup deletes a group that has no members and no policies
// (DeleteConflict otherwise, with AWS's messages).
func (s *Service) DeleteGroup(ctx context.Context, caller *Principal, name string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	g, arn, err := s.authorizedGroup(ctx, caller, acct, name, m, OpDelete.Action(GroupType))
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityGroup, g.GroupID, g.Name); err != nil {
			return err
		}
		d, err := tx.GroupDependents(ctx, acct, g.GroupID)
		if err != nil {
			return err
		}
		switch {
		case d.Members > 0:
			return newErr(Conflict, "Cannot delete entity, must remove users from group first.")
		case d.AttachedPolicies > 0:
			return newErr(Conflict, "Cannot delete entity, must detach all policies first.")
		case d.InlinePolicies > 0:
			return newErr(Conflict, "Cannot delete entity, must delete policies first.")
		}
		if err := tx.DeleteGroup(ctx, acct, g.GroupID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteGroup", resource: arn,
			params: map[string]any{"groupName": g.Name}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchGroup(name)
	}
	return asInternal(err, "delete group")
}

// AddUserToGroup puts a user in a group, authorized on the group as AWS
// does. Adding a member again succeeds; LimitExceeded past AWS's 10 groups
// per user.
func (s *Service) AddUserToGroup(ctx context.Context, caller *Principal, groupName, userName string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	g, arn, err := s.authorizedGroup(ctx, caller, acct, groupName, m, OpAddMember.Action(GroupType))
	if err != nil {
		return err
	}
	if userName == "" {
		return invalidField("UserName", "UserName is required.")
	}
	u, err := s.store.User(ctx, acct, userName)
	if errors.Is(err, models.ErrNotFound) {
		return noSuchUser(userName)
	}
	if err != nil {
		return internal(err, "user")
	}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangeAddMember, Entity: GroupNamed(groupName), Name: userName}, m, func(tx *models.Store) error {
		// Both ends, the user first (locks.go): the user for its quota and
		// DeleteUser, the group for DeleteGroup.
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		if err := lockOwner(ctx, tx, acct, models.EntityGroup, g.GroupID, g.Name); err != nil {
			return err
		}
		member, err := tx.IsGroupMember(ctx, acct, g.GroupID, u.UserID)
		if err != nil {
			return err
		}
		if !member {
			n, err := tx.CountGroupsForUser(ctx, acct, u.UserID)
			if err != nil {
				return err
			}
			if n >= MaxGroupsPerUser {
				return newErr(LimitExceeded, "Cannot exceed quota for GroupsPerUser: %d", MaxGroupsPerUser)
			}
			if err := tx.AddUserToGroup(ctx, acct, g.GroupID, u.UserID, s.now()); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "AddUserToGroup", resource: arn,
			params: map[string]any{"groupName": g.Name, "userName": u.Name}}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil // a racing request added it: the outcome asked for
	}
	return asInternal(err, "add user to group")
}

// RemoveUserFromGroup ends a membership, authorized on the group.
func (s *Service) RemoveUserFromGroup(ctx context.Context, caller *Principal, groupName, userName string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	g, arn, err := s.authorizedGroup(ctx, caller, acct, groupName, m, OpRemoveMember.Action(GroupType))
	if err != nil {
		return err
	}
	if userName == "" {
		return invalidField("UserName", "UserName is required.")
	}
	u, err := s.store.User(ctx, acct, userName)
	if errors.Is(err, models.ErrNotFound) {
		return noSuchUser(userName)
	}
	if err != nil {
		return internal(err, "user")
	}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangeRemoveMember, Entity: GroupNamed(groupName), Name: userName}, m, func(tx *models.Store) error {
		if err := tx.RemoveUserFromGroup(ctx, acct, g.GroupID, u.UserID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "RemoveUserFromGroup", resource: arn,
			params: map[string]any{"groupName": g.Name, "userName": u.Name}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return newErr(NotFound, "The user with name %s is not in group %s.", u.Name, g.Name)
	}
	return asInternal(err, "remove user from group")
}

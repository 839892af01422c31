package models

import (
	"context"
	"strings"
	"time"
)

// CreateUser stores a new user in the account; u.UserID is the caller's.
// It sets u.AccountID and u.NameKey. Returns ErrConflict if the name (in
// any case) or the ID is taken.
func (s *Store) CreateUser(ctx context.Context, accountID string, u *User) error {
	u.AccountID = accountID
	u.NameKey = strings.ToLower(u.Name)
	return translate(s.q(ctx).Create(u).Error, "create user "+u.Name)
}

// User returns the user with the given name, whatever its case.
func (s *Store) User(ctx context.Context, accountID, name string) (*User, error) {
	var u User
	err := s.q(ctx).Where("account_id = ? AND name_key = ?", accountID, strings.ToLower(name)).Take(&u).Error
	if err != nil {
		return nil, translate(err, "user "+name)
	}
	return &u, nil
}

// UserByID returns the user with the given ID (AIDA…).
func (s *Store) UserByID(ctx context.Context, accountID, userID string) (*User, error) {
	var u User
	if err := s.q(ctx).Where("account_id = ? AND user_id = ?", accountID, userID).Take(&u).Error; err != nil {
		return nil, translate(err, "user "+userID)
	}
	return &u, nil
}

// ListUsers returns one page of the account's users in name order, and the
// marker for the next page ("" on the last).
func (s *Store) ListUsers(ctx context.Context, accountID string, f ListFilter) ([]User, string, error) {
	q := s.q(ctx).Where("account_id = ?", accountID)
	return listPage(q, f, func(u *User) string { return u.NameKey }, "list users")
}

// CountUsers counts the account's users.
func (s *Store) CountUsers(ctx context.Context, accountID string) (int64, error) {
	return s.count(ctx, &User{}, "count users", "account_id = ?", accountID)
}

// RenameUser gives a user a new name and path (pass the current ones to
// keep them). Returns ErrConflict if the name is taken, ErrNotFound if the
// user is gone.
func (s *Store) RenameUser(ctx context.Context, accountID, userID, name, path string) error {
	res := s.q(ctx).Model(&User{}).Where("account_id = ? AND user_id = ?", accountID, userID).
		Updates(map[string]any{"name": name, "name_key": strings.ToLower(name), "path": path})
	return changedOne(res, "rename user "+userID)
}

// MoveOwnerARN follows a user's rename or move to another path: what is
// kept under the owner's ARN (MFA devices, recovery codes, password
// history) moves to newARN, and what was bound to the old ARN goes: an
// enrollment in progress (its seed is sealed to that ARN) and pending MFA
// sign-in steps. Call it in the rename's transaction, so that a new user
// given the old name can never find the renamed user's devices.
func (s *Store) MoveOwnerARN(ctx context.Context, accountID, oldARN, newARN string) error {
	for _, t := range []struct {
		model any
		what  string
	}{{&MFADevice{}, "MFA devices"}, {&RecoveryCode{}, "recovery codes"}, {&PasswordHistory{}, "password history"}} {
		err := s.q(ctx).Model(t.model).Where("account_id = ? AND owner_arn = ?", accountID, oldARN).Update("owner_arn", newARN).Error
		if err != nil {
			return translate(err, "move "+t.what+" to "+newARN)
		}
	}
	if err := s.q(ctx).Where("account_id = ? AND owner_arn = ?", accountID, oldARN).Delete(&MFAEnrollment{}).Error; err != nil {
		return translate(err, "drop MFA enrollment of "+oldARN)
	}
	return s.DeleteMFAChallengesOf(ctx, accountID, oldARN)
}

// SetUserPermissionsBoundary sets the ARN of a user's permissions boundary;
// "" removes it.
func (s *Store) SetUserPermissionsBoundary(ctx context.Context, accountID, userID, policyARN string) error {
	res := s.q(ctx).Model(&User{}).Where("account_id = ? AND user_id = ?", accountID, userID).
		Update("permissions_boundary_arn", policyARN)
	return changedOne(res, "set permissions boundary of user "+userID)
}

// RecordPasswordUse notes a console sign-in with the user's password. It
// moves the activity stamp: the user row a process keeps is stale.
func (s *Store) RecordPasswordUse(ctx context.Context, accountID, userID string, at time.Time) error {
	return s.inTx(ctx, func(tx *Store) error {
		res := tx.q(ctx).Model(&User{}).Where("account_id = ? AND user_id = ?", accountID, userID).
			Update("password_last_used", at)
		if err := changedOne(res, "record password use of user "+userID); err != nil {
			return err
		}
		return tx.moveActivity(ctx)
	})
}

// DeleteUser deletes the user row and nothing else: keys, memberships,
// policies, tags and the login profile are the caller's to remove first
// (see UserDependents), in the same Tx.
func (s *Store) DeleteUser(ctx context.Context, accountID, userID string) error {
	res := s.q(ctx).Where("account_id = ? AND user_id = ?", accountID, userID).Delete(&User{})
	return changedOne(res, "delete user "+userID)
}

// UserDependents is what a user still has that AWS makes DeleteUser refuse
// (DeleteConflict). MFA devices are counted by the MFA store.
type UserDependents struct {
	AccessKeys       int64
	AttachedPolicies int64
	InlinePolicies   int64
	Groups           int64
	LoginProfile     bool
}

// Any reports whether anything is left.
func (d UserDependents) Any() bool {
	return d.AccessKeys+d.AttachedPolicies+d.InlinePolicies+d.Groups > 0 || d.LoginProfile
}

// UserDependents counts what the user still has.
func (s *Store) UserDependents(ctx context.Context, accountID, userID string) (UserDependents, error) {
	var d UserDependents
	var err error
	if d.AccessKeys, err = s.CountAccessKeys(ctx, accountID, userID); err != nil {
		return d, err
	}
	if d.AttachedPolicies, err = s.CountAttachedPolicies(ctx, accountID, EntityUser, userID); err != nil {
		return d, err
	}
	if d.InlinePolicies, err = s.CountInlinePolicies(ctx, accountID, EntityUser, userID); err != nil {
		return d, err
	}
	if d.Groups, err = s.CountGroupsForUser(ctx, accountID, userID); err != nil {
		return d, err
	}
	n, err := s.count(ctx, &LoginProfile{}, "count login profiles", "account_id = ? AND user_id = ?", accountID, userID)
	d.LoginProfile = n > 0
	return d, err
}

// CreateLoginProfile gives a user a console password. It sets p.AccountID.
// Returns ErrConflict if the user already has one.
func (s *Store) CreateLoginProfile(ctx context.Context, accountID string, p *LoginProfile) error {
	p.AccountID = accountID
	return translate(s.q(ctx).Create(p).Error, "create login profile of user "+p.UserID)
}

// LoginProfile returns a user's login profile; ErrNotFound means the user
// has no console access.
func (s *Store) LoginProfile(ctx context.Context, accountID, userID string) (*LoginProfile, error) {
	var p LoginProfile
	if err := s.q(ctx).Where("account_id = ? AND user_id = ?", accountID, userID).Take(&p).Error; err != nil {
		return nil, translate(err, "login profile of user "+userID)
	}
	return &p, nil
}

// UpdateLoginProfile replaces the password hash, the reset flag and the
// change time of an existing login profile (CreatedAt is kept). Returns
// ErrNotFound if the user has none.
func (s *Store) UpdateLoginProfile(ctx context.Context, accountID string, p *LoginProfile) error {
	res := s.q(ctx).Model(&LoginProfile{}).Where("account_id = ? AND user_id = ?", accountID, p.UserID).
		Updates(map[string]any{
			"password_hash":           p.PasswordHash,
			"password_reset_required": p.PasswordResetRequired,
			"password_changed_at":     p.PasswordChangedAt,
		})
	return changedOne(res, "update login profile of user "+p.UserID)
}

// DeleteLoginProfile removes a user's console password. Returns ErrNotFound
// if there is none.
func (s *Store) DeleteLoginProfile(ctx context.Context, accountID, userID string) error {
	res := s.q(ctx).Where("account_id = ? AND user_id = ?", accountID, userID).Delete(&LoginProfile{})
	return changedOne(res, "delete login profile of user "+userID)
}

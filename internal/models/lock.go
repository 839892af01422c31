package models

import (
	"context"
	"fmt"
	"strconv"

	"gorm.io/gorm/clause"
)

// Quotas are checked by counting, then inserting, in one transaction. Under
// PostgreSQL's READ COMMITTED two such transactions do not see each other's
// uncommitted rows, so both can count 9 of 10 and both insert. Locking the
// row that owns what is counted (the user whose keys, the account whose
// users) before counting makes the second wait for the first to commit and
// then count its row. SQLite needs no row lock: its transactions begin
// IMMEDIATE (immediatePool), so writers already run one at a time.
//
// The same locks close the races between deleting an entity and giving it
// something: a delete locks the row it deletes before it checks that
// nothing depends on it, and whatever adds a dependent (a membership, an
// attachment, a key, an inline policy, …) locks every row the dependent
// points at before it inserts, so one of the two waits for the other and
// then sees its outcome: the dependent (DeleteConflict), or no entity
// (NoSuchEntity), never a row pointing at an entity that is gone.
//
// Lock order: a transaction that locks several rows takes the account's
// first, then users', groups', roles', instance profiles' and last customer
// managed policies' (rows of one type by ID). Two transactions wanting the
// same rows then queue up; in any other order PostgreSQL could find them
// waiting for each other and abort one with a deadlock error, an internal
// error for a request that only lost a race.
//
// Rows chosen by what they point at (the users and roles whose boundary is
// a policy, for RenamePolicy) are locked the same way, before the policy, and
// counted again once it is locked: a row that joined them in between would
// have to be locked out of order, so the transaction starts over instead.

// LockAccount locks the account's row until the transaction ends, so that
// account-wide quotas (users, groups, roles, policies) can be counted.
// Call it inside Tx, before counting. Returns ErrNotFound if the account
// does not exist.
func (s *Store) LockAccount(ctx context.Context, accountID string) error {
	return s.lockRow(ctx, &Account{}, "id", "account "+accountID, "id = ?", accountID)
}

// LockEntity locks a user's, group's, role's or customer managed policy's
// row until the transaction ends, so that what it owns (access keys, group
// memberships, attached and inline policies, tags) can be counted against
// its quota, or checked before it is deleted, and nothing is added to a
// deleted entity. Call it inside Tx, before counting. Returns ErrNotFound
// if the entity does not exist (a concurrent delete committed first).
func (s *Store) LockEntity(ctx context.Context, accountID string, t EntityType, id string) error {
	var model any
	var key string
	switch t {
	case EntityUser:
		model, key = &User{}, "user_id"
	case EntityGroup:
		model, key = &Group{}, "group_id"
	case EntityRole:
		model, key = &Role{}, "role_id"
	case EntityPolicy:
		model, key = &ManagedPolicy{}, "policy_id"
	case EntityMFA: // a virtual MFA device's ID is a number
		n, err := strconv.ParseUint(id, 10, 64)
		if err != nil {
			return fmt.Errorf("lock %s %s: %w", t, id, ErrNotFound)
		}
		return s.lockRow(ctx, &MFADevice{}, "id", string(t)+" "+id, "account_id = ? AND id = ?", accountID, n)
	case EntityInstanceProfile:
		model, key = &InstanceProfile{}, "instance_profile_id"
	case EntityOIDCProvider:
		model, key = &OIDCProvider{}, "provider_id"
	case EntitySAMLProvider:
		model, key = &SAMLProvider{}, "provider_id"
	case EntityServerCertificate:
		model, key = &ServerCertificate{}, "server_certificate_id"
	default:
		return fmt.Errorf("lock %s %s: unknown entity type", t, id)
	}
	return s.lockRow(ctx, model, key, string(t)+" "+id, "account_id = ? AND "+key+" = ?", accountID, id)
}

// LockPolicyARN locks the customer managed policy with the given ARN, as
// LockEntity does. Attachments and permissions boundaries name a policy by
// ARN, not by ID, so what adds one locks by ARN: whichever policy holds the
// ARN when the lock is taken is the one the new row points at. Returns
// ErrNotFound if there is none; built-in policies (arn:aws:iam::aws:policy/…)
// have no row, and cannot be deleted.
func (s *Store) LockPolicyARN(ctx context.Context, accountID, arn string) error {
	return s.lockRow(ctx, &ManagedPolicy{}, "policy_id", "policy "+arn, "account_id = ? AND arn = ?", accountID, arn)
}

// boundaryHolders lists, in ID order, the users or roles (t) whose
// permissions boundary is arn; with lock, it also locks their rows, in that
// order, as lockRow does.
func (s *Store) boundaryHolders(ctx context.Context, accountID string, t EntityType, arn string, lock bool) ([]string, error) {
	var model any
	key := "user_id"
	switch t {
	case EntityUser:
		model = &User{}
	case EntityRole:
		model, key = &Role{}, "role_id"
	default:
		return nil, fmt.Errorf("%s has no permissions boundary", t)
	}
	q := s.q(ctx).Model(model).Where("account_id = ? AND permissions_boundary_arn = ?", accountID, arn).Order(key)
	if lock && s.Dialect() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	var ids []string
	if err := q.Pluck(key, &ids).Error; err != nil {
		return nil, translate(err, "list "+string(t)+"s with boundary "+arn)
	}
	return ids, nil
}

// lockRow selects one row FOR UPDATE on PostgreSQL, and only checks that
// it exists on SQLite (which has no row locks, and needs none).
func (s *Store) lockRow(ctx context.Context, model any, key, what, where string, args ...any) error {
	q := s.q(ctx).Model(model).Where(where, args...).Limit(1)
	if s.Dialect() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	var keys []string
	if err := q.Pluck(key, &keys).Error; err != nil {
		return translate(err, "lock "+what)
	}
	if len(keys) == 0 {
		return fmt.Errorf("lock %s: %w", what, ErrNotFound)
	}
	return nil
}

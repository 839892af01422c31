package iam

import (
	"context"
	"errors"

	"github.com/iamconsole/console/internal/models"
)

// A delete checks that nothing depends on the entity (AWS's DeleteConflict),
// then deletes it, in one transaction. Under PostgreSQL's READ COMMITTED an
// add that commits between the check and the delete (AddUserToGroup,
// AttachUserPolicy, CreateAccessKey, PutUserPolicy, …) would leave a row
// pointing at an entity that is gone, as nothing in the schema forbids it.
// So:
//
//   - a delete locks the row it deletes (lockOwner) before it checks;
//   - an add locks every row its dependent points at before it inserts: the
//     user, group or role it gives something, and the customer managed
//     policy it attaches or makes a boundary (lockAttachable).
//
// Whichever locks first, the other waits for it to commit and then sees its
// outcome: the delete finds the dependent (DeleteConflict), or the add finds
// no entity (NoSuchEntity). On SQLite, where writers already run one at a
// time, the same calls are the existence check inside the transaction that
// the lookup before it cannot be.
//
// Rows are locked in one order, the one models.Store documents: the
// account, then users, groups, roles, instance profiles and last policies
// (AddUserToGroup: the user, then the group; an attach: the entity, then the
// policy; AddRoleToInstanceProfile: the role, then the profile).
//
// Quotas need the same locks, and take them once with the rest: every quota
// is a count, then an insert, in one transaction, and without a lock on what
// the count covers (the owner's row, or the account's for account-wide
// quotas) two racing requests on PostgreSQL can both count one below the
// quota and both insert. CreatePolicyVersion needs no separate lock: its
// insert locks the policy row (by raising NextVersion) before it counts.

// lockOwner locks the user, group, role or customer managed policy (named
// name, for the error) whose belongings a quota counts, a delete checks, or
// an add extends. NotFound when it was deleted after the caller found it.
func lockOwner(ctx context.Context, tx *models.Store, acct string, t models.EntityType, id, name string) error {
	err := tx.LockEntity(ctx, acct, t, id)
	switch {
	case !errors.Is(err, models.ErrNotFound):
		return err
	case t == models.EntityPolicy:
		return noSuchPolicy(name)
	case t == models.EntityMFA:
		return noSuchDevice(name)
	default:
		return noSuchEntity(t, name)
	}
}

// lockAttachable locks the customer managed policy arn names, for a change
// that makes something point at it (an attachment, a permissions boundary),
// after the entity it is for. Built-in policies have no row and are never
// deleted: nothing to lock. NotFound, as AWS words it for an attach, when
// the policy was deleted since it was checked.
func lockAttachable(ctx context.Context, tx *models.Store, acct, arn string) error {
	if arn == "" || Builtin(arn) != nil {
		return nil
	}
	err := tx.LockPolicyARN(ctx, acct, arn)
	if errors.Is(err, models.ErrNotFound) {
		return policyNotAttachable(arn)
	}
	return err
}

// lockSelf locks the IAM user behind p, for a change to what p owns by its
// ARN (MFA devices, recovery codes), which DeleteUser checks or removes.
// Root and role sessions have no user row, and no delete to race.
func lockSelf(ctx context.Context, tx *models.Store, p *Principal) error {
	if p.Type != TypeUser {
		return nil
	}
	return lockOwner(ctx, tx, p.AccountID, models.EntityUser, p.userID(), p.Name)
}

package iam

import (
	"context"
	"errors"

	"github.com/iamconsole/console/internal/models"
)

// Every quota is a count, then an insert, in one transaction. What the count
// covers is first locked (models.Store.LockEntity, LockAccount): without the
// lock two racing requests on PostgreSQL can both count one below the quota
// and both insert. CreatePolicyVersion needs no separate lock: its insert
// locks the policy row (by raising NextVersion) before it counts.

// lockOwner locks the user, group, role or customer managed policy (named
// name, for the error) whose belongings a quota counts. NotFound when it was
// deleted after the caller found it.
func lockOwner(ctx context.Context, tx *models.Store, acct string, t models.EntityType, id, name string) error {
	err := tx.LockEntity(ctx, acct, t, id)
	switch {
	case !errors.Is(err, models.ErrNotFound):
		return err
	case t == models.EntityPolicy:
		return noSuchPolicy(name)
	default:
		return noSuchEntity(t, name)
	}
}

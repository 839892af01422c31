package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// TestLockPolicyARN: the lock is also the existence check that tells an
// attach its policy is gone, so it must find exactly the account's own
// policy under that ARN.
func TestLockPolicyARN(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		arn := entPolicyARN(entAcct, "/", "P")
		entMust(t, s.CreatePolicy(ctx, entAcct, &models.ManagedPolicy{PolicyID: "ANPA1", Name: "P", Path: "/", ARN: arn}, "{}"))
		cases := []struct {
			name, acct, arn string
			want            error
		}{
			{"the account's policy", entAcct, arn, nil},
			{"another account's ARN", entOther, arn, models.ErrNotFound},
			{"no such policy", entAcct, arn + "2", models.ErrNotFound},
			{"built-in: no row", entAcct, "arn:aws:iam::aws:policy/ReadOnlyAccess", models.ErrNotFound},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := s.Tx(ctx, func(tx *models.Store) error { return tx.LockPolicyARN(ctx, c.acct, c.arn) })
				if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
					t.Fatalf("got %v, want %v", err, c.want)
				}
			})
		}
	})
}

// TestLockWaitsForDelete: a lock taken while another transaction holds the
// row and deletes it waits for that transaction, then finds nothing. This
// is what lets an add that locks its parent see a delete that locked it
// first (PostgreSQL by the row lock, SQLite by its one writer at a time).
func TestLockWaitsForDelete(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		arn := entPolicyARN(entAcct, "/", "P")
		entMust(t, s.CreatePolicy(ctx, entAcct, &models.ManagedPolicy{PolicyID: "ANPA1", Name: "P", Path: "/", ARN: arn}, "{}"))
		held, release := make(chan struct{}), make(chan struct{})
		deleted := make(chan error, 1)
		go func() {
			deleted <- s.Tx(ctx, func(tx *models.Store) error {
				err := tx.LockEntity(ctx, entAcct, models.EntityPolicy, "ANPA1")
				close(held)
				if err != nil {
					return err
				}
				<-release
				return tx.DeletePolicy(ctx, entAcct, "ANPA1")
			})
		}()
		<-held
		locked := make(chan error, 1)
		go func() {
			locked <- s.Tx(ctx, func(tx *models.Store) error { return tx.LockPolicyARN(ctx, entAcct, arn) })
		}()
		select {
		case err := <-locked:
			t.Fatalf("locked a row another transaction holds: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
		close(release)
		if err := <-deleted; err != nil {
			t.Fatalf("delete: %v", err)
		}
		if err := <-locked; !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("lock after the delete committed: %v, want ErrNotFound", err)
		}
	})
}

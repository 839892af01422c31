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

// TestRenamePolicyRaces: a rename moves the boundaries that name the
// policy's ARN while other transactions lock users and the policy in the
// documented order (user, then policy), as PutUserPermissionsBoundary and
// AttachUserPolicy do. Each case holds the other transaction open until the
// rename is waiting for it, then lets it finish: both must succeed (no
// deadlock), and every boundary must end up on the new ARN (none left
// naming an ARN that no longer exists).
func TestRenamePolicyRaces(t *testing.T) {
	cases := []struct {
		name string
		// first runs in the other transaction before the rename starts,
		// then once the rename waits for it; the transaction then commits.
		first, then func(ctx context.Context, tx *models.Store, acct string) error
		// want: the boundaries on the new ARN afterwards.
		want int64
	}{
		{name: "boundary put again while the rename waits for the user",
			first: func(ctx context.Context, tx *models.Store, acct string) error {
				return tx.LockEntity(ctx, acct, models.EntityUser, "AIDA1")
			},
			then: func(ctx context.Context, tx *models.Store, acct string) error {
				if err := tx.LockPolicyARN(ctx, acct, entPolicyARN(acct, "/", "p")); err != nil {
					return err
				}
				return tx.SetUserPermissionsBoundary(ctx, acct, "AIDA1", entPolicyARN(acct, "/", "p"))
			},
			want: 2},
		{name: "boundary given before the rename locks the policy",
			first: func(ctx context.Context, tx *models.Store, acct string) error {
				if err := tx.LockEntity(ctx, acct, models.EntityUser, "AIDA2"); err != nil {
					return err
				}
				if err := tx.LockPolicyARN(ctx, acct, entPolicyARN(acct, "/", "p")); err != nil {
					return err
				}
				return tx.SetUserPermissionsBoundary(ctx, acct, "AIDA2", entPolicyARN(acct, "/", "p"))
			},
			want: 3},
		{name: "policy renamed meanwhile",
			first: func(ctx context.Context, tx *models.Store, acct string) error {
				return tx.RenamePolicy(ctx, acct, "ANPA1", "r", "/", entPolicyARN(acct, "/", "r"))
			},
			want: 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
				ctx, acct := context.Background(), entAcct
				p := entPolicyARN(acct, "/", "p")
				entMust(t, s.CreatePolicy(ctx, acct, &models.ManagedPolicy{PolicyID: "ANPA1", Name: "p", Path: "/", ARN: p}, "{}"))
				entMust(t, s.CreateUser(ctx, acct, &models.User{UserID: "AIDA1", Name: "u1", Path: "/", PermissionsBoundaryARN: p}))
				entMust(t, s.CreateUser(ctx, acct, &models.User{UserID: "AIDA2", Name: "u2", Path: "/"}))
				entMust(t, s.CreateRole(ctx, acct, &models.Role{RoleID: "AROA1", Name: "r1", Path: "/", PermissionsBoundaryARN: p}))

				started, proceed := make(chan struct{}), make(chan struct{})
				other := make(chan error, 1)
				go func() {
					other <- s.Tx(ctx, func(tx *models.Store) error {
						err := c.first(ctx, tx, acct)
						close(started)
						if err != nil {
							return err
						}
						<-proceed
						if c.then == nil {
							return nil
						}
						return c.then(ctx, tx, acct)
					})
				}()
				<-started
				q := entPolicyARN(acct, "/", "q")
				renamed := make(chan error, 1)
				go func() { renamed <- s.RenamePolicy(ctx, acct, "ANPA1", "q", "/", q) }()
				select {
				case err := <-renamed:
					t.Errorf("the rename did not wait for the other transaction: %v", err)
				case <-time.After(200 * time.Millisecond):
				}
				close(proceed)
				if err := <-other; err != nil {
					t.Errorf("other transaction: %v", err)
				}
				if err := <-renamed; err != nil {
					t.Errorf("rename: %v", err)
				}
				if n, err := s.CountPermissionsBoundaryUses(ctx, acct, q); err != nil || n != c.want {
					t.Errorf("boundaries on the new ARN: %d, %v; want %d", n, err, c.want)
				}
			})
		})
	}
}

package iam_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// BenchmarkUsersListPage: one page (100) of the users list at 10,000 users,
// plain (ListUsers) and with AWS's columns (ListUserSummaries: groups, MFA,
// password, keys, each authorized per user), as an IAM administrator (whose
// every check runs the policy engine; root's are skipped).
func BenchmarkUsersListPage(b *testing.B) {
	ctx, m := context.Background(), iam.Meta{}
	store, err := models.Open(ctx, dbtest.SQLite(b), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	svc := iam.New(store, iam.Config{Argon2: fastArgon})
	res, err := svc.Setup(ctx, iam.SetupInput{Email: "root@example.com", Password: goodPassword}, m)
	if err != nil {
		b.Fatal(err)
	}
	acct := res.Account.ID
	// The administrator first: the 10,000 below are past AWS's quota,
	// made straight in the store.
	admin, err := svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "admin"}, m)
	if err != nil {
		b.Fatal(err)
	}
	if err := svc.AttachPolicy(ctx, nil, iam.UserNamed("admin"), "arn:aws:iam::aws:policy/AdministratorAccess", m); err != nil {
		b.Fatal(err)
	}
	err = store.Tx(ctx, func(tx *models.Store) error {
		for i := range 10000 {
			id := fmt.Sprintf("AIDA%017d", i)
			if err := tx.CreateUser(ctx, acct, &models.User{UserID: id, Name: fmt.Sprintf("user%05d", i), Path: "/bulk/"}); err != nil {
				return err
			}
			if i%2 == 0 {
				if err := tx.CreateAccessKey(ctx, acct, &models.AccessKey{AccessKeyID: fmt.Sprintf("AKIA%016d", i), UserID: id}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	caller := &iam.Principal{AccountID: acct, Type: iam.TypeUser, Name: "admin", ID: admin.UserId, ARN: admin.Arn}
	in := iam.ListInput{MaxItems: 100, Marker: "user05000"}
	b.Run("ListUsers", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := svc.ListUsers(ctx, caller, in, m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ListUserSummaries", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := svc.ListUserSummaries(ctx, caller, in, m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

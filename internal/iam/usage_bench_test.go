package iam_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// BenchmarkGetUserUsage is issue 15's goal in-process: GetUser at 10,000
// users as an administrator, by a Service that records use and by one
// that does not (iam.Config.NoUsage), on one database, in alternating
// rounds so that the machine's other load falls on both alike.
func BenchmarkGetUserUsage(b *testing.B) {
	ctx, m := context.Background(), iam.Meta{}
	store, err := models.Open(ctx, dbtest.SQLite(b), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	rec := iam.New(store, iam.Config{Argon2: fastArgon})
	off := iam.New(store, iam.Config{Argon2: fastArgon, NoUsage: true})
	b.Cleanup(func() { rec.Close(ctx) })
	res, err := rec.Setup(ctx, iam.SetupInput{Email: "root@example.com", Password: goodPassword}, m)
	if err != nil {
		b.Fatal(err)
	}
	acct := res.Account.ID
	admin, err := rec.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "admin"}, m)
	if err != nil {
		b.Fatal(err)
	}
	if err := rec.AttachPolicy(ctx, nil, iam.UserNamed("admin"), "arn:aws:iam::aws:policy/AdministratorAccess", m); err != nil {
		b.Fatal(err)
	}
	err = store.Tx(ctx, func(tx *models.Store) error {
		for i := range 10000 {
			if err := tx.CreateUser(ctx, acct, &models.User{UserID: fmt.Sprintf("AIDA%017d", i), Name: fmt.Sprintf("user%05d", i), Path: "/"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	run := func(svc *iam.Service) func(b *testing.B) {
		return func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					// A Principal is one request's, as APIPrincipal makes it.
					caller := &iam.Principal{AccountID: acct, Type: iam.TypeUser, Name: "admin", ID: admin.UserId, ARN: admin.Arn}
					if _, err := svc.GetUser(ctx, caller, fmt.Sprintf("user%05d", i%10000), m); err != nil {
						b.Error(err)
						return
					}
					i += 7
				}
			})
		}
	}
	for range 4 {
		b.Run("recording", run(rec))
		b.Run("off", run(off))
	}
}

package iam_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

func userPrincipal(acct string, u *iam.User) *iam.Principal {
	return &iam.Principal{Type: iam.TypeUser, AccountID: acct, ID: u.UserId, ARN: u.Arn, Name: u.UserName}
}

// TestUsageWhatCounts: an operation's decision is use, allowed or refused;
// a page's button checks (Can) are not; root is not recorded.
func TestUsageWhatCounts(t *testing.T) {
	svc, store, root := rootService(t, dbtest.SQLite(t))
	ctx := context.Background()
	u := mustCreateUser(t, svc, root, "alice")
	if err := svc.AttachPolicy(ctx, root, iam.UserNamed("alice"), "arn:aws:iam::aws:policy/IAMReadOnlyAccess", iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	p := userPrincipal(root.AccountID, u)
	for range 3 {
		if _, err := svc.GetUser(ctx, p, "alice", iam.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreateUser(ctx, p, iam.CreateUserInput{UserName: "bob"}, iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
		t.Fatalf("CreateUser = %v, want AccessDenied", err)
	}
	if svc.Can(ctx, p, iam.Meta{}, iam.OpDelete, u.Arn) {
		t.Fatal("alice may delete herself?")
	}
	if _, err := svc.GetUser(ctx, root, "alice", iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Close(ctx); err != nil {
		t.Fatal(err)
	}
	uses, err := store.UsageOf(ctx, root.AccountID, []string{u.Arn, root.ARN}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, x := range uses {
		got[x.PrincipalARN+" "+x.Action] = x.Count
		if want := int64(0); x.Action == "iam:CreateUser" && x.Denied != 1 || x.Action == "iam:GetUser" && x.Denied != want {
			t.Errorf("%s denied %d of %d", x.Action, x.Denied, x.Count)
		}
	}
	want := map[string]int64{u.Arn + " iam:GetUser": 3, u.Arn + " iam:CreateUser": 1}
	if len(got) != len(want) {
		t.Errorf("usage = %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("usage[%s] = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
}

// TestUsageFlushAcrossProcesses: two Services on one database (two
// console processes) record the same principal and action concurrently,
// flushing as they go; the stored count is the sum of both and the last
// use the later of the two clocks.
func TestUsageFlushAcrossProcesses(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := b.DSN(t)
			open := func(now func() time.Time) (*iam.Service, *models.Store) {
				store, err := models.Open(ctx, dsn, t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { store.Close() })
				return iam.New(store, iam.Config{Now: now, Argon2: fastArgon}), store
			}
			t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
			later := t0.Add(time.Minute)
			svc1, store := open(func() time.Time { return t0 })
			root := rootOf(mustSetup(t, svc1))
			u := mustCreateUser(t, svc1, root, "alice")
			if err := svc1.AttachPolicy(ctx, root, iam.UserNamed("alice"), "arn:aws:iam::aws:policy/IAMReadOnlyAccess", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			svc2, _ := open(func() time.Time { return later })
			const n = 40
			var wg sync.WaitGroup
			for _, svc := range []*iam.Service{svc1, svc2} {
				for range 2 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range n {
							// A Principal is one request's.
							if _, err := svc.GetUser(ctx, userPrincipal(root.AccountID, u), "alice", iam.Meta{}); err != nil {
								t.Error(err)
								return
							}
							if i%7 == 0 {
								if err := svc.FlushUsage(ctx); err != nil {
									t.Error(err)
								}
							}
						}
					}()
				}
			}
			wg.Wait()
			for _, svc := range []*iam.Service{svc1, svc2} {
				if err := svc.Close(ctx); err != nil {
					t.Fatal(err)
				}
			}
			uses, err := store.UsageOf(ctx, root.AccountID, []string{u.Arn}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if len(uses) != 1 || uses[0].Action != "iam:GetUser" || uses[0].Count != 4*n || !uses[0].LastUsed.Equal(later) {
				t.Errorf("usage = %+v, want %d GetUser last at %v", uses, 4*n, later)
			}
		})
	}
}

package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

func mustOpenStore(t *testing.T, dsn string) *models.Store {
	t.Helper()
	s, err := models.Open(context.Background(), dsn, t.TempDir())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func forEachBackend(t *testing.T, fn func(t *testing.T, s *models.Store, dsn string)) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			fn(t, mustOpenStore(t, dsn), dsn)
		})
	}
}

func TestMigrateTwiceKeepsData(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, dsn string) {
		ctx := context.Background()
		a := &models.Account{ID: "123456789012", RootEmail: "Root@Example.com", RootPasswordHash: "h"}
		if err := s.CompleteSetup(ctx, a, time.Now()); err != nil {
			t.Fatal(err)
		}
		s2 := mustOpenStore(t, dsn) // migrations run again: must be a no-op
		got, err := s2.LiveAccount(ctx)
		if err != nil || got.ID != a.ID || got.RootEmail != "root@example.com" {
			t.Fatalf("after reopen: %+v, %v", got, err)
		}
	})
}

func TestSetupHappensOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.Tx(ctx, func(tx *models.Store) error {
					id := []byte("100000000000")
					id[11] = byte('0' + i)
					return tx.CompleteSetup(ctx, &models.Account{ID: string(id), RootEmail: string(id) + "@x.io"}, time.Now())
				})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, models.ErrConflict):
				t.Errorf("losing setup: want ErrConflict, got %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d setups succeeded, want exactly 1", ok)
		}
	})
}

func TestNotFound(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		if _, err := s.LiveAccount(ctx); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("LiveAccount before setup: %v", err)
		}
		if _, err := s.SessionByHash(ctx, "nope"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("SessionByHash: %v", err)
		}
		if err := s.UpdateRootPassword(ctx, "000000000000", "x"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("UpdateRootPassword: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		arn := "arn:aws:iam::123456789012:root"
		for _, h := range []string{"a", "b", "c"} {
			if err := s.CreateSession(ctx, &models.Session{IDHash: h, AccountID: "123456789012", PrincipalARN: arn,
				CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateSession(ctx, &models.Session{IDHash: "a"}); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("duplicate session: %v", err)
		}
		n, err := s.DeleteSessionsOf(ctx, "123456789012", arn, "b")
		if err != nil || n != 2 {
			t.Fatalf("DeleteSessionsOf = %d, %v", n, err)
		}
		if _, err := s.SessionByHash(ctx, "b"); err != nil {
			t.Fatalf("kept session gone: %v", err)
		}
		if n, _ := s.DeleteExpiredSessions(ctx, now.Add(2*time.Hour), time.Hour); n != 1 {
			t.Fatalf("DeleteExpiredSessions = %d", n)
		}
	})
}

func TestAuditIsAppendOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		ev := &models.AuditEvent{EventID: "e1", AccountID: "123456789012", EventTime: time.Now(), EventName: "X", Result: models.ResultSuccess}
		if err := s.AppendAudit(ctx, ev); err != nil {
			t.Fatal(err)
		}
		// The database refuses to rewrite history, whatever the caller.
		if err := s.Tx(ctx, func(tx *models.Store) error {
			return tx.RawExecForTest(ctx, "UPDATE audit_events SET event_name = 'Y'")
		}); err == nil {
			t.Fatal("UPDATE of an audit event succeeded")
		}
		if err := s.Tx(ctx, func(tx *models.Store) error { return tx.RawExecForTest(ctx, "DELETE FROM audit_events") }); err == nil {
			t.Fatal("DELETE of an audit event succeeded")
		}
		evs, err := s.ListAudit(ctx, "123456789012", models.AuditFilter{EventName: "X"})
		if err != nil || len(evs) != 1 {
			t.Fatalf("ListAudit = %v, %v", evs, err)
		}
	})
}

func TestAuditRollsBackWithChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := s.Tx(ctx, func(tx *models.Store) error {
			if err := tx.AppendAudit(ctx, &models.AuditEvent{EventID: "e2", AccountID: "1", EventTime: time.Now()}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if n, _ := s.CountAudit(ctx, "1", models.AuditFilter{}); n != 0 {
			t.Fatalf("rolled-back event is there: %d", n)
		}
	})
}

// TestTransactionsThatReadThenWriteQueue: transactions that count, then
// insert (every quota check) wait for each other instead of failing. On
// SQLite a transaction begun DEFERRED fails at once with SQLITE_BUSY when
// it upgrades its read to a write while another writes, so this proves
// transactions begin IMMEDIATE.
func TestTransactionsThatReadThenWriteQueue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		const acct = "123456789012"
		var wg sync.WaitGroup
		errs := make([]error, 12)
		start := make(chan struct{})
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = s.Tx(ctx, func(tx *models.Store) error {
					if _, err := tx.CountUsers(ctx, acct); err != nil {
						return err
					}
					id := fmt.Sprintf("AIDA%017d", i)
					return tx.CreateUser(ctx, acct, &models.User{UserID: id, Name: id})
				})
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("transaction %d: %v", i, err)
			}
		}
		if n, err := s.CountUsers(ctx, acct); err != nil || n != int64(len(errs)) {
			t.Fatalf("%d users, %v", n, err)
		}
	})
}

// TestCancelledTransactionReleasesTheDatabase: a request cancelled inside
// its transaction still ends it, so the next writer is not locked out.
func TestCancelledTransactionReleasesTheDatabase(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		const acct = "123456789012"
		ctx, cancel := context.WithCancel(context.Background())
		err := s.Tx(ctx, func(tx *models.Store) error {
			if err := tx.CreateUser(ctx, acct, &models.User{UserID: "AIDA1", Name: "first"}); err != nil {
				return err
			}
			cancel()
			_, err := tx.CountUsers(ctx, acct)
			return err
		})
		if err == nil {
			t.Fatal("a transaction whose context was cancelled committed")
		}
		quick, stop := context.WithTimeout(context.Background(), 3*time.Second)
		defer stop()
		if err := s.Tx(quick, func(tx *models.Store) error {
			return tx.CreateUser(quick, acct, &models.User{UserID: "AIDA2", Name: "second"})
		}); err != nil {
			t.Fatalf("next transaction: %v", err)
		}
		if n, _ := s.CountUsers(context.Background(), acct); n != 1 {
			t.Fatalf("%d users, want only the second", n)
		}
	})
}

// TestStateStamp: the stamp moves with state changes only, also with one
// whose ID is below the last (a transaction that took its ID first and
// committed last), and ChangedSince lists what changed since a stamp.
func TestStateStamp(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		stamp := func() models.StateStamp {
			t.Helper()
			st, err := s.StateStamp(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if walked, err := s.WalkedStateStampForTest(ctx); err != nil || walked != st {
				t.Fatalf("stamp %+v, the walk of the index %+v (%v)", st, walked, err)
			}
			return st
		}
		add := func(id uint64, state bool, changed string) {
			ev := &models.AuditEvent{ID: id, EventID: fmt.Sprint(id), AccountID: "123456789012", EventTime: time.Now(),
				EventName: "x", Result: models.ResultSuccess, StateChange: state, Changed: changed}
			if err := s.AppendAudit(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		changed := func(since models.StateStamp, limit int) ([]string, bool) {
			arns, all, err := s.ChangedSince(ctx, since, limit)
			if err != nil {
				t.Fatal(err)
			}
			return arns, all
		}
		empty := stamp()
		add(10, true, "arn:a")
		add(20, true, "arn:c")
		before := stamp()
		if before == empty || before.Last != 20 {
			t.Fatalf("stamp after two changes: %+v (empty %+v)", before, empty)
		}
		add(30, false, "")
		if got := stamp(); got != before {
			t.Fatalf("an event that changed no state moved the stamp: %+v, was %+v", got, before)
		}
		if arns, all := changed(before, 10); all || len(arns) != 0 {
			t.Fatalf("changes since an unchanged stamp: %v %v", arns, all)
		}
		// A late commit (an ID handed out before another's, committed
		// after) happens on PostgreSQL only: SQLite's writers run one at a
		// time, so its IDs commit in order and its stamp is the newest.
		if s.StampWindow() > 1 {
			add(15, true, "arn:b\narn:a")
			if late := stamp(); late == before || late.Last != 20 {
				t.Fatalf("a late commit below the last ID left the stamp at %+v", late)
			}
			// The late one cannot be told from those before: all of the
			// window is listed.
			if arns, all := changed(before, 10); all || !slices.Equal(arns, []string{"arn:a", "arn:b", "arn:c"}) {
				t.Fatalf("changes since a stamp missing a late commit: %v %v", arns, all)
			}
		}
		after := stamp()
		add(40, true, "arn:d")
		add(41, true, "arn:e")
		if arns, all := changed(after, 10); all || !slices.Equal(arns, []string{"arn:d", "arn:e"}) {
			t.Fatalf("changes since: %v %v", arns, all)
		}
		if _, all := changed(after, 1); !all {
			t.Fatal("more changes than the limit did not ask for everything")
		}
		add(42, true, "*")
		if _, all := changed(after, 10); !all {
			t.Fatal("a change naming no entity did not ask for everything")
		}
	})
}

// TestStateStampWindow: the stamp covers the last StampWindow changes
// however many other events follow them.
func TestStateStampWindow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		for i := 1; i <= models.StateStampWindow+10; i++ {
			ev := &models.AuditEvent{ID: uint64(i), EventID: fmt.Sprint(i), AccountID: "123456789012", EventTime: time.Now(),
				EventName: "x", Result: models.ResultSuccess, StateChange: true, Changed: "arn:x"}
			if err := s.AppendAudit(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		st, err := s.StateStamp(ctx)
		if err != nil {
			t.Fatal(err)
		}
		w := s.StampWindow() // 256 on PostgreSQL, 1 on SQLite (commits in ID order)
		want := models.StateStamp{Last: models.StateStampWindow + 10, Low: uint64(models.StateStampWindow + 11 - w), Count: w}
		if st != want {
			t.Fatalf("stamp %+v, want %+v", st, want)
		}
	})
}

// TestActivityStamp: the activity stamp moves when a session ends or a
// password is used, in the same transaction (a rolled-back sign-out leaves
// it), and not when a session opens, is active, or is ended twice.
func TestActivityStamp(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		const acct = "123456789012"
		now := time.Now().UTC()
		if err := s.CreateUser(ctx, acct, &models.User{UserID: "AIDA1", Name: "dev"}); err != nil {
			t.Fatal(err)
		}
		n := 0
		open := func() string {
			n++
			h := fmt.Sprintf("%064d", n)
			err := s.CreateSession(ctx, &models.Session{IDHash: h, PublicID: fmt.Sprint(n), AccountID: acct,
				PrincipalARN: "arn:aws:iam::" + acct + ":user/dev", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		errRollback := errors.New("rolled back")
		cases := []struct {
			name  string
			do    func() error
			moves bool
		}{
			{"a session opens", func() error { open(); return nil }, false},
			{"a session is active", func() error { return s.TouchSession(ctx, open(), now.Add(time.Minute)) }, false},
			{"sign-out", func() error { return s.DeleteSession(ctx, open()) }, true},
			{"sign-out of an ended session", func() error { return s.DeleteSession(ctx, "gone") }, false},
			{"sign-out rolled back", func() error {
				h := open()
				err := s.Tx(ctx, func(tx *models.Store) error {
					if err := tx.DeleteSession(ctx, h); err != nil {
						return err
					}
					return errRollback
				})
				if errors.Is(err, errRollback) {
					return nil
				}
				return err
			}, false},
			{"a session ended from the sessions page", func() error {
				open()
				return s.DeleteSessionByPublicID(ctx, acct, "arn:aws:iam::"+acct+":user/dev", fmt.Sprint(n))
			}, true},
			{"the user's sessions ended", func() error {
				open()
				_, err := s.DeleteSessionsOf(ctx, acct, "arn:aws:iam::"+acct+":user/dev", "")
				return err
			}, true},
			{"expired sessions removed", func() error {
				open()
				_, err := s.DeleteExpiredSessions(ctx, now.Add(2*time.Hour), time.Hour)
				return err
			}, true},
			{"a password used", func() error { return s.RecordPasswordUse(ctx, acct, "AIDA1", now) }, true},
		}
		for _, c := range cases {
			before, err := s.Stamps(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.do(); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			after, err := s.Stamps(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if moved := after.Activity != before.Activity; moved != c.moves {
				t.Errorf("%s: activity stamp %d, then %d (moves: %v)", c.name, before.Activity, after.Activity, c.moves)
			}
			if after.State != before.State {
				t.Errorf("%s moved the state stamp: %+v, then %+v", c.name, before.State, after.State)
			}
		}
	})
}

// TestStampsMigrationKeepsStamp: a database made before the stamps row
// (migration 0022) upgrades with the state stamp it had: kept values a
// running older process had are not taken for current ones, nor the other
// way round.
func TestStampsMigrationKeepsStamp(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, dsn string) {
		ctx := context.Background()
		for i, state := range []bool{true, true, false} {
			ev := &models.AuditEvent{EventID: fmt.Sprint("m", i), AccountID: "123456789012", EventTime: time.Now(),
				EventName: "x", Result: models.ResultSuccess, StateChange: state, Changed: "arn:x"}
			if err := s.AppendAudit(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		before, err := s.StateStamp(ctx)
		if err != nil || before.Last == 0 {
			t.Fatalf("stamp before: %+v %v", before, err)
		}
		for _, q := range []string{"DROP TABLE stamps", "DELETE FROM schema_migrations WHERE id = '0022_stamps'"} {
			if err := s.RawExecForTest(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		after, err := mustOpenStore(t, dsn).StateStamp(ctx)
		if err != nil || after != before {
			t.Fatalf("stamp after the upgrade %+v (%v), before %+v", after, err, before)
		}
	})
}

// TestAnalyze: the planner's statistics are refreshed on either database
// (after a bulk load, such as `console admin seed`).
func TestAnalyze(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		if err := s.CreateUser(ctx, "123456789012", &models.User{UserID: "AIDA1", Name: "dev"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Analyze(ctx); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.AnalyzedForTest(ctx, "users"); err != nil || !ok {
			t.Fatalf("no statistics for users after Analyze: %v %v", ok, err)
		}
	})
}

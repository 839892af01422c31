package iam_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// clock is an injectable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// fastArgon keeps tests quick; production parameters are tested in auth.
var fastArgon = auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

func newService(t *testing.T, dsn string) (*iam.Service, *models.Store, *clock) {
	t.Helper()
	store, err := models.Open(context.Background(), dsn, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	svc := iam.New(store, iam.Config{Now: clk.Now, Argon2: fastArgon})
	t.Cleanup(func() { svc.Close(context.Background()) }) // before the store closes: cleanups run last first
	return svc, store, clk
}

const goodPassword = "correct horse battery staple"

func mustSetup(t *testing.T, svc *iam.Service) *iam.SetupResult {
	t.Helper()
	res, err := svc.Setup(context.Background(), iam.SetupInput{Email: "root@example.com", Password: goodPassword}, iam.Meta{})
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	return res
}

func TestSetupValidation(t *testing.T) {
	svc, store, _ := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	if err := store.PutImportedAccount(ctx, &models.ImportedAccount{ID: "111122223333", Label: "prod", Document: "{}", ImportedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	tok, err := svc.NewSetupToken(ctx)
	if err != nil || len(tok) < 22 { // 128 bits at least
		t.Fatalf("token %q, %v", tok, err)
	}
	cases := []struct {
		name  string
		in    iam.SetupInput
		field string
	}{
		{"no token", iam.SetupInput{Email: "a@b.io", Password: goodPassword, CheckToken: true}, "token"},
		{"wrong token", iam.SetupInput{Token: tok + "x", Email: "a@b.io", Password: goodPassword, CheckToken: true}, "token"},
		{"bad email", iam.SetupInput{Token: tok, Email: "not-an-email", Password: goodPassword, CheckToken: true}, "email"},
		{"short password", iam.SetupInput{Token: tok, Email: "a@b.io", Password: "short pass 12", CheckToken: true}, "password"},
		{"common password", iam.SetupInput{Token: tok, Email: "a@b.io", Password: "mailcreated5240", CheckToken: true}, "password"},
		{"password has email name", iam.SetupInput{Token: tok, Email: "maximilian@b.io", Password: "maximilian-is-the-admin", CheckToken: true}, "password"},
		{"account id not 12 digits", iam.SetupInput{Token: tok, Email: "a@b.io", Password: goodPassword, CheckToken: true, AccountID: "12345678901x"}, "AccountId"},
		{"account id of an imported account", iam.SetupInput{Token: tok, Email: "a@b.io", Password: goodPassword, CheckToken: true, AccountID: "111122223333"}, "AccountId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := svc.Setup(ctx, c.in, iam.Meta{})
			var e *iam.Error
			if !errors.As(err, &e) || e.Kind != iam.Invalid || e.Field != c.field {
				t.Fatalf("got %v, want Invalid on %s", err, c.field)
			}
		})
	}
	if done, _ := svc.SetupDone(ctx); done {
		t.Fatal("a refused setup created root")
	}
	if _, err := svc.Setup(ctx, iam.SetupInput{Token: tok, Email: "a@b.io", Password: goodPassword, CheckToken: true}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	// The token dies with the first root, as does every other way in.
	if _, err := svc.Setup(ctx, iam.SetupInput{Token: tok, Email: "c@b.io", Password: goodPassword, CheckToken: true}, iam.Meta{}); err != iam.ErrSetupDone {
		t.Fatalf("second setup: %v", err)
	}
	if tok, _ := svc.NewSetupToken(ctx); tok != "" {
		t.Fatal("a setup token is issued after root exists")
	}
}

func TestConcurrentSetupsMakeOneRoot(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins := 0
			for i := range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					email := string(rune('a'+i)) + "@example.com"
					_, err := svc.Setup(context.Background(), iam.SetupInput{Email: email, Password: goodPassword}, iam.Meta{})
					if err == nil {
						mu.Lock()
						wins++
						mu.Unlock()
					} else if err != iam.ErrSetupDone {
						t.Errorf("setup %d: %v", i, err)
					}
				}()
			}
			wg.Wait()
			if wins != 1 {
				t.Fatalf("%d setups succeeded", wins)
			}
			if _, err := store.LiveAccount(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSignInFailuresLookTheSame(t *testing.T) {
	svc, store, clk := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	res := mustSetup(t, svc)
	for _, c := range []struct{ user, pass string }{
		{"nobody@example.com", goodPassword},
		{"root@example.com", "wrong password for root"},
		{"ROOT@example.com ", "wrong"},
		{"someuser", goodPassword},
		{"root@example.com", strings.Repeat("x", 10000)},
	} {
		_, err := svc.SignIn(ctx, c.user, c.pass, iam.Meta{SourceIP: "192.0.2.1"})
		if err != iam.ErrSignInFailed {
			t.Errorf("SignIn(%q): %v, want the generic failure", c.user, err)
		}
	}
	evs, _ := store.ListAudit(ctx, res.Account.ID, models.AuditFilter{EventName: "ConsoleLogin", Result: models.ResultFailure})
	if len(evs) != 3 {
		t.Errorf("%d failures audited for the account, want 3", len(evs))
	}
	// Email is case-insensitive (after the backoff the failures earned).
	clk.Advance(time.Minute)
	if _, err := svc.SignIn(ctx, "Root@Example.com", goodPassword, iam.Meta{}); err != nil {
		t.Fatalf("sign in: %v", err)
	}
}

func TestSessionTimeouts(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	mustSetup(t, svc)
	in, err := svc.SignIn(ctx, "root@example.com", goodPassword, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	// Activity every 50 minutes keeps the session past one idle period...
	for range 5 {
		clk.Advance(50 * time.Minute)
		if _, err := svc.Authenticate(ctx, in.Token); err != nil {
			t.Fatalf("active session refused: %v", err)
		}
	}
	// ...but not past idle.
	clk.Advance(61 * time.Minute)
	if _, err := svc.Authenticate(ctx, in.Token); err != iam.ErrSessionInvalid {
		t.Fatalf("idle session: %v", err)
	}
	// The absolute lifetime holds whatever the activity.
	in, _ = svc.SignIn(ctx, "root@example.com", goodPassword, iam.Meta{})
	for range 24 {
		clk.Advance(30 * time.Minute)
		_, err = svc.Authenticate(ctx, in.Token)
	}
	if err != iam.ErrSessionInvalid {
		t.Fatalf("session past 12 h: %v", err)
	}
}

func TestSignOutEndsSession(t *testing.T) {
	svc, _, _ := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	mustSetup(t, svc)
	in, _ := svc.SignIn(ctx, "root@example.com", goodPassword, iam.Meta{})
	p, err := svc.Authenticate(ctx, in.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SignOut(ctx, p, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, in.Token); err != iam.ErrSessionInvalid {
		t.Fatalf("after sign-out: %v", err)
	}
}

package iam_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestConcurrentWrongPasswordsCheckAtMostTheThreshold: 30 wrong passwords
// at once from one network are counted before any is checked, so no more
// than the lock threshold are checked (the counter is the number checked),
// on SQLite and PostgreSQL alike.
func TestConcurrentWrongPasswordsCheckAtMostTheThreshold(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			mustSetup(t, svc)
			ctx := context.Background()
			m := iam.Meta{SourceIP: "198.51.100.9"}
			var wg sync.WaitGroup
			for i := range 30 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := svc.SignIn(ctx, "root@example.com", fmt.Sprintf("wrong password %d", i), m); err != iam.ErrSignInFailed {
						t.Errorf("attempt %d: %v", i, err)
					}
				}()
			}
			wg.Wait()
			th, err := store.Throttle(ctx, "principal:root@example.com|net:198.51.100.9")
			if err != nil {
				t.Fatal(err)
			}
			// Backoff starts at the third failure, so at once only three get
			// through; the bound the design promises is the threshold.
			t.Logf("30 concurrent wrong passwords: %d checked", th.Failures)
			if th.Failures < 1 || th.Failures > 10 {
				t.Fatalf("%d passwords checked, want 1 to 10", th.Failures)
			}
		})
	}
}

// TestLockIsPerNetwork: ten failures from one network lock that network out
// of the name, not the owner elsewhere.
func TestLockIsPerNetwork(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	mustSetup(t, svc)
	ctx := context.Background()
	attacker := iam.Meta{SourceIP: "203.0.113.66"}
	for i := range 10 {
		clk.Advance(2 * time.Minute)
		svc.SignIn(ctx, "root@example.com", fmt.Sprintf("guess %d", i), attacker)
	}
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, attacker); err != iam.ErrSignInFailed {
		t.Fatalf("attacker's network not locked: %v", err)
	}
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, iam.Meta{SourceIP: "192.0.2.10"}); err != nil {
		t.Fatalf("the owner is locked out by someone else's failures: %v", err)
	}
	// An IPv6 client is one /64: changing the interface ID changes nothing.
	v6 := func(host string) iam.Meta { return iam.Meta{SourceIP: "2001:db8:1:2:" + host} }
	for i := range 10 {
		clk.Advance(2 * time.Minute)
		svc.SignIn(ctx, "root@example.com", "guess", v6(fmt.Sprintf("%x:0:0:1", i+1)))
	}
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, v6("ffff:0:0:1")); err != iam.ErrSignInFailed {
		t.Fatalf("a new address in the same /64 escaped the lock: %v", err)
	}
}

// TestSlowDownSparesKnownNetworks: a name failing from many networks is
// slowed down for networks it never signed in from (one attempt per
// interval among them), while a network it signed in from before goes on.
func TestSlowDownSparesKnownNetworks(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	mustSetup(t, svc)
	ctx := context.Background()
	home := iam.Meta{SourceIP: "192.0.2.20"}
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, home); err != nil {
		t.Fatal(err)
	}
	// A botnet: 100 failures from 100 addresses, each far below its own lock.
	for i := range 100 {
		clk.Advance(time.Second)
		m := iam.Meta{SourceIP: fmt.Sprintf("198.18.%d.%d", i/250, i%250+1)}
		if _, err := svc.SignIn(ctx, "root@example.com", "guess", m); err != iam.ErrSignInFailed {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	newNet := iam.Meta{SourceIP: "198.19.0.1"}
	if _, err := svc.SignIn(ctx, "root@example.com", "guess", newNet); err != iam.ErrSignInFailed {
		t.Fatal(err)
	}
	// Within the interval, even the right password from another unknown
	// network is not checked.
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, iam.Meta{SourceIP: "198.19.0.2"}); err != iam.ErrSignInFailed {
		t.Fatalf("slowed-down name checked twice within the interval: %v", err)
	}
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, home); err != nil {
		t.Fatalf("the owner's known network was slowed down: %v", err)
	}
	clk.Advance(11 * time.Second)
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, iam.Meta{SourceIP: "198.19.0.2"}); err != nil {
		t.Fatalf("after the interval: %v", err)
	}
}

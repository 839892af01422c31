package iam_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/auth/sigv4"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// processes are two services on one database, as two processes behind a
// load balancer: the first's store, both clocks, and the account set up.
type processes struct {
	one, two       *iam.Service
	store          *models.Store
	clkOne, clkTwo *clock
	setup          *iam.SetupResult
	root           *iam.Principal
}

func twoProcesses(t *testing.T, dsn string) *processes {
	t.Helper()
	one, store, clkOne := newService(t, dsn)
	two, _, clkTwo := newService(t, dsn)
	setup := mustSetup(t, one)
	return &processes{one: one, two: two, store: store, clkOne: clkOne, clkTwo: clkTwo, setup: setup, root: rootOf(setup)}
}

// TestSessionEndsAcrossProcesses: a process keeps the sessions it has
// authenticated, and every way a session ends through another process
// refuses it on the first process's next request (two services on one
// database, as two processes behind a load balancer).
func TestSessionEndsAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	m := iam.Meta{SourceIP: "192.0.2.9"}
	cases := []struct {
		name string
		// end ends session (its token) through svc; other is another
		// session of the same user, root the account's root.
		end func(t *testing.T, svc *iam.Service, root, session, other *iam.Principal) error
	}{
		{"sign-out", func(t *testing.T, svc *iam.Service, root, session, other *iam.Principal) error {
			return svc.SignOut(ctx, session, m)
		}},
		{"ended from the user's other session", func(t *testing.T, svc *iam.Service, root, session, other *iam.Principal) error {
			infos, err := svc.MySessions(ctx, other)
			if err != nil {
				return err
			}
			for _, in := range infos { // the user's others: the one asked, and its first
				if !in.Current {
					if err := svc.EndMySession(ctx, other, in.PublicID, m); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{"an administrator ends the user's sessions", func(t *testing.T, svc *iam.Service, root, session, other *iam.Principal) error {
			_, err := svc.EndUserSessions(ctx, root, "dev", m)
			return err
		}},
		{"console password removed", func(t *testing.T, svc *iam.Service, root, session, other *iam.Principal) error {
			return svc.DeleteLoginProfile(ctx, root, "dev", m)
		}},
		{"password reset by an administrator", func(t *testing.T, svc *iam.Service, root, session, other *iam.Principal) error {
			return svc.UpdateLoginProfile(ctx, root, iam.UpdateLoginProfileInput{UserName: "dev", Password: new("another long passphrase here")}, m)
		}},
	}
	for _, b := range dbtest.Backends(t) {
		for _, c := range cases {
			t.Run(b.Name+"/"+c.name, func(t *testing.T) {
				p := twoProcesses(t, b.DSN(t))
				one, two, store, root := p.one, p.two, p.store, p.root
				signedInUser(t, one, store, root, "dev")
				res, err := one.SignIn(ctx, "dev", userPassword, m)
				if err != nil {
					t.Fatal(err)
				}
				other := signIn(t, two, "dev", userPassword)
				for range 3 { // kept by both
					for _, svc := range []*iam.Service{one, two} {
						if _, err := svc.Authenticate(ctx, res.Token); err != nil {
							t.Fatalf("before: %v", err)
						}
					}
				}
				session, err := two.Authenticate(ctx, res.Token)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.end(t, two, root, session, other); err != nil {
					t.Fatalf("end: %v", err)
				}
				if p, err := one.Authenticate(ctx, res.Token); !errors.Is(err, iam.ErrSessionInvalid) {
					t.Fatalf("the session ended through the other process still authenticates here: %v, %+v", err, p)
				}
				if _, err := two.Authenticate(ctx, res.Token); !errors.Is(err, iam.ErrSessionInvalid) {
					t.Fatalf("the session ended through this process still authenticates: %v", err)
				}
			})
		}
	}
}

// TestKeptSessionIdleTimeout: the last activity a process keeps of a
// session may be older than the database's (another process saw later
// activity): the session is read again before it is ended as idle, and
// ended once it really is.
func TestKeptSessionIdleTimeout(t *testing.T) {
	ctx := context.Background()
	p := twoProcesses(t, dbtest.SQLite(t))
	one, two, store, clkOne, clkTwo, root := p.one, p.two, p.store, p.clkOne, p.clkTwo, p.root
	signedInUser(t, one, store, root, "dev")
	res, err := one.SignIn(ctx, "dev", userPassword, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	auth := func(svc *iam.Service) error {
		_, err := svc.Authenticate(ctx, res.Token)
		return err
	}
	if err := auth(one); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*clock{clkOne, clkTwo} {
		c.Advance(50 * time.Minute)
	}
	if err := auth(two); err != nil { // records the activity in the database
		t.Fatal(err)
	}
	clkOne.Advance(20 * time.Minute) // 70 minutes after what one keeps, 20 after the database's
	if err := auth(one); err != nil {
		t.Fatalf("active 20 minutes ago through the other process, refused as idle: %v", err)
	}
	clkOne.Advance(61 * time.Minute)
	if err := auth(one); !errors.Is(err, iam.ErrSessionInvalid) {
		t.Fatalf("idle for 61 minutes, still valid: %v", err)
	}
	clkTwo.Advance(81 * time.Minute)
	if err := auth(two); !errors.Is(err, iam.ErrSessionInvalid) {
		t.Fatalf("ended as idle by the other process, still valid here: %v", err)
	}
}

// TestKeptUserSeesSignIn: a process keeps user rows across requests, and a
// sign-in through another process (the password's last use) shows on the
// first process's next GetUser.
func TestKeptUserSeesSignIn(t *testing.T) {
	ctx := context.Background()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			p := twoProcesses(t, b.DSN(t))
			one, two, store, clkTwo, setup, root := p.one, p.two, p.store, p.clkTwo, p.setup, p.root
			signedInUser(t, one, store, root, "dev")
			// Each request has a principal of its own, which reads the
			// stamps once.
			before, err := one.GetUser(ctx, rootOf(setup), "dev", iam.Meta{})
			if err != nil || before.PasswordLastUsed == nil {
				t.Fatalf("before: %v %+v", err, before)
			}
			clkTwo.Advance(3 * time.Hour)
			signIn(t, two, "dev", userPassword)
			after, err := one.GetUser(ctx, rootOf(setup), "dev", iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if after.PasswordLastUsed == nil || !after.PasswordLastUsed.After(*before.PasswordLastUsed) {
				t.Fatalf("password last used %v, then %v after a sign-in through the other process", before.PasswordLastUsed, after.PasswordLastUsed)
			}
			// The copy handed out is the caller's own.
			after.PasswordLastUsed = nil
			again, err := one.GetUser(ctx, rootOf(setup), "DEV", iam.Meta{})
			if err != nil || again.PasswordLastUsed == nil {
				t.Fatalf("again: %v %+v", err, again)
			}
		})
	}
}

// TestKeptSessionConcurrentSignOut: requests authenticating one session at
// the same time as it signs out share the kept session safely (go test
// -race), and none authenticates once the sign-out has returned.
func TestKeptSessionConcurrentSignOut(t *testing.T) {
	ctx := context.Background()
	svc, store, _ := newService(t, dbtest.SQLite(t))
	root := rootOf(mustSetup(t, svc))
	signedInUser(t, svc, store, root, "dev")
	res, err := svc.SignIn(ctx, "dev", userPassword, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	var signedOut atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for more := 20; more > 0; { // until 20 requests after the sign-out
				after := signedOut.Load() // read before the request starts
				if after {
					more--
				}
				_, err := svc.Authenticate(ctx, res.Token)
				switch {
				case after && err == nil:
					errs <- errors.New("a request begun after the sign-out returned authenticated")
					return
				case err != nil && !errors.Is(err, iam.ErrSessionInvalid):
					errs <- err
					return
				}
			}
		})
	}
	p, err := svc.Authenticate(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SignOut(ctx, p, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	signedOut.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestKeptAPIKeyAcrossProcesses: a process keeps the access keys its API
// requests were signed with, and a key deactivated or deleted, or its user
// renamed, through another process takes effect on the first process's
// next request.
func TestKeptAPIKeyAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			p := twoProcesses(t, b.DSN(t))
			one, two, root := p.one, p.two, p.root
			mustCreateUser(t, one, root, "ci")
			key, err := one.CreateAccessKey(ctx, root, "ci", iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			id := key.AccessKeyId
			request := func() (*iam.Principal, error) { // the verifier's lookup, then the caller
				if _, err := one.APICredential(ctx, id); err != nil {
					return nil, err
				}
				return one.APIPrincipal(ctx, &sigv4.Result{AccessKeyID: id, Service: "iam", Region: "us-east-1"}, iam.Meta{})
			}
			for range 3 {
				if p, err := request(); err != nil || p.Name != "ci" {
					t.Fatalf("before: %v %+v", err, p)
				}
			}
			if _, err := two.UpdateUser(ctx, root, iam.UpdateUserInput{UserName: "ci", NewUserName: "deploy"}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if p, err := request(); err != nil || p.Name != "deploy" || !strings.HasSuffix(p.ARN, ":user/deploy") {
				t.Fatalf("after the user was renamed through the other process: %v %+v", err, p)
			}
			if err := two.UpdateAccessKey(ctx, root, iam.UpdateAccessKeyInput{UserName: "deploy", AccessKeyId: id, Status: "Inactive"}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if _, err := request(); !errors.Is(err, sigv4.ErrUnknownKey) {
				t.Fatalf("a key deactivated through the other process still signs here: %v", err)
			}
			if err := two.UpdateAccessKey(ctx, root, iam.UpdateAccessKeyInput{UserName: "deploy", AccessKeyId: id, Status: "Active"}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if _, err := request(); err != nil {
				t.Fatalf("active again: %v", err)
			}
			if err := two.DeleteAccessKey(ctx, root, "deploy", id, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if _, err := request(); !errors.Is(err, sigv4.ErrUnknownKey) {
				t.Fatalf("a key deleted through the other process still signs here: %v", err)
			}
			if _, err := one.APIPrincipal(ctx, &sigv4.Result{AccessKeyID: id}, iam.Meta{}); iam.KindOf(err) != iam.Unauthenticated {
				t.Fatalf("the caller of a deleted key: %v", err)
			}
		})
	}
}

// TestKeptRoleSessionAcrossProcesses: a switched-role console session's
// role is kept by the process that authenticates it, and the role deleted
// through another process ends the session on the first's next request.
func TestKeptRoleSessionAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			p := twoProcesses(t, b.DSN(t))
			one, two, store, root := p.one, p.two, p.store, p.root
			if err := one.UpdateAccountSettings(ctx, root, iam.AccountSettings{AllowUsersWithoutMFA: true}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			dev := signedInUser(t, one, store, root, "dev")
			if _, err := one.PutInlinePolicy(ctx, root, iam.UserNamed("dev"), "assume", `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			role, err := one.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: "ops", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + root.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`}, iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			dev, err = one.Authenticate(ctx, mustToken(t, one, "dev"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := one.SwitchRole(ctx, dev, role.Arn, iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if p, err := one.Authenticate(ctx, res.Token); err != nil || p.Session == nil || p.Session.RoleARN != role.Arn {
					t.Fatalf("role session: %v %+v", err, p)
				}
			}
			if err := two.DeleteRole(ctx, root, "ops", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if _, err := one.Authenticate(ctx, res.Token); !errors.Is(err, iam.ErrSessionInvalid) {
				t.Fatalf("a session of a role deleted through the other process still authenticates: %v", err)
			}
		})
	}
}

// mustToken signs name in and returns the session's token.
func mustToken(t *testing.T, svc *iam.Service, name string) string {
	t.Helper()
	res, err := svc.SignIn(context.Background(), name, userPassword, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Token
}

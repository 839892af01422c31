package iam_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrolledRoot sets up root, enrolls a device and returns its secret and
// recovery codes.
func enrolledRoot(t *testing.T, svc *iam.Service, clk *clock) (string, []string) {
	t.Helper()
	ctx := context.Background()
	res, err := svc.Setup(ctx, iam.SetupInput{Email: "root@example.com", Password: goodPassword, OpenSession: true}, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Authenticate(ctx, res.Session.Token)
	if err != nil || !p.MustEnrollMFA {
		t.Fatalf("root without MFA: %+v, %v", p, err)
	}
	// Past the fresh sign-in, enrolling asks for the password again.
	clk.Advance(iam.FreshSignIn)
	if _, err := svc.StartEnrollment(ctx, p, "phone", "wrong password", iam.Meta{}); iam.KindOf(err) != iam.Invalid {
		t.Fatalf("enrollment without the password: %v", err)
	}
	e, err := svc.StartEnrollment(ctx, p, "phone", goodPassword, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	now := clk.Now()
	conf, err := svc.ConfirmEnrollment(ctx, p, codeAt(t, e.Secret, now.Add(-30*time.Second)), codeAt(t, e.Secret, now), iam.Meta{})
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	if len(conf.RecoveryCodes) != 10 || conf.Session == nil || conf.Session.Principal.MFA != true {
		t.Fatalf("confirm result %+v", conf)
	}
	return e.Secret, conf.RecoveryCodes
}

func signInWithCode(t *testing.T, svc *iam.Service, code string) (*iam.SignInResult, error) {
	t.Helper()
	res, err := svc.SignIn(context.Background(), "root@example.com", goodPassword, iam.Meta{SourceIP: "192.0.2.7"})
	if err != nil {
		t.Fatalf("password step: %v", err)
	}
	if res.MFAChallenge == "" || res.Token != "" {
		t.Fatalf("a principal with MFA got a session from its password alone: %+v", res)
	}
	return svc.VerifyMFA(context.Background(), res.MFAChallenge, code, iam.Meta{SourceIP: "192.0.2.7"})
}

func TestEnrollmentFailureLeavesNoDevice(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	res, _ := svc.Setup(ctx, iam.SetupInput{Email: "root@example.com", Password: goodPassword, OpenSession: true}, iam.Meta{})
	p, _ := svc.Authenticate(ctx, res.Session.Token)
	e, err := svc.StartEnrollment(ctx, p, "phone", goodPassword, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Secret) != 32 { // 160 bits in base32
		t.Fatalf("secret %q is not 160 bits", e.Secret)
	}
	now := clk.Now()
	// Two codes that are not consecutive: refused, and the enrollment ends.
	if _, err := svc.ConfirmEnrollment(ctx, p, codeAt(t, e.Secret, now), codeAt(t, e.Secret, now.Add(-30*time.Second)), iam.Meta{}); iam.KindOf(err) != iam.Invalid {
		t.Fatalf("reversed codes: %v", err)
	}
	if _, err := svc.ConfirmEnrollment(ctx, p, codeAt(t, e.Secret, now.Add(-30*time.Second)), codeAt(t, e.Secret, now), iam.Meta{}); iam.KindOf(err) != iam.NotFound {
		t.Fatalf("confirm after a failed attempt: %v", err)
	}
	st, _ := svc.MyMFA(ctx, p)
	if len(st.Devices) != 0 {
		t.Fatal("a failed enrollment left a device")
	}
	// An abandoned enrollment expires.
	if _, err := svc.StartEnrollment(ctx, p, "phone", goodPassword, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(iam.EnrollmentLifetime + time.Second)
	if _, err := svc.PendingEnrollment(ctx, p); iam.KindOf(err) != iam.NotFound {
		t.Fatalf("expired enrollment: %v", err)
	}
}

func TestTOTPCodesWorkOnce(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	secret, _ := enrolledRoot(t, svc, clk)
	now := clk.Now()
	// The enrollment codes (T-1 and T) are spent.
	if _, err := signInWithCode(t, svc, codeAt(t, secret, now)); err != iam.ErrMFAFailed {
		t.Fatalf("enrollment code reused at sign-in: %v", err)
	}
	next := codeAt(t, secret, now.Add(30*time.Second)) // T+1 is accepted
	if _, err := signInWithCode(t, svc, next); err != nil {
		t.Fatalf("T+1: %v", err)
	}
	if _, err := signInWithCode(t, svc, next); err != iam.ErrMFAFailed {
		t.Fatalf("the same code twice: %v", err)
	}
	for name, at := range map[string]time.Duration{"T-2": -60 * time.Second, "T+2": 60 * time.Second} {
		clk.Advance(16 * time.Minute) // past any backoff or lock from earlier failures
		if _, err := signInWithCode(t, svc, codeAt(t, secret, clk.Now().Add(at))); err != iam.ErrMFAFailed {
			t.Errorf("%s accepted: %v", name, err)
		}
	}
	for _, bad := range []string{"12345", "1234567", "12 345", "abcdef", "１２３４５６", "١٢٣٤٥٦", "", "12345\x00"} {
		clk.Advance(16 * time.Minute)
		if _, err := signInWithCode(t, svc, bad); err != iam.ErrMFAFailed {
			t.Errorf("malformed %q: %v", bad, err)
		}
	}
}

func TestConcurrentSignInsWithOneCode(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, _, clk := newService(t, b.DSN(t))
			secret, _ := enrolledRoot(t, svc, clk)
			code := codeAt(t, secret, clk.Now().Add(30*time.Second))
			var challenges []string
			for range 4 {
				res, err := svc.SignIn(context.Background(), "root@example.com", goodPassword, iam.Meta{})
				if err != nil {
					t.Fatal(err)
				}
				challenges = append(challenges, res.MFAChallenge)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			sessions := 0
			for _, ch := range challenges {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := svc.VerifyMFA(context.Background(), ch, code, iam.Meta{})
					if err == nil && res.Token != "" {
						mu.Lock()
						sessions++
						mu.Unlock()
					} else if err != iam.ErrMFAFailed {
						t.Errorf("racing sign-in: %v", err)
					}
				}()
			}
			wg.Wait()
			if sessions != 1 {
				t.Fatalf("%d sessions from one code, want 1", sessions)
			}
		})
	}
}

func TestRecoveryCodes(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	_, codes := enrolledRoot(t, svc, clk)
	res, err := signInWithCode(t, svc, codes[3])
	if err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	if res.RecoveryCodesLeft != 9 {
		t.Fatalf("left = %d", res.RecoveryCodesLeft)
	}
	if _, err := signInWithCode(t, svc, codes[3]); err != iam.ErrMFAFailed {
		t.Fatalf("a recovery code worked twice: %v", err)
	}
	// Lower case and without the dash, once.
	lower := []byte(codes[4])
	for i := range lower {
		if lower[i] >= 'A' && lower[i] <= 'Z' {
			lower[i] += 'a' - 'A'
		}
	}
	if _, err := signInWithCode(t, svc, string(lower[:5])+string(lower[6:])); err != nil {
		t.Fatalf("recovery code in lower case without dash: %v", err)
	}
	// New codes invalidate the old set.
	p, _ := svc.Authenticate(context.Background(), res.Token)
	fresh, err := svc.RegenerateRecoveryCodes(context.Background(), p, goodPassword, iam.Meta{})
	if err != nil || len(fresh) != 10 {
		t.Fatalf("regenerate: %v", err)
	}
	if _, err := signInWithCode(t, svc, codes[5]); err != iam.ErrMFAFailed {
		t.Fatalf("an old recovery code still works: %v", err)
	}
	if _, err := signInWithCode(t, svc, fresh[0]); err != nil {
		t.Fatalf("a new recovery code: %v", err)
	}
}

func TestChallengeExpiresAndIsSingleUse(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	secret, _ := enrolledRoot(t, svc, clk)
	res, _ := svc.SignIn(context.Background(), "root@example.com", goodPassword, iam.Meta{})
	clk.Advance(iam.MFAChallengeLifetime + time.Second)
	if _, err := svc.VerifyMFA(context.Background(), res.MFAChallenge, codeAt(t, secret, clk.Now()), iam.Meta{}); err != iam.ErrMFAExpired {
		t.Fatalf("expired challenge: %v", err)
	}
	res, _ = svc.SignIn(context.Background(), "root@example.com", goodPassword, iam.Meta{})
	if _, err := svc.VerifyMFA(context.Background(), res.MFAChallenge, codeAt(t, secret, clk.Now()), iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(30 * time.Second)
	if _, err := svc.VerifyMFA(context.Background(), res.MFAChallenge, codeAt(t, secret, clk.Now()), iam.Meta{}); err != iam.ErrMFAExpired {
		t.Fatalf("a used challenge opened a second session: %v", err)
	}
}

func TestRootKeepsLastDevice(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	secret, _ := enrolledRoot(t, svc, clk)
	clk.Advance(30 * time.Second)
	res, err := signInWithCode(t, svc, codeAt(t, secret, clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := svc.Authenticate(context.Background(), res.Token)
	st, _ := svc.MyMFA(context.Background(), p)
	if _, err := svc.RemoveMFADevice(context.Background(), p, st.Devices[0].Serial, goodPassword, iam.Meta{}); iam.KindOf(err) != iam.Conflict {
		t.Fatalf("removing root's last device: %v", err)
	}
}

func TestLockout(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, _, clk := newService(t, b.DSN(t))
			mustSetup(t, svc)
			ctx := context.Background()
			m := iam.Meta{SourceIP: "198.51.100.1"}
			for i := range 10 {
				clk.Advance(2 * time.Minute) // past every backoff
				if _, err := svc.SignIn(ctx, "root@example.com", "wrong password "+string(rune('a'+i)), m); err != iam.ErrSignInFailed {
					t.Fatalf("failure %d: %v", i, err)
				}
			}
			clk.Advance(time.Minute)
			// Locked: the right password gets the same answer as a wrong one.
			if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, m); err != iam.ErrSignInFailed {
				t.Fatalf("locked account: %v", err)
			}
			clk.Advance(15 * time.Minute)
			if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, m); err != nil {
				t.Fatalf("after the lock period: %v", err)
			}
		})
	}
}

func TestBackoffBeforeLock(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	mustSetup(t, svc)
	ctx := context.Background()
	for range 4 {
		svc.SignIn(ctx, "root@example.com", "wrong", iam.Meta{SourceIP: "198.51.100.2"})
	}
	// Right after the fourth failure, even the right password must wait.
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, iam.Meta{SourceIP: "198.51.100.2"}); err != iam.ErrSignInFailed {
		t.Fatalf("during backoff: %v", err)
	}
	clk.Advance(3 * time.Second)
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, iam.Meta{SourceIP: "198.51.100.2"}); err != nil {
		t.Fatalf("after backoff: %v", err)
	}
}

func TestAdminUnlock(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	mustSetup(t, svc)
	ctx := context.Background()
	for range 10 {
		clk.Advance(2 * time.Minute)
		svc.SignIn(ctx, "root@example.com", "wrong", iam.Meta{SourceIP: "198.51.100.3"})
	}
	m := iam.Meta{SourceIP: "198.51.100.3"} // locks are per network
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, m); err != iam.ErrSignInFailed {
		t.Fatal("not locked")
	}
	if had, err := svc.UnlockSignIn(ctx, nil, "ROOT@example.com", iam.Meta{}); err != nil || !had {
		t.Fatalf("unlock: %v %v", had, err)
	}
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, m); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
}

// TestUnlockIsAuthorizedOnTheUser: lifting a lock is iam:UpdateLoginProfile
// on the locked user, so a delegated administrator may unlock the users it
// administers and no one else; root's lock only root (or the operator)
// may lift, whatever an IAM policy says.
func TestUnlockIsAuthorizedOnTheUser(t *testing.T) {
	svc, store, root := rootService(t, dbtest.SQLite(t))
	ctx := context.Background()
	mustCreateUser(t, svc, root, "alice")
	if _, err := svc.CreateUser(ctx, root, iam.CreateUserInput{UserName: "dana", Path: "/dev/"}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	admin := signedInUser(t, svc, store, root, "admin", "arn:aws:iam::aws:policy/IAMFullAccess")
	lead := signedInUser(t, svc, store, root, "lead")
	u, err := store.User(ctx, root.AccountID, "lead")
	if err != nil {
		t.Fatal(err)
	}
	putInline(t, store, root.AccountID, models.EntityUser, u.UserID, "dev-team", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":"iam:UpdateLoginProfile","Resource":"arn:aws:iam::`+root.AccountID+`:user/dev/*"}]}`)
	for _, c := range []struct {
		caller *iam.Principal
		name   string
		user   string
		want   iam.Kind // Internal: allowed
	}{
		{nil, "operator", "root@example.com", iam.Internal},
		{root, "root", "root@example.com", iam.Internal},
		{admin, "admin", "ROOT@example.com", iam.AccessDenied},
		{admin, "admin", "alice", iam.Internal},
		{admin, "admin", "nobody", iam.Internal},
		{lead, "lead", "dana", iam.Internal},
		{lead, "lead", "alice", iam.AccessDenied},
		{lead, "lead", "nobody", iam.AccessDenied},
		{lead, "lead", "root@example.com", iam.AccessDenied},
	} {
		_, err := svc.UnlockSignIn(ctx, c.caller, c.user, iam.Meta{})
		if c.want == iam.Internal {
			if err != nil {
				t.Errorf("%s unlocking %s: %v", c.name, c.user, err)
			}
			continue
		}
		if iam.KindOf(err) != c.want {
			t.Errorf("%s unlocking %s: %v, want %v", c.name, c.user, err, c.want)
		}
	}
}

func TestPasswordSprayingIsThrottledPerIP(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	mustSetup(t, svc)
	ctx := context.Background()
	m := iam.Meta{SourceIP: "203.0.113.50"}
	for i := range 50 {
		clk.Advance(time.Second)
		user := "user" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		if _, err := svc.SignIn(ctx, user, "Spring2026!", m); err != iam.ErrSignInFailed {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, m); err != iam.ErrThrottled {
		t.Fatalf("51st attempt from the same IP: %v", err)
	}
	// Another IP is not affected, and the window passes.
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, iam.Meta{SourceIP: "203.0.113.51"}); err != nil {
		t.Fatalf("other IP: %v", err)
	}
	clk.Advance(16 * time.Minute)
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, m); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

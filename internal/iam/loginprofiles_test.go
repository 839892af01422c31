package iam_test

import (
	"context"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

func TestLoginProfiles(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, _, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			mustCreateUser(t, svc, root, "grace")
			for _, c := range []struct{ name, pw string }{
				{"short", "short pass"},
				{"common", "mailcreated5240"},
				{"has the user name", "grace-is-the-best-admin"},
			} {
				_, err := svc.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: "grace", Password: c.pw}, iam.Meta{})
				if e := wantKind(t, err, iam.Invalid, c.name); e.Code != "PasswordPolicyViolation" || e.Field != "Password" {
					t.Fatalf("%s: %+v", c.name, e)
				}
			}
			_, err := svc.GetLoginProfile(ctx, root, "grace", iam.Meta{})
			if e := wantKind(t, err, iam.NotFound, "no profile"); e.Message != "Login Profile for User grace cannot be found." {
				t.Fatal(e.Message)
			}
			lp, err := svc.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: "grace", Password: userPassword}, iam.Meta{})
			if err != nil || lp.UserName != "grace" || lp.PasswordResetRequired {
				t.Fatalf("create: %+v %v", lp, err)
			}
			if _, err := svc.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: "grace", Password: userPassword}, iam.Meta{}); iam.KindOf(err) != iam.AlreadyExists {
				t.Fatalf("second profile: %v", err)
			}
			grace := signIn(t, svc, "grace", userPassword)
			if grace.MustChangePassword {
				t.Fatal("no reset asked, yet confined")
			}
			if u, _ := svc.GetUser(ctx, root, "grace", iam.Meta{}); u.PasswordLastUsed == nil {
				t.Fatal("PasswordLastUsed not recorded")
			}
			// An administrator's reset ends the sessions and asks for a new password.
			newPW, yes := "another quite long passphrase", true
			if err := svc.UpdateLoginProfile(ctx, root, iam.UpdateLoginProfileInput{UserName: "grace", Password: &newPW, PasswordResetRequired: &yes}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Authenticate(ctx, grace.SessionID); err == nil {
				t.Fatal("session survived a reset")
			}
			if _, err := svc.SignIn(ctx, "grace", userPassword, iam.Meta{}); err != iam.ErrSignInFailed {
				t.Fatalf("old password after reset: %v", err)
			}
			grace = signIn(t, svc, "grace", newPW)
			if !grace.MustChangePassword {
				t.Fatal("reset required, not confined")
			}
			got, _ := svc.GetLoginProfile(ctx, root, "grace", iam.Meta{})
			if !got.PasswordResetRequired {
				t.Fatal("flag not set")
			}
			// Deleting the profile ends console access and the sessions.
			res, err := svc.SignIn(ctx, "grace", newPW, iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.DeleteLoginProfile(ctx, root, "grace", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Authenticate(ctx, res.Token); err != iam.ErrSessionInvalid {
				t.Fatalf("session after profile deletion: %v", err)
			}
			if _, err := svc.SignIn(ctx, "grace", newPW, iam.Meta{}); err != iam.ErrSignInFailed {
				t.Fatalf("sign-in without a profile: %v", err)
			}
			if err := svc.DeleteLoginProfile(ctx, root, "grace", iam.Meta{}); iam.KindOf(err) != iam.NotFound {
				t.Fatalf("second delete: %v", err)
			}
		})
	}
}

func TestForcedPasswordChange(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, _, clk := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			mustCreateUser(t, svc, root, "heidi")
			if _, err := svc.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: "heidi", Password: userPassword, PasswordResetRequired: true}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			res, err := svc.SignIn(ctx, "heidi", userPassword, iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			p, err := svc.Authenticate(ctx, res.Token)
			if err != nil || !p.MustChangePassword {
				t.Fatalf("first sign-in not confined: %+v %v", p, err)
			}
			if _, err := svc.ChangePassword(ctx, p, "wrong old password", "a brand new passphrase", iam.Meta{}); iam.KindOf(err) != iam.Invalid {
				t.Fatalf("wrong old password: %v", err)
			}
			if _, err := svc.ChangePassword(ctx, p, userPassword, userPassword, iam.Meta{}); iam.KindOf(err) != iam.Invalid {
				t.Fatalf("same password again: %v", err)
			}
			if _, err := svc.ChangePassword(ctx, p, userPassword, "short", iam.Meta{}); iam.KindOf(err) != iam.Invalid {
				t.Fatalf("too short: %v", err)
			}
			rot, err := svc.ChangeMyPassword(ctx, p, userPassword, "a brand new passphrase", iam.Meta{})
			if err != nil || rot == nil || rot.Token == "" {
				t.Fatalf("change: %+v %v", rot, err)
			}
			if _, err := svc.Authenticate(ctx, res.Token); err != iam.ErrSessionInvalid {
				t.Fatalf("old session after change: %v", err)
			}
			p, err = svc.Authenticate(ctx, rot.Token)
			if err != nil || p.MustChangePassword {
				t.Fatalf("rotated session still confined: %+v %v", p, err)
			}
			lp, _ := svc.GetLoginProfile(ctx, root, "heidi", iam.Meta{})
			if lp.PasswordResetRequired {
				t.Fatal("reset flag not cleared")
			}

			// Expiry: past MaxPasswordAge the session is confined; with hard
			// expiry the sign-in is refused, after the password is checked.
			if err := svc.UpdatePasswordPolicy(ctx, root, iam.PasswordPolicy{MinimumPasswordLength: 12, MaxPasswordAge: 30,
				AllowUsersToChangePassword: true}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			clk.Advance(29 * 24 * time.Hour)
			if p := signIn(t, svc, "heidi", "a brand new passphrase"); p.MustChangePassword {
				t.Fatal("confined before expiry")
			}
			clk.Advance(2 * 24 * time.Hour)
			p = signIn(t, svc, "heidi", "a brand new passphrase")
			if !p.MustChangePassword {
				t.Fatal("expired password, session not confined")
			}
			if err := svc.UpdatePasswordPolicy(ctx, root, iam.PasswordPolicy{MinimumPasswordLength: 12, MaxPasswordAge: 30,
				HardExpiry: true, AllowUsersToChangePassword: true}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.SignIn(ctx, "heidi", "wrong password entirely", iam.Meta{}); err != iam.ErrSignInFailed {
				t.Fatalf("wrong password under hard expiry: %v", err)
			}
			clk.Advance(time.Minute) // past the backoff the failure earned
			if _, err := svc.SignIn(ctx, "heidi", "a brand new passphrase", iam.Meta{}); err != iam.ErrPasswordExpired {
				t.Fatalf("hard expiry: %v", err)
			}
			if _, err := svc.ChangePassword(ctx, p, "a brand new passphrase", "yet another passphrase", iam.Meta{}); err != iam.ErrPasswordExpired {
				t.Fatalf("change under hard expiry: %v", err)
			}
			// Through the API (access keys, no console session) heidi may
			// change it: AWS's PasswordPolicy reference, HardExpiry.
			api := *p
			api.SessionID = ""
			if _, err := svc.ChangePassword(ctx, &api, "a brand new passphrase", "changed through the api", iam.Meta{}); err != nil {
				t.Fatalf("change through the API under hard expiry: %v", err)
			}
			if p := signIn(t, svc, "heidi", "changed through the api"); p.MustChangePassword {
				t.Fatal("password changed through the API still expired")
			}
			clk.Advance(31 * 24 * time.Hour) // expired again, for the reset below
			// An administrator's reset lets heidi in again.
			pw := "administrator chosen one"
			if err := svc.UpdateLoginProfile(ctx, root, iam.UpdateLoginProfileInput{UserName: "heidi", Password: &pw}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if p := signIn(t, svc, "heidi", pw); p.MustChangePassword {
				t.Fatal("fresh password confined")
			}
		})
	}
}

func TestChangePasswordRules(t *testing.T) {
	svc, store, _ := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	root := rootOf(mustSetup(t, svc))
	if err := svc.UpdatePasswordPolicy(ctx, root, iam.PasswordPolicy{MinimumPasswordLength: 8, PasswordReusePrevention: 3,
		AllowUsersToChangePassword: true}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	p := signedInUser(t, svc, store, root, "ivan")
	pws := []string{userPassword, "second passphrase one", "third passphrase two", "fourth passphrase three"}
	for i := 1; i < len(pws); i++ {
		if _, err := svc.ChangePassword(ctx, p, pws[i-1], pws[i], iam.Meta{}); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
		p = signIn(t, svc, "ivan", pws[i])
	}
	for _, old := range pws[1:] {
		if _, err := svc.ChangePassword(ctx, p, pws[3], old, iam.Meta{}); iam.KindOf(err) != iam.Invalid {
			t.Errorf("reuse of %q: %v", old, err)
		}
	}
	if _, err := svc.ChangePassword(ctx, p, pws[3], pws[0], iam.Meta{}); err != nil {
		t.Fatalf("a password older than the last 3: %v", err)
	}
	p = signIn(t, svc, "ivan", pws[0])

	// Users may not change passwords unless a policy lets them.
	if err := svc.UpdatePasswordPolicy(ctx, root, iam.PasswordPolicy{MinimumPasswordLength: 8}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ChangePassword(ctx, p, pws[0], "a fifth passphrase here", iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
		t.Fatalf("not allowed to change: %v", err)
	}
	if err := svc.AttachPolicy(ctx, root, iam.UserNamed("ivan"), "arn:aws:iam::aws:policy/IAMUserChangePassword", iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	p = signIn(t, svc, "ivan", pws[0]) // a new request: a principal loads its policies once per request
	if _, err := svc.ChangePassword(ctx, p, pws[0], "a fifth passphrase here", iam.Meta{}); err != nil {
		t.Fatalf("with IAMUserChangePassword: %v", err)
	}
	if _, err := svc.ChangePassword(ctx, root, "x", "y", iam.Meta{}); iam.KindOf(err) != iam.Invalid {
		t.Fatalf("root through ChangePassword: %v", err)
	}
}

package iam_test

import (
	"context"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestForcedStepsGrantWhatTheyNeed: a read-only user whose password must
// change (expired, and users may not change their passwords) and who must
// enroll MFA (the account default) completes both steps, each allowed by
// the confined session's grant through the engine, whatever a permissions
// boundary says; the grant ends with the confinement; an explicit Deny
// still wins.
func TestForcedStepsGrantWhatTheyNeed(t *testing.T) {
	for _, c := range []struct {
		name     string
		boundary string
		deny     bool
	}{{"read-only", "", false}, {"with a boundary", "arn:aws:iam::aws:policy/ReadOnlyAccess", false}, {"explicit deny", "", true}} {
		t.Run(c.name, func(t *testing.T) {
			svc, store, clk := newService(t, dbtest.SQLite(t))
			root := rootOf(mustSetup(t, svc))
			ctx := context.Background()
			u := mustCreateUser(t, svc, root, "reader")
			if _, err := svc.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: "reader", Password: userPassword}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if err := store.AttachPolicy(ctx, root.AccountID, models.EntityUser, u.UserId, "arn:aws:iam::aws:policy/IAMReadOnlyAccess", time.Time{}); err != nil {
				t.Fatal(err)
			}
			if c.boundary != "" {
				if err := svc.PutPermissionsBoundary(ctx, root, iam.UserNamed("reader"), c.boundary, iam.Meta{}); err != nil {
					t.Fatal(err)
				}
			}
			if c.deny {
				putInline(t, store, root.AccountID, models.EntityUser, u.UserId, "no-mfa",
					`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateVirtualMFADevice","Resource":"*"}]}`)
			}
			if err := svc.UpdatePasswordPolicy(ctx, root, iam.PasswordPolicy{MinimumPasswordLength: 15, MaxPasswordAge: 30}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			clk.Advance(31 * 24 * time.Hour)
			p := signIn(t, svc, "reader", userPassword)
			if p.NextStep() != iam.StepChangePassword {
				t.Fatalf("first step %q", p.NextStep())
			}
			// Step 1: users may not change passwords and IAMReadOnlyAccess
			// does not allow it: the grant does.
			res, err := svc.ChangeMyPassword(ctx, p, userPassword, "a brand new passphrase here", iam.Meta{})
			if err != nil {
				t.Fatalf("forced password change: %v", err)
			}
			p, err = svc.Authenticate(ctx, res.Token)
			if err != nil || p.NextStep() != iam.StepEnrollMFA {
				t.Fatalf("second step %q %v", p.NextStep(), err)
			}
			// Step 2, right after a password was proved: no password asked.
			e, err := svc.StartEnrollment(ctx, p, iam.MFADeviceNameFor(p), "", iam.Meta{})
			if c.deny {
				if iam.KindOf(err) != iam.AccessDenied {
					t.Fatalf("an explicit Deny was overridden: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("forced enrollment: %v", err)
			}
			now := clk.Now()
			conf, err := svc.ConfirmEnrollment(ctx, p, codeAt(t, e.Secret, now.Add(-30*time.Second)), codeAt(t, e.Secret, now), iam.Meta{})
			if err != nil {
				t.Fatalf("confirm: %v", err)
			}
			p, err = svc.Authenticate(ctx, conf.Session.Token)
			if err != nil || p.NextStep() != iam.StepNone {
				t.Fatalf("after the steps %q %v", p.NextStep(), err)
			}
			// Free, the session has no grant: its own policies decide.
			if ok, _ := svc.Allowed(ctx, p, iam.Meta{}, "iam:CreateVirtualMFADevice", "arn:aws:iam::"+p.AccountID+":mfa/reader"); ok {
				t.Fatal("the grant outlived the confinement")
			}
			// Signing in again at once: the enrollment's codes are spent, the
			// next one works (as AWS).
			sres, err := svc.SignIn(ctx, "reader", "a brand new passphrase here", iam.Meta{SourceIP: "192.0.2.9"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.VerifyMFA(ctx, sres.MFAChallenge, codeAt(t, e.Secret, now), iam.Meta{}); err != iam.ErrMFAFailed {
				t.Fatalf("enrollment code replayed: %v", err)
			}
			if _, err := svc.VerifyMFA(ctx, sres.MFAChallenge, codeAt(t, e.Secret, now.Add(30*time.Second)), iam.Meta{}); err != nil {
				t.Fatalf("the next code right after enrolling: %v", err)
			}
		})
	}
}

// TestSetupAfterRootIsAudited: a refused setup leaves a trace.
func TestSetupAfterRootIsAudited(t *testing.T) {
	svc, store, _ := newService(t, dbtest.SQLite(t))
	root := rootOf(mustSetup(t, svc))
	ctx := context.Background()
	if _, err := svc.Setup(ctx, iam.SetupInput{Email: "evil@example.com", Password: goodPassword}, iam.Meta{SourceIP: "203.0.113.1"}); err != iam.ErrSetupDone {
		t.Fatalf("second setup: %v", err)
	}
	evs, err := store.ListAudit(ctx, root.AccountID, models.AuditFilter{EventName: "CreateRootUser", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, ev := range evs {
		if ev.ErrorCode != "" && ev.SourceIP == "203.0.113.1" {
			refused++
		}
	}
	if refused != 1 {
		t.Fatalf("%d refused setups audited, want 1 (of %d events)", refused, len(evs))
	}
}

package iam_test

import (
	"context"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

func TestPasswordPolicyValidate(t *testing.T) {
	ok := iam.PasswordPolicy{MinimumPasswordLength: 8}
	cases := []struct {
		name  string
		edit  func(p *iam.PasswordPolicy)
		field string
	}{
		{"defaults", func(*iam.PasswordPolicy) {}, ""},
		{"min 6", func(p *iam.PasswordPolicy) { p.MinimumPasswordLength = 6 }, ""},
		{"min 128", func(p *iam.PasswordPolicy) { p.MinimumPasswordLength = 128 }, ""},
		{"min 5", func(p *iam.PasswordPolicy) { p.MinimumPasswordLength = 5 }, "MinimumPasswordLength"},
		{"min 129", func(p *iam.PasswordPolicy) { p.MinimumPasswordLength = 129 }, "MinimumPasswordLength"},
		{"age 1095", func(p *iam.PasswordPolicy) { p.MaxPasswordAge = 1095 }, ""},
		{"age 1096", func(p *iam.PasswordPolicy) { p.MaxPasswordAge = 1096 }, "MaxPasswordAge"},
		{"age negative", func(p *iam.PasswordPolicy) { p.MaxPasswordAge = -1 }, "MaxPasswordAge"},
		{"reuse 24", func(p *iam.PasswordPolicy) { p.PasswordReusePrevention = 24 }, ""},
		{"reuse 25", func(p *iam.PasswordPolicy) { p.PasswordReusePrevention = 25 }, "PasswordReusePrevention"},
		{"hard expiry without age", func(p *iam.PasswordPolicy) { p.HardExpiry = true }, "HardExpiry"},
		{"hard expiry with age", func(p *iam.PasswordPolicy) { p.HardExpiry, p.MaxPasswordAge = true, 90 }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ok
			c.edit(&p)
			err := p.Validate()
			if c.field == "" && err != nil || c.field != "" && (err == nil || err.(*iam.Error).Field != c.field) {
				t.Fatalf("Validate = %v, want field %q", err, c.field)
			}
		})
	}
	if iam.DefaultPasswordPolicy.Rules().MinimumLength != 15 {
		t.Fatal("default minimum is not 15")
	}
}

func TestPasswordReusePrevention(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	secret, _ := enrolledRoot(t, svc, clk)
	ctx := context.Background()
	caller := func() *iam.Principal {
		clk.Advance(31 * time.Second)
		res, err := signInWithCode(t, svc, codeAt(t, secret, clk.Now()))
		if err != nil {
			t.Fatal(err)
		}
		p, _ := svc.Authenticate(ctx, res.Token)
		return p
	}
	p := caller()
	if err := svc.UpdatePasswordPolicy(ctx, p, iam.PasswordPolicy{MinimumPasswordLength: 8, PasswordReusePrevention: 3}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	pws := []string{goodPassword, "second passphrase one", "third passphrase two", "fourth passphrase three"}
	for i := 1; i < len(pws); i++ {
		if _, err := svc.ChangeMyPassword(ctx, p, pws[i-1], pws[i], iam.Meta{}); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
		p = callerWith(t, svc, clk, secret, pws[i])
	}
	// The last three (and the current) are refused; the first is allowed again.
	for _, old := range pws[1:] {
		if _, err := svc.ChangeMyPassword(ctx, p, pws[3], old, iam.Meta{}); iam.KindOf(err) != iam.Invalid {
			t.Errorf("reuse of %q: %v", old, err)
		}
	}
	if _, err := svc.ChangeMyPassword(ctx, p, pws[3], pws[0], iam.Meta{}); err != nil {
		t.Fatalf("a password older than the last 3: %v", err)
	}
}

func callerWith(t *testing.T, svc *iam.Service, clk *clock, secret, password string) *iam.Principal {
	t.Helper()
	ctx := context.Background()
	clk.Advance(31 * time.Second)
	res, err := svc.SignIn(ctx, "root@example.com", password, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	res, err = svc.VerifyMFA(ctx, res.MFAChallenge, codeAt(t, secret, clk.Now()), iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := svc.Authenticate(ctx, res.Token)
	return p
}

// TestOperatorPasswordPolicyAndDeletedUserHistory: the command line (a nil
// caller) reads and changes the live account's password policy, and a
// deleted user's password history goes with it, so a new user of the same
// name is not refused passwords it never had.
func TestOperatorPasswordPolicyAndDeletedUserHistory(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			want := iam.PasswordPolicy{MinimumPasswordLength: 12, PasswordReusePrevention: 5}
			if err := svc.UpdatePasswordPolicy(ctx, nil, want, iam.Meta{}); err != nil {
				t.Fatalf("operator updates: %v", err)
			}
			got, err := svc.GetPasswordPolicy(ctx, nil)
			if err != nil || got.MinimumPasswordLength != 12 || got.PasswordReusePrevention != 5 {
				t.Fatalf("operator reads: %+v %v", got, err)
			}
			if err := svc.DeletePasswordPolicy(ctx, nil, iam.Meta{}); err != nil {
				t.Fatalf("operator deletes: %v", err)
			}
			if err := svc.DeletePasswordPolicy(ctx, nil, iam.Meta{}); iam.KindOf(err) != iam.NotFound {
				t.Fatalf("second delete: %v", err)
			}

			u := mustCreateUser(t, svc, root, "carol")
			store.AddPasswordHistory(ctx, &models.PasswordHistory{AccountID: root.AccountID, OwnerARN: u.Arn, Hash: "old", CreatedAt: time.Now()})
			if err := svc.DeleteUser(ctx, root, "carol", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if hs, err := store.RecentPasswordHashes(ctx, root.AccountID, u.Arn, 10); err != nil || len(hs) != 0 {
				t.Fatalf("a deleted user's password history is left: %v %v", hs, err)
			}
		})
	}
}

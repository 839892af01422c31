package iam_test

import (
	"context"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// A device made and enabled through the API is the console's: its user's
// sign-in asks for a code of it, and takes one.
func TestAPIEnabledDeviceSignsInToTheConsole(t *testing.T) {
	svc, store, clk := newService(t, dbtest.SQLite(t))
	root := rootOf(mustSetup(t, svc))
	ctx := context.Background()
	mustCreateUser(t, svc, root, "dev")
	if _, err := svc.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: "dev", Password: userPassword}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	d, err := svc.CreateVirtualMFADevice(ctx, root, iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: "dev-phone", Path: "/team/"}, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if d.SerialNumber != "arn:aws:iam::"+root.AccountID+":mfa/team/dev-phone" {
		t.Fatalf("serial = %s", d.SerialNumber)
	}
	seed := string(d.Base32StringSeed)
	now := clk.Now()
	if err := svc.EnableMFADevice(ctx, root, "dev", d.SerialNumber, "000000", "000001", iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
		t.Fatalf("wrong codes = %v", err)
	}
	if err := svc.EnableMFADevice(ctx, root, "dev", d.SerialNumber, codeAt(t, seed, now.Add(-30*time.Second)), codeAt(t, seed, now), iam.Meta{}); err != nil {
		t.Fatalf("enable: %v", err)
	}
	res, err := svc.SignIn(ctx, "dev", userPassword, iam.Meta{SourceIP: "192.0.2.7"})
	if err != nil {
		t.Fatal(err)
	}
	if res.MFAChallenge == "" || res.Token != "" {
		t.Fatalf("a user with an API-enabled device got a session from its password alone: %+v", res)
	}
	// The enabling codes are spent; the next one signs in.
	if _, err := svc.VerifyMFA(ctx, res.MFAChallenge, codeAt(t, seed, now), iam.Meta{}); err != iam.ErrMFAFailed {
		t.Fatalf("enabling code replayed: %v", err)
	}
	in, err := svc.VerifyMFA(ctx, res.MFAChallenge, codeAt(t, seed, now.Add(30*time.Second)), iam.Meta{})
	if err != nil || in.Token == "" || !in.Principal.MFA {
		t.Fatalf("MFA step = %+v, %v", in, err)
	}

	// Deactivated, it no longer guards the sign-in and ends the sessions.
	if err := svc.DeactivateMFADevice(ctx, root, "dev", d.SerialNumber, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, in.Token); err == nil {
		t.Error("a session opened with the device outlived its deactivation")
	}
	clk.Advance(time.Minute)
	res, err = svc.SignIn(ctx, "dev", userPassword, iam.Meta{SourceIP: "192.0.2.7"})
	if err != nil || res.MFAChallenge != "" {
		t.Fatalf("sign-in after deactivation = %+v, %v", res, err)
	}

	// Each change is audited on the device, the refused codes too.
	for _, c := range []struct {
		name   string
		result string
		n      int
	}{{"CreateVirtualMFADevice", models.ResultSuccess, 1}, {"EnableMFADevice", models.ResultFailure, 1},
		{"EnableMFADevice", models.ResultSuccess, 1}, {"DeactivateMFADevice", models.ResultSuccess, 1}} {
		evs, err := store.ListAudit(ctx, root.AccountID, models.AuditFilter{EventName: c.name, Result: c.result})
		if err != nil || len(evs) != c.n || evs[0].Resource != d.SerialNumber {
			t.Errorf("%s %v events = %+v, %v", c.name, c.result, evs, err)
		}
	}
}

// A device enrolled in the console is listed by ListVirtualMFADevices, with
// its owner, and GetMFADevice does not give a seed.
func TestConsoleDeviceListedByAPI(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	enrolledRoot(t, svc, clk)
	devs, next, err := svc.ListVirtualMFADevices(ctx, nil, iam.ListVirtualMFADevicesInput{AssignmentStatus: "Assigned"}, iam.Meta{})
	if err != nil || next != "" || len(devs) != 1 {
		t.Fatalf("ListVirtualMFADevices = %+v, %q, %v", devs, next, err)
	}
	acct := devs[0].User.UserId
	root := &iam.Principal{Type: iam.TypeRoot, AccountID: acct, ARN: "arn:aws:iam::" + acct + ":root"}
	d := devs[0]
	if d.SerialNumber != "arn:aws:iam::"+acct+":mfa/phone" || d.User == nil || d.User.Arn != root.ARN || d.EnableDate == nil ||
		len(d.Base32StringSeed) != 0 || len(d.QRCodePNG) != 0 {
		t.Fatalf("console device listed as %+v", d)
	}
	if devs, _, _ := svc.ListVirtualMFADevices(ctx, root, iam.ListVirtualMFADevicesInput{AssignmentStatus: "Unassigned"}, iam.Meta{}); len(devs) != 0 {
		t.Fatalf("unassigned = %+v", devs)
	}
}

// A user holds at most eight devices, as AWS allows; a ninth is
// LimitExceeded and stays unassigned.
func TestMFADevicesPerUserQuota(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	root := rootOf(mustSetup(t, svc))
	ctx := context.Background()
	mustCreateUser(t, svc, root, "dev")
	now := clk.Now()
	for i := 0; i <= iam.MaxMFADevicesPerUser; i++ {
		d, err := svc.CreateVirtualMFADevice(ctx, root, iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: "d" + string(rune('a'+i))}, iam.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		seed := string(d.Base32StringSeed)
		err = svc.EnableMFADevice(ctx, root, "dev", d.SerialNumber, codeAt(t, seed, now.Add(-30*time.Second)), codeAt(t, seed, now), iam.Meta{})
		switch {
		case i < iam.MaxMFADevicesPerUser && err != nil:
			t.Fatalf("device %d: %v", i+1, err)
		case i == iam.MaxMFADevicesPerUser && iam.KindOf(err) != iam.LimitExceeded:
			t.Fatalf("device %d = %v, want LimitExceeded", i+1, err)
		}
	}
	un, _, err := svc.ListVirtualMFADevices(ctx, root, iam.ListVirtualMFADevicesInput{AssignmentStatus: "Unassigned"}, iam.Meta{})
	if err != nil || len(un) != 1 {
		t.Fatalf("unassigned after the quota = %+v, %v", un, err)
	}
}

package iam_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestDashboardRecommendations: AWS's IAM dashboard recommendations name
// the users to fix, and only them.
func TestDashboardRecommendations(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	acct := mustSetup(t, svc).Account
	root := &iam.Principal{AccountID: acct.ID, Type: iam.TypeRoot, ARN: acct.RootARN(), Name: "root"}
	ctx, m := context.Background(), iam.Meta{}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"keysonly", "console", "oldkey"} {
		_, err := svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: name}, m)
		must(err)
	}
	_, err := svc.CreateLoginProfile(ctx, nil, iam.CreateLoginProfileInput{UserName: "console", Password: goodPassword}, m)
	must(err)
	_, err = svc.CreateAccessKey(ctx, nil, "oldkey", m)
	must(err)
	clk.Advance(100 * 24 * time.Hour)
	_, err = svc.CreateAccessKey(ctx, nil, "keysonly", m) // new: neither old nor unused
	must(err)

	d, err := svc.Dashboard(ctx, root)
	must(err)
	got := map[string]iam.Recommendation{}
	for _, r := range d.Recommendations {
		got[r.Key] = r
	}
	for _, tc := range []struct {
		key   string
		ok    bool
		users []string
		root  bool
	}{
		{"root-mfa", false, nil, true},
		{"root-keys", true, nil, false},
		{"users-mfa", false, []string{"console"}, false},
		{"old-keys", false, []string{"oldkey"}, false},
		{"unused-credentials", false, []string{"console", "oldkey"}, false},
	} {
		r, found := got[tc.key]
		if !found {
			t.Errorf("%s: missing", tc.key)
			continue
		}
		if r.OK != tc.ok || !slices.Equal(r.Users, tc.users) || r.RootFix != tc.root || r.Detail == "" {
			t.Errorf("%s: ok %v users %v root %v (%q), want ok %v users %v root %v", tc.key, r.OK, r.Users, r.RootFix, r.Detail, tc.ok, tc.users, tc.root)
		}
	}
}

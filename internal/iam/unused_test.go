package iam_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestUnusedAccessFindings: with the clock moved past the window, the
// role, key and password nobody used and the permissions not used within
// it are findings with their evidence; within the window, none; a longer
// window set on the account takes them back.
func TestUnusedAccessFindings(t *testing.T) {
	svc, _, clk := newService(t, dbtest.SQLite(t))
	root := rootOf(mustSetup(t, svc))
	ctx := context.Background()
	u := mustCreateUser(t, svc, root, "alice")
	if err := svc.AttachPolicy(ctx, root, iam.UserNamed("alice"), "arn:aws:iam::aws:policy/IAMReadOnlyAccess", iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, root, "alice", iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: "alice", Password: goodPassword}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	role := mustCreateRole(t, svc, root, "batch")
	if _, err := svc.GetUser(ctx, userPrincipal(root.AccountID, u), "alice", iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	used := clk.Now()

	unused := func() map[string]string {
		t.Helper()
		g, err := svc.AccessGraph(ctx, root, "", iam.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		fs, err := svc.AccountFindings(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, f := range fs {
			switch f.Type {
			case graph.FindingUnusedRole, graph.FindingUnusedAccessKey, graph.FindingUnusedPassword, graph.FindingUnusedPermission:
				out[f.Type+" "+f.Principal] = f.Explanation
			}
		}
		return out
	}
	if got := unused(); len(got) != 0 {
		t.Errorf("within the window: %v", got)
	}

	clk.Advance(100 * 24 * time.Hour)
	got := unused()
	want := map[string]string{
		graph.FindingUnusedRole + " " + role.Arn:       "role batch: never used (created " + used.Format(time.DateOnly) + ")",
		graph.FindingUnusedAccessKey + " " + u.Arn:     "access key " + key.AccessKeyId + ": never used",
		graph.FindingUnusedPassword + " " + u.Arn:      "console password of alice: never used",
		graph.FindingUnusedPermission + " " + u.Arn:    "iam (last used " + used.Format(time.DateOnly) + ")",
		graph.FindingUnusedPermission + " " + role.Arn: "", // a role with no policies grants nothing
	}
	delete(want, graph.FindingUnusedPermission+" "+role.Arn)
	if len(got) != len(want) {
		t.Errorf("findings = %v, want %d", got, len(want))
	}
	for k, frag := range want {
		if !strings.Contains(got[k], frag) {
			t.Errorf("%s = %q, want it to say %q", k, got[k], frag)
		}
	}

	if err := svc.SetUnusedAccessDays(ctx, root, 120, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if got := unused(); len(got) != 0 {
		t.Errorf("with a 120-day window after 100 days: %v", got)
	}
	if err := svc.SetUnusedAccessDays(ctx, root, 400, iam.Meta{}); iam.KindOf(err) != iam.Invalid {
		t.Errorf("400 days: %v", err)
	}
}

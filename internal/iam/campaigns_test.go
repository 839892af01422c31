package iam_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

const readOnlyARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"

// reviewerPolicy lets a reviewer read and decide in campaigns and detach
// users' policies, and nothing else: it may not remove group members.
const reviewerPolicy = `{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","Action":["console:GetAccessReview","console:ListAccessReviews","console:DecideAccessReview","console:CloseAccessReview",
		"iam:DetachUserPolicy","iam:ListAccessKeys","iam:UpdateAccessKey","iam:DeleteLoginProfile","iam:GetLoginProfile"],"Resource":"*"}]}`

// TestAccessReviewCampaign: a campaign over a group's members snapshots
// them (access, path to admin, evidence); a reviewer revokes a policy
// (DetachUserPolicy applied and audited, its event ID in the report),
// keeps another member, is refused removing a group membership with the
// operation's AccessDenied; a user who is not a reviewer is refused; the
// campaign closes only when decided or explicitly; the report has every
// field.
func TestAccessReviewCampaign(t *testing.T) {
	ctx := context.Background()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, root := rootService(t, b.DSN(t))
			acct := root.AccountID
			m := iam.Meta{}
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			_, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "devs"}, m)
			must(err)
			for _, u := range []string{"alice", "bob"} {
				mustCreateUser(t, svc, root, u)
				must(svc.AddUserToGroup(ctx, root, "devs", u, m))
			}
			must(svc.AttachPolicy(ctx, root, iam.UserNamed("alice"), adminARN, m))
			must(svc.AttachPolicy(ctx, root, iam.UserNamed("bob"), readOnlyARN, m))
			key, err := svc.CreateAccessKey(ctx, root, "bob", m)
			must(err)
			mustCreateUser(t, svc, root, "outsider")

			reviewer := signedInUser(t, svc, store, root, "rita")
			_, err = svc.PutInlinePolicy(ctx, root, iam.UserNamed("rita"), "review", reviewerPolicy, m)
			must(err)
			reviewer = signIn(t, svc, "rita", userPassword)
			stranger := signedInUser(t, svc, store, root, "sam")
			_, err = svc.PutInlinePolicy(ctx, root, iam.UserNamed("sam"), "review", reviewerPolicy, m)
			must(err)
			stranger = signIn(t, svc, "sam", userPassword)

			// Bad input and refusals first.
			due := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
			for _, tc := range []struct {
				what  string
				in    iam.CreateCampaignInput
				field string
			}{
				{"no name", iam.CreateCampaignInput{Scope: iam.ScopeAllUsers, Due: due, Reviewers: []string{"rita"}}, "Name"},
				{"no scope", iam.CreateCampaignInput{Name: "x", Due: due, Reviewers: []string{"rita"}}, "Scope"},
				{"unknown group", iam.CreateCampaignInput{Name: "x", Scope: iam.ScopeGroupMembers, Group: "nope", Due: due, Reviewers: []string{"rita"}}, "Group"},
				{"unknown reviewer", iam.CreateCampaignInput{Name: "x", Scope: iam.ScopeAllUsers, Due: due, Reviewers: []string{"nobody"}}, "Reviewers"},
				{"no due date", iam.CreateCampaignInput{Name: "x", Scope: iam.ScopeAllUsers, Reviewers: []string{"rita"}}, "Due"},
			} {
				_, err := svc.CreateCampaign(ctx, root, tc.in, m)
				if e := wantKind(t, err, iam.Invalid, tc.what); e.Field != tc.field {
					t.Errorf("%s: field %q, want %q", tc.what, e.Field, tc.field)
				}
			}
			_, err = svc.CreateCampaign(ctx, reviewer, iam.CreateCampaignInput{Name: "x", Scope: iam.ScopeAllUsers, Due: due, Reviewers: []string{"rita"}}, m)
			wantKind(t, err, iam.AccessDenied, "a reviewer creating a campaign")

			c, err := svc.CreateCampaign(ctx, root, iam.CreateCampaignInput{Name: "Q1 devs", Scope: iam.ScopeGroupMembers, Group: "devs",
				Due: due, Reviewers: []string{"rita"}}, m)
			must(err)
			if got := itemNames(c); !slices.Equal(got, []string{"alice", "bob"}) {
				t.Fatalf("group scope snapshot: %v", got)
			}
			alice, bob := c.Items[0].Snapshot, c.Items[1].Snapshot
			if len(alice.AdminPath) == 0 || len(bob.AdminPath) != 0 {
				t.Errorf("paths to admin: alice %v, bob %v", alice.AdminPath, bob.AdminPath)
			}
			if len(alice.Access) == 0 || len(bob.Access) == 0 {
				t.Errorf("access: alice %v bob %v", alice.Access, bob.Access)
			}
			if len(bob.Evidence.AccessKeys) != 1 || bob.Evidence.AccessKeys[0].ID != key.AccessKeyId {
				t.Errorf("bob's evidence: %+v", bob.Evidence)
			}
			wantPerm := []string{"policy:" + adminARN, "group:devs"}
			var got []string
			for _, p := range alice.Permissions {
				got = append(got, p.Key())
			}
			if !slices.Equal(got, wantPerm) {
				t.Errorf("alice's revocable permissions %v, want %v", got, wantPerm)
			}

			// Other scopes.
			for _, tc := range []struct {
				scope string
				want  []string
			}{
				{iam.ScopeAllUsers, []string{"alice", "bob", "outsider", "rita", "sam"}},
				{iam.ScopeAllRoles, nil},
			} {
				c2, err := svc.CreateCampaign(ctx, root, iam.CreateCampaignInput{Name: tc.scope, Scope: tc.scope, Due: due, Reviewers: []string{"sam"}}, m)
				must(err)
				if got := itemNames(c2); !slices.Equal(got, tc.want) {
					t.Errorf("scope %s: %v, want %v", tc.scope, got, tc.want)
				}
			}
			_, err = svc.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: "Partner", AssumeRolePolicyDocument: iam.TrustTemplateOtherAccount("111122223333", "", false)}, m)
			must(err)
			_, err = svc.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: "App", AssumeRolePolicyDocument: iam.TrustTemplateService("ec2.amazonaws.com")}, m)
			must(err)
			cross, err := svc.CreateCampaign(ctx, root, iam.CreateCampaignInput{Name: "cross", Scope: iam.ScopeCrossAccountRoles, Due: due, Reviewers: []string{"sam"}}, m)
			must(err)
			if got := itemNames(cross); !slices.Equal(got, []string{"Partner"}) {
				t.Errorf("roles trusted by other accounts: %v", got)
			}

			// A user who is not a reviewer may not decide, whatever its policies.
			_, err = svc.Decide(ctx, stranger, iam.DecideInput{CampaignID: c.ID, PrincipalARN: bob.ARN, Decision: iam.DecisionKeep}, m)
			if e := wantKind(t, err, iam.AccessDenied, "a non-reviewer deciding"); !strings.Contains(e.Message, "not a reviewer") {
				t.Errorf("refusal: %s", e.Message)
			}
			// Bad decisions.
			_, err = svc.Decide(ctx, reviewer, iam.DecideInput{CampaignID: c.ID, PrincipalARN: bob.ARN, Decision: "maybe"}, m)
			wantKind(t, err, iam.Invalid, "decision maybe")
			_, err = svc.Decide(ctx, reviewer, iam.DecideInput{CampaignID: c.ID, PrincipalARN: bob.ARN, Permission: "policy:" + adminARN, Decision: iam.DecisionRevoke}, m)
			wantKind(t, err, iam.Invalid, "a permission bob never had")
			_, err = svc.Decide(ctx, reviewer, iam.DecideInput{CampaignID: "nope", PrincipalARN: bob.ARN, Decision: iam.DecisionKeep}, m)
			wantKind(t, err, iam.NotFound, "a campaign that does not exist")

			// The reviewer may not remove members: RemoveUserFromGroup's refusal, nothing recorded.
			_, err = svc.Decide(ctx, reviewer, iam.DecideInput{CampaignID: c.ID, PrincipalARN: alice.ARN, Permission: "group:devs", Decision: iam.DecisionRevoke}, m)
			if e := wantKind(t, err, iam.AccessDenied, "revoking a membership without iam:RemoveUserFromGroup"); e.Action != "iam:RemoveUserFromGroup" {
				t.Errorf("refused action %q", e.Action)
			}
			// It may detach alice's admin policy.
			c, err = svc.Decide(ctx, reviewer, iam.DecideInput{CampaignID: c.ID, PrincipalARN: alice.ARN, Permission: "policy:" + adminARN, Decision: iam.DecisionRevoke}, m)
			must(err)
			pols, err := store.ListAttachedPolicies(ctx, acct, models.EntityUser, userID(t, store, acct, "alice"))
			must(err)
			if len(pols) != 0 {
				t.Errorf("alice still has %v", pols)
			}
			if it := c.Items[0]; it.Decision != iam.DecisionRevokeSome || len(it.Decisions) != 1 || len(it.Decisions[0].Revocations) != 1 ||
				it.Decisions[0].Revocations[0].AuditEventID == "" || it.Decisions[0].Revocations[0].Operation != "DetachUserPolicy" {
				t.Fatalf("alice's item: %+v", it)
			}
			detachEvent := c.Items[0].Decisions[0].Revocations[0].AuditEventID
			evs, err := store.ListAudit(ctx, acct, models.AuditFilter{EventName: "DetachUserPolicy"})
			must(err)
			if len(evs) != 1 || evs[0].EventID != detachEvent || evs[0].PrincipalARN != reviewer.ARN {
				t.Errorf("detach's audit event %v, decision names %s", evs, detachEvent)
			}
			if n, _ := store.CountAudit(ctx, acct, models.AuditFilter{EventName: "DecideAccessReview", Result: models.ResultSuccess}); n != 1 {
				t.Errorf("%d decisions audited, want 1", n)
			}

			// Not every principal is decided: closing is refused until forced.
			_, err = svc.CloseCampaign(ctx, reviewer, c.ID, false, m)
			wantKind(t, err, iam.Conflict, "closing with bob undecided")
			c, err = svc.Decide(ctx, reviewer, iam.DecideInput{CampaignID: c.ID, PrincipalARN: bob.ARN, Decision: iam.DecisionKeep}, m)
			must(err)
			if c.Undecided != 0 {
				t.Fatalf("undecided %d", c.Undecided)
			}
			c, err = svc.CloseCampaign(ctx, reviewer, c.ID, false, m)
			must(err)
			if c.State != iam.CampaignClosed || c.ClosedBy != reviewer.ARN {
				t.Errorf("closed: %+v", c)
			}
			_, err = svc.Decide(ctx, reviewer, iam.DecideInput{CampaignID: c.ID, PrincipalARN: bob.ARN, Decision: iam.DecisionRevoke}, m)
			wantKind(t, err, iam.Conflict, "deciding in a closed campaign")

			// The report.
			var buf bytes.Buffer
			must(svc.CampaignReport(ctx, reviewer, c.ID, "csv", &buf, m))
			rows, err := csv.NewReader(&buf).ReadAll()
			must(err)
			wantHeader := []string{"Principal", "Kind", "Access", "PathsToAdmin", "Evidence", "Decision", "Reviewer", "DecidedAt", "Revocations"}
			if len(rows) != 3 || !slices.Equal(rows[0], wantHeader) {
				t.Fatalf("CSV report: %q", rows)
			}
			if r := rows[1]; r[0] != alice.ARN || r[5] != iam.DecisionRevokeSome || r[6] != reviewer.ARN || r[7] == "" ||
				!strings.Contains(r[8], "DetachUserPolicy "+adminARN) || !strings.Contains(r[8], detachEvent) || !strings.Contains(r[3], "AdministratorAccess") {
				t.Errorf("alice's row: %q", r)
			}
			if r := rows[2]; r[5] != iam.DecisionKeep || !strings.Contains(r[4], key.AccessKeyId) || !strings.Contains(r[2], "All services") && r[2] == "" {
				t.Errorf("bob's row: %q", r)
			}
			buf.Reset()
			must(svc.CampaignReport(ctx, reviewer, c.ID, "json", &buf, m))
			var rep iam.CampaignReportJSON
			must(json.Unmarshal(buf.Bytes(), &rep))
			if rep.ID != c.ID || rep.State != iam.CampaignClosed || len(rep.Principals) != 2 ||
				rep.Principals[0].Revocations[0].AuditEventID != detachEvent || rep.Principals[1].Decision != iam.DecisionKeep {
				t.Errorf("JSON report: %s", buf.String())
			}
			err = svc.CampaignReport(ctx, reviewer, c.ID, "xml", &buf, m)
			wantKind(t, err, iam.Invalid, "report format xml")

			// A forced close marks the undecided.
			c3, err := svc.CreateCampaign(ctx, root, iam.CreateCampaignInput{Name: "forced", Scope: iam.ScopeGroupMembers, Group: "devs", Due: due, Reviewers: []string{"rita"}}, m)
			must(err)
			c3, err = svc.CloseCampaign(ctx, root, c3.ID, true, m)
			must(err)
			for _, it := range c3.Items {
				if it.Decision != iam.DecisionUndecided {
					t.Errorf("%s after a forced close: %q", it.Snapshot.Name, it.Decision)
				}
			}
		})
	}
}

// TestAccessReviewRevokePrincipal: revoking a user deactivates its keys
// and deletes its password; revoking a role attaches the campaign's
// deny-all inline policy.
func TestAccessReviewRevokePrincipal(t *testing.T) {
	ctx := context.Background()
	svc, store, root := rootService(t, dbtest.SQLite(t))
	acct := root.AccountID
	m := iam.Meta{}
	mustCreateUser(t, svc, root, "carol")
	if _, err := svc.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: "carol", Password: userPassword}, m); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, root, "carol", m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: "Partner", AssumeRolePolicyDocument: iam.TrustTemplateOtherAccount("111122223333", "", false)}, m); err != nil {
		t.Fatal(err)
	}
	mustCreateUser(t, svc, root, "rita")
	if _, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed("carol"), "notes", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, m); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "ops"}, m); err != nil {
		t.Fatal(err)
	}
	if err := svc.AddUserToGroup(ctx, root, "ops", "carol", m); err != nil {
		t.Fatal(err)
	}
	c, err := svc.CreateCampaign(ctx, root, iam.CreateCampaignInput{Name: "all", Scope: iam.ScopeAllUsers, Due: time.Now().Add(time.Hour), Reviewers: []string{"rita"}}, m)
	if err != nil {
		t.Fatal(err)
	}
	// One permission at a time: the inline policy, the membership.
	for _, tc := range []struct{ perm, op string }{{"inline:notes", "DeleteUserPolicy"}, {"group:ops", "RemoveUserFromGroup"}} {
		c, err = svc.Decide(ctx, root, iam.DecideInput{CampaignID: c.ID, PrincipalARN: c.Items[0].Snapshot.ARN, Permission: tc.perm, Decision: iam.DecisionRevoke}, m)
		if err != nil {
			t.Fatalf("revoke %s: %v", tc.perm, err)
		}
		ds := c.Items[0].Decisions
		if r := ds[len(ds)-1].Revocations; len(r) != 1 || r[0].Operation != tc.op || r[0].AuditEventID == "" {
			t.Errorf("revoke %s: %+v", tc.perm, r)
		}
	}
	if gs, _, err := svc.ListGroupsForUser(ctx, root, iam.ListGroupsForUserInput{UserName: "carol"}, m); err != nil || len(gs) != 0 {
		t.Errorf("carol's groups: %v %v", gs, err)
	}
	c, err = svc.Decide(ctx, root, iam.DecideInput{CampaignID: c.ID, PrincipalARN: c.Items[0].Snapshot.ARN, Decision: iam.DecisionRevoke}, m)
	if err != nil {
		t.Fatal(err)
	}
	revs := c.Items[0].Decisions[2].Revocations
	if len(revs) != 2 || revs[0].Operation != "UpdateAccessKey" || revs[0].Target != key.AccessKeyId || revs[1].Operation != "DeleteLoginProfile" ||
		revs[0].AuditEventID == "" || revs[1].AuditEventID == "" || revs[0].AuditEventID == revs[1].AuditEventID {
		t.Fatalf("revocations: %+v", revs)
	}
	keys, _ := svc.ListAccessKeys(ctx, root, "carol", m)
	if len(keys) != 1 || keys[0].Status != models.AccessKeyInactive {
		t.Errorf("carol's keys: %+v", keys)
	}
	if _, err := svc.GetLoginProfile(ctx, root, "carol", m); iam.KindOf(err) != iam.NotFound {
		t.Errorf("carol's login profile: %v", err)
	}

	rc, err := svc.CreateCampaign(ctx, root, iam.CreateCampaignInput{Name: "roles", Scope: iam.ScopeAllRoles, Due: time.Now().Add(time.Hour), Reviewers: []string{"rita"}}, m)
	if err != nil {
		t.Fatal(err)
	}
	rc, err = svc.Decide(ctx, root, iam.DecideInput{CampaignID: rc.ID, PrincipalARN: rc.Items[0].Snapshot.ARN, Decision: iam.DecisionRevoke}, m)
	if err != nil {
		t.Fatal(err)
	}
	if r := rc.Items[0].Decisions[0].Revocations; len(r) != 1 || r[0].Operation != "PutRolePolicy" || r[0].AuditEventID == "" {
		t.Errorf("role revocation: %+v", r)
	}
	doc, err := svc.GetInlinePolicy(ctx, root, iam.RoleNamed("Partner"), iam.RevokedRolePolicyName(rc.ID), m)
	if err != nil || !strings.Contains(doc.PolicyDocument, `"Deny"`) {
		t.Errorf("the role's deny-all: %q %v", doc, err)
	}
	_ = store
	_ = acct
}

func itemNames(c *iam.Campaign) []string {
	var out []string
	for _, it := range c.Items {
		out = append(out, it.Snapshot.Name)
	}
	return out
}

func userID(t *testing.T, store *models.Store, acct, name string) string {
	t.Helper()
	u, err := store.User(context.Background(), acct, name)
	if err != nil {
		t.Fatal(err)
	}
	return u.UserID
}

// TestAccessReviewReportFormulaSafe: a user name IAM allows, "=cmd", must
// not become a spreadsheet formula in the CSV report.
func TestAccessReviewReportFormulaSafe(t *testing.T) {
	ctx := context.Background()
	svc, _, root := rootService(t, dbtest.SQLite(t))
	m := iam.Meta{}
	mustCreateUser(t, svc, root, "=cmd")
	if err := svc.AttachPolicy(ctx, root, iam.UserNamed("=cmd"), adminARN, m); err != nil {
		t.Fatal(err)
	}
	c, err := svc.CreateCampaign(ctx, root, iam.CreateCampaignInput{Name: "all", Scope: iam.ScopeAllUsers, Due: time.Now(), Reviewers: []string{"=cmd"}}, m)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := svc.CampaignReport(ctx, root, c.ID, "csv", &buf, m); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("report %q %v", rows, err)
	}
	for _, cell := range rows[1] {
		if strings.HasPrefix(cell, "=") {
			t.Errorf("a cell reads as a formula: %q", cell)
		}
	}
	if !strings.HasPrefix(rows[1][3], "'=cmd") {
		t.Errorf("path cell %q", rows[1][3])
	}
}

// TestAccessReviewRevokeGone: revoking what was deleted since the snapshot
// records the decision with the revocation marked gone, and no event.
func TestAccessReviewRevokeGone(t *testing.T) {
	ctx := context.Background()
	svc, _, root := rootService(t, dbtest.SQLite(t))
	m := iam.Meta{}
	mustCreateUser(t, svc, root, "dave")
	mustCreateUser(t, svc, root, "erin")
	if err := svc.AttachPolicy(ctx, root, iam.UserNamed("erin"), readOnlyARN, m); err != nil {
		t.Fatal(err)
	}
	c, err := svc.CreateCampaign(ctx, root, iam.CreateCampaignInput{Name: "all", Scope: iam.ScopeAllUsers, Due: time.Now(), Reviewers: []string{"erin"}}, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteUser(ctx, root, "dave", m); err != nil {
		t.Fatal(err)
	}
	if err := svc.DetachPolicy(ctx, root, iam.UserNamed("erin"), readOnlyARN, m); err != nil {
		t.Fatal(err)
	}
	for _, in := range []iam.DecideInput{
		{CampaignID: c.ID, PrincipalARN: c.Items[0].Snapshot.ARN, Decision: iam.DecisionRevoke},
		{CampaignID: c.ID, PrincipalARN: c.Items[1].Snapshot.ARN, Permission: "policy:" + readOnlyARN, Decision: iam.DecisionRevoke},
	} {
		c, err = svc.Decide(ctx, root, in, m)
		if err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
	}
	for _, it := range c.Items {
		r := it.Decisions[0].Revocations
		if len(r) != 1 || r[0].Gone == "" || r[0].AuditEventID != "" {
			t.Errorf("%s: %+v", it.Snapshot.Name, r)
		}
	}
	if c.Undecided != 0 {
		t.Errorf("undecided %d", c.Undecided)
	}
}

// TestAccessReviewReadOnlyAuditor: a read-only auditor reads campaigns and
// their reports, and may neither start one nor decide.
func TestAccessReviewReadOnlyAuditor(t *testing.T) {
	ctx := context.Background()
	svc, store, root := rootService(t, dbtest.SQLite(t))
	m := iam.Meta{}
	auditor := signedInUser(t, svc, store, root, "audrey", readOnlyARN)
	c, err := svc.CreateCampaign(ctx, root, iam.CreateCampaignInput{Name: "all", Scope: iam.ScopeAllUsers, Due: time.Now(), Reviewers: []string{"audrey"}}, m)
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := svc.ListCampaigns(ctx, auditor, m); err != nil || len(cs) != 1 {
		t.Fatalf("list: %v %v", cs, err)
	}
	if _, err := svc.GetCampaign(ctx, auditor, c.ID, m); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := svc.CampaignReport(ctx, auditor, c.ID, "json", &buf, m); err != nil {
		t.Fatal(err)
	}
	_, err = svc.CreateCampaign(ctx, auditor, iam.CreateCampaignInput{Name: "x", Scope: iam.ScopeAllUsers, Due: time.Now(), Reviewers: []string{"audrey"}}, m)
	wantKind(t, err, iam.AccessDenied, "an auditor starting a campaign")
	// A reviewer all the same: deciding is its own action.
	_, err = svc.Decide(ctx, auditor, iam.DecideInput{CampaignID: c.ID, PrincipalARN: c.Items[0].Snapshot.ARN, Decision: iam.DecisionKeep}, m)
	if e := wantKind(t, err, iam.AccessDenied, "an auditor deciding"); e.Action != iam.DecideAccessReviewAction {
		t.Errorf("refused %q", e.Action)
	}
}

package handlers_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// reviewerPolicy lets a reviewer read, decide in and close campaigns and
// detach users' policies; it may not remove group members.
const reviewerPolicy = `{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","Action":["console:GetAccessReview","console:ListAccessReviews","console:DecideAccessReview","console:CloseAccessReview",
		"iam:DetachUserPolicy"],"Resource":"*"}]}`

// TestReviewPages: root starts a campaign over a group's members through
// the form (a bad one shown beside its field); the reviewer sees each
// member's access, path to admin and evidence, revokes a policy after the
// confirmation step, is shown RemoveUserFromGroup's AccessDenied, keeps
// the other member, filters the undecided, closes the campaign and
// downloads the reports.
func TestReviewPages(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	root := e.browser()
	root.setup()
	ctx, m := context.Background(), iam.Meta{}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.svc.CreateGroup(ctx, nil, iam.CreateGroupInput{GroupName: "devs"}, m)
	must(err)
	for _, u := range []string{"alice", "bob"} {
		_, err := e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: u}, m)
		must(err)
		must(e.svc.AddUserToGroup(ctx, nil, "devs", u, m))
	}
	must(e.svc.AttachPolicy(ctx, nil, iam.UserNamed("alice"), "arn:aws:iam::aws:policy/AdministratorAccess", m))
	_, err = e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "rita"}, m)
	must(err)
	_, err = e.svc.CreateLoginProfile(ctx, nil, iam.CreateLoginProfileInput{UserName: "rita", Password: alicePassword}, m)
	must(err)
	_, err = e.svc.PutInlinePolicy(ctx, nil, iam.UserNamed("rita"), "review", reviewerPolicy, m)
	must(err)
	acct := mustAccount(t, e)
	aliceARN, bobARN := "arn:aws:iam::"+acct+":user/alice", "arn:aws:iam::"+acct+":user/bob"

	res, body := root.get("/reviews")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="review-form"`) || !strings.Contains(body, "No access reviews yet.") ||
		!strings.Contains(body, `id="nav-reviews"`) {
		t.Fatalf("empty list: %d", res.StatusCode)
	}
	res, body = root.form("/reviews", "/reviews", "Name", "Q1", "Scope", "group-members", "Group", "nope", "Due", "2027-01-31", "Reviewers", "rita")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The account has no group nope.") {
		t.Fatalf("unknown group: %d", res.StatusCode)
	}
	res, body = root.form("/reviews", "/reviews", "Name", "Q1", "Scope", "group-members", "Group", "devs", "Due", "2027-01-31", "Reviewers", "rita")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/reviews/") {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	page := res.Header.Get("Location")
	id := strings.TrimPrefix(page, "/reviews/")

	rita := e.browser()
	if res := rita.login("rita", alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rita's sign-in: %d", res.StatusCode)
	}
	res, body = rita.get(page)
	for _, want := range []string{aliceARN, bobARN, "Managed policy AdministratorAccess", "Member of group devs", "→ AdministratorAccess", "no recorded use",
		`id="keep-item-1"`, iam.RevokedRolePolicyName(id), `id="close-review"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the campaign page lacks %q", want)
		}
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("campaign page: %d", res.StatusCode)
	}

	// Revoking alice's admin policy: a confirmation step, then the detach.
	step := page + "/decide?" + url.Values{"PrincipalArn": {aliceARN}, "Decision": {"revoke"}, "Permission": {"policy:arn:aws:iam::aws:policy/AdministratorAccess"}}.Encode()
	res, body = rita.get(step)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Detach arn:aws:iam::aws:policy/AdministratorAccess from alice?") {
		t.Fatalf("revoke step: %d", res.StatusCode)
	}
	res, body = rita.form(step, page+"/decide", "PrincipalArn", aliceARN, "Decision", "revoke", "Permission", "policy:arn:aws:iam::aws:policy/AdministratorAccess", "confirm", "yes")
	mustRedirect(t, res, body, page)
	if _, body = rita.get(page); !strings.Contains(body, `badge-bad">revoked<`) || strings.Contains(body, `id="revoke-item-0-0"`) {
		t.Error("the revoked policy is not shown revoked")
	}
	// Removing her from the group is not rita's to do: the operation's refusal.
	res, body = rita.form(page, page+"/decide", "PrincipalArn", aliceARN, "Decision", "revoke", "Permission", "group:devs", "confirm", "yes")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "iam:RemoveUserFromGroup") {
		t.Fatalf("membership revocation without the permission: %d", res.StatusCode)
	}
	// Closing with bob undecided is refused, with why.
	res, body = rita.form(page, page+"/close")
	mustRedirect(t, res, body, page)
	if _, body = rita.get(page); !strings.Contains(body, "undecided: decide them") {
		t.Error("no reason shown for the refused close")
	}
	_, body = rita.get(page + "?filter=undecided")
	if strings.Contains(body, aliceARN) || !strings.Contains(body, bobARN) {
		t.Error("the undecided filter shows decided principals or hides bob")
	}
	res, body = rita.form(page, page+"/decide", "PrincipalArn", bobARN, "Decision", "keep")
	mustRedirect(t, res, body, page)
	res, body = rita.form(page, page+"/close")
	mustRedirect(t, res, body, page)
	_, body = rita.get(page)
	if !strings.Contains(body, `id="review-state">closed<`) || strings.Contains(body, `id="close-review"`) {
		t.Error("the campaign is not shown closed")
	}

	res, body = rita.get(page + "/report.csv")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV report: %d", res.StatusCode)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	must(err)
	if len(rows) != 3 || rows[1][0] != aliceARN || rows[1][5] != "revoke-some" || !strings.Contains(rows[1][8], "DetachUserPolicy") ||
		rows[2][5] != "keep" {
		t.Errorf("CSV report rows: %q", rows)
	}
	res, body = rita.get(page + "/report.json")
	var rep iam.CampaignReportJSON
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &rep) != nil || rep.State != "closed" || len(rep.Principals) != 2 {
		t.Errorf("JSON report: %d %s", res.StatusCode, body)
	}
	_, body = root.get("/reviews")
	if !strings.Contains(body, "Q1") || !strings.Contains(body, "closed") {
		t.Error("the list lacks the closed campaign")
	}
}

package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
)

// TestLastAccessedTab: the pages a user opens are its use, and the "Last
// accessed" tab of the user, its policy-holding entities and a role shows
// it (a service nobody used says so); a viewer without the permission
// sees why.
func TestLastAccessedTab(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	admin := e.browser()
	admin.setup()
	e.mkUser("ivy", alicePassword, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:ListUsers","s3:GetObject"],"Resource":"*"}]}`)
	b := e.browser()
	if res := b.login("ivy", alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	if res, _ := b.get("/users"); res.StatusCode != http.StatusOK {
		t.Fatalf("/users: %d", res.StatusCode)
	}
	if res, _ := b.get("/users/ivy"); res.StatusCode != http.StatusOK {
		t.Fatalf("/users/ivy: %d", res.StatusCode)
	}

	res, body := admin.get("/users/ivy?tab=last-accessed")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("tab: %d", res.StatusCode)
	}
	iamRow, s3Row := row(body, `data-namespace="iam"`), row(body, `data-namespace="s3"`)
	if !strings.Contains(iamRow, ":user/ivy") || !strings.Contains(iamRow, "iam:ListUsers") || !strings.Contains(iamRow, "iam:GetUser") {
		t.Errorf("iam row = %s", iamRow)
	}
	if !strings.Contains(s3Row, "Not accessed in the tracking period") {
		t.Errorf("s3 row = %s", s3Row)
	}

	// Ivy may not run Access Advisor: the tab says so, and her attempt is
	// use too.
	res, body = b.get("/users/ivy?tab=last-accessed")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="tab-hidden"`) {
		t.Errorf("ivy's own tab: %d", res.StatusCode)
	}
	_, body = admin.get("/users/ivy?tab=last-accessed")
	if !strings.Contains(row(body, `data-namespace="iam"`), "iam:GenerateServiceLastAccessedDetails") {
		t.Errorf("the refused attempt is not in the iam row")
	}
	// The policy from ivy's activity: s3 goes, iam narrows to what she
	// used; saving it is the create-policy form.
	acct, err := e.store.LiveAccount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ivyARN := "arn:aws:iam::" + acct.ID + ":user/ivy"
	res, body = admin.get("/policies/generate?days=30&arn=" + url.QueryEscape(ivyARN))
	if res.StatusCode != http.StatusOK || !strings.Contains(row(body, `data-namespace="s3"`), "removed") ||
		!strings.Contains(row(body, `data-namespace="iam"`), "iam:ListUsers") {
		t.Fatalf("generate: %d %s", res.StatusCode, row(body, `id="activity-diff"`))
	}
	doc := html.UnescapeString(between(body, `name="PolicyDocument"`, "</textarea>"))
	doc = doc[strings.Index(doc, ">")+1:]
	if !strings.Contains(doc, `"iam:GetUser"`) || strings.Contains(doc, "s3:") {
		t.Errorf("generated document = %s", doc)
	}
	tok := admin.csrf("/policies/new")
	if res, body := admin.post("/policies", url.Values{"_csrf": {tok}, "PolicyName": {"ivy-from-activity"}, "PolicyDocument": {doc}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("save: %d %s", res.StatusCode, body)
	}
	for _, path := range []string{"/roles", "/groups"} {
		if res, _ := admin.get(path); res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	if res, body := admin.get("/policies/view?arn=arn:aws:iam::aws:policy/IAMReadOnlyAccess&tab=last-accessed"); res.StatusCode != http.StatusOK ||
		!strings.Contains(body, `id="last-accessed"`) {
		t.Errorf("policy tab: %d", res.StatusCode)
	}
}

// row is the table row of body that holds marker, "" when none does.
func row(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	end := strings.Index(body[i:], "</tr>")
	if end < 0 {
		return body[i:]
	}
	return body[i : i+end]
}

func between(s, a, z string) string {
	_, rest, _ := strings.Cut(s, a)
	v, _, _ := strings.Cut(rest, z)
	return v
}

// TestUnusedAccessSetting: the settings page sets the unused-access
// window, and refuses one out of range with AWS-like words.
func TestUnusedAccessSetting(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	admin := e.browser()
	admin.setup()
	if _, body := admin.get("/settings"); !strings.Contains(body, `id="UnusedAccessDays"`) || !strings.Contains(between(body, `id="UnusedAccessDays"`, ">"), `value="90"`) {
		t.Fatalf("settings page: %s", between(body, `id="unused-access-form"`, "</form>"))
	}
	for _, c := range []struct {
		days, want string
	}{{"120", "Unused access window saved."}, {"900", "between 1 and 365"}} {
		tok := admin.csrf("/settings")
		res, _ := admin.post("/settings/unused-access", url.Values{"_csrf": {tok}, "UnusedAccessDays": {c.days}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save %s: %d", c.days, res.StatusCode)
		}
		if _, body := admin.get("/settings"); !strings.Contains(body, c.want) || !strings.Contains(between(body, `id="UnusedAccessDays"`, ">"), `value="120"`) {
			t.Errorf("after %s: %s", c.days, between(body, `id="unused-access-form"`, "</form>"))
		}
	}
}

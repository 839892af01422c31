package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
)

func TestSimulator(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	const identity = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::bucket/*"},
    {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::bucket/secret/*"},
    {"Sid": "FromOffice", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}
  ]
}`
	form := url.Values{"_csrf": {b.csrf("/simulator")}, "policy1": {identity},
		"actions":   {"s3:GetObject\ns3:PutObject"},
		"resources": {"arn:aws:s3:::bucket/a.txt\narn:aws:s3:::bucket/secret/k"}}
	res, body := b.post("/simulator", form)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("simulate: %d", res.StatusCode)
	}
	got := regexp.MustCompile(`class="badge [a-z-]+ decision">([a-zA-Z]+)<`).FindAllStringSubmatch(body, -1)
	var decisions []string
	for _, g := range got {
		decisions = append(decisions, g[1])
	}
	want := []string{"allowed", "explicitDeny", "implicitDeny", "explicitDeny"}
	if strings.Join(decisions, ",") != strings.Join(want, ",") {
		t.Fatalf("decisions %v, want %v", decisions, want)
	}
	if !strings.Contains(body, "(NoSecrets)") || !strings.Contains(body, "<code>aws:SourceIp</code>") {
		t.Fatal("explanations missing: the deciding Sid or the missing context key")
	}

	// With the context key, the conditioned Allow applies.
	form.Set("_csrf", b.csrf("/simulator"))
	form.Set("actions", "s3:PutObject")
	form.Set("resources", "arn:aws:s3:::other/x")
	form.Set("context", "aws:SourceIp=10.1.2.3")
	_, body = b.post("/simulator", form)
	if !strings.Contains(body, `decision">allowed<`) || !strings.Contains(body, "(FromOffice)") {
		t.Fatal("conditioned allow not applied")
	}

	// A boundary that does not allow it turns it into an implicit deny.
	form.Set("_csrf", b.csrf("/simulator"))
	form.Set("boundary", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`)
	_, body = b.post("/simulator", form)
	if !strings.Contains(body, `decision">implicitDeny<`) || !strings.Contains(body, "permissions boundary does not allow") {
		t.Fatal("boundary not applied")
	}

	// A malformed policy is shown beside its field with line and column.
	form.Set("_csrf", b.csrf("/simulator"))
	form.Set("policy1", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Permit\", \"Action\": \"s3:*\", \"Resource\": \"*\"}\n}")
	res, body = b.post("/simulator", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="policy1-error"`) || !regexp.MustCompile(`line 3, column 27: Effect must be`).MatchString(body) {
		t.Fatalf("malformed policy: %d\n%s", res.StatusCode, regexp.MustCompile(`id="policy1-error">[^<]*`).FindString(body))
	}
	// Markup in a policy is shown escaped.
	form.Set("_csrf", b.csrf("/simulator"))
	form.Set("policy1", `{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/<img src=x onerror=alert(1)>"}]}`)
	form.Set("boundary", "")
	form.Set("actions", "s3:GetObject")
	form.Set("resources", "arn:aws:s3:::b/<img src=x onerror=alert(1)>")
	_, body = b.post("/simulator", form)
	if strings.Contains(body, "<img src=x") {
		t.Fatal("markup from a policy reached the page unescaped")
	}
}

func TestSimulatorForAPrincipal(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	e.mkUser("carol", "quiet violet harbor 36", `{"Version":"2012-10-17","Statement":[{"Sid":"Reports","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	form := url.Values{"_csrf": {b.csrf("/simulator")}, "source": {"user/carol"},
		"actions": {"s3:GetObject\ns3:PutObject"}, "resources": {"arn:aws:s3:::reports/q1.csv"}}
	res, body := b.post("/simulator", form)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("simulate carol: %d", res.StatusCode)
	}
	if !strings.Contains(body, `decision">allowed<`) || !strings.Contains(body, `decision">implicitDeny<`) || !strings.Contains(body, "(Reports)") {
		t.Fatal("carol's own policy was not evaluated")
	}
	form.Set("_csrf", b.csrf("/simulator"))
	form.Set("source", "user/nobody")
	res, body = b.post("/simulator", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="principal-error"`) {
		t.Fatalf("unknown principal: %d", res.StatusCode)
	}
}

func TestSimulatorLinksStoredPolicies(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	e.user("kim").password("quiet violet harbor 37", false).attach("arn:aws:iam::aws:policy/ReadOnlyAccess")
	form := url.Values{"_csrf": {b.csrf("/simulator")}, "source": {"user/kim"}, "actions": {"iam:ListUsers"}}
	_, body := b.post("/simulator", form)
	if !strings.Contains(body, `decision">allowed<`) || !strings.Contains(body, "/policies/view?arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess") {
		t.Fatal("the deciding managed policy is not linked")
	}
}

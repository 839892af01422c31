package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
)

// TestPolicyCheckAnalyzerFindings: the create-policy check shows IAM Access
// Analyzer's findings beside the console's diagnostics, at their line and
// column, with AWS's links; a user who may not run ValidatePolicy sees the
// rest of the check, and no refusal is recorded for it.
func TestPolicyCheckAnalyzerFindings(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Action\": [\"iam:PassRole\", \"s3:GetObjct\"],\n    \"Resource\": \"*\"\n  }]\n}"
	res, body := b.form("/policies/new", "/policies", "check", "1", "PolicyName", "Draft", "PolicyDocument", doc)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="analyzer-findings"`) {
		t.Fatalf("check: %d, no findings panel", res.StatusCode)
	}
	for _, want := range []string{
		`data-line="5" data-col="16" data-code="PASS_ROLE_WITH_STAR_IN_RESOURCE"`,
		`data-line="5" data-col="32" data-code="INVALID_ACTION"`,
		`href="https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-action"`,
		`data-warning-lines="5,5`, // the editor marks the line of each
	} {
		if !strings.Contains(body, want) {
			t.Errorf("check page lacks %s", want)
		}
	}

	e.mkUser("writer", alicePassword, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreatePolicy","iam:List*","iam:Get*"],"Resource":"*"}]}`)
	w := e.browser()
	if res := w.login("writer", alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	res, body = w.form("/policies/new", "/policies", "check", "1", "PolicyName", "Draft", "PolicyDocument", doc)
	if res.StatusCode != http.StatusOK || strings.Contains(body, `id="analyzer-findings"`) || !strings.Contains(body, `id="policy-warnings"`) {
		t.Errorf("check without access-analyzer:ValidatePolicy: %d, findings shown or warnings missing", res.StatusCode)
	}
	if _, body := b.get("/audit?result=Failure"); strings.Contains(body, "ValidatePolicy") {
		t.Error("the editor's check recorded a refusal")
	}
}

// TestPolicyVersionAnalyzerFindings: a refused new version shows Access
// Analyzer's findings beside the error that refused it.
func TestPolicyVersionAnalyzerFindings(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	acct := mustAccount(t, e)
	arn := "arn:aws:iam::" + acct + ":policy/Reports"
	good := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`
	res, body := b.form("/policies/new", "/policies", "PolicyName", "Reports", "PolicyDocument", good)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	view := "/policies/view?arn=" + url.QueryEscape(arn) + "&tab=versions"
	bad := "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::reports/*\"}]}"
	res, body = b.form(view, "/policies/versions", "arn", arn, "PolicyDocument", bad)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="PolicyDocument-error"`) ||
		!strings.Contains(body, `data-code="INVALID_EFFECT"`) {
		t.Fatalf("refused version: %d, error or findings missing", res.StatusCode)
	}
}

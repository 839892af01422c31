package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
)

func TestPolicyPages(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	acct := mustAccount(t, e)
	arn := "arn:aws:iam::" + acct + ":policy/team/S3Read"
	view := "/policies/view?arn=" + url.QueryEscape(arn)

	// Lists by scope.
	// AWS's 1,594 come a page at a time; the search finds one by name.
	_, body := b.get("/policies?scope=AWS&q=IAMReadOnly")
	if !strings.Contains(body, ">IAMReadOnlyAccess<") || !strings.Contains(body, `id="create-policy"`) {
		t.Fatal("AWS managed list lacks ReadOnlyAccess or the create button")
	}
	if _, body := b.get("/policies?scope=Local"); strings.Contains(body, ">ReadOnlyAccess<") {
		t.Fatal("customer managed list shows a built-in")
	}

	v1 := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:ListBucket\"],\n      \"Resource\": \"*\"\n    }\n  ]\n}"
	for _, tc := range []struct {
		name, field, want string
		fields            []string
	}{
		{"syntax error at a line", "PolicyDocument", "line 5, column 24", []string{"PolicyName", "S3Read", "PolicyDocument", strings.Replace(v1, `"Allow",`, `"Allow"`, 1)}},
		{"bad effect", "PolicyDocument", "line 5", []string{"PolicyName", "S3Read", "PolicyDocument", strings.Replace(v1, `"Allow"`, `"Maybe"`, 1)}},
		{"bad name", "PolicyName", "", []string{"PolicyName", "S3 Read", "PolicyDocument", v1}},
		{"duplicate of nothing but bad path", "Path", "", []string{"PolicyName", "S3Read", "Path", "team", "PolicyDocument", v1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.form("/policies/new", "/policies", tc.fields...)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tc.field+`-error"`) || !strings.Contains(body, tc.want) {
				t.Fatalf("%d: %v", res.StatusCode, regexp.MustCompile(`class="field-error" id="[^"]*">[^<]*`).FindAllString(body, -1))
			}
			if !strings.Contains(body, "s3:ListBucket") {
				t.Fatal("the document typed was lost")
			}
		})
	}
	// Check only: warnings, nothing created.
	res, body := b.form("/policies/new", "/policies", "check", "1", "PolicyName", "S3Read", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="document-ok"`) {
		t.Fatalf("check: %d", res.StatusCode)
	}
	if _, body := b.get("/policies?scope=Local"); strings.Contains(body, "S3Read") {
		t.Fatal("checking created the policy")
	}

	res, body = b.form("/policies/new", "/policies", "PolicyName", "S3Read", "Path", "/team/", "Description", "reads S3", "PolicyDocument", v1,
		"tag_key", "owner", "tag_value", "data")
	mustRedirect(t, res, body, view)
	_, body = b.get(view)
	for _, want := range []string{"reads S3", "owner=data", ">s3<", "Limited: List, Read", "All resources"} {
		if !strings.Contains(body, want) {
			t.Fatalf("summary lacks %q", want)
		}
	}
	// Pickers fetch the policies (AWS's 1,594 and the account's own) when used,
	// rather than carry 100 KB of ARNs in every page.
	if res, body := b.get("/policies/arns"); res.StatusCode != http.StatusOK || !strings.Contains(body, `"`+arn+`"`) ||
		!strings.Contains(body, `"arn:aws:iam::aws:policy/ReadOnlyAccess"`) {
		t.Fatalf("picker ARNs: %d %s", res.StatusCode, body)
	}
	if _, body := b.get("/users/new"); strings.Contains(body, arn) || !strings.Contains(body, `data-src="/policies/arns"`) ||
		strings.Contains(body, `value="arn:aws:iam::aws:policy/ReadOnlyAccess"`) {
		t.Fatal("a picker page should leave the policies to /policies/arns")
	}
	// Versions: add v2 (default), diff, set v1 back, delete v2.
	v2 := strings.Replace(v1, `"s3:ListBucket"`, `"s3:PutObject"`, 1)
	res, body = b.form(view+"&tab=versions", "/policies/versions", "arn", arn, "PolicyDocument", "{", "SetAsDefault", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="PolicyDocument-error"`) {
		t.Fatalf("bad version: %d", res.StatusCode)
	}
	res, body = b.form(view+"&tab=versions", "/policies/versions", "arn", arn, "PolicyDocument", v2, "SetAsDefault", "true")
	mustRedirect(t, res, body, view+"&tab=versions")
	_, body = b.get(view + "&tab=versions")
	if !strings.Contains(body, `id="diff-form"`) || !strings.Contains(body, ">v2<") {
		t.Fatal("versions tab lacks v2 or the diff form")
	}
	_, body = b.get("/policies/diff?arn=" + url.QueryEscape(arn) + "&from=v1&to=v2")
	if !regexp.MustCompile(`class="diff-del".*s3:ListBucket`).MatchString(body) || !regexp.MustCompile(`class="diff-add".*s3:PutObject`).MatchString(body) {
		t.Fatalf("diff: %.3000s", body)
	}
	if _, body := b.get(view); !strings.Contains(body, "Write") {
		t.Fatal("the summary is not of the new default")
	}
	res, body = b.form(view+"&tab=versions", "/policies/versions/default", "arn", arn, "VersionId", "v1")
	mustRedirect(t, res, body, view+"&tab=versions")
	res, body = b.form(view+"&tab=versions", "/policies/versions/delete", "arn", arn, "VersionId", "v2", "confirm", "v2")
	mustRedirect(t, res, body, view+"&tab=versions")

	// Entities attached; deleting an attached policy says why it cannot.
	b.form("/users/new", "/users", "UserName", "reader")
	b.form("/users/reader", "/users/reader/policies", "PolicyArn", arn)
	if _, body := b.get(view + "&tab=entities"); !strings.Contains(body, `href="/users/reader?tab=permissions"`) {
		t.Fatal("entities tab lacks the user")
	}
	res, body = b.form(view, "/policies/delete", "arn", arn, "confirm", arn[strings.LastIndex(arn, "/")+1:])
	mustRedirect(t, res, body, view)
	if _, body := b.get(view); !strings.Contains(body, "flash-error") {
		t.Fatal("no reason given for the refused delete")
	}
	b.form("/users/reader", "/users/reader/policies/detach", "PolicyArn", arn, "confirm", "yes")
	res, body = b.form(view, "/policies/delete", "arn", arn, "confirm", arn[strings.LastIndex(arn, "/")+1:])
	mustRedirect(t, res, body, "/policies?scope=Local")
	if res, _ := b.get(view); res.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted policy: %d", res.StatusCode)
	}

	// Built-ins are read-only: no edit button; a forged version is refused.
	ro := "/policies/view?arn=" + url.QueryEscape("arn:aws:iam::aws:policy/ReadOnlyAccess")
	if _, body := b.get(ro + "&tab=versions"); strings.Contains(body, `id="version-form"`) || strings.Contains(body, `id="delete-policy"`) {
		t.Fatal("a built-in policy offers edits")
	}
	res, _ = b.form(ro, "/policies/versions", "arn", "arn:aws:iam::aws:policy/ReadOnlyAccess", "PolicyDocument", v1)
	if res.StatusCode < 400 {
		t.Fatalf("new version of a built-in: %d", res.StatusCode)
	}
}

// TestPolicyPickerByName: without JavaScript, a picker attaches AWS's policy
// or the account's own by its exact name (whatever its path), finds policies
// by part of a name with an attach button each (an exact name first), and
// names what it could not find.
func TestPolicyPickerByName(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	acct := mustAccount(t, e)
	b.form("/users/new", "/users", "UserName", "reader")
	res, body := b.form("/policies/new", "/policies", "PolicyName", "TeamRead", "Path", "/team/", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	mustRedirect(t, res, body, "/policies/view?arn="+url.QueryEscape("arn:aws:iam::"+acct+":policy/team/TeamRead"))

	perms := "/users/reader?tab=permissions"
	for _, typed := range []string{"IAMReadOnlyAccess", "ViewOnlyAccess", "teamread", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"} {
		res, body := b.form(perms, "/users/reader/policies", "PolicyArn", typed)
		mustRedirect(t, res, body, perms)
	}
	_, body = b.get(perms)
	for _, arn := range []string{"arn:aws:iam::aws:policy/IAMReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
		"arn:aws:iam::" + acct + ":policy/team/TeamRead", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"} {
		if !strings.Contains(body, arn) {
			t.Errorf("not attached: %s", arn)
		}
	}
	res, body = b.form(perms, "/users/reader/policies", "PolicyArn", "IAMReadOnly")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "No AWS managed or customer managed policy is named IAMReadOnly") {
		t.Fatalf("partial name: %d", res.StatusCode)
	}

	_, body = b.get(perms + "&pq=ReadOnlyAccess")
	matches := regexp.MustCompile(`aria-label="Attach ([^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(matches) == 0 || matches[0][1] != "ReadOnlyAccess" || !strings.Contains(body, "More policies match") {
		t.Fatalf("search ReadOnlyAccess: %v", matches)
	}
	_, body = b.get(perms + "&pq=teamr")
	if !strings.Contains(body, `id="policy-matches"`) || !strings.Contains(body, "TeamRead") || !strings.Contains(body, ">Attached<") {
		t.Fatal("search by part of a customer policy's name")
	}
}

// TestAWSManagedPolicyPages: AWS's policies have their pages, read-only, with
// AWS's document, default version and path, and a summary by service and
// access level that stays a reasonable size for the largest of them.
func TestAWSManagedPolicyPages(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	for _, tc := range []struct {
		arn  string
		want []string
	}{
		{"arn:aws:iam::aws:policy/AdministratorAccess", []string{"Full access", "AWS managed (read-only)", "Amazon S3", "Write: Full (all "}},
		{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", []string{"Full: List; Limited: Read", "Amazon S3 Object Lambda", "All resources"}},
		{"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", []string{"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", "Limited"}},
	} {
		res, body := b.get("/policies/view?arn=" + url.QueryEscape(tc.arn))
		if res.StatusCode != http.StatusOK || len(body) > 600<<10 {
			t.Fatalf("%s: %d, %d bytes", tc.arn, res.StatusCode, len(body))
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", tc.arn, w)
			}
		}
	}
	_, body := b.get("/policies/view?tab=json&arn=" + url.QueryEscape("arn:aws:iam::aws:policy/IAMReadOnlyAccess"))
	if !strings.Contains(body, "Version v4") || !strings.Contains(body, "iam:GenerateServiceLastAccessedDetails") {
		t.Error("IAMReadOnlyAccess JSON tab is not AWS's v4 document")
	}
}

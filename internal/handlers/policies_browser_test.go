package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
)

// TestBrowserAttachPolicyByName: in Chromium, an administrator attaches
// AmazonS3ReadOnlyAccess by typing its name and IAMReadOnlyAccess from a
// search by part of its name, each saved after its preview (what the user
// gains, before it is saved); the simulator then decides for the user as
// AWS's documents say: s3:GetObject allowed, s3:PutObject not.
func TestBrowserAttachPolicyByName(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	url := e.srv.URL
	browserAdmin(t, ctx, e, b)
	res, body := b.form("/users/new", "/users", "UserName", "dana")
	mustRedirect(t, res, body, "/users/dana")

	browsertest.Step(t, ctx, "attach by typing the name",
		chromedp.Navigate(url+"/users/dana?tab=permissions"),
		chromedp.WaitVisible("#PolicyArn"),
		chromedp.SendKeys("#PolicyArn", "AmazonS3ReadOnlyAccess"),
		chromedp.Submit("#PolicyArn"),
		chromedp.WaitVisible("#preview"),
	)
	// The change is shown before it is saved: dana gains S3's reads.
	if s := browsertest.Text(t, ctx, "#preview-access"); !strings.Contains(s, "dana") || !strings.Contains(s, "Amazon S3") {
		t.Fatalf("the preview does not show dana gaining S3: %q", s)
	}
	browsertest.Screenshot(t, ctx, "preview")
	browsertest.Step(t, ctx, "save after the preview",
		chromedp.Click("#confirm-button"),
		chromedp.WaitVisible("#attached-policies"),
	)
	if s := browsertest.Text(t, ctx, "#attached-policies"); !strings.Contains(s, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess") {
		t.Fatalf("attached policies after typing the name: %q", s)
	}
	browsertest.Step(t, ctx, "a name that is no policy",
		chromedp.SendKeys("#PolicyArn", "NoSuchPolicyAnywhere"),
		chromedp.Submit("#PolicyArn"),
		chromedp.WaitVisible("#PolicyArn-error"),
	)
	if s := browsertest.Text(t, ctx, "#PolicyArn-error"); !strings.Contains(s, "No AWS managed or customer managed policy is named NoSuchPolicyAnywhere") {
		t.Fatalf("error for an unknown name: %q", s)
	}

	browsertest.Step(t, ctx, "search by part of a name and attach",
		chromedp.Navigate(url+"/users/dana?tab=permissions"),
		chromedp.WaitVisible("#pq"),
		chromedp.SendKeys("#pq", "iamreadonly"),
		chromedp.Submit("#pq"),
		chromedp.WaitVisible("#policy-matches"),
		chromedp.Click(`button[aria-label="Attach IAMReadOnlyAccess"]`),
		chromedp.WaitVisible("#preview"),
		chromedp.Click("#confirm-button"),
		chromedp.WaitNotPresent("#policy-matches"), // back on the permissions tab
		chromedp.WaitVisible("#attached-policies"),
	)
	browsertest.Screenshot(t, ctx, "policy-picker")
	if s := browsertest.Text(t, ctx, "#attached-policies"); !strings.Contains(s, "IAMReadOnlyAccess") || !strings.Contains(s, "AmazonS3ReadOnlyAccess") {
		t.Fatalf("attached policies after the search: %q", s)
	}

	browsertest.Step(t, ctx, "simulate the user",
		chromedp.Navigate(url+"/simulator"),
		chromedp.WaitVisible("#source"),
		chromedp.SendKeys("#source", "user/dana"),
		// Only the user's own policies: nothing pasted.
		chromedp.Evaluate[chromedp.Void](`document.getElementById("policy1").value = "";
			document.getElementById("actions").value = "s3:GetObject\ns3:PutObject\niam:ListUsers\niam:CreateUser";
			document.getElementById("resources").value = "arn:aws:s3:::reports/q1.csv";`),
		chromedp.Submit("#source"),
		chromedp.WaitVisible("#sim-results"),
	)
	want := []string{"allowed", "implicitDeny", "allowed", "implicitDeny"}
	for i, w := range want {
		row := browsertest.Text(t, ctx, "#sim-results tbody tr:nth-child("+string(rune('1'+i))+") .decision")
		if row != w {
			t.Errorf("simulation row %d: %q, want %q", i+1, row, w)
		}
	}
}

// TestBrowserPolicyEditor: the editor numbers its lines, reports a trailing
// comma on line 7 at line 7 (and marks it in the gutter), summarises a valid
// draft by service and access level, and suggests actions from AWS's list.
func TestBrowserPolicyEditor(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	url := e.srv.URL
	browserAdmin(t, ctx, e, b)
	bad := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"sts:AssumeRol\",\n      \"Resource\": \"*\",\n    }\n  ]\n}"
	browsertest.Step(t, ctx, "check a document with a trailing comma",
		chromedp.Navigate(url+"/policies/new"),
		chromedp.WaitVisible(".editor-gutter"),
		chromedp.SetValue("#PolicyDocument", bad),
		chromedp.Click(`button[name="check"]`),
		chromedp.WaitVisible("#PolicyDocument-error"),
	)
	browsertest.Screenshot(t, ctx, "policy-editor-error")
	if s := browsertest.Text(t, ctx, "#PolicyDocument-error"); !strings.Contains(s, "line 7, column 22") || !strings.Contains(s, "trailing comma") {
		t.Fatalf("error %q", s)
	}
	if s := browsertest.Text(t, ctx, ".editor-gutter .editor-error-line"); strings.TrimSpace(s) != "7" {
		t.Fatalf("gutter marks line %q", s)
	}
	browsertest.Step(t, ctx, "check the fixed document",
		chromedp.SetValue("#PolicyDocument", strings.Replace(bad, `"*",`, `"*"`, 1)),
		chromedp.Click(`button[name="check"]`),
		chromedp.WaitVisible("#draft-summary"),
	)
	browsertest.Screenshot(t, ctx, "policy-editor-summary")
	if s := browsertest.Text(t, ctx, "#policy-warnings"); !strings.Contains(s, `did you mean "sts:AssumeRole"?`) {
		t.Fatalf("warnings %q", s)
	}
	if s := browsertest.Text(t, ctx, ".editor-gutter .editor-warning-line"); strings.TrimSpace(s) != "6" {
		t.Fatalf("gutter marks warning line %q, want 6", s)
	}
	browsertest.Step(t, ctx, "look up an action",
		chromedp.SendKeys("#PolicyDocument-action", "s3:GetObjectT"),
		chromedp.WaitReady(`datalist[data-loaded="s3:GetObjectT"]`),
	)
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	opts, err := chromedp.Run(sctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#PolicyDocument-actions option")).map(o => o.value)`))
	if err != nil || !strings.Contains(strings.Join(opts, ","), "s3:GetObjectTagging") {
		t.Fatalf("suggestions %v %v", opts, err)
	}
}

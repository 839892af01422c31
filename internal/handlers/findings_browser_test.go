package handlers_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
)

// TestBrowserFindingsIAMVulnerable: in Chromium at 1366×768, the first
// findings page of iam-vulnerable shows its counts and at most 50 rows in
// at most five screens; choosing Critical and technique iam-002 in the
// filters lists the three principals that can create an administrator's
// access key (graph's TestIAMVulnerableCriticalCreateAccessKey says why).
func TestBrowserFindingsIAMVulnerable(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	imp := importVulnerable(t, e)
	browserAdmin(t, ctx, e, b)
	eval := func(js string) int64 {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		n, err := chromedp.Run(sctx, chromedp.Evaluate[int64](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return n
	}
	browsertest.Step(t, ctx, "first page",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(e.srv.URL+"/findings?account="+imp.AccountID),
		chromedp.WaitVisible("#finding-counts"),
	)
	browsertest.Screenshot(t, ctx, "findings-iam-vulnerable")
	if rows := eval(`document.querySelectorAll("#findings tbody tr").length`); rows < 1 || rows > 50 {
		t.Errorf("%d rows on the first page, want 1 to 50", rows)
	}
	if h := eval(`document.body.scrollHeight`); h > 5*768 {
		t.Errorf("first page is %d px high, want at most %d (5 screens)", h, 5*768)
	} else {
		t.Logf("first page: %d px high", h)
	}
	if counts := browsertest.Text(t, ctx, "#finding-counts"); !strings.Contains(counts, "Critical") || !strings.Contains(counts, "PrivilegeEscalation") {
		t.Errorf("counts: %q", counts)
	}
	// The principal column keeps names on one line.
	if tall := eval(`Math.max(...[...document.querySelectorAll("#findings .principal-cell .arn-short")].map(e => Math.ceil(e.getBoundingClientRect().height)))`); tall > 30 {
		t.Errorf("a principal name is %d px high: it wraps", tall)
	}

	browsertest.Step(t, ctx, "filter to Critical and iam-002",
		chromedp.SetValue("#severity", "Critical"),
		chromedp.SetValue("#technique", "iam-002"),
		chromedp.Submit("#q"),
		chromedp.WaitVisible(`#finding-counts a.count-on`),
	)
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	names, err := chromedp.Run(sctx, chromedp.Evaluate[[]string](`[...new Set([...document.querySelectorAll("#findings .arn")].map(e => e.title))].sort()`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"arn:aws:iam::012345678901:role/OverprivilegedEC2",
		"arn:aws:iam::200611803367:role/privesc4-CreateAccessKey-role",
		"arn:aws:iam::200611803367:user/privesc4-CreateAccessKey-user",
	}
	if !slices.Equal(names, want) {
		t.Errorf("Critical iam-002 principals: %v, want %v", names, want)
	}
	if loc := browsertest.Location(t, ctx); !strings.Contains(loc, "severity=Critical") || !strings.Contains(loc, "technique=iam-002") {
		t.Errorf("filtered at %s", loc)
	}

	// One row per principal, then a technique's badge leads to its page.
	browsertest.Step(t, ctx, "grouped",
		chromedp.Navigate(e.srv.URL+"/findings?group=1&account="+imp.AccountID),
		chromedp.WaitVisible("#findings .technique-list"),
	)
	browsertest.Screenshot(t, ctx, "findings-grouped")
	browsertest.Step(t, ctx, "technique badge",
		chromedp.Click(`#findings a.technique[href="/techniques/iam-002"]`),
		chromedp.WaitVisible("#technique"),
	)
	browsertest.Screenshot(t, ctx, "technique-iam-002")
	if txt := browsertest.Text(t, ctx, "#technique"); !strings.Contains(txt, "iam:CreateAccessKey") || !strings.Contains(txt, "How to fix it") {
		t.Errorf("technique page: %.200q", txt)
	}
}

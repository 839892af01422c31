package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// TestBrowserLargeDrawing: in Chromium, an overview too large to sit in
// the page is fetched into it by the page's script, with pan and zoom.
func TestBrowserLargeDrawing(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{MaxInlineSVG: 64 << 10, OverviewWait: -1})
	b := e.browser()
	b.setup()
	imp := importVulnerable(t, e)
	url := e.srv.URL
	browserAdmin(t, ctx, e, b)
	// The page polls until the overview is laid out, reloads, then fetches it.
	browsertest.Step(t, ctx, "overview fetched into the page",
		chromedp.Navigate(url+"/graph?account="+imp.AccountID+"&all=1"),
		chromedp.WaitReady(`#graph-view[data-loaded="true"] svg g.node`),
	)
	browsertest.Screenshot(t, ctx, "graph-overview-fetched")
}

// TestBrowserGraphReview: in Chromium, the graph focused on alice (member
// of developers, whose policy lets her assume ops-admin, which has
// AdministratorAccess) says in words that she can become admin and links to
// her paths; ops-admin is marked admin-equivalent; a legend sits beside the
// drawing (readable at 390 px); every edge's hover text is words, never a
// DOT name; a click shows it in the details panel; the counts printed are
// the nodes drawn; and the focus field finds alice from "ali".
func TestBrowserGraphReview(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	f, err := os.Open(filepath.Join("testdata", "graph-alice.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imp, err := e.svc.ImportAccount(context.Background(), nil, f, "alice", iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	acct := imp.AccountID
	alice := "arn:aws:iam::" + acct + ":user/alice"
	browserAdmin(t, ctx, e, b)
	browsertest.Step(t, ctx, "graph focused on alice",
		chromedp.Navigate(e.srv.URL+templates.GraphURL(acct, "alice")),
		chromedp.WaitVisible("#graph-view svg g.node"),
	)
	route := browsertest.Text(t, ctx, "#admin-route")
	if want := "alice can become admin: alice — member of → developers — can assume → ops-admin — has → AdministratorAccess"; !strings.Contains(route, want) {
		t.Errorf("the words above the drawing: %q, want %q", route, want)
	}
	var href string
	href = evalJS[string](t, ctx, `document.querySelector("#admin-route a").getAttribute("href")`)
	if href != templates.PathsURL(acct, alice) {
		t.Errorf("paths link %q, want %q", href, templates.PathsURL(acct, alice))
	}
	var opsAdmin string
	opsAdmin = evalJS[string](t, ctx, `Array.from(document.querySelectorAll("#graph-view g.node a")).map(a => a.getAttribute("xlink:title")).filter(t => t.includes("role/ops-admin")).join("|")`)
	if !strings.Contains(opsAdmin, "admin-equivalent") {
		t.Errorf("ops-admin's node is not marked admin-equivalent: %q", opsAdmin)
	}
	var peripheries int
	peripheries = evalJS[int](t, ctx, `Array.from(document.querySelectorAll("#graph-view g.node")).filter(g => (g.querySelector("a").getAttribute("xlink:title") || "").includes("role/ops-admin"))[0].querySelectorAll("polygon").length`)
	if peripheries < 2 {
		t.Errorf("ops-admin is drawn with %d outlines, want a double border", peripheries)
	}
	if legend := browsertest.Text(t, ctx, "#graph-legend"); !strings.Contains(legend, "admin-equivalent") || !strings.Contains(legend, "can assume") {
		t.Errorf("legend: %q", legend)
	}
	var edgeTexts []string
	edgeTexts = evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll("#graph-view g.edge a")).map(a => a.getAttribute("xlink:title"))`)
	if len(edgeTexts) == 0 {
		t.Fatal("no edge has hover text")
	}
	internal := regexp.MustCompile(`^n\d+->n\d+$`)
	for _, s := range edgeTexts {
		if internal.MatchString(s) || !strings.Contains(s, " ") {
			t.Errorf("edge hover text %q is not words", s)
		}
	}
	if all := strings.Join(edgeTexts, "\n"); !strings.Contains(all, "alice can assume ops-admin — identity: Allow DevAssume of group developers (AssumeOps) line") ||
		!strings.Contains(all, "trust: Allow the trust policy of ops-admin (OpsAdminTrust) line") {
		t.Errorf("the can-assume edge's words and statements: %q", all)
	}
	var titles int
	titles = evalJS[int](t, ctx, `document.querySelectorAll("#graph-view svg title").length`)
	if titles != 0 {
		t.Errorf("%d SVG titles (DOT names) left in the drawing", titles)
	}
	var printed string
	var drawn int
	printed = evalJS[string](t, ctx, `document.getElementById("graph-counts").getAttribute("data-nodes")`)
	drawn = evalJS[int](t, ctx, `document.querySelectorAll("#graph-view svg g.node").length`)
	if printed != strconv.Itoa(drawn) || !strings.Contains(browsertest.Text(t, ctx, "#graph-counts"), printed+" nodes") {
		t.Errorf("printed %s nodes, drew %d", printed, drawn)
	}
	browsertest.Step(t, ctx, "click an edge",
		chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll("#graph-view g.edge")).find(g => g.querySelector("a").getAttribute("xlink:title").includes("can assume")).querySelector("path").dispatchEvent(new MouseEvent("click", {bubbles: true}))`),
		chromedp.WaitVisible("#graph-details"),
	)
	if d := browsertest.Text(t, ctx, "#graph-details-text"); !strings.Contains(d, "alice can assume ops-admin") {
		t.Errorf("details panel: %q", d)
	}
	browsertest.Step(t, ctx, "click a node",
		chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll("#graph-view g.node")).find(g => g.querySelector("a").getAttribute("xlink:title").includes("role/ops-admin")).querySelector("polygon").dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true}))`),
		chromedp.WaitVisible(`#graph-details-text a[href*="focus="]`),
	)
	if d := browsertest.Text(t, ctx, "#graph-details-text"); !strings.Contains(d, "admin-equivalent") || !strings.Contains(browsertest.Location(t, ctx), "focus=alice") {
		t.Errorf("a node's click shows its details and stays on the page: %q", d)
	}
	browsertest.Step(t, ctx, "type-ahead",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("focus").value = ""`),
		chromedp.SendKeys("#focus", "ali"),
		chromedp.WaitReady(`#focus-options[data-loaded="ali"]`),
	)
	var options []string
	options = evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll("#focus-options option")).map(o => o.value)`)
	if len(options) != 1 || options[0] != alice {
		t.Errorf("type-ahead for ali: %v", options)
	}
	browsertest.Screenshot(t, ctx, "graph-alice")
	browsertest.Step(t, ctx, "phone", chromedp.EmulateViewport(390, 900), chromedp.Reload(), chromedp.WaitVisible("#graph-legend"))
	var right float64
	right = evalJS[float64](t, ctx, `Math.max(...Array.from(document.querySelectorAll("#graph-legend, #graph-legend li, #admin-route")).map(e => e.getBoundingClientRect().right))`)
	if right > 390 {
		t.Errorf("the legend or the words reach %v px at 390", right)
	}
	browsertest.Screenshot(t, ctx, "graph-alice-390")

	// iam-vulnerable: the whole account summarised, and a focused view
	// whose parallel escalations are grouped and whose assumptions are said
	// once; both print the counts they draw.
	vuln := importVulnerable(t, e).AccountID
	browsertest.Step(t, ctx, "desktop", chromedp.EmulateViewport(1366, 900))
	for _, c := range []struct {
		name, path string
		want       []string
	}{
		{"summary", "/graph?account=" + vuln, []string{"#graph-summary-note"}},
		{"focused", templates.GraphURL(vuln, "privesc4-CreateAccessKey-user"), []string{".graph-assumption", "#admin-route"}},
	} {
		browsertest.Step(t, ctx, c.name, chromedp.Navigate(e.srv.URL+c.path), chromedp.WaitVisible("#graph-view svg g.node"))
		for _, sel := range c.want {
			browsertest.Text(t, ctx, sel)
		}
		printed := evalJS[string](t, ctx, `document.getElementById("graph-counts").getAttribute("data-nodes")`)
		drawn := evalJS[int](t, ctx, `document.querySelectorAll("#graph-view svg g.node").length`)
		if printed != strconv.Itoa(drawn) {
			t.Errorf("%s: printed %s nodes, drew %d", c.name, printed, drawn)
		}
		browsertest.Screenshot(t, ctx, "graph-vulnerable-"+c.name)
	}
	labels := evalJS[string](t, ctx, `Array.from(document.querySelectorAll("#graph-view g.edge text")).map(t => t.textContent).join("|")`)
	if !regexp.MustCompile(`(^|\|)\d+ escalations(\||$)`).MatchString(labels) || strings.Contains(labels, "assumed prerequisite") {
		t.Errorf("edge labels of the focused view: %s", labels)
	}
	if note := browsertest.Text(t, ctx, ".graph-assumption"); !strings.Contains(note, "edges (dashed) assume") {
		t.Errorf("assumption note: %q", note)
	}
}

// evalJS is the value of a script in the page.
func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

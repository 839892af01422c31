package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

func TestGraphAndFindingsPages(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	acct := mustAccount(t, e)
	// A role whose description and trust carry markup (as AWS allows).
	e.mkRoleWith(iam.CreateRoleInput{RoleName: "xss", Description: `"><img src=x onerror=alert(1)>`,
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`},
		"arn:aws:iam::aws:policy/AdministratorAccess")
	roleARN := "arn:aws:iam::" + acct + ":role/xss"

	res, body := b.get("/graph?focus=" + url.QueryEscape(roleARN))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("graph page: %d", res.StatusCode)
	}
	if strings.Contains(body, "<img src=x") {
		t.Fatal("markup from a role description reached the graph page")
	}
	if !strings.Contains(body, "<svg") && !strings.Contains(body, "Graphviz is not installed") {
		t.Fatal("no graph drawn and no reason given")
	}
	if os.Getenv("CI") == "true" && !strings.Contains(body, "<svg") {
		t.Fatal("CI has Graphviz: the graph must be drawn")
	}
	for _, f := range []string{"dot", "json", "svg"} {
		res, body := b.get("/graph." + f + "?focus=" + url.QueryEscape(roleARN))
		if res.StatusCode != http.StatusOK && !(f == "svg" && res.StatusCode == http.StatusServiceUnavailable) {
			t.Fatalf("download %s: %d", f, res.StatusCode)
		}
		if strings.Contains(body, "<img src=x") {
			t.Fatalf("markup in the %s download", f)
		}
	}
	// Findings: the role trusting "*" with admin access is flagged.
	res, body = b.get("/findings")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "PermissiveTrust") || !strings.Contains(body, roleARN) {
		t.Fatalf("findings page: %d", res.StatusCode)
	}

	// An imported account is reviewed the same way.
	f, err := os.Open(filepath.Join("..", "graph", "testdata", "aws-authorization-details", "small.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imp, err := e.svc.ImportAccount(context.Background(), nil, f, "small", iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if res, body := b.get("/findings?account=" + imp.AccountID); res.StatusCode != http.StatusOK || !strings.Contains(body, imp.AccountID) {
		t.Fatalf("findings of the imported account: %d", res.StatusCode)
	}
	if res, _ := b.get("/graph?account=" + imp.AccountID + "&focus=nope"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown focus: %d", res.StatusCode)
	}
}

func TestImportUpload(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	post := func(name string, content []byte) (*http.Response, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("_csrf", b.csrf("/import"))
		w.WriteField("label", "lab")
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(content)
		w.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+"/import", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(body)
	}
	dump, err := os.ReadFile(filepath.Join("..", "graph", "testdata", "aws-authorization-details", "iam-vulnerable.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, _ := post("iam-vulnerable.json", dump) // 800 KB: above the usual body limit
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/findings?account=") {
		t.Fatalf("upload: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := b.get(res.Header.Get("Location")); res.StatusCode != 200 || !strings.Contains(body, "PrivilegeEscalation") {
		t.Fatalf("findings after upload: %d", res.StatusCode)
	}
	if res, body := post("junk.json", []byte("not json at all")); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="file-error"`) {
		t.Fatalf("junk upload: %d", res.StatusCode)
	}
}

func TestWhoCanPage(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	e.mkUser("hank", "quiet violet harbor 31", `{"Version":"2012-10-17","Statement":[{"Sid":"Reports","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	res, body := b.get("/who-can?action=s3:GetObject&resource=" + url.QueryEscape("arn:aws:s3:::reports/q1.csv"))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="who-can"`) || !strings.Contains(body, "user/hank") || !strings.Contains(body, "(Reports)") {
		t.Fatalf("who-can: %d", res.StatusCode)
	}
	if strings.Contains(body, `id="who-can-outside"`) {
		t.Fatal("an outside table with nobody outside the account trusted")
	}
	if res, _ := b.get("/who-can?action=nocolon"); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad action: %d", res.StatusCode)
	}

	// Another account trusted with an ExternalId: listed apart, with what the
	// answer rests on, the trust statement and what the request needs.
	e.mkRole("Vendor", `{"Version":"2012-10-17","Statement":[{"Sid":"LetVendorIn","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},`+
		`"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"s3cr3t"}}}]}`, "arn:aws:iam::aws:policy/AdministratorAccess")
	_, body = b.get("/who-can?action=s3:GetObject&resource=" + url.QueryEscape("arn:aws:s3:::reports/q1.csv"))
	own, outside, ok := strings.Cut(body, `id="who-can-outside"`)
	if !ok {
		t.Fatal("no table of principals outside the account")
	}
	if strings.Contains(own, "444455556666") || !strings.Contains(own, "role/Vendor") {
		t.Fatal("the other account listed among the account's own, or the role missing")
	}
	for _, want := range []string{"Other account", "arn:aws:iam::444455556666:root", "if account 444455556666 allows it", "(LetVendorIn)", "needs ExternalId", "AdministratorAccess"} {
		if !strings.Contains(outside, want) {
			t.Errorf("outside table lacks %q", want)
		}
	}
}

// TestGraphOverview: a whole account too large for dot on the request path
// (iam-vulnerable: 1,900 edges, over a minute for dot) is summarised; drawn
// node by node (all=1) it is laid out by sfdp in the background; the page
// says so and polls, then shows it.
func TestGraphOverview(t *testing.T) {
	if _, err := exec.LookPath("sfdp"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("Graphviz's sfdp is not installed: CI must run the rendering tests (apt-get install graphviz)")
		}
		t.Skip("!!! GRAPHVIZ TEST SKIPPED: sfdp not installed (apt-get install graphviz)")
	}
	cache := t.TempDir()
	// Never wait: the test sees the poll. The overview (~1 MB) is above the
	// inline limit, so the page fetches it.
	e := newEnv(t, handlers.Config{OverviewWait: -1, GraphCacheDir: cache, MaxInlineSVG: 256 << 10})
	b := e.browser()
	b.setup()
	imp := importVulnerable(t, e)
	res, body := b.get("/graph?account=" + imp.AccountID)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "The whole account, summarised") || !strings.Contains(body, "<svg") ||
		strings.Contains(body, `id="depth"`) || !strings.Contains(body, "can reach admin") {
		t.Fatalf("the summary (drawn while the page waits, no depth control): %d", res.StatusCode)
	}
	m := regexp.MustCompile(`xlink:href="(/graph\?[^"]*bucket=[^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the summary's buckets do not link to their members")
	}
	if res, body := b.get(html.UnescapeString(m[1])); res.StatusCode != http.StatusOK || !strings.Contains(body, "<svg") || !strings.Contains(body, `id="depth"`) ||
		!strings.Contains(body, "with what they connect to") {
		t.Fatalf("a bucket's members: %d", res.StatusCode)
	}
	if res, _ := b.get("/graph?account=" + imp.AccountID + "&bucket=nonsense"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("an unknown bucket: %d", res.StatusCode)
	}

	page := "/graph?account=" + imp.AccountID + "&all=1"
	res, body = b.get(page)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "being computed") {
		t.Fatalf("first view: %d\n%s", res.StatusCode, body)
	}
	m = regexp.MustCompile(`data-overview-poll="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page does not poll for its overview")
	}
	poll := html.UnescapeString(m[1])
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, body := b.get(poll)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("poll: %d", res.StatusCode)
		}
		if !strings.Contains(body, `"pending"`) {
			if !strings.Contains(body, `"ready"`) {
				t.Fatalf("overview: %s", body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the overview was not laid out in 60 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	res, body = b.get(page)
	if res.StatusCode != http.StatusOK || strings.Contains(body, "<svg") || !strings.Contains(body, "Overview of the whole account") ||
		strings.Contains(body, "data-overview-poll") || !strings.Contains(body, `data-svg-src="/graph.svg?account=`+imp.AccountID+`&amp;all=1`) {
		t.Fatalf("after the layout, a page that fetches its drawing: %d", res.StatusCode)
	}
	res, body = b.get("/graph.svg?account=" + imp.AccountID + "&all=1")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(body, "<svg") {
		t.Fatalf("SVG download of the overview: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !res.Uncompressed || len(body) < 256<<10 {
		t.Fatalf("the %d-byte overview was not sent compressed", len(body))
	}
	if res, _ := b.get("/graph"); res.Uncompressed {
		t.Fatal("a page (CSRF token beside reflected input) was compressed")
	}
	for _, format := range []string{"dot", "json"} {
		if res, _ := b.get("/graph." + format + "?account=" + imp.AccountID); res.StatusCode != http.StatusOK {
			t.Fatalf("%s download: %d", format, res.StatusCode)
		}
	}
	if files, _ := filepath.Glob(filepath.Join(cache, "*.svg")); len(files) != 1 {
		t.Fatalf("disk cache holds %d overviews", len(files))
	}
	if res, _ := b.get("/graph/overview?key=nothex"); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("malformed key: %d", res.StatusCode)
	}
	if res, body := b.get("/graph/overview?key=" + strings.Repeat("00", 32)); res.StatusCode != http.StatusOK || !strings.Contains(body, `"unknown"`) {
		t.Fatalf("unknown key: %d %s", res.StatusCode, body)
	}
	if res, _ := e.browser().get(poll); res.StatusCode == http.StatusOK {
		t.Fatal("the overview's status answers without a session")
	}
}

// TestGraphFocusOnLargeAccounts: the focus field takes a name or an ARN
// (its list comes from the search as one types), never every principal.
func TestGraphFocusOnLargeAccounts(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	const acct = "210987654321"
	var users []string
	for i := range 320 {
		users = append(users, fmt.Sprintf(`{"UserName":"user-%03d","UserId":"AIDA%017d","Arn":"arn:aws:iam::%s:user/user-%03d","Path":"/"}`, i, i, acct, i))
	}
	// One user and one role of the same name.
	users = append(users, `{"UserName":"twin","UserId":"AIDATWIN0000000000000","Arn":"arn:aws:iam::`+acct+`:user/twin","Path":"/"}`)
	dump := `{"UserDetailList":[` + strings.Join(users, ",") + `],"GroupDetailList":[],"Policies":[],"RoleDetailList":[` +
		`{"RoleName":"twin","RoleId":"AROATWIN0000000000000","Arn":"arn:aws:iam::` + acct + `:role/twin","Path":"/","AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[]}}]}`
	if _, err := e.svc.ImportAccount(context.Background(), nil, strings.NewReader(dump), "big", iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	res, body := b.get("/graph?account=" + acct)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `<input id="focus" name="focus" type="text"`) || strings.Contains(body, "user-001") {
		t.Fatalf("a 322-principal account lists its principals: %d", res.StatusCode)
	}
	for _, c := range []struct {
		focus, want string
		status      int
	}{
		{"USER-007", `value="arn:aws:iam::` + acct + `:user/user-007"`, http.StatusOK},
		{"arn:aws:iam::" + acct + ":user/user-008", `value="arn:aws:iam::` + acct + `:user/user-008"`, http.StatusOK},
		{"nobody", "No user, group or role of this account is named nobody.", http.StatusNotFound},
		{"twin", "More than one principal is named twin", http.StatusNotFound},
	} {
		res, body := b.get("/graph?account=" + acct + "&focus=" + url.QueryEscape(c.focus))
		if res.StatusCode != c.status || !strings.Contains(html.UnescapeString(body), c.want) {
			t.Errorf("focus %q: %d, want %d and %q", c.focus, res.StatusCode, c.status, c.want)
		}
	}
	// The search behind the field.
	for _, c := range []struct {
		q      string
		status int
		want   string
	}{
		{"user-00", http.StatusOK, `"Name":"user-000"`},
		{"TWIN", http.StatusOK, `"Kind":"role"`},
		{"", http.StatusOK, "[]"},
		{"   ", http.StatusOK, "[]"},
		{"nobody", http.StatusOK, "[]"},
		{"<script>\x00", http.StatusOK, "[]"},
		{strings.Repeat("a", 5000), http.StatusBadRequest, "too long"},
	} {
		res, body := b.get("/graph/principals?account=" + acct + "&q=" + url.QueryEscape(c.q))
		if res.StatusCode != c.status || !strings.Contains(body, c.want) {
			t.Errorf("search %.20q: %d %.200s, want %d and %s", c.q, res.StatusCode, body, c.status, c.want)
		}
	}
	if _, body := b.get("/graph/principals?account=" + acct + "&q=user"); strings.Count(body, `"ID"`) != 20 {
		t.Errorf("a search answers at most 20: %s", body)
	}
	if res, _ := b.get("/graph/principals?account=999999999999&q=a"); res.StatusCode != http.StatusNotFound {
		t.Errorf("search of an unknown account: %d", res.StatusCode)
	}
	if res, _ := e.browser().get("/graph/principals?account=" + acct + "&q=user"); res.StatusCode == http.StatusOK {
		t.Error("the search answers without a session")
	}
}

// TestGraphExpandsCollapsedSets: "30 users" links to the same view with
// that set drawn node by node.
func TestGraphExpandsCollapsedSets(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	const acct = "310987654321"
	var users []string
	for i := range 30 {
		users = append(users, fmt.Sprintf(`{"UserName":"member-%02d","UserId":"AIDA%017d","Arn":"arn:aws:iam::%s:user/member-%02d","Path":"/","GroupList":["team"]}`, i, i, acct, i))
	}
	dump := `{"UserDetailList":[` + strings.Join(users, ",") + `],"GroupDetailList":[{"GroupName":"team","GroupId":"AGPATEAM000000000000","Arn":"arn:aws:iam::` + acct +
		`:group/team","Path":"/"}],"Policies":[],"RoleDetailList":[]}`
	if _, err := e.svc.ImportAccount(context.Background(), nil, strings.NewReader(dump), "team", iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	view := "?account=" + acct + "&focus=" + url.QueryEscape("arn:aws:iam::"+acct+":group/team")
	_, dot := b.get("/graph.dot" + view)
	m := regexp.MustCompile(`label="30 users".*URL="(/graph\?[^"]+)"`).FindStringSubmatch(dot)
	if m == nil {
		t.Fatalf("the collapsed set does not link to its expansion:\n%s", dot)
	}
	expanded, err := url.Parse(html.UnescapeString(m[1])) // DOT text is escaped for the SVG it becomes
	if err != nil || expanded.Query().Get("expand") == "" {
		t.Fatalf("expansion link %q: %v", m[1], err)
	}
	res, dot := b.get("/graph.dot?" + expanded.RawQuery)
	if res.StatusCode != http.StatusOK || strings.Contains(dot, "30 users") || len(regexp.MustCompile(`label="member-[0-9]+"`).FindAllString(dot, -1)) != 30 {
		t.Fatalf("the expanded view: %d\n%s", res.StatusCode, dot)
	}
	// An imported account's nodes have no pages here: they open the graph
	// focused on them, never the live account's user of the same name.
	if strings.Contains(dot, `URL="/users/`) || !strings.Contains(html.UnescapeString(dot),
		`URL="/graph?account=`+acct+`&depth=1&focus=`+url.QueryEscape("arn:aws:iam::"+acct+":user/member-07")+`"`) {
		t.Fatalf("imported nodes' links:\n%s", dot)
	}
	if res, body := b.get("/graph?" + expanded.RawQuery); res.StatusCode != http.StatusOK || !strings.Contains(body, "expand=") {
		t.Fatalf("the expanded page (its downloads keep the expansion): %d", res.StatusCode)
	}
}

// importVulnerable imports the iam-vulnerable dump as a review account.
func importVulnerable(t *testing.T, e *env) *iam.ImportResult {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "graph", "testdata", "aws-authorization-details", "iam-vulnerable.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imp, err := e.svc.ImportAccount(context.Background(), nil, f, "vulnerable", iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

package handlers_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// importOps imports the hand-made account of alice → developers →
// ops-admin → AdministratorAccess (internal/graph/testdata).
func importOps(t *testing.T, e *env) *iam.ImportResult {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "graph", "testdata", "aws-authorization-details", "ops-admin.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imp, err := e.svc.ImportAccount(context.Background(), nil, f, "ops", iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

const aliceSaid = "alice — member of → developers — can assume → ops-admin — has → AdministratorAccess"

func TestPathsPage(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	imp := importOps(t, e)
	acct := imp.AccountID
	alice := "arn:aws:iam::" + acct + ":user/alice"

	// The live account: its policies link to their pages.
	e.mkRole("ops", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`,
		"arn:aws:iam::aws:policy/AdministratorAccess")
	if res, body := b.get("/paths"); res.StatusCode != http.StatusOK || !strings.Contains(body, "/policies/view?arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess") {
		t.Fatalf("paths of the live account: %d", res.StatusCode)
	}

	res, body := b.get("/paths?account=" + acct)
	body = html.UnescapeString(body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("paths: %d", res.StatusCode)
	}
	for _, want := range []string{`id="paths-count"`, "8 principals", aliceSaid, "AssumeOps", `id="assumptions"`, "Lambda function", "assumes A1", `id="nav-paths"`} {
		if !strings.Contains(body, want) {
			t.Errorf("paths page lacks %q", want)
		}
	}
	if strings.Count(body, "Lambda function with the role") != 1 {
		t.Error("the assumption is said more than once")
	}

	// One principal's path; between two; a CSV of what is shown.
	_, body = b.get("/paths?account=" + acct + "&from=" + url.QueryEscape(alice))
	if !strings.Contains(html.UnescapeString(body), aliceSaid) || strings.Contains(body, "user/bob") {
		t.Error("alice's paths: her path alone")
	}
	_, body = b.get("/paths?account=" + acct + "&from=" + url.QueryEscape(alice) + "&to=" + url.QueryEscape("arn:aws:iam::"+acct+":role/ops-admin"))
	if !strings.Contains(html.UnescapeString(body), "alice — member of → developers — can assume → ops-admin") || !strings.Contains(body, "1 path") {
		t.Error("the path between alice and ops-admin")
	}
	// Other ways on demand: dave takes lambda-admin over by two techniques.
	between := "/paths?account=" + acct + "&from=" + url.QueryEscape("arn:aws:iam::"+acct+":user/dave") +
		"&to=" + url.QueryEscape("arn:aws:iam::"+acct+":role/lambda-admin")
	_, body = b.get(between)
	if !strings.Contains(body, "1 path") || !strings.Contains(body, `id="paths-more-ways"`) {
		t.Error("one way between dave and lambda-admin, with a link to the others")
	}
	_, body = b.get(between + "&ways=5")
	if !strings.Contains(body, "2 paths") || strings.Contains(body, `id="paths-more-ways"`) {
		t.Error("dave's two ways to lambda-admin")
	}
	if res, _ := b.get(between + "&ways=x"); res.StatusCode != http.StatusOK {
		t.Errorf("ways=x: %d, want the page with one way", res.StatusCode)
	}
	res, body = b.get("/paths.csv?account=" + acct)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if res.StatusCode != http.StatusOK || err != nil || len(rows) != 9 || rows[8][6] != aliceSaid || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %v %d rows", res.StatusCode, err, len(rows))
	}

	// Bad questions are answered with the field's message.
	for _, q := range []string{"&to=" + url.QueryEscape(alice), "&from=nobody"} {
		if res, body := b.get("/paths?account=" + acct + q); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "field-error") {
			t.Errorf("%s: %d", q, res.StatusCode)
		}
	}
}

// TestPathsPaging: 50 rows a page, the count of all, the next page and
// the CSV of all.
func TestPathsPaging(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	imp := importVulnerable(t, e)
	_, body := b.get("/paths?account=" + imp.AccountID)
	if n := strings.Count(body, `<ol class="chain"`); n != 50 || !strings.Contains(body, `id="next-page"`) || !strings.Contains(body, "Showing 1–50") {
		t.Fatalf("first page: %d rows", n)
	}
	_, body = b.get("/paths?account=" + imp.AccountID + "&page=2")
	if n := strings.Count(body, `<ol class="chain"`); n == 0 || n > 50 || !strings.Contains(body, `id="prev-page"`) {
		t.Fatalf("second page: %d rows", n)
	}
	_, all := b.get("/paths.csv?account=" + imp.AccountID + "&page=all")
	rows, err := csv.NewReader(strings.NewReader(all)).ReadAll()
	if err != nil || len(rows) < 52 {
		t.Fatalf("csv of all: %v %d", err, len(rows))
	}
}

// TestWhoCanSaysHow: who-can says "via group" and "via role … (assumed)",
// the verb of every step, the statements per step, a count, and pages.
func TestWhoCanSaysHow(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	acct := importOps(t, e).AccountID
	ask := func(action, resource string) string {
		res, body := b.get("/who-can?account=" + acct + "&action=" + url.QueryEscape(action) + "&resource=" + url.QueryEscape(resource))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("who-can %s: %d", action, res.StatusCode)
		}
		return html.UnescapeString(body)
	}
	body := ask("iam:PassRole", "arn:aws:iam::"+acct+":role/lambda-admin")
	for _, want := range []string{"via group developers", "member of", "PassFunctionRoles", `id="who-can-count"`} {
		if !strings.Contains(body, want) {
			t.Errorf("who-can iam:PassRole lacks %q", want)
		}
	}
	body = ask("iam:CreateUser", "*")
	for _, want := range []string{"via group developers, via role ops-admin (assumed)", "can assume", "AssumeOps", "Staff", "decide the request:",
		"7 principals</strong> of this account", "1 principal outside it"} {
		if !strings.Contains(body, want) {
			t.Errorf("who-can iam:CreateUser lacks %q", want)
		}
	}

	res, body := b.get("/who-can.csv?account=" + acct + "&action=iam:CreateUser&resource=*")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if res.StatusCode != http.StatusOK || err != nil || len(rows) != 9 || rows[0][2] != "Via" {
		t.Fatalf("who-can CSV: %d %v %d rows", res.StatusCode, err, len(rows))
	}

	imp := importVulnerable(t, e)
	res, body = b.get("/who-can?account=" + imp.AccountID + "&action=iam:CreateUser&resource=*")
	if n := strings.Count(body, `<ol class="chain"`); res.StatusCode != http.StatusOK || n != 50 || !strings.Contains(body, `id="next-page"`) {
		t.Fatalf("who-can on iam-vulnerable, page 1: %d, %d rows", res.StatusCode, n)
	}
	_, body = b.get("/who-can.csv?account=" + imp.AccountID + "&action=iam:CreateUser&resource=*&page=all")
	if rows, err := csv.NewReader(strings.NewReader(body)).ReadAll(); err != nil || len(rows) <= 51 {
		t.Fatalf("who-can CSV of all: %v %d rows", err, len(rows))
	}
}

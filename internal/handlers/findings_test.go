package handlers_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/handlers"
)

var findingRow = regexp.MustCompile(`(?s)<tr>\s*<td><span class="badge`)

// TestFindingsPageScales: iam-vulnerable's 347 findings come 50 a page
// under their counts, within the page budget; the filters, sorting,
// grouping and downloads answer the same set.
func TestFindingsPageScales(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	imp := importVulnerable(t, e)
	base := "/findings?account=" + imp.AccountID

	res, body := b.get(base)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("findings: %d", res.StatusCode)
	}
	t.Logf("first page: %d bytes", len(body))
	if n := len(body); n > 200<<10 {
		t.Errorf("first page is %d bytes, want at most 200 KB", n)
	}
	if n := len(findingRow.FindAllString(body, -1)); n != 50 {
		t.Errorf("first page has %d rows, want 50", n)
	}
	for _, want := range []string{`id="finding-counts"`, `data-severity="Critical"`, "1–50 of 347 findings", `id="next-page"`,
		`href="/techniques/iam-002"`, `/paths?account=`, `/access?account=`, "Deciding statements"} {
		if !strings.Contains(body, want) {
			t.Errorf("first page lacks %s", want)
		}
	}

	tests := []struct {
		name, query string
		rows        int
		want        []string
	}{
		{"critical iam-002", "&severity=Critical&technique=iam-002", 6, []string{"privesc4-CreateAccessKey-user", "privesc4-CreateAccessKey-role", "OverprivilegedEC2"}},
		{"last page", "&page=7", 47, []string{"301–347 of 347", `id="prev-page"`}},
		{"past the end: the last page", "&page=99", 47, []string{"301–347 of 347"}},
		{"text", "&q=" + url.QueryEscape("privesc4-CreateAccessKey-user"), 0, []string{"privesc4-CreateAccessKey-user"}},
		{"kind policy", "&kind=policy&type=WildcardPolicy", 0, []string{"WildcardPolicy"}},
		{"grouped", "&group=1&severity=Critical", 0, []string{"principals", `class="technique-list"`}},
		{"sorted by principal", "&sort=principal&desc=1", 50, []string{`aria-sort="descending"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := b.get(base + tt.query)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%d", res.StatusCode)
			}
			if n := len(findingRow.FindAllString(body, -1)); tt.rows > 0 && n != tt.rows {
				t.Errorf("%d rows, want %d", n, tt.rows)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}

	// Bad filters are refused with a reason, not an empty list.
	if res, body := b.get(base + "&severity=Urgent"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "unknown severity") {
		t.Errorf("bad severity: %d", res.StatusCode)
	}
	if res, _ := b.get("/findings.csv?account=" + imp.AccountID + "&sort=date"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad sort on the CSV: %d", res.StatusCode)
	}

	// The downloads hold every page of what the filters keep.
	res, body = b.get("/findings.csv?account=" + imp.AccountID + "&severity=Critical&technique=iam-002")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 7 || recs[0][0] != "Severity" {
		t.Fatalf("CSV: %d records, %v", len(recs), err)
	}
	res, body = b.get("/findings.json?account=" + imp.AccountID + "&type=PrivilegeEscalation")
	var fs []graph.Finding
	if err := json.Unmarshal([]byte(body), &fs); res.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("JSON: %d %v", res.StatusCode, err)
	}
	if len(fs) != 182 {
		t.Errorf("JSON has %d escalations, want all 182 (every page)", len(fs))
	}
	for _, f := range fs {
		if len(f.Statements) == 0 {
			t.Errorf("%s %s: no statements", f.Principal, f.Technique)
		}
	}
}

// TestTechniquePages: every catalogue technique has a page saying what it
// is, what it needs and how to fix it; the list links to each.
func TestTechniquePages(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	res, list := b.get("/techniques")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("techniques: %d", res.StatusCode)
	}
	for _, tc := range graph.Catalogue() {
		if !strings.Contains(list, `href="/techniques/`+tc.ID+`"`) {
			t.Errorf("the list does not link %s", tc.ID)
		}
		res, body := b.get("/techniques/" + tc.ID)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", tc.ID, res.StatusCode)
			continue
		}
		for _, want := range []string{"What it is", "What it needs", "How to fix it", "References"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: no %q", tc.ID, want)
			}
		}
	}
	if res, _ := b.get("/techniques/nope-001"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown technique: %d", res.StatusCode)
	}
}

package handlers_test

import (
	"context"
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

// TestComparePage imports a dump, then the same dump with one policy
// changed (testdata/small-biden-escalates.json), and compares them: biden
// is a new admin, said with the path's verbs; bad sides are clear errors.
func TestComparePage(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	importFile := func(path, label string) *iam.ImportResult {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		res, err := e.svc.ImportAccount(context.Background(), nil, f, label, iam.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := importFile(filepath.Join("..", "graph", "testdata", "aws-authorization-details", "small.json"), "before")
	q := "/graph/compare?account=" + first.AccountID
	if res, body := b.get(q); res.StatusCode != http.StatusOK || !strings.Contains(body, `id="compare-nothing"`) {
		t.Fatalf("one import: %d, no word that there is nothing to compare yet", res.StatusCode)
	}
	importFile(filepath.Join("testdata", "small-biden-escalates.json"), "after")

	res, body := b.get(q)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("compare page: %d", res.StatusCode)
	}
	body = html.UnescapeString(body)
	for _, want := range []string{
		`id="compare-summary"`, "1 new admin", "from import 1 (before) to import 2 (after)",
		`id="compare-admins-added"`, "biden — member of → biden — can rewrite the permissions of → biden",
		`title="arn:aws:iam::012345678901:user/biden"`,
		`id="compare-findings-added"`, "HiddenAdmin",
		`id="compare-edges-added"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("compare page lacks %q", want)
		}
	}
	for _, not := range []string{`id="compare-findings-resolved"`, `id="compare-principals-added"`, `id="compare-admins-removed"`} {
		if strings.Contains(body, not) {
			t.Errorf("compare page has %q: only one policy changed", not)
		}
	}
	// The other way round: biden no longer admin.
	if _, body := b.get(q + "&before=2&after=1"); !strings.Contains(body, `id="compare-admins-removed"`) {
		t.Error("before=2&after=1 does not show biden no longer admin")
	}
	// The same import on both sides.
	if _, body := b.get(q + "&before=1&after=1"); !strings.Contains(body, "no changes") {
		t.Error("an import against itself is not \"no changes\"")
	}
	for _, tc := range []struct {
		query  string
		status int
		says   string
	}{
		{"&before=99", http.StatusNotFound, "has no import 99"},
		{"&before=x", http.StatusBadRequest, "neither"},
		{"&after=-3", http.StatusBadRequest, "neither"},
	} {
		res, body := b.get(q + tc.query)
		if res.StatusCode != tc.status || !strings.Contains(html.UnescapeString(body), tc.says) {
			t.Errorf("%s: %d, want %d saying %q", tc.query, res.StatusCode, tc.status, tc.says)
		}
	}
	if res, _ := b.get("/graph/compare?account=999988887777"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown account: %d", res.StatusCode)
	}
}

// TestCompareLiveSnapshot: the live account kept as it is, then changed,
// shows the change against the snapshot.
func TestCompareLiveSnapshot(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	if res, body := b.get("/graph/compare"); res.StatusCode != http.StatusOK || !strings.Contains(body, `id="compare-nothing"`) || !strings.Contains(body, `id="compare-keep"`) {
		t.Fatalf("live account without a snapshot: %d", res.StatusCode)
	}
	res, _ := b.post("/graph/compare/snapshot", url.Values{"_csrf": {b.csrf("/graph/compare")}, "label": {"before the admin"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("keep a snapshot: %d", res.StatusCode)
	}
	if _, body := b.get("/graph/compare"); !strings.Contains(body, "no changes") || !strings.Contains(body, "Snapshot 1: before the admin") {
		t.Fatal("the account against its snapshot just kept is not \"no changes\"")
	}
	e.mkRole("new-admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		"arn:aws:iam::aws:policy/AdministratorAccess")
	_, body := b.get("/graph/compare")
	body = html.UnescapeString(body)
	for _, want := range []string{"from snapshot 1 (before the admin) to now", "1 principal added", "new-admin — has → AdministratorAccess", `id="compare-admins-added"`} {
		if !strings.Contains(body, want) {
			t.Errorf("after a change, the page lacks %q", want)
		}
	}
}

package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
)

// TestReviewReportCLI: console review-report prints a campaign's report as
// CSV or JSON, and an unknown campaign fails with the console's words.
func TestReviewReportCLI(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("a long and unguessable passphrase"), 0o600)
	if code, out, errOut := runCLI(t, "bootstrap", "--email", "root@example.com", "--password-file", pw, "--data-dir", dir); code != 0 {
		t.Fatalf("bootstrap: %s %s", out, errOut)
	}
	if code, out, errOut := runCLI(t, "admin", "create-user", "rita", "--data-dir", dir); code != 0 {
		t.Fatalf("create-user: %s %s", out, errOut)
	}
	g := &Globals{DataDir: dir, LogLevel: "error", LogFormat: "text"}
	store, sealer, err := g.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	svc := g.service(store, sealer, g.logger(io.Discard), iam.Config{})
	c, err := svc.CreateCampaign(context.Background(), nil, iam.CreateCampaignInput{Name: "q1", Scope: iam.ScopeAllUsers,
		Due: time.Now().AddDate(0, 1, 0), Reviewers: []string{"rita"}}, iam.Meta{})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI(t, "review-report", c.ID, "--data-dir", dir)
	if code != 0 {
		t.Fatalf("csv: %d %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][0] != "Principal" || !strings.HasSuffix(rows[1][0], ":user/rita") {
		t.Fatalf("csv report %q %v", rows, err)
	}
	code, out, errOut = runCLI(t, "review-report", "--format", "json", c.ID, "--data-dir", dir)
	var rep iam.CampaignReportJSON
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.ID != c.ID || len(rep.Principals) != 1 {
		t.Fatalf("json: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "review-report", "nope", "--data-dir", dir); code != 1 || !strings.Contains(errOut, "cannot be found") {
		t.Fatalf("unknown campaign: %d %s", code, errOut)
	}
}

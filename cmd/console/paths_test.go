package main

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestPathsCommand: `console paths` on a small hand-made account, in its
// three formats, from one principal, between two, and its usage errors.
func TestPathsCommand(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join("..", "..", "internal", "graph", "testdata", "aws-authorization-details", "ops-admin.json")
	if code, out, errOut := runCLI(t, "import", dump, "--data-dir", dir); code != 0 {
		t.Fatalf("import: %s %s", out, errOut)
	}
	const acct = "123456789012"
	alice, opsAdmin := "arn:aws:iam::"+acct+":user/alice", "arn:aws:iam::"+acct+":role/ops-admin"
	aliceSaid := "alice — member of → developers — can assume → ops-admin — has → AdministratorAccess"
	paths := func(args ...string) (int, string, string) {
		return runCLI(t, append([]string{"paths", "--account", acct, "--data-dir", dir}, args...)...)
	}

	code, out, errOut := paths()
	var entries []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &entries) != nil {
		t.Fatalf("json: %d %s", code, errOut)
	}
	if len(entries) != 8 || entries[0]["Principal"] != "arn:aws:iam::"+acct+":user/bob" || entries[7]["Said"] != aliceSaid {
		t.Fatalf("json: %d entries, first %v, last %v", len(entries), entries[0]["Principal"], entries[len(entries)-1]["Said"])
	}
	for _, e := range entries {
		for _, k := range []string{"Principal", "Severity", "Hidden", "Length", "Assumptions", "Said", "Hops", "Path"} {
			if _, ok := e[k]; !ok {
				t.Errorf("%v lacks %s", e["Principal"], k)
			}
		}
	}

	code, out, _ = paths("--format", "text")
	for _, want := range []string{"8 principals can reach full access", "Assumed (IAM data cannot show these):", "Lambda function", aliceSaid,
		"assume-ops (AssumeOps) statement 0"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "Lambda function") != 1 {
		t.Errorf("an assumption said more than once:\n%s", out)
	}

	code, out, _ = paths("--format", "csv", "--from", alice)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 2 || rows[1][1] != alice || rows[1][6] != aliceSaid || !strings.Contains(rows[1][8], "AssumeOps") {
		t.Fatalf("csv from alice: %d %v %q", code, err, rows)
	}

	code, out, _ = paths("--format", "text", "--from", alice, "--to", opsAdmin)
	if code != 0 || !strings.Contains(out, "alice — member of → developers — can assume → ops-admin\n") {
		t.Fatalf("between: %d\n%s", code, out)
	}
	code, out, _ = paths("--format", "text", "--from", opsAdmin, "--to", alice)
	if code != 0 || !strings.Contains(out, "cannot act as") {
		t.Fatalf("between, no path: %d\n%s", code, out)
	}
	// Other ways, on demand: dave takes lambda-admin over by two
	// techniques; one way unless asked.
	dave, lambdaAdmin := "arn:aws:iam::"+acct+":user/dave", "arn:aws:iam::"+acct+":role/lambda-admin"
	for _, c := range []struct {
		ways string
		want int
	}{{"1", 1}, {"5", 2}} {
		code, out, errOut = paths("--from", dave, "--to", lambdaAdmin, "--ways", c.ways)
		var ways []struct{ Hops []struct{ Technique string } }
		if code != 0 || json.Unmarshal([]byte(out), &ways) != nil || len(ways) != c.want {
			t.Fatalf("--ways %s: %d %d ways %s", c.ways, code, len(ways), errOut)
		}
		if c.want == 2 && ways[0].Hops[0].Technique == ways[1].Hops[0].Technique {
			t.Errorf("two ways by the same technique %s", ways[0].Hops[0].Technique)
		}
	}

	code, out, _ = paths("--from", "arn:aws:iam::"+acct+":user/frank")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("frank, no path: %d %s", code, out)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--to", opsAdmin}, "needs --from"},
		{[]string{"--from", "arn:aws:iam::" + acct + ":user/nobody"}, "no such principal"},
		{[]string{"--format", "xml"}, "--format"},
		{[]string{"--from", alice, "--to", opsAdmin, "--ways", "0"}, "--ways"},
		{[]string{"--from", alice, "--to", opsAdmin, "--ways", "11"}, "--ways"},
	} {
		if code, _, errOut := paths(c.args...); code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q", c.args, code, errOut)
		}
	}
}

// TestWhoCanCSV: `console who-can --format csv` says how, "via group".
func TestWhoCanCSV(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join("..", "..", "internal", "graph", "testdata", "aws-authorization-details", "ops-admin.json")
	if code, out, errOut := runCLI(t, "import", dump, "--data-dir", dir); code != 0 {
		t.Fatalf("import: %s %s", out, errOut)
	}
	code, out, errOut := runCLI(t, "who-can", "--account", "123456789012", "--action", "iam:CreateUser", "--resource", "*", "--format", "csv", "--data-dir", dir)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil {
		t.Fatalf("who-can csv: %d %v %s", code, err, errOut)
	}
	var alice []string
	for _, r := range rows {
		if r[0] == "arn:aws:iam::123456789012:user/alice" {
			alice = r
		}
	}
	if alice == nil || alice[2] != "via group developers, via role ops-admin (assumed)" || !strings.Contains(alice[6], "AssumeOps") ||
		!strings.Contains(alice[6], "the request: AdministratorAccess") {
		t.Errorf("alice's row: %q", alice)
	}
}

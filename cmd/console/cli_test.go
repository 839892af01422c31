package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/graphviz"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestBootstrap(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("a long and unguessable passphrase\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	weak := filepath.Join(dir, "weak")
	os.WriteFile(weak, []byte("password\n"), 0o600)

	cases := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"weak password", []string{"bootstrap", "--email", "root@example.com", "--password-file", weak, "--data-dir", dir}, 1, "password"},
		{"bad email", []string{"bootstrap", "--email", "nope", "--password-file", pwFile, "--data-dir", dir}, 1, "email"},
		{"missing file", []string{"bootstrap", "--email", "root@example.com", "--password-file", dir + "/none", "--data-dir", dir}, 2, ""},
		{"short account id", []string{"bootstrap", "--email", "root@example.com", "--password-file", pwFile, "--account-id", "12345", "--data-dir", dir}, 1, "12 digits"},
		{"account id not digits", []string{"bootstrap", "--email", "root@example.com", "--password-file", pwFile, "--account-id", `"><svg>000000`, "--data-dir", dir}, 1, "12 digits"},
		// Flags after the subcommand and in any order.
		{"creates root", []string{"bootstrap", "--data-dir", dir, "--password-file", pwFile, "--account-id", "123456789012", "--email", "root@example.com"}, 0, "created in account 123456789012"},
		{"root exists", []string{"--data-dir", dir, "bootstrap", "--email", "other@example.com", "--password-file", pwFile}, 1, "root already exists"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, c.args...)
			if code != c.code || !strings.Contains(out+errOut, c.out) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
		})
	}
	// The trailing newline was not part of the password, and the setup
	// token is gone: `serve` prints no setup line now.
	srv := startServer(t, "--data-dir", dir)
	if srv.Setup != "" {
		t.Fatalf("setup line after bootstrap: %q", srv.Setup)
	}
}

func TestAdminUnlockCLI(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runCLI(t, "admin", "unlock", "nobody@example.com", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "no failed sign-ins") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--no-such-flag"}, {"serve", "--addr"}, {"bogus-command", "x"}, {"--db", "mysql://x", "admin", "unlock", "a"}} {
		code, _, errOut := runCLI(t, args...)
		if code == 0 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("a long and unguessable passphrase"), 0o600)
	if code, out, errOut := runCLI(t, "bootstrap", "--email", "root@example.com", "--password-file", pw, "--data-dir", dir); code != 0 {
		t.Fatalf("bootstrap: %s %s", out, errOut)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if code, out, errOut := runCLI(t, "backup", backup, "--data-dir", dir); code != 0 {
		t.Fatalf("backup: %s %s", out, errOut)
	}
	if code, _, _ := runCLI(t, "backup", backup, "--data-dir", dir); code == 0 {
		t.Fatal("backup over an existing file succeeded")
	}
	// Restore into a fresh data directory: root exists there afterwards.
	dir2 := t.TempDir()
	if code, out, errOut := runCLI(t, "restore", backup, "--data-dir", dir2); code != 0 {
		t.Fatalf("restore: %s %s", out, errOut)
	}
	if code, _, errOut := runCLI(t, "bootstrap", "--email", "x@example.com", "--password-file", pw, "--data-dir", dir2); code != 1 || !strings.Contains(errOut, "root already exists") {
		t.Fatalf("restored database has no root: %d %s", code, errOut)
	}
	// Without --force an existing database is kept; garbage is refused.
	if code, _, _ := runCLI(t, "restore", backup, "--data-dir", dir2); code == 0 {
		t.Fatal("restore over an existing database without --force")
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("not a database"), 0o600)
	if code, _, _ := runCLI(t, "restore", junk, "--data-dir", t.TempDir()); code == 0 {
		t.Fatal("restored garbage")
	}
}

// TestReviewCommands: import a real dump, then graph, who-can and findings
// answer on it by its account ID, with the JSON contracts DESIGN.md names.
func TestReviewCommands(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join("..", "..", "internal", "graph", "testdata", "aws-authorization-details", "iam-vulnerable.json")
	code, out, errOut := runCLI(t, "import", dump, "--name", "lab", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("import: %s %s", out, errOut)
	}
	var imp struct{ AccountID string }
	if err := json.Unmarshal([]byte(out), &imp); err != nil || len(imp.AccountID) != 12 {
		t.Fatalf("import output %q: %v", out, err)
	}
	code, out, errOut = runCLI(t, "findings", "--account", imp.AccountID, "--data-dir", dir)
	if code != 0 {
		t.Fatalf("findings: %s", errOut)
	}
	var findings []map[string]any
	if err := json.Unmarshal([]byte(out), &findings); err != nil || len(findings) == 0 {
		t.Fatalf("findings: %v", err)
	}
	escalations := 0
	for _, f := range findings {
		for _, k := range []string{"Type", "Severity", "Principal", "Explanation"} {
			if _, ok := f[k]; !ok {
				t.Fatalf("finding without %s: %v", k, f)
			}
		}
		if f["Type"] == "PrivilegeEscalation" {
			escalations++
			if f["Technique"] == "" || f["Path"] == nil {
				t.Fatalf("escalation without technique or path: %v", f)
			}
		}
	}
	if escalations == 0 {
		t.Fatal("no escalation found in the iam-vulnerable account")
	}
	code, out, _ = runCLI(t, "who-can", "--action", "iam:CreateUser", "--resource", "*", "--account", imp.AccountID, "--data-dir", dir)
	var paths []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &paths) != nil || len(paths) == 0 || paths[0]["Principal"] == nil || paths[0]["Path"] == nil {
		t.Fatalf("who-can: %d %s", code, out[:min(len(out), 300)])
	}
	// The organization's management account enters OrganizationAccountAccessRole
	// (AdministratorAccess): listed after the account's own, marked as resting
	// on an assumption, with the trust statement that lets it in.
	var org map[string]any
	for i, p := range paths {
		// Every key is present in every entry: External is "" for the
		// account's own.
		if p["External"] == "" && i > 0 && paths[i-1]["External"] != "" {
			t.Fatalf("who-can: own principal %v after an outside one", p["Principal"])
		}
		if p["Principal"] == "arn:aws:iam::072528804237:root" {
			org = p
		}
	}
	if org == nil || org["External"] != "account" || !strings.Contains(fmt.Sprint(org["Assumption"]), "072528804237") || org["Trust"] == nil {
		t.Fatalf("who-can: the management account's entry %v", org)
	}
	code, out, _ = runCLI(t, "graph", "--account", imp.AccountID, "--data-dir", dir)
	if code != 0 || !strings.HasPrefix(out, "digraph") {
		t.Fatalf("graph: %d", code)
	}
	if code, _, errOut := runCLI(t, "graph", "--account", "999999999999", "--data-dir", dir); code != 1 || !strings.Contains(errOut, "No account") {
		t.Fatalf("unknown account: %d %s", code, errOut)
	}

	// SVG: a focused view laid out by dot, the whole account (1,900 edges)
	// as sfdp's overview.
	if !graphviz.New(graphviz.Options{Path: "sfdp"}).Available() {
		if os.Getenv("CI") == "true" {
			t.Fatal("Graphviz is not installed: CI must run the SVG tests (apt-get install graphviz)")
		}
		t.Skip("!!! GRAPH SVG CLI TEST SKIPPED: Graphviz not installed (apt-get install graphviz)")
	}
	focus := "arn:aws:iam::" + imp.AccountID + ":user/privesc4-CreateAccessKey-user"
	code, out, errOut = runCLI(t, "graph", "--account", imp.AccountID, "--focus", focus, "--format", "svg", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "<svg") || !strings.Contains(out, "privesc4-CreateAccessKey-user") {
		t.Fatalf("focused svg: %d %s", code, errOut)
	}
	code, out, errOut = runCLI(t, "graph", "--account", imp.AccountID, "--format", "svg", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "<svg") || strings.Count(out, `class="node"`) < 200 {
		t.Fatalf("overview svg: %d %s", code, errOut)
	}
}

func TestAdminCreateUser(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("a long and unguessable passphrase"), 0o600)
	if code, out, errOut := runCLI(t, "bootstrap", "--email", "root@example.com", "--password-file", pw, "--data-dir", dir); code != 0 {
		t.Fatalf("bootstrap: %s %s", out, errOut)
	}
	code, out, errOut := runCLI(t, "admin", "create-user", "ci-bot", "--policy", "ReadOnlyAccess", "--policy", "IAMUserChangePassword", "--access-key", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("create-user: %s %s", out, errOut)
	}
	var u struct{ UserName, Arn, AccessKeyId, SecretAccessKey string }
	if err := json.Unmarshal([]byte(out), &u); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if u.UserName != "ci-bot" || !strings.HasSuffix(u.Arn, ":user/ci-bot") || len(u.AccessKeyId) != 20 || !strings.HasPrefix(u.AccessKeyId, "AKIA") || len(u.SecretAccessKey) != 40 {
		t.Fatalf("created %+v", u)
	}
	// Unknown policy: nothing is created.
	if code, _, errOut := runCLI(t, "admin", "create-user", "other", "--policy", "NoSuchPolicy", "--data-dir", dir); code != 1 || !strings.Contains(errOut, "NoSuchPolicy") {
		t.Fatalf("unknown policy: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "admin", "create-user", "ci-bot", "--data-dir", dir); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("duplicate: %d %s", code, errOut)
	}
}

func TestAdminSeed(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("a long and unguessable passphrase"), 0o600)
	runCLI(t, "bootstrap", "--email", "root@example.com", "--password-file", pw, "--data-dir", dir)
	if code, out, errOut := runCLI(t, "admin", "seed", "--no-scenario", "--users", "30", "--groups", "4", "--roles", "6", "--policies", "5", "--data-dir", dir); code != 0 {
		t.Fatalf("seed: %s %s", out, errOut)
	}
	if code, _, errOut := runCLI(t, "admin", "seed", "--data-dir", dir); code != 1 || !strings.Contains(errOut, "--force") {
		t.Fatalf("seeding a non-empty account: %d %s", code, errOut)
	}
	// The export shows what was seeded, and the graph builds on it.
	code, out, _ := runCLI(t, "export", "--data-dir", dir)
	var doc struct {
		UserDetailList  []json.RawMessage
		GroupDetailList []json.RawMessage
		RoleDetailList  []json.RawMessage
		Policies        []json.RawMessage
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || len(doc.UserDetailList) != 30 || len(doc.GroupDetailList) != 4 || len(doc.RoleDetailList) != 6 || len(doc.Policies) < 5 {
		t.Fatalf("export after seed: %d users %d groups %d roles %d policies", len(doc.UserDetailList), len(doc.GroupDetailList), len(doc.RoleDetailList), len(doc.Policies))
	}
	if code, _, errOut := runCLI(t, "findings", "--data-dir", dir); code != 0 {
		t.Fatalf("findings on the seeded account: %s", errOut)
	}
}

// TestAdminSeedScenario: on a fresh data directory `admin seed` says
// exactly how to create root and changes nothing; given root's email and
// password file it bootstraps and builds an account whose findings hold
// each kind of trouble a review looks for, and not the ones the scenario
// holds back (a boundary, an ExternalId, a fresh key).
func TestAdminSeedScenario(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("a long and unguessable passphrase\n"), 0o600)

	code, out, errOut := runCLI(t, "admin", "seed", "--data-dir", dir)
	if want := "console --data-dir " + dir + " bootstrap --email ADMIN_EMAIL --password-file FILE"; code != 1 || !strings.Contains(errOut, want) {
		t.Fatalf("seed without root: exit %d, stderr %q, want %q", code, errOut, want)
	}
	if code, _, errOut := runCLI(t, "admin", "seed", "--email", "root@example.com", "--data-dir", dir); code != 1 || !strings.Contains(errOut, "--password-file") {
		t.Fatalf("--email alone: exit %d %s", code, errOut)
	}
	code, out, errOut = runCLI(t, "admin", "seed", "--email", "root@example.com", "--password-file", pw, "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "root user root@example.com created") || !strings.Contains(out, "seeded the review scenario") ||
		!strings.Contains(out, "MFA") {
		t.Fatalf("seed with bootstrap: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	code, out, errOut = runCLI(t, "findings", "--data-dir", dir)
	var findings []struct{ Type, Principal, Technique, Explanation string }
	if code != 0 || json.Unmarshal([]byte(out), &findings) != nil {
		t.Fatalf("findings: %d %s", code, errOut)
	}
	has := func(typ, principal, technique, explanation string) bool {
		for _, f := range findings {
			if f.Type == typ && strings.HasSuffix(f.Principal, ":"+principal) && strings.HasPrefix(f.Technique, technique) &&
				strings.Contains(f.Explanation, explanation) {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		typ, principal, technique, explanation string
		want                                   bool
	}{
		{"PrivilegeEscalation", "user/carol", "iam-00", "alice", true}, // a key for the admin
		{"PrivilegeEscalation", "user/dan", "lambda-001", "LambdaOps", true},
		{"PrivilegeEscalation", "user/frank", "iam-008", "user/frank", true}, // attaches to itself
		{"PrivilegeEscalation", "role/BreakGlass", "iam-005", "", true},      // rewrites its own policy
		{"HiddenAdmin", "user/carol", "", "", true},
		{"HiddenAdmin", "user/dan", "", "", true},
		{"HiddenAdmin", "user/frank", "", "", true},
		{"HiddenAdmin", "user/grace", "", "BreakGlass", true}, // a group member let in by the trust
		{"HiddenAdmin", "user/erin", "", "", false},           // held back by her boundary
		{"PrivilegeEscalation", "user/erin", "", "", false},
		{"UserWithoutMFA", "user/alice", "", "", true},
		{"UserWithoutMFA", "user/service/ci-deploy", "", "", false}, // no console password
		{"StaleAccessKey", "user/alice", "", "never used in 200 days", true},
		{"StaleAccessKey", "user/bob", "", "unused for 300 days", true},
		{"StaleAccessKey", "user/service/ci-deploy", "", "not rotated for 380 days", true},
		{"StaleAccessKey", "user/ivan", "", "", false},
		{"PermissiveTrust", "role/VendorAudit", "", "111122223333", true},
		{"PermissiveTrust", "role/PartnerDeploy", "", "", false}, // ExternalId required
		{"WildcardPolicy", "policy/LegacyFullAccess", "", "", true},
	} {
		if got := has(c.typ, c.principal, c.technique, c.explanation); got != c.want {
			t.Errorf("finding %s %s %s %q: present %v, want %v", c.typ, c.principal, c.technique, c.explanation, got, c.want)
		}
	}

	// The history is in the store as it happened: versions, dates, groups.
	code, out, _ = runCLI(t, "export", "--data-dir", dir)
	var doc struct {
		UserDetailList []struct {
			UserName   string
			CreateDate time.Time
			GroupList  []string
		}
		Policies []struct {
			PolicyName        string
			DefaultVersionId  string
			PolicyVersionList []json.RawMessage
		}
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("export: %d", code)
	}
	for _, u := range doc.UserDetailList {
		if u.UserName == "alice" && (time.Since(u.CreateDate) < 699*24*time.Hour || !slices.Contains(u.GroupList, "Admins")) {
			t.Errorf("alice: created %s, groups %v", u.CreateDate, u.GroupList)
		}
	}
	for _, p := range doc.Policies {
		if p.PolicyName == "DeveloperAccess" && (len(p.PolicyVersionList) != 3 || p.DefaultVersionId != "v3") {
			t.Errorf("DeveloperAccess: %d versions, default %s", len(p.PolicyVersionList), p.DefaultVersionId)
		}
	}

	// Again, even with --force: refused before anything changes.
	if code, _, errOut := runCLI(t, "admin", "seed", "--force", "--data-dir", dir); code != 1 || !strings.Contains(errOut, "--no-scenario") {
		t.Fatalf("second scenario: %d %s", code, errOut)
	}
}

// TestFindingsCSV: `console findings --format csv` with filters prints the
// findings they keep, one CSV row each under the header; unknown filter
// values are usage errors.
func TestFindingsCSV(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join("..", "..", "internal", "graph", "testdata", "aws-authorization-details", "iam-vulnerable.json")
	code, out, errOut := runCLI(t, "import", dump, "--name", "lab", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("import: %s %s", out, errOut)
	}
	var imp struct{ AccountID string }
	if err := json.Unmarshal([]byte(out), &imp); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		rows int    // CSV data rows, when code is 0
		want string // in the output (or the error)
	}{
		{"critical iam-002", []string{"--format", "csv", "--severity", "Critical", "--technique", "iam-002"}, 0, 6, "privesc4-CreateAccessKey-user"},
		{"all escalations", []string{"--format", "csv", "--type", "PrivilegeEscalation"}, 0, 182, "PrivilegeEscalation"},
		{"roles", []string{"--format", "csv", "--kind", "role", "--type", "UnusedRole"}, 0, 70, "UnusedRole"},
		{"unknown technique", []string{"--format", "csv", "--technique", "iam-999"}, 2, 0, "unknown technique"},
		{"unknown severity", []string{"--severity", "Urgent"}, 2, 0, "Urgent"},
		{"unknown format", []string{"--format", "xml"}, 2, 0, "xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"findings", "--account", imp.AccountID, "--data-dir", dir}, tt.args...)
			code, out, errOut := runCLI(t, args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errOut)
			}
			if code != 0 {
				if !strings.Contains(errOut, tt.want) {
					t.Errorf("error %q lacks %q", errOut, tt.want)
				}
				return
			}
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != tt.rows+1 || strings.Join(recs[0], ",") != "Severity,Type,Principal,Technique,Path,Statements,Explanation" {
				t.Fatalf("%d records, header %v", len(recs), recs[0])
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("output lacks %q", tt.want)
			}
		})
	}
}

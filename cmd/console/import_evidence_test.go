package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var evidenceDir = filepath.Join("..", "..", "internal", "graph", "testdata", "evidence")

// TestImportEvidence: `console import --credential-report --last-accessed`
// gives the imported account the credential and unused-access findings of
// the live one; bad evidence fails the import with where it is bad.
func TestImportEvidence(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "import", filepath.Join(evidenceDir, "dump.json"), "--data-dir", dir,
		"--credential-report", filepath.Join(evidenceDir, "credential-report.csv"),
		"--last-accessed", filepath.Join(evidenceDir, "last-accessed.json"))
	if code != 0 {
		t.Fatalf("import: %s %s", out, errOut)
	}
	if !strings.Contains(errOut, "note: Credentials (access keys, passwords, MFA) from the credential report.") ||
		!strings.Contains(errOut, "note: Services last accessed of 2 principals.") {
		t.Errorf("standard error %q lacks the evidence notes", errOut)
	}
	code, out, errOut = runCLI(t, "findings", "--account", "111122223333", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("findings: %s", errOut)
	}
	var findings []struct{ Type, Principal, Explanation string }
	if err := json.Unmarshal([]byte(out), &findings); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range findings {
		got[f.Type+" "+f.Principal] += f.Explanation + "; "
	}
	for _, want := range []struct{ key, says string }{
		{"UserWithoutMFA arn:aws:iam::111122223333:user/alice", "no MFA"},
		{"StaleAccessKey arn:aws:iam::111122223333:user/alice", "access key 1 of alice never used"},
		{"InactiveUser arn:aws:iam::111122223333:user/alice", "no sign-in"},
		{"UnusedAccessKey arn:aws:iam::111122223333:user/alice", "never used"},
		{"UnusedPassword arn:aws:iam::111122223333:user/alice", "last used 2020-02-01"},
		{"UnusedPermission arn:aws:iam::111122223333:user/alice", "ec2 (never used), s3 (last used 2020-02-01)"},
		{"UnusedPermission arn:aws:iam::111122223333:role/ops", "s3 (never used), sqs (never used)"},
		{"UnusedRole arn:aws:iam::111122223333:role/ops", "last used 2020-02-01"},
	} {
		if !strings.Contains(got[want.key], want.says) {
			t.Errorf("%s: %q, want it to say %q (all: %v)", want.key, got[want.key], want.says, got)
		}
	}
	if _, ok := got["UnusedPermission arn:aws:iam::111122223333:user/bob"]; ok {
		t.Errorf("bob judged without last-accessed evidence of him")
	}

	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("user,arn\nalice,x\n"), 0o600)
	code, _, errOut = runCLI(t, "import", filepath.Join(evidenceDir, "dump.json"), "--data-dir", dir, "--credential-report", bad)
	if code == 0 || !strings.Contains(errOut, `line 1: column "user_creation_time" missing`) {
		t.Errorf("bad credential report: code %d, %q", code, errOut)
	}
	badJSON := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(badJSON, []byte(`{"ServicesLastAccessed": []}`), 0o600)
	code, _, errOut = runCLI(t, "import", filepath.Join(evidenceDir, "dump.json"), "--data-dir", dir, "--last-accessed", badJSON)
	if code == 0 || !strings.Contains(errOut, "field Arn missing") {
		t.Errorf("bad last accessed: code %d, %q", code, errOut)
	}
}

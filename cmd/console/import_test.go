package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportReport: `console import` prints its report as README says: the
// JSON report on standard output, every key present, and the same in words
// on standard error, with the entities of another account as a note, not
// a warning.
func TestImportReport(t *testing.T) {
	dump := filepath.Join("..", "..", "internal", "graph", "testdata", "aws-authorization-details", "iam-vulnerable.json")
	code, out, errOut := runCLI(t, "import", dump, "--name", "lab", "--data-dir", t.TempDir())
	if code != 0 {
		t.Fatalf("import: %s %s", out, errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("import output %q: %v", out, err)
	}
	for _, k := range []string{"AccountID", "Label", "Users", "Groups", "Roles", "Policies", "Summary", "Notes", "Warnings"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("no %s in %s", k, out)
		}
	}
	if w, _ := rep["Warnings"].([]any); w == nil || len(w) != 0 {
		t.Errorf("Warnings %v, want an empty list", rep["Warnings"])
	}
	for _, want := range []string{
		"imported account 200611803367 (lab): 44 users, 5 groups, 78 roles, 84 managed policies\n",
		"note: 10 entities carry another account's ID (012345678901) and were read as 200611803367's: user/obama, user/userwithlotsofpermissions, user/biden, group/admin, group/biden and 5 more.\n",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("standard error %q lacks %q", errOut, want)
		}
	}
	if strings.Contains(errOut, "warning:") {
		t.Errorf("a clean dump reported as a problem: %q", errOut)
	}
}

package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareCommand: two imports of one account, the second with one
// policy changed, compared as text and JSON, against a file, and with a
// side that is not kept.
func TestCompareCommand(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join("..", "..", "internal", "graph", "testdata", "aws-authorization-details", "small.json")
	changed := filepath.Join("..", "..", "internal", "handlers", "testdata", "small-biden-escalates.json")
	for _, f := range []string{small, changed} {
		if code, out, errOut := runCLI(t, "import", f, "--data-dir", dir); code != 0 {
			t.Fatalf("import %s: %s %s", f, out, errOut)
		}
	}
	const acct = "012345678901"
	for _, tc := range []struct {
		name string
		args []string
		code int
		says []string
	}{
		{"text", []string{"--format", "text"}, 0, []string{"1 new admin", "user/biden: biden — member of → biden — can rewrite the permissions of → biden", "New findings (2)"}},
		{"a file before", []string{"--before", small, "--after", "1", "--format", "text"}, 0, []string{"no changes"}},
		{"reversed", []string{"--before", "2", "--after", "1", "--format", "text"}, 0, []string{"No longer admin (1)"}},
		{"not kept", []string{"--before", "99"}, 1, []string{"has no import 99"}},
		{"no such file", []string{"--before", "nope.json"}, 1, []string{"neither"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"compare", "--account", acct, "--data-dir", dir}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s %s", code, tc.code, out, errOut)
			}
			for _, s := range tc.says {
				if !strings.Contains(out+errOut, s) {
					t.Errorf("output lacks %q:\n%s%s", s, out, errOut)
				}
			}
		})
	}
	code, out, errOut := runCLI(t, "compare", "--account", acct, "--data-dir", dir)
	if code != 0 {
		t.Fatal(errOut)
	}
	var cmp struct {
		AccountID string
		Imports   []struct{ ID uint64 }
		Diff      struct {
			AdminsAdded   []struct{ Principal, Words string }
			FindingsAdded []struct{ Type string }
			EdgesAdded    []struct {
				Kind  string
				Edges []struct{ From, To string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &cmp); err != nil {
		t.Fatal(err)
	}
	if cmp.AccountID != acct || len(cmp.Imports) != 2 || len(cmp.Diff.AdminsAdded) != 1 || len(cmp.Diff.FindingsAdded) != 2 || len(cmp.Diff.EdgesAdded) == 0 {
		t.Fatalf("JSON: %+v", cmp)
	}
}

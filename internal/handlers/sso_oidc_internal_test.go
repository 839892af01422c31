package handlers

import (
	"strings"
	"testing"
)

// TestParseClaimRoles: one "value=role" per line, the role after the last
// "=", blank lines skipped.
func TestParseClaimRoles(t *testing.T) {
	got := parseClaimRoles("admins=Admin\r\n\r\n  staff = Reader \nk=v=Role\nbare\n")
	want := "admins>Admin|staff>Reader|k=v>Role|bare>"
	var parts []string
	for _, cr := range got {
		parts = append(parts, cr.Value+">"+cr.Role)
	}
	if s := strings.Join(parts, "|"); s != want {
		t.Errorf("parseClaimRoles = %s, want %s", s, want)
	}
}

// FuzzParseClaimRoles: any text gives trimmed, non-empty lines' mappings,
// with no "=" in a role and no line break anywhere; never a panic.
func FuzzParseClaimRoles(f *testing.F) {
	f.Add("admins=Admin\r\nstaff=Reader\n")
	f.Add("=\n==\n a = b = c \n")
	f.Add("\x00=\u2028")
	f.Fuzz(func(t *testing.T, text string) {
		for _, cr := range parseClaimRoles(text) {
			if strings.Contains(cr.Role, "=") || strings.ContainsAny(cr.Value+cr.Role, "\n") {
				t.Fatalf("mapping %q=%q", cr.Value, cr.Role)
			}
		}
	})
}

package handlers

import (
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/iam"
)

// TestImportFlash: an import reads as done, with what was read; remarks stay
// a success, and only problems make it a warning, listed up to a bound.
func TestImportFlash(t *testing.T) {
	base := iam.ImportResult{AccountID: "111122223333", Summary: "2 users, 0 groups, 1 role, 0 managed policies", Notes: []string{}, Warnings: []string{}}
	with := func(notes, warnings []string) *iam.ImportResult {
		r := base
		r.Notes, r.Warnings = notes, warnings
		return &r
	}
	for _, c := range []struct {
		name       string
		res        *iam.ImportResult
		kind, want string
		not        []string
	}{
		{"clean", with(nil, nil), "success",
			"Account 111122223333 imported for review: 2 users, 0 groups, 1 role, 0 managed policies.", []string{"problem", "could not"}},
		{"a note stays a success", with([]string{"1 entity carries another account's ID (999988887777) and was read as 111122223333's: group/admin."}, nil), "success",
			"Account 111122223333 imported for review: 2 users, 0 groups, 1 role, 0 managed policies. 1 entity carries another account's ID (999988887777) and was read as 111122223333's: group/admin.",
			[]string{"problem"}},
		{"one problem", with(nil, []string{"user/a: group ops is not in GroupDetailList: its permissions are unknown"}), "warning",
			"Account 111122223333 imported for review: 2 users, 0 groups, 1 role, 0 managed policies. 1 problem in the dump, reviewed as stated: user/a: group ops is not in GroupDetailList: its permissions are unknown.",
			nil},
		{"many problems, bounded", with(nil, []string{"w1", "w2", "w3", "w4", "w5"}), "warning",
			"5 problems in the dump, reviewed as stated: w1; w2; w3; and 2 more (`console import` lists them all).", []string{"w4"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			kind, msg := importFlash(c.res)
			if kind != c.kind || !strings.Contains(msg, c.want) {
				t.Errorf("%s %q, want %s containing %q", kind, msg, c.kind, c.want)
			}
			for _, n := range c.not {
				if strings.Contains(msg, n) {
					t.Errorf("%q says %q", msg, n)
				}
			}
		})
	}
}

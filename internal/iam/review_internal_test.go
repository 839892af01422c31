package iam

import (
	"reflect"
	"testing"

	"github.com/iamconsole/console/internal/graph"
)

// TestImportReport: the report says what was read, keeps entities of
// another account apart as a note, and only problems as warnings.
func TestImportReport(t *testing.T) {
	users := func(arns ...string) []graph.User {
		var out []graph.User
		for _, a := range arns {
			out = append(out, graph.User{ARN: a})
		}
		return out
	}
	for _, c := range []struct {
		name     string
		a        graph.Account
		warns    []graph.Warning
		summary  string
		notes    []string
		warnings []string
	}{
		{"empty", graph.Account{ID: "111122223333"}, nil,
			"0 users, 0 groups, 0 roles, 0 managed policies", []string{}, []string{}},
		{"one of each", graph.Account{ID: "111122223333", Users: users("arn:aws:iam::111122223333:user/a"),
			Groups: []graph.Group{{}}, Roles: []graph.Role{{}}, Policies: []graph.ManagedPolicy{{}}}, nil,
			"1 user, 1 group, 1 role, 1 managed policy", []string{}, []string{}},
		{"another account's entity is a note", graph.Account{ID: "111122223333", Users: users("arn:aws:iam::111122223333:user/a", "arn:aws:iam::111122223333:user/b"),
			Foreign: []string{"arn:aws:iam::999988887777:group/admin"}}, nil,
			"2 users, 0 groups, 0 roles, 0 managed policies",
			[]string{"1 entity carries another account's ID (999988887777) and was read as 111122223333's: group/admin."}, []string{}},
		{"many, from two other accounts", graph.Account{ID: "111122223333", Foreign: []string{
			"arn:aws:iam::999988887777:group/a", "arn:aws:iam::999988887777:group/b", "arn:aws:iam::555566667777:user/c",
			"arn:aws:iam::999988887777:role/d", "arn:aws:iam::999988887777:role/e", "arn:aws:iam::999988887777:role/f"}}, nil,
			"0 users, 0 groups, 0 roles, 0 managed policies",
			[]string{"6 entities carry another account's ID (555566667777, 999988887777) and were read as 111122223333's: group/a, group/b, user/c, role/d, role/e and 1 more."},
			[]string{}},
		{"problems are warnings", graph.Account{ID: "111122223333"},
			[]graph.Warning{{Entity: "arn:aws:iam::111122223333:user/a", Message: "group ops is not in GroupDetailList: its permissions are unknown"}},
			"0 users, 0 groups, 0 roles, 0 managed policies", []string{},
			[]string{"arn:aws:iam::111122223333:user/a: group ops is not in GroupDetailList: its permissions are unknown"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var res ImportResult
			importReport(&res, &c.a, c.warns)
			if res.Summary != c.summary {
				t.Errorf("summary %q, want %q", res.Summary, c.summary)
			}
			if !reflect.DeepEqual(res.Notes, c.notes) {
				t.Errorf("notes %q, want %q", res.Notes, c.notes)
			}
			if !reflect.DeepEqual(res.Warnings, c.warnings) {
				t.Errorf("warnings %q, want %q", res.Warnings, c.warnings)
			}
		})
	}
}

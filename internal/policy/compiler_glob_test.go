package policy

import (
	"reflect"
	"strings"
	"testing"
)

// TestGlobShortcut checks that compileGlob's shortcuts for the common
// shapes make the globs tokenizing makes, and that compileARN's split is
// strings.SplitN's.
func TestGlobShortcut(t *testing.T) {
	patterns := []string{"", "*", "**", "?", "a", "a*", "a**", "*a", "a*b", "a?", "iam:Get*", "iam:GetUser",
		"arn:aws:s3:::bucket/*", "${aws:username}", "${aws:username}*", "a${*}", "a$", "a$*", "$", "${", "${*", "a${x", "home/${aws:username}/*",
		"${aws:username, 'x'}", "a*?", "*?*", "a\\*", "ÄÖ*"}
	for _, s := range patterns {
		for _, wild := range []bool{false, true} {
			for _, vars := range []bool{false, true} {
				for _, fold := range []bool{false, true} {
					got, want := compileGlob(s, wild, vars, fold), tokenGlob(s, wild, vars, fold)
					if !reflect.DeepEqual(got, want) {
						t.Errorf("compileGlob(%q, wild=%v, vars=%v, fold=%v) = %+v, tokenizing %+v", s, wild, vars, fold, got, want)
					}
				}
			}
		}
	}
	for _, s := range []string{"arn:", "arn:aws", "arn:aws:s3:::b/*", "arn:aws:iam::1:user/a:b:c", "arn:*:iam::*:role/x", "arn:a:b:c:d:e:f:g", "arn:::::"} {
		p := compileARN(s, true, true)
		if p.parts == nil {
			continue
		}
		fields := strings.SplitN(s, ":", 6)
		if len(p.parts) != len(fields) {
			t.Errorf("compileARN(%q): %d parts, want %d", s, len(p.parts), len(fields))
			continue
		}
		for i, f := range fields {
			if want := compileGlob(f, true, true, false); !reflect.DeepEqual(p.parts[i], want) {
				t.Errorf("compileARN(%q) part %d = %+v, want %+v", s, i, p.parts[i], want)
			}
		}
	}
}

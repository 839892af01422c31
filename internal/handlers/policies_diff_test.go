package handlers

import (
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	for _, tc := range []struct {
		name, a, b, want string
	}{
		{"same", "a\nb", "a\nb", " a  b"},
		{"added", "a\nc", "a\nb\nc", " a +b  c"},
		{"removed", "a\nb\nc", "a\nc", " a -b  c"},
		{"changed", "a\nb\nc", "a\nB\nc", " a -b +B  c"},
		{"from empty", "", "x", "- +x"},
		{"crlf", "a\r\nb\r\n", "a\nb", " a  b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, l := range lineDiff(tc.a, tc.b) {
				got = append(got, l.Op+l.Text)
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Fatalf("got %q, want %q", g, tc.want)
			}
		})
	}
	// Line numbers follow each side.
	d := lineDiff("a\nb\nc", "a\nc\nd")
	if d[1].Op != "-" || d[1].Old != 2 || d[3].Op != "+" || d[3].New != 3 {
		t.Fatalf("numbers: %+v", d)
	}
}

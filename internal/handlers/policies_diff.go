package handlers

import (
	"strings"

	"github.com/iamconsole/console/web/templates"
)

// maxDiffLines bounds the line diff's table (policy documents are at most
// 6,144 characters, so real ones stay far below it).
const maxDiffLines = 4000

// lineDiff compares two documents line by line (longest common
// subsequence), as unified diff rows: kept, removed and added lines with
// their numbers in each version.
func lineDiff(a, b string) []templates.DiffLine {
	x, y := splitLines(a), splitLines(b)
	if len(x) > maxDiffLines || len(y) > maxDiffLines {
		x, y = x[:min(len(x), maxDiffLines)], y[:min(len(y), maxDiffLines)]
	}
	// lcs[i][j] is the LCS length of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []templates.DiffLine
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			out = append(out, templates.DiffLine{Op: " ", Text: x[i], Old: i + 1, New: j + 1})
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			// Removals before additions, as unified diffs show a change.
			out = append(out, templates.DiffLine{Op: "-", Text: x[i], Old: i + 1})
			i++
		default:
			out = append(out, templates.DiffLine{Op: "+", Text: y[j], New: j + 1})
			j++
		}
	}
	return out
}

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

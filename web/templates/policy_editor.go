package templates

import (
	"regexp"
	"strconv"
	"strings"
)

// editorLines is the gutter of a policy editor: one number per line of doc
// (at least minEditorRows), so the numbers are right before any script runs.
func editorLines(doc string) string {
	n := max(strings.Count(doc, "\n")+1, minEditorRows)
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte('\n')
	}
	return b.String()
}

// minEditorRows is the smallest editor, in lines.
const minEditorRows = 16

// editorRows sizes the textarea to its document (plus room to type), so that
// without a script it does not scroll apart from its gutter.
func editorRows(doc string) string {
	return strconv.Itoa(max(strings.Count(doc, "\n")+3, minEditorRows))
}

var errorAt = regexp.MustCompile(`line (\d+), column (\d+)`)

// errorPos returns the line and column a field's error names ("line 7,
// column 22: ..."), for the editor to put the caret there; "" when none.
func errorPos(errs FieldErrors, field string) (line, col string) {
	m := errorAt.FindStringSubmatch(errs[field])
	if m == nil {
		return "", ""
	}
	return m[1], m[2]
}

func errorLine(errs FieldErrors, field string) string { l, _ := errorPos(errs, field); return l }
func errorCol(errs FieldErrors, field string) string  { _, c := errorPos(errs, field); return c }

// warningLines lists the lines diagnostics name ("line 6, column 17: ..."),
// comma-separated, for the editor's gutter.
func warningLines(ws []string) string {
	var lines []string
	for _, w := range ws {
		if m := errorAt.FindStringSubmatch(w); m != nil {
			lines = append(lines, m[1])
		}
	}
	return strings.Join(lines, ",")
}

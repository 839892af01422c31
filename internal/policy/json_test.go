package policy

import (
	"strings"
	"testing"
)

// TestJSONErrorPositions pins where the common JSON mistakes are reported: at
// the mistake (the comma too many, the place a comma is missing, the opening
// quote or bracket never closed), not where the decoder noticed it, which is
// often the next line.
func TestJSONErrorPositions(t *testing.T) {
	// lines joins lines with newlines, so line numbers can be read off the test.
	lines := func(ls ...string) string { return strings.Join(ls, "\n") }
	tests := []struct {
		name      string
		doc       string
		line, col int
		msg       string
	}{
		{"trailing comma in object (issue 09: was 8:5)", lines(
			`{`,
			`  "Version": "2012-10-17",`,
			`  "Statement": [`,
			`    {`,
			`      "Effect": "Allow",`,
			`      "Action": "s3:GetObject",`,
			`      "Resource": "*",`,
			`    }`,
			`  ]`,
			`}`), 7, 22, "trailing comma"},
		{"trailing comma in array", lines(
			`{"Statement": [{"Effect": "Allow",`,
			`  "Action": ["s3:GetObject", "s3:PutObject",],`,
			`  "Resource": "*"}]}`), 2, 44, "trailing comma"},
		{"trailing comma before a closing bracket on the next line", lines(
			`{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},`,
			`]}`), 1, 70, "trailing comma"},
		{"missing comma between members on two lines", lines(
			`{`,
			`  "Version": "2012-10-17"`,
			`  "Statement": []`,
			`}`), 2, 26, "missing ','"},
		{"missing comma between array elements", lines(
			`{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"`,
			`  "s3:PutObject"], "Resource": "*"}]}`), 1, 61, "missing ','"},
		{"missing comma between statements", lines(
			`{"Statement": [`,
			`  {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`,
			`  {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}`,
			`]}`), 2, 57, "missing ','"},
		{"missing colon", lines(
			`{"Version" "2012-10-17"}`), 1, 11, "missing ':'"},
		{"string not closed on its line", lines(
			`{"Version": "2012-10-17,`,
			`  "Statement": []}`), 1, 13, "not closed on its line"},
		{"string never closed", `{"Version": "2012-10-17`, 1, 13, "never closed"},
		{"object never closed", lines(
			`{"Version": "2012-10-17",`,
			` "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]`), 1, 1, "'{' is never closed"},
		{"array never closed", lines(
			`{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`,
			``), 1, 15, "'[' is never closed"},
		{"single quotes", `{"Version": '2012-10-17'}`, 1, 13, "double quotes"},
		{"single-quoted name", `{'Version': "2012-10-17"}`, 1, 2, "double quotes"},
		{"unquoted name", `{Version: "2012-10-17"}`, 1, 2, "quoted member name"},
		{"comment", lines(
			`{"Version": "2012-10-17",`,
			`  // read-only`,
			`  "Statement": []}`), 2, 3, "no comments"},
		{"wrong closing bracket", lines(
			`{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`,
			`}`), 1, 70, "closed by"},
		{"multi-byte characters count once", "{\"Sid\": \"é\" \"Version\": \"2012-10-17\"}", 1, 12, "missing ','"},
		{"tab counts as one column", "{\n\t\"Version\": \"2012-10-17\",\n\t}", 2, 25, "trailing comma"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := parse([]byte(tt.doc), Identity)
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			e := errs[0]
			if e.Code != CodeMalformedJSON || e.Line != tt.line || e.Column != tt.col || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("got %s, want %d:%d containing %q", e, tt.line, tt.col, tt.msg)
			}
		})
	}
}

package analyzer

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// corpusCase is one section of testdata/validate.corpus.
type corpusCase struct {
	name string
	in   Input
	want []string
	see  []string
	doc  string
}

func readCorpus(t testing.TB) []corpusCase {
	t.Helper()
	f, err := os.Open("testdata/validate.corpus")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusCase
	var cur *corpusCase
	var doc strings.Builder
	flush := func() {
		if cur != nil {
			cur.doc = strings.TrimSpace(doc.String())
			out = append(out, *cur)
		}
		doc.Reset()
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "== "):
			flush()
			cur = &corpusCase{name: strings.TrimPrefix(line, "== ")}
		case cur == nil:
		case strings.HasPrefix(line, "# type: "):
			cur.in.PolicyType = PolicyType(strings.TrimPrefix(line, "# type: "))
		case strings.HasPrefix(line, "# resource-type: "):
			cur.in.ResourceType = strings.TrimPrefix(line, "# resource-type: ")
		case strings.HasPrefix(line, "# want: "):
			if w := strings.TrimPrefix(line, "# want: "); w != "-" {
				cur.want = strings.Fields(w)
			}
		case strings.HasPrefix(line, "# see: "):
			cur.see = append(cur.see, strings.TrimPrefix(line, "# see: "))
		default:
			doc.WriteString(line)
			doc.WriteByte('\n')
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestValidateCorpus checks every document of the corpus against the issue
// codes it expects, in document order, and that each case cites AWS's
// section for each code it expects (the finding's learnMoreLink).
func TestValidateCorpus(t *testing.T) {
	cases := readCorpus(t)
	if len(cases) < 60 {
		t.Fatalf("corpus has %d documents, want at least 60", len(cases))
	}
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if seen[c.name] {
				t.Fatalf("case name %s twice", c.name)
			}
			seen[c.name] = true
			fs := Validate([]byte(c.doc), c.in)
			var got []string
			for _, f := range fs {
				got = append(got, f.IssueCode)
			}
			if !slices.Equal(got, c.want) {
				for _, f := range fs {
					t.Logf("%s: %s", f.IssueCode, f.FindingDetails)
				}
				t.Fatalf("issue codes = %v, want %v", got, c.want)
			}
			var links []string
			for _, f := range fs {
				if !slices.Contains(links, f.LearnMoreLink) {
					links = append(links, f.LearnMoreLink)
				}
				checkFinding(t, c.doc, f)
			}
			if len(fs) == 0 {
				links = []string{ReferenceURL}
			}
			if !slices.Equal(c.see, links) {
				t.Errorf("cites %v, want %v", c.see, links)
			}
		})
	}
}

// checkFinding checks what every finding must be: a known code with its
// type and link, details, and locations whose spans lie in the document
// and agree with themselves (line and column against offset).
func checkFinding(t *testing.T, doc string, f Finding) {
	t.Helper()
	if f.FindingType != Type(f.IssueCode) || f.LearnMoreLink != LearnMoreLink(f.IssueCode) || f.FindingDetails == "" || len(f.Locations) == 0 {
		t.Errorf("finding %+v", f)
	}
	n := utf8.RuneCountInString(doc)
	for _, l := range f.Locations {
		s := l.Span
		if s.Start.Offset < 0 || s.End.Offset > n || s.End.Offset < s.Start.Offset {
			t.Errorf("%s: span %+v outside the document (%d characters)", f.IssueCode, s, n)
		}
		for _, p := range []Position{s.Start, s.End} {
			if want := offsetOf(doc, p.Line, p.Column); want != p.Offset {
				t.Errorf("%s: position %+v: offset of line %d column %d is %d", f.IssueCode, p, p.Line, p.Column, want)
			}
		}
		for _, e := range l.Path {
			set := 0
			for _, ok := range []bool{e.Index != nil, e.Key != nil, e.Value != nil, e.Substring != nil} {
				if ok {
					set++
				}
			}
			if set != 1 {
				t.Errorf("%s: path element %+v sets %d members", f.IssueCode, e, set)
			}
		}
	}
}

func offsetOf(doc string, line, col int) int {
	off, l := 0, 1
	for _, r := range doc {
		if l == line {
			break
		}
		off++
		if r == '\n' {
			l++
		}
	}
	return off + col
}

// TestValidateLocations pins the path and span of findings of each
// kind: a list entry, a member value, a condition key, the document.
func TestValidateLocations(t *testing.T) {
	doc := "{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:ListBucket\", \"s3:GetObjct\"], \"Resource\": \"b\",\n" +
		"    \"Condition\": {\"StringEquals\": {\"aws:Bogus\": \"x\"}}}]\n}"
	fs := Validate([]byte(doc), Input{PolicyType: IdentityPolicy})
	type want struct {
		code, path string
		line, col  int
		length     int
	}
	wants := []want{
		{"MISSING_VERSION", "", 1, 0, len(doc)},
		{"INVALID_ACTION", "value:Statement index:0 value:Action index:1", 2, 64, len(`"s3:GetObjct"`)},
		{"INVALID_ARN_PREFIX", "value:Statement index:0 value:Resource", 2, 92, 3},
		{"INVALID_GLOBAL_CONDITION_KEY", "value:Statement index:0 value:Condition value:StringEquals key:aws:Bogus", 3, 35, len(`"aws:Bogus"`)},
	}
	if len(fs) != len(wants) {
		t.Fatalf("findings = %+v", fs)
	}
	for i, w := range wants {
		f := fs[i]
		l := f.Locations[0]
		if f.IssueCode != w.code || pathText(l.Path) != w.path || l.Span.Start.Line != w.line || l.Span.Start.Column != w.col ||
			l.Span.End.Offset-l.Span.Start.Offset != w.length {
			t.Errorf("finding %d = %s %q %+v, want %+v", i, f.IssueCode, pathText(l.Path), l.Span, w)
		}
	}
}

func pathText(p []PathElement) string {
	var parts []string
	for _, e := range p {
		switch {
		case e.Index != nil:
			parts = append(parts, "index:"+string(rune('0'+*e.Index)))
		case e.Key != nil:
			parts = append(parts, "key:"+*e.Key)
		case e.Value != nil:
			parts = append(parts, "value:"+*e.Value)
		}
	}
	return strings.Join(parts, " ")
}

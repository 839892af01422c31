package analyzer

import (
	"testing"
	"unicode/utf8"
)

// FuzzValidate: whatever the document, Validate answers (no panic) with
// findings of known codes whose spans lie inside the document. The seed
// corpus is testdata/validate.corpus.
func FuzzValidate(f *testing.F) {
	for _, c := range readCorpus(f) {
		f.Add(c.doc, string(c.in.PolicyType), c.in.ResourceType)
	}
	f.Fuzz(func(t *testing.T, doc, typ, resourceType string) {
		fs := Validate([]byte(doc), Input{PolicyType: PolicyType(typ), ResourceType: resourceType})
		n := utf8.RuneCount([]byte(doc))
		for _, fd := range fs {
			if Type(fd.IssueCode) == "" {
				t.Fatalf("unknown issue code %s", fd.IssueCode)
			}
			for _, l := range fd.Locations {
				if l.Span.Start.Offset < 0 || l.Span.End.Offset > n+1 || l.Span.End.Offset < l.Span.Start.Offset {
					t.Fatalf("%s: span %+v outside a document of %d characters", fd.IssueCode, l.Span, n)
				}
			}
		}
	})
}

package graph

import (
	"bytes"
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	g := Build(fixtures["esc-group"], Options{Now: testNow})
	d := g.Summary(SummaryOptions{BucketURL: func(k string) string { return "/graph?bucket=" + k }})
	out := string(d.DOT)
	if d.Nodes != strings.Count(out, "shape=") || d.Edges != strings.Count(out, "->") {
		t.Errorf("counts %d nodes, %d edges:\n%s", d.Nodes, d.Edges, out)
	}
	for _, want := range []string{`label="1 user\ncan reach admin"`, "peripheries=2", `URL="/graph?bucket=user|/|admin"`,
		`label="admins\n0 members"`} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "escalation") {
		t.Errorf("an escalation of a principal that can already reach admin is drawn:\n%s", out)
	}
	if !bytes.Equal(d.DOT, g.Summary(SummaryOptions{BucketURL: func(k string) string { return "/graph?bucket=" + k }}).DOT) {
		t.Error("summary is not deterministic")
	}
	if got := g.Bucket("user|/|admin"); len(got) != 1 || got[0] != arn("user", "kate") {
		t.Errorf("bucket members: %v", got)
	}
	if got := g.Bucket("nonsense"); got != nil {
		t.Errorf("unknown bucket: %v", got)
	}
	for key, want := range map[string]string{"user|/|admin": "users that can reach admin", "role|/a/|other": "roles at /a/ that cannot reach admin",
		"group|/|admin": "", "user|/": "", "": ""} {
		if got := BucketWords(key); got != want {
			t.Errorf("BucketWords(%q) = %q, want %q", key, got, want)
		}
	}
	for path, want := range map[string]string{"": "/", "/": "/", "/a/": "/a/", "/a/b/": "/a/", "/a": "/a/"} {
		if got := pathPrefix(path); got != want {
			t.Errorf("pathPrefix(%q) = %q, want %q", path, got, want)
		}
	}
}

package main

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
)

// TestREADMEJSONShapes: README's "JSON shapes" section names every field of
// the types the review commands print, so a field added in Go is
// documented for scripts in the same change.
func TestREADMEJSONShapes(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n## JSON shapes\n")
	if !ok {
		t.Fatal(`README has no "## JSON shapes" section`)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	for _, v := range []any{iam.ImportResult{}, graph.Path{}, graph.Edge{}, graph.Step{}, graph.Statement{}, graph.Finding{}, graph.Admin{}, graph.PathEntry{}, graph.Hop{}} {
		ty := reflect.TypeOf(v)
		for i := range ty.NumField() {
			f := ty.Field(i)
			if !f.IsExported() || f.Tag.Get("json") == "-" {
				continue
			}
			name := f.Name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" {
				name = tag
			}
			if !strings.Contains(sec, "`"+name+"`") {
				t.Errorf("README's JSON shapes do not name %s.%s (%q)", ty, f.Name, name)
			}
		}
	}
}

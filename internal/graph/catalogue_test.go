package graph

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// yamlPath is the part of a pathfinding.cloud file the catalogue copies.
type yamlPath struct {
	id, name, category string
	required           []string
}

// readPathYAML reads the few top-level fields the catalogue copies, with a
// line scanner that knows this corpus' layout (plain or quoted scalars,
// folded continuation lines, permissions.required as a list of
// "- permission:" items). It keeps the test free of a YAML dependency.
func readPathYAML(t *testing.T, file string) yamlPath {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var p yamlPath
	var cur *string
	section := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	unquote := func(s string) string {
		s = strings.TrimSpace(s)
		if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
			s = s[1 : len(s)-1]
		}
		return s
	}
	for sc.Scan() {
		line := sc.Text()
		top := len(line) > 0 && line[0] != ' ' && line[0] != '-'
		if cur != nil && strings.HasPrefix(line, "  ") && !strings.Contains(line, ": ") {
			*cur += " " + strings.TrimSpace(line) // folded continuation
			continue
		}
		cur = nil
		switch {
		case top && strings.HasPrefix(line, "id:"):
			p.id = unquote(line[3:])
		case top && strings.HasPrefix(line, "name:"):
			p.name = unquote(line[5:])
			cur = &p.name
		case top && strings.HasPrefix(line, "category:"):
			p.category = unquote(line[9:])
		case top:
			section = strings.TrimSuffix(line, ":")
		case section == "permissions" && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "  -") && !strings.HasPrefix(line, "   "):
			section = "permissions." + strings.TrimSuffix(strings.TrimSpace(line), ":")
		case section == "permissions.required" && strings.HasPrefix(strings.TrimSpace(line), "- permission:"):
			p.required = append(p.required, unquote(strings.TrimPrefix(strings.TrimSpace(line), "- permission:")))
		case strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && !strings.HasPrefix(line, "  -") && strings.HasPrefix(section, "permissions."):
			section = "permissions." + strings.TrimSuffix(strings.TrimSpace(line), ":")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCatalogueMatchesYAML(t *testing.T) {
	files, err := filepath.Glob("testdata/pathfinding-cloud/data/paths/*/*.yaml")
	if err != nil || len(files) != 65 {
		t.Fatalf("want the 65 pathfinding.cloud paths, found %d (%v)", len(files), err)
	}
	byID := map[string]Technique{}
	for _, tc := range Catalogue() {
		byID[tc.ID] = tc
	}
	var ids []string
	for _, f := range files {
		y := readPathYAML(t, f)
		ids = append(ids, y.id)
		tc, ok := byID[y.id]
		if !ok {
			t.Errorf("%s: %s missing from the catalogue", f, y.id)
			continue
		}
		if tc.Name != y.name || tc.Category != y.category || strings.Join(tc.Required, ",") != strings.Join(y.required, ",") {
			t.Errorf("%s differs from %s:\n table %q %q %v\n yaml  %q %q %v", y.id, f, tc.Name, tc.Category, tc.Required, y.name, y.category, y.required)
		}
		if tc.kind == 0 {
			t.Errorf("%s: no evaluation kind", y.id)
		}
	}
	if len(byID) != len(ids)+1 { // + iamconsole-001
		t.Errorf("catalogue has %d entries, YAML %d (+1 own)", len(byID), len(ids))
	}
	for _, tc := range catalogue {
		if tc.kind == kindComposite && (techniqueByID(tc.parts[0]) == nil || techniqueByID(tc.parts[1]) == nil) {
			t.Errorf("%s: parts %v unknown", tc.ID, tc.parts)
		}
	}
}

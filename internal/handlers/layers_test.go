package handlers_test

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// TestLayers holds the floors of docs/ARCHITECTURE.md: the front doors
// (the console's pages, the AWS API) and the templates see internal/iam's
// types, never the store's records, so a column rename cannot change a page,
// an API response or a download. It reads the real import lists with
// `go list` (tests excluded: fixtures may still build rows directly).
func TestLayers(t *testing.T) {
	const mod = "github.com/iamconsole/console/"
	forbidden := map[string][]string{
		"internal/handlers": {"internal/models"},
		"internal/awsapi":   {"internal/models"},
		"web/...":           {"internal/models"},
	}
	for pkgs, deny := range forbidden {
		for _, p := range goList(t, "../../"+pkgs) {
			for _, imp := range p.Imports {
				for _, d := range deny {
					if imp == mod+d || strings.HasPrefix(imp, mod+d+"/") {
						t.Errorf("%s imports %s: go through internal/iam (docs/ARCHITECTURE.md)", p.ImportPath, imp)
					}
				}
			}
		}
	}
}

type listedPackage struct {
	ImportPath string
	Imports    []string
}

// goList returns the packages matching pattern with their direct imports.
func goList(t *testing.T, pattern string) []listedPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", pattern).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list %s: %v\n%s", pattern, err, ee.Stderr)
		}
		t.Fatalf("go list %s: %v", pattern, err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list %s: %v", pattern, err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatalf("go list %s: no packages", pattern)
	}
	return pkgs
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStartNotices: a first start on a fresh data directory says, on
// standard error, that the master key was made and must be backed up, and
// warns when Graphviz is missing; standard output keeps its console:, api:
// and setup: lines. A second start with Graphviz installed says neither.
func TestStartNotices(t *testing.T) {
	dir := t.TempDir()
	bin := t.TempDir()
	t.Setenv("PATH", bin)

	srv := startServer(t, "--data-dir", dir)
	if srv.Console == "" || srv.API == "" || srv.Setup == "" {
		t.Fatalf("start lines: %+v", srv)
	}
	srv.stop()
	stderr := srv.Stderr.String()
	key := filepath.Join(dir, "master.key")
	for _, want := range []string{"made a new master key " + key, "back it up with the database",
		"warning: Graphviz is not installed", "apt-get install graphviz", "brew install graphviz", "no restart needed"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("first start: standard error lacks %q:\n%s", want, stderr)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.HasPrefix(l, "console: ") || strings.HasPrefix(l, "api: ") || strings.HasPrefix(l, "setup: ") {
			t.Errorf("standard error has a line that reads like a start line: %q", l)
		}
	}

	for _, prog := range []string{"dot", "sfdp"} {
		if err := os.WriteFile(filepath.Join(bin, prog), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	srv = startServer(t, "--data-dir", dir)
	srv.stop()
	if s := srv.Stderr.String(); strings.Contains(s, "master key") || strings.Contains(s, "Graphviz") {
		t.Errorf("second start with Graphviz installed:\n%s", s)
	}
}

func TestGraphvizWarning(t *testing.T) {
	cases := []struct {
		installed []string
		want      string
	}{
		{nil, "Graphviz is not installed"},
		{[]string{"sfdp"}, "dot is not on PATH"},
		{[]string{"dot"}, "sfdp is not on PATH"},
		{[]string{"dot", "sfdp"}, ""},
	}
	for _, c := range cases {
		got := graphvizWarning(func(p string) (string, bool) {
			for _, i := range c.installed {
				if i == p {
					return "/usr/bin/" + p, true
				}
			}
			return "", false
		})
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) || (got != "" && strings.Contains(got, "\n")) {
			t.Errorf("installed %v: %q, want %q on one line", c.installed, got, c.want)
		}
	}
}

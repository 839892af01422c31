package graph

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestDOTBackslashesStaySmall: Graphviz expands \N, \G, \L, \E, \T and \H
// in tooltips and URLs as well as labels; a path and names of repeated
// `\L` must not make the SVG grow with the repeats squared.
func TestDOTBackslashesStaySmall(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("Graphviz (dot) is not installed: CI must run this test")
		}
		t.Skip("!!! Graphviz test SKIPPED: dot is not installed")
	}
	rep := strings.Repeat(`\L`, 300)
	a := &Account{ID: "111122223333", Users: []User{{
		Name: `u\L\N\G`, ID: "AIDAEXAMPLE", Path: "/" + rep + "/",
		ARN:    "arn:aws:iam::111122223333:user/" + rep + `/u\L\N\G`,
		Inline: []InlinePolicy{{Name: `p\E\T\H` + rep, Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}},
	}}}
	g := Build(a, Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	for _, overview := range []bool{false, true} {
		src := g.DOT(DOTOptions{Overview: overview})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, dot, "-Tsvg")
		cmd.Stdin = bytes.NewReader(src)
		svg, err := cmd.Output()
		cancel()
		if err != nil {
			t.Fatalf("dot: %v\n%s", err, src)
		}
		// The names are ~1.2 KB each and appear a few times; expanded,
		// each \L is the whole label again (300 × 300 × …).
		if len(svg) > 64<<10 {
			t.Fatalf("overview %v: %d bytes of SVG from %d of DOT: backslash sequences were expanded", overview, len(svg), len(src))
		}
		if !bytes.Contains(svg, []byte(`\L\L\L`)) {
			t.Errorf("overview %v: the backslashes are not shown as they are", overview)
		}
	}
}

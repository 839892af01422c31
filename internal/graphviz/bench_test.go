package graphviz

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamconsole/console/internal/graph"
)

// BenchmarkSVG lays out what the access graph page lays out: the
// iam-vulnerable account focused on one escalating user with dot, at depth
// 1 (the page's default) and 2, and the whole account's overview with sfdp
// (dot takes over a minute on it). Every iteration lays out afresh (the
// cache is bypassed by a new Renderer). internal/graph's BenchmarkSVG does
// the same for generated accounts of 1,000 and 10,000 principals.
func BenchmarkSVG(b *testing.B) {
	f, err := os.Open(filepath.Join("..", "graph", "testdata", "aws-authorization-details", "iam-vulnerable.json"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	a, _, err := graph.ParseAuthorizationDetails(f)
	if err != nil {
		b.Fatal(err)
	}
	g := graph.Build(a, graph.Options{})
	focus := "arn:aws:iam::200611803367:user/privesc4-CreateAccessKey-user"
	for _, c := range []struct {
		name, program string
		opts          graph.DOTOptions
	}{
		{"focus-depth1", "dot", graph.DOTOptions{Focus: focus, Depth: 1}},
		{"focus-depth2", "dot", graph.DOTOptions{Focus: focus, Depth: 2}},
		{"overview", "sfdp", graph.DOTOptions{Overview: true}},
	} {
		dot := g.DOT(c.opts)
		b.Run(c.name, func(b *testing.B) {
			if !New(Options{Path: c.program}).Available() {
				b.Skip(c.program + " not installed")
			}
			b.ReportMetric(float64(len(dot)), "dot-bytes")
			for range b.N {
				if _, err := New(Options{Path: c.program, Timeout: 120e9, MaxDOTBytes: 64 << 20}).SVG(context.Background(), dot); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

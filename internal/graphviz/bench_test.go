package graphviz

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamconsole/console/internal/graph"
)

// BenchmarkSVG lays out what the access graph page lays out: the
// iam-vulnerable account focused on one escalating user, at depth 1 (the
// page's default) and 2, and the whole account. Every iteration lays out
// afresh (the cache is bypassed by a new Renderer).
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
		name string
		opts graph.DOTOptions
	}{
		{"focus-depth1", graph.DOTOptions{Focus: focus, Depth: 1}},
		{"focus-depth2", graph.DOTOptions{Focus: focus, Depth: 2}},
		{"whole-account", graph.DOTOptions{}},
	} {
		dot := g.DOT(c.opts)
		b.Run(c.name, func(b *testing.B) {
			if !New(Options{}).Available() {
				b.Skip("dot not installed")
			}
			b.ReportMetric(float64(len(dot)), "dot-bytes")
			for range b.N {
				if _, err := New(Options{Timeout: 120e9, MaxDOTBytes: 64 << 20}).SVG(context.Background(), dot); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseAndRatios(t *testing.T) {
	in := `goos: linux
# round 1, load average: 1.00 1.00 1.00
BenchmarkEngines/ours/small/allow-2   	 1000	       100.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkEngines/minio/small/allow-2  	 1000	       400.0 ns/op	      56 B/op	       4 allocs/op
BenchmarkEngines/ours/small/allow-2   	 1000	       300.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkEngines/minio/small/allow-2  	 1000	       600.0 ns/op	      56 B/op	       4 allocs/op
BenchmarkEngines/ours/small/allow-2   	 1000	       200.0 ns/op	       0 B/op	       0 allocs/op
PASS
`
	runs, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	ours := runs["BenchmarkEngines/ours/small/allow"]
	if got := median(ours["ns/op"]); got != 200 {
		t.Errorf("median ours = %v, want 200", got)
	}
	if got := median(runs["BenchmarkEngines/minio/small/allow"]["ns/op"]); got != 500 {
		t.Errorf("median minio = %v, want 500 (mean of the middle two)", got)
	}
	var out bytes.Buffer
	r := report{runs: runs, w: &out}
	g := r.ratio("x", "BenchmarkEngines/ours/small/allow", "BenchmarkEngines/minio/small/allow", 0.5)
	if !g.ok || g.measured != 0.4 || g.fromMin != 0.25 {
		t.Errorf("ratio = %+v, want measured 0.4 from medians, 0.25 from mins", g)
	}
	r.goals("ours")
	if !strings.Contains(out.String(), "| small allow: ours / minio | 0.400× | 0.250× | ≤ 0.50× | **met**") {
		t.Errorf("goals table lacks the small allow row:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "| large allow: ours / minio | not measured |") {
		t.Errorf("a goal without data must say so:\n%s", out.String())
	}
}

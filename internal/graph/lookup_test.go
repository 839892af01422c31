package graph

import (
	"testing"
)

func TestFindPrincipals(t *testing.T) {
	g := Build(fixtures["membership"], Options{Now: testNow})
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"ali", []string{"alice"}},
		{"ALI", []string{"alice"}},
		{"  bo ", []string{"bob"}},
		{"b", []string{"bob"}},
		{"e", []string{"alice", "devs", "bob"}}, // names containing q, then ARNs (bob is a "user")
		{"v", []string{"devs"}},
		{":group/", []string{"devs"}}, // ARNs
		{"", nil},
		{"nobody", nil},
		{"\x00<script>", nil},
	} {
		var got []string
		for _, n := range g.FindPrincipals(c.q, 20) {
			got = append(got, n.Name)
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: %v, want %v", c.q, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q: %v, want %v", c.q, got, c.want)
			}
		}
	}
	if n := len(g.FindPrincipals("a", 1)); n != 1 {
		t.Errorf("limit 1: %d", n)
	}
}

// BenchmarkFindPrincipals: one keystroke of the focus search at 10,000
// principals, the index made.
func BenchmarkFindPrincipals(b *testing.B) {
	g := Build(generate(10000), Options{Now: testNow})
	g.FindPrincipals("x", 1)
	for _, q := range []string{"user0123", "role", "zzz-nothing"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				g.FindPrincipals(q, 20)
			}
		})
	}
}

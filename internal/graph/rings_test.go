package graph

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestRingsAgainstReference: on random accounts, with set nodes and
// without, the rings are exactly the groups of two or more users and
// roles that reach one another in the brute-force reference, and a
// ring's finding is there exactly when its members cannot reach full
// access.
func TestRingsAgainstReference(t *testing.T) {
	seeds := 200
	if testing.Short() {
		seeds = 30
	}
	rings, findings := 0, 0
	for seed := int64(1); seed <= int64(seeds); seed++ {
		a := randomAccount(seed)
		ref := newReference(a)
		principals := append(usersOf(a), rolesOf(a)...)
		reach := map[string]map[string]bool{}
		for _, p := range principals {
			reach[p] = ref.bfs(p)
		}
		var want []string
		done := map[string]bool{}
		for _, p := range principals {
			if done[p] {
				continue
			}
			ring := []string{p}
			for _, q := range principals {
				if q != p && reach[p][q] && reach[q][p] {
					ring = append(ring, q)
					done[q] = true
				}
			}
			if len(ring) >= 2 {
				sort.Strings(ring)
				want = append(want, strings.Join(ring, " "))
			}
		}
		sort.Strings(want)
		for _, setMin := range []int{0, 1} {
			g := Build(a, Options{Now: testNow, setMin: setMin})
			var got []string
			for _, r := range g.Rings() {
				got = append(got, strings.Join(r, " "))
			}
			sort.Strings(got)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("seed %d set %d: rings\n got %v\nwant %v", seed, setMin, got, want)
			}
			rings += len(got)
			wantFindings := map[string]bool{}
			for _, r := range g.Rings() {
				if !ref.isAdmin(r[0]) {
					wantFindings[r[0]] = true
				}
			}
			gotFindings := map[string]bool{}
			for _, f := range g.Findings(testNow) {
				if f.Type == FindingTakeoverRing {
					gotFindings[f.Principal] = true
				}
			}
			if fmt.Sprint(gotFindings) != fmt.Sprint(wantFindings) {
				t.Fatalf("seed %d set %d: ring findings %v, want %v", seed, setMin, gotFindings, wantFindings)
			}
			findings += len(gotFindings)
		}
	}
	if rings == 0 || findings == 0 {
		t.Fatalf("%d rings and %d ring findings in the random accounts: the test tests nothing", rings, findings)
	}
}

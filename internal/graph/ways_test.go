package graph

import (
	"fmt"
	"testing"
)

// TestWaysAgainstReference: on random accounts, with set nodes and
// without, every pair's ways start with Paths' shortest, are chains of
// the reference's edges from the principal to the target, are distinct,
// and are at most waySlack steps longer than the shortest.
func TestWaysAgainstReference(t *testing.T) {
	seeds := 120
	if testing.Short() {
		seeds = 20
	}
	asked, more := 0, 0
	for seed := int64(1); seed <= int64(seeds); seed++ {
		a := randomAccount(seed)
		ref := newReference(a)
		principals := append(usersOf(a), rolesOf(a)...)
		for _, setMin := range []int{0, 1} {
			g := Build(a, Options{Now: testNow, setMin: setMin})
			for _, from := range principals {
				for _, to := range principals {
					if from == to {
						continue
					}
					shortest := g.Paths(from, to)
					ways := g.Ways(from, to, 5)
					what := fmt.Sprintf("seed %d set %d %s -> %s", seed, setMin, shortARN(from), shortARN(to))
					if len(shortest) == 0 {
						if len(ways) != 0 {
							t.Errorf("%s: %d ways where Paths has none", what, len(ways))
						}
						continue
					}
					asked++
					if len(ways) == 0 || edgesKey(ways[0].Steps) != edgesKey(shortest[0].Steps) {
						t.Fatalf("%s: the first way is not Paths' shortest", what)
					}
					if len(ways) > 1 {
						more++
					}
					seen := map[string]bool{}
					for i, w := range ways {
						ref.checkPath(t, fmt.Sprintf("%s way %d", what, i), w)
						if last := w.Path[len(w.Path)-1]; last != to {
							t.Errorf("%s way %d ends at %s", what, i, last)
						}
						if len(w.Steps) > len(shortest[0].Steps)+waySlack {
							t.Errorf("%s way %d: %d steps, the shortest %d", what, i, len(w.Steps), len(shortest[0].Steps))
						}
						if k := edgesKey(w.Steps); seen[k] {
							t.Errorf("%s way %d repeats another", what, i)
						} else {
							seen[k] = true
						}
					}
				}
			}
		}
	}
	if asked == 0 || more == 0 {
		t.Fatalf("the random accounts gave %d pairs with a path, %d with more than one way: the test tests nothing", asked, more)
	}
}

// TestWaysBounded: asking for more than MaxWays gives at most MaxWays, and
// one way is Paths.
func TestWaysBounded(t *testing.T) {
	for seed := int64(1); seed <= 40; seed++ {
		a := randomAccount(seed)
		g := Build(a, Options{Now: testNow})
		for _, from := range usersOf(a) {
			for _, to := range rolesOf(a) {
				if n := len(g.Ways(from, to, 1000)); n > MaxWays {
					t.Fatalf("%d ways, more than %d", n, MaxWays)
				}
				if one, p := g.Ways(from, to, 0), g.Paths(from, to); len(one) != len(p) {
					t.Fatalf("Ways(…, 0) gave %d, Paths %d", len(one), len(p))
				}
			}
		}
	}
}

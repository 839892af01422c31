package graph

import "sort"

// More than one way between two principals, on demand: Paths gives the
// shortest; a reviewer asking "how else?" gets up to MaxWays, each a
// different chain of edges, none more than waySlack steps longer than the
// shortest. The enumeration never wanders: a reverse search gives every
// principal its distance to the target, and only principals on a chain
// short enough are visited, with a bound on the steps taken besides.

// MaxWays is the most ways Ways gives.
const MaxWays = 10

// waySlack is how much longer than the shortest a way may be.
const waySlack = 2

// maxWayWork bounds the steps of one enumeration (a dense account has
// many chains of the same length).
const maxWayWork = 200_000

// Ways is up to n ways from one principal to another (n is clamped to 1 ..
// MaxWays): the shortest first (the one Paths gives), then the others by
// length, in walk order; nil when from cannot act as to.
func (g *Graph) Ways(from, to string, n int) []Path {
	n = min(max(n, 1), MaxWays)
	shortest := g.Paths(from, to)
	if n == 1 || len(shortest) == 0 {
		return shortest
	}
	start := g.byARN[from]
	if start == nil {
		start = g.outsiders[from]
	}
	target := g.byARN[to]
	if target == nil {
		target = g.pseudo[to]
	}
	if start == nil || target == nil || start == target {
		return shortest
	}
	dist := g.reverse([]int32{target.id})
	limit := dist[start.id] + waySlack
	type found struct {
		chain []hop
	}
	var ways []found
	onPath := map[int32]bool{start.id: true}
	chain := []hop{{key: start.key(), p: start, parent: -1, edge: -1}}
	work := 0
	var dfs func(v int32, depth int32)
	step := func(edge, to int32, depth int32) {
		if work >= maxWayWork || len(ways) >= 4*n || onPath[to] || dist[to] < 0 || depth+1+dist[to] > limit {
			return
		}
		work++
		next := g.rnodes[to]
		chain = append(chain, hop{key: next.key(), p: next, parent: len(chain) - 1, edge: int(edge)})
		if to == target.id {
			ways = append(ways, found{chain: append([]hop(nil), chain...)})
		} else {
			onPath[to] = true
			dfs(to, depth+1)
			delete(onPath, to)
		}
		chain = chain[:len(chain)-1]
	}
	dfs = func(v int32, depth int32) {
		for _, s := range g.fwd[v] {
			if !g.isSet(s.to) {
				step(s.edge, s.to, depth)
				continue
			}
			for _, m := range g.fwd[s.to] { // into a set and on to a member: one step
				step(s.edge, m.to, depth)
			}
		}
	}
	dfs(start.id, 0)
	sort.SliceStable(ways, func(i, j int) bool { return len(ways[i].chain) < len(ways[j].chain) })
	out := shortest
	seen := map[string]bool{edgesKey(shortest[0].Steps): true}
	for _, w := range ways {
		if len(out) == n {
			break
		}
		rr := &reachResult{hops: w.chain}
		p := g.pathTo(rr, len(w.chain)-1)
		if k := edgesKey(p.Steps); !seen[k] {
			seen[k] = true
			if x := g.outsiders[from]; x != nil {
				markOutside(&p, x)
			}
			out = append(out, p)
		}
	}
	return out
}

// edgesKey names a chain of edges.
func edgesKey(es []Edge) string {
	k := ""
	for _, e := range es {
		k += e.From + ">" + e.To + ">" + string(e.Kind) + ">" + e.Technique + "|"
	}
	return k
}

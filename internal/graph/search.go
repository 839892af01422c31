package graph

import (
	"slices"
	"sort"
)

// The whole-account answers (who is an administrator, who can do X) come
// from reverse breadth-first searches over the principals, never from a walk
// per principal: a walk from every principal over an account where many can
// take over everyone costs the square of the account.
//
// Every principal a walk can visit (the account's users and roles, the
// pseudo principals of users that can join a group, the outside principals)
// gets an index, with its successors in the walk's order and its
// predecessors. A reverse search from a set of targets gives each principal
// its distance to the nearest one; descending from a principal along the
// first successor one step closer is the path a forward breadth-first walk
// would have found first (the lexicographically smallest shortest path in
// edge order), so the answers are those of a walk, without the walk.

// succ is an edge of the index: the edge taken and the principal it leads to
// (forward) or comes from (reverse).
type succ struct{ edge, to int32 }

// index numbers the principals, then the sets, and lays out their
// successors and predecessors. A set's successors are its members; an edge
// into a set and on to a member counts as one step.
func (g *Graph) index() {
	g.rnodes = g.rnodes[:0]
	add := func(p *principal) {
		p.id = int32(len(g.rnodes))
		g.rnodes = append(g.rnodes, p)
	}
	for _, p := range g.principals {
		add(p)
	}
	keys := make([]string, 0, len(g.pseudo))
	for k := range g.pseudo {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add(g.pseudo[k])
	}
	g.sortOutside()
	for _, p := range g.outside {
		add(p)
	}
	total := len(g.rnodes) + len(g.setOrder)
	// The links in the order they are found, then laid out by source and by
	// target in one array each: a list per principal grown by appends was
	// tens of thousands of small objects among the build's garbage.
	var links []link
	for i, id := range g.setOrder {
		s := g.sets[id]
		s.first = int32(len(g.rnodes) + i)
		if s.gain != GainPrincipal {
			continue
		}
		for _, m := range s.members {
			if p := g.byARN[m]; p != nil {
				links = append(links, link{s.first, p.id, -1})
			}
		}
	}
	for _, h := range g.rnodes {
		g.successors(h, func(ei int, next int32) {
			links = append(links, link{h.id, next, int32(ei)})
		})
	}
	g.fwd = layout(total, links, func(l link) (int32, succ) { return l.from, succ{l.edge, l.to} })
	g.rev = layout(total, links, func(l link) (int32, succ) { return l.to, succ{l.edge, l.from} })
}

// link is an edge of the search index, from one index to another.
type link struct{ from, to, edge int32 }

// layout is the lists of n indices: each link's succ in the list of its
// key, in the links' order, all the lists windows on one array (nil when
// empty).
func layout(n int, links []link, at func(link) (int32, succ)) [][]succ {
	start := make([]int32, n+1)
	for _, l := range links {
		k, _ := at(l)
		start[k+1]++
	}
	for i := range n {
		start[i+1] += start[i]
	}
	all := make([]succ, len(links))
	next := slices.Clone(start[:n])
	for _, l := range links {
		k, s := at(l)
		all[next[k]] = s
		next[k]++
	}
	out := make([][]succ, n)
	for i := range n {
		if start[i] < start[i+1] {
			out[i] = all[start[i]:start[i+1]:start[i+1]]
		}
	}
	return out
}

// isSet reports whether a search index is a set's.
func (g *Graph) isSet(i int32) bool { return int(i) >= len(g.rnodes) }

// reverse is the distance of every principal to the nearest of sources (-1:
// none reachable), by one breadth-first search over the predecessors. A set
// is as far as its nearest member, and its holders one step further.
func (g *Graph) reverse(sources []int32) []int32 {
	dist := make([]int32, len(g.fwd))
	for i := range dist {
		dist[i] = -1
	}
	queue := make([]int32, 0, len(sources))
	for _, s := range sources {
		if dist[s] < 0 {
			dist[s] = 0
			queue = append(queue, s)
		}
	}
	push := func(from int32, d int32) {
		if dist[from] < 0 {
			dist[from] = d
			queue = append(queue, from)
		}
	}
	for i := 0; i < len(queue); i++ {
		v := queue[i]
		for _, s := range g.rev[v] {
			if !g.isSet(s.to) {
				push(s.to, dist[v]+1)
				continue
			}
			if dist[s.to] >= 0 {
				continue
			}
			dist[s.to] = dist[v]
			for _, h := range g.rev[s.to] {
				push(h.to, dist[v]+1)
			}
		}
	}
	return dist
}

// descend is the path from x to the nearest source of dist (dist[x] >= 0):
// at each step the first successor one step closer, as a walk's hops.
func (g *Graph) descend(x int32, dist []int32) *reachResult {
	rr := &reachResult{}
	cur, parent, edge := x, -1, -1
	for {
		p := g.rnodes[cur]
		rr.hops = append(rr.hops, hop{key: p.key(), p: p, parent: parent, edge: edge})
		if dist[cur] == 0 {
			return rr
		}
		d := dist[cur] - 1
	next:
		for _, s := range g.fwd[cur] {
			if dist[s.to] != d {
				continue
			}
			to := s.to
			if g.isSet(to) {
				for _, m := range g.fwd[to] {
					if dist[m.to] == d {
						to = m.to
						break
					}
				}
			}
			parent, edge, cur = len(rr.hops)-1, int(s.edge), to
			break next
		}
	}
}

// rewriteEdges are the edges by which h can rewrite permissions that count
// for full access: arbitrary rewrites, version switches to a version that is
// full access, and for a pseudo principal the rewrites it could make.
func (g *Graph) rewriteEdges(h *principal, fn func(e *Edge) bool) {
	edges := g.modOut[h.key()]
	var own []Edge
	if h.base != nil {
		own = g.pseudoEdges[h.key()]
	}
	for k := 0; k < len(edges)+len(own); k++ {
		var e *Edge
		if k < len(edges) {
			e = &g.Edges[edges[k]]
		} else {
			e = &own[k-len(edges)]
		}
		if fn(e) {
			return
		}
	}
}

func (g *Graph) countsForFull(e *Edge) bool {
	if e.Kind != EdgeEscalation || (e.Gain != GainArbitrary && e.Gain != GainVersion) {
		return false
	}
	return e.Gain != GainVersion || g.versionFullCached(e.To)
}

func (g *Graph) versionFullCached(arn string) bool {
	if v, ok := g.versionFulls[arn]; ok {
		return v
	}
	v := g.versionFull(arn)
	g.versionFulls[arn] = v
	return v
}

// settledAt reports whether h takes full access whoever walked to it: it is
// an administrator, can rewrite its own permissions, or (a pseudo principal)
// can rewrite the group it joined. findAdmin decides these before looking at
// what else the walk reached.
func (g *Graph) settledAt(h *principal) bool {
	if _, ok := g.admin[h.key()]; ok {
		return true
	}
	settled := false
	g.rewriteEdges(h, func(e *Edge) bool {
		if h.base != nil && g.aims(e, h.group.src.ARN) {
			settled = true
			return true
		}
		if !g.countsForFull(e) {
			return false
		}
		for _, c := range g.affects[e.To] {
			if c.key() == h.key() {
				settled = true
				return true
			}
		}
		return false
	})
	return settled
}

// affectedIDs are the principals h's rewrites would change.
func (g *Graph) affectedIDs(h *principal) []int32 {
	var out []int32
	g.rewriteEdges(h, func(e *Edge) bool {
		if g.countsForFull(e) {
			for _, c := range g.affects[e.To] {
				out = append(out, c.id)
			}
		}
		return false
	})
	return out
}

// reaches reports whether a forward search from h meets one of targets.
func (g *Graph) reaches(h int32, targets []int32) bool {
	want := map[int32]bool{}
	for _, t := range targets {
		want[t] = true
	}
	seen := map[int32]bool{h: true}
	queue := []int32{h}
	for i := 0; i < len(queue); i++ {
		if want[queue[i]] {
			return true
		}
		for _, s := range g.fwd[queue[i]] {
			if seen[s.to] {
				continue
			}
			seen[s.to] = true
			if !g.isSet(s.to) {
				queue = append(queue, s.to)
				continue
			}
			for _, m := range g.fwd[s.to] {
				if !seen[m.to] {
					seen[m.to] = true
					queue = append(queue, m.to)
				}
			}
		}
	}
	return false
}

// admins finds every principal's way to full access with reverse searches.
// A principal takes full access at the first principal of its walk that is
// settled (settledAt) or that can rewrite someone the walk reaches. When
// that someone is reachable from the rewriter itself, the rewriter counts
// for everyone who reaches it, and one reverse search from all of them
// answers for the account. The rest ("cross": a rewriter and its target
// reached by different branches) are found by two reverse searches per such
// rewriter, and their paths, like those whose first full-access principal
// rewrites someone else, are walked exactly.
func (g *Graph) admins() error {
	n := len(g.fwd)
	full := make([]int32, 0)
	settled := make([]bool, n)
	var cross []int32
	for _, h := range g.rnodes {
		if err := g.tick(); err != nil {
			return err
		}
		if g.settledAt(h) {
			settled[h.id] = true
			full = append(full, h.id)
			continue
		}
		aff := g.affectedIDs(h)
		if len(aff) == 0 {
			continue
		}
		if g.reaches(h.id, aff) {
			full = append(full, h.id)
		} else {
			cross = append(cross, h.id)
		}
	}
	walkFrom := make([]bool, n)
	statCR = len(cross)
	for _, h := range cross {
		if err := g.tick(); err != nil {
			return err
		}
		to, from := g.reverse([]int32{h}), g.reverse(g.affectedIDs(g.rnodes[h]))
		for x := range walkFrom {
			walkFrom[x] = walkFrom[x] || to[x] >= 0 && from[x] >= 0
		}
	}
	dist := g.reverse(full)
	g.adminRes = map[string]*reachResult{}
	buf := &reachResult{}
	for _, p := range g.rnodes {
		if p.base != nil || (!walkFrom[p.id] && dist[p.id] < 0) {
			continue
		}
		if err := g.tick(); err != nil {
			return err
		}
		var rr *reachResult
		if !walkFrom[p.id] {
			rr = g.descend(p.id, dist)
			if !settled[rr.hops[len(rr.hops)-1].p.id] {
				rr = nil
			}
		}
		if rr == nil {
			if walkFrom[p.id] {
				statCross++
			} else {
				statPass1++
			}
			rr = g.walkInto(p, buf)
		}
		if rr.admin = g.findAdmin(rr); rr.admin != nil {
			g.adminRes[p.key()] = rr.trim()
		}
	}
	return nil
}

// trim keeps the hops of the path to full access only.
func (rr *reachResult) trim() *reachResult {
	chain := rr.chain(rr.admin.hop)
	out := &reachResult{admin: rr.admin}
	for i, hi := range chain {
		h := rr.hops[hi]
		h.parent = i - 1
		out.hops = append(out.hops, h)
	}
	ap := *rr.admin
	ap.hop = len(chain) - 1
	out.admin = &ap
	return out
}

var statCross, statPass1, statCR int

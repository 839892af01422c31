package graph

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Diff is what changed from one graph of an account to another: two imports
// of the same account, the live account before and after a change, or (issue
// 14's preview) the account and the account as it would be. Every list is in
// a stable order, so equal graphs give an empty Diff and equal inputs equal
// output.
type Diff struct {
	// Principals (users, groups, roles) that appear or disappear, by ARN.
	PrincipalsAdded, PrincipalsRemoved []Node
	// AdminsAdded are the principals that reach full access in After and did
	// not in Before, with After's path; AdminsRemoved the reverse, with
	// Before's path; AdminsChanged still reach it, but now only by a chain
	// where they had it from their own policies, or the reverse (Path is
	// After's, WasWords Before's). Which of several paths is shown may change
	// with the account; that alone is not reported.
	AdminsAdded, AdminsRemoved, AdminsChanged []AdminChange
	// Findings that appear (After's) and that are resolved (Before's).
	FindingsAdded, FindingsResolved []Finding
	// Edges that appear or disappear, grouped by kind in edge-kind order.
	EdgesAdded, EdgesRemoved []EdgeGroup
	// Sets are the set nodes the changed edges lead to (the many targets
	// one escalation stands for), by ID: an ID is a hash of its members,
	// which says nothing to a reader; the node's Name ("12 users") and
	// Description do.
	Sets map[string]Node `json:",omitempty"`
}

// AdminChange is a principal whose way to full access changed.
type AdminChange struct {
	Principal string
	Hidden    bool // reaches full access only through can-assume or escalation edges
	Path      Path
	// Words says the path with each relation's verb: "alice — member of →
	// developers — can assume → ops-admin — has → AdministratorAccess".
	Words string
	// WasWords is the earlier path in words (AdminsChanged only).
	WasWords string `json:",omitempty"`
}

// EdgeGroup is the changed edges of one kind.
type EdgeGroup struct {
	Kind  EdgeKind
	Edges []Edge
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool {
	return len(d.PrincipalsAdded)+len(d.PrincipalsRemoved)+len(d.AdminsAdded)+len(d.AdminsRemoved)+len(d.AdminsChanged)+
		len(d.FindingsAdded)+len(d.FindingsResolved)+len(d.EdgesAdded)+len(d.EdgesRemoved) == 0
}

// Summary counts the changes in words, most consequential first: "2 new
// admins, 5 findings resolved, 14 edges added"; "no changes" when empty.
func (d *Diff) Summary() string {
	var parts []string
	add := func(n int, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(len(d.AdminsAdded), "new admin", "new admins")
	add(len(d.AdminsRemoved), "admin no longer", "admins no longer")
	add(len(d.AdminsChanged), "admin by another way", "admins by another way")
	add(len(d.FindingsAdded), "new finding", "new findings")
	add(len(d.FindingsResolved), "finding resolved", "findings resolved")
	add(len(d.PrincipalsAdded), "principal added", "principals added")
	add(len(d.PrincipalsRemoved), "principal removed", "principals removed")
	add(edgeCount(d.EdgesAdded), "edge added", "edges added")
	add(edgeCount(d.EdgesRemoved), "edge removed", "edges removed")
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

func edgeCount(gs []EdgeGroup) int {
	n := 0
	for _, g := range gs {
		n += len(g.Edges)
	}
	return n
}

// Compare says what changed from before to after. Findings of both are
// measured at after's time (before's when after has none), so that time
// passing alone (a key growing stale) is not reported as a change between
// two snapshots of equal content; credential findings still differ when the
// credentials do.
//
// Things are matched by what identifies them, not by position: principals
// by ARN, edges by kind, ends, technique and what they need (a grant edge
// also by its actions), findings by type, principal and technique (a
// permissive trust also by whom it admits). Wording that only reflects
// positions, such as a statement's line, is not a change.
func Compare(before, after *Graph) Diff {
	now := after.now
	if now.IsZero() {
		now = before.now
	}
	if now.IsZero() {
		now = time.Now()
	}
	var d Diff
	d.PrincipalsAdded, d.PrincipalsRemoved = diffPrincipals(before, after)
	d.AdminsAdded, d.AdminsRemoved, d.AdminsChanged = diffAdmins(before, after)
	d.FindingsAdded, d.FindingsResolved = diffFindings(before.Findings(now), after.Findings(now))
	d.EdgesAdded, d.EdgesRemoved = diffEdges(before, after)
	d.Sets = setsOf(d.EdgesAdded, after, setsOf(d.EdgesRemoved, before, nil))
	return d
}

// setsOf adds to m the set nodes of g that the edges lead to.
func setsOf(gs []EdgeGroup, g *Graph, m map[string]Node) map[string]Node {
	for _, eg := range gs {
		for _, e := range eg.Edges {
			if g.sets[e.To] == nil {
				continue
			}
			if n, ok := g.Node(e.To); ok {
				if m == nil {
					m = map[string]Node{}
				}
				m[e.To] = n
			}
		}
	}
	return m
}

func isPrincipal(k NodeKind) bool { return k == KindUser || k == KindGroup || k == KindRole }

// diffPrincipals: nodes are already in kind-then-ID order, so the result is.
func diffPrincipals(before, after *Graph) (added, removed []Node) {
	for _, n := range after.Nodes {
		if isPrincipal(n.Kind) {
			if _, ok := before.nodeIdx[n.ID]; !ok {
				added = append(added, n)
			}
		}
	}
	for _, n := range before.Nodes {
		if isPrincipal(n.Kind) {
			if _, ok := after.nodeIdx[n.ID]; !ok {
				removed = append(removed, n)
			}
		}
	}
	return added, removed
}

func diffAdmins(before, after *Graph) (added, removed, changed []AdminChange) {
	prev := before.Admins()
	was := make(map[string]Admin, len(prev))
	for _, a := range prev {
		was[a.Principal] = a
	}
	now := map[string]bool{}
	for _, a := range after.Admins() {
		now[a.Principal] = true
		c := AdminChange{Principal: a.Principal, Hidden: a.Hidden, Path: a.Path, Words: after.sayPath(a.Path)}
		old, ok := was[a.Principal]
		switch {
		case !ok:
			added = append(added, c)
		case old.Hidden != a.Hidden:
			c.WasWords = before.sayPath(old.Path)
			changed = append(changed, c)
		}
	}
	for _, a := range prev {
		if !now[a.Principal] {
			removed = append(removed, AdminChange{Principal: a.Principal, Hidden: a.Hidden, Path: a.Path, Words: before.sayPath(a.Path)})
		}
	}
	return added, removed, changed
}

// findingKey identifies a finding across two graphs. Explanations cite
// statement positions and the one target named of many, which may move
// without anything changing; a permissive trust is one finding per party
// admitted, named first in its Path.
func findingKey(f *Finding) string {
	k := f.Type + "\x00" + f.Principal + "\x00" + f.Technique
	if f.Type == FindingPermissiveTrust && len(f.Path) > 0 {
		k += "\x00" + f.Path[0]
	}
	return k
}

// diffFindings matches findings by key. Where one key has several findings
// (an inline wildcard policy per policy, a stale key per key), they are
// matched first by equal explanations, the rest one for one; only the
// surplus of either side is a change.
func diffFindings(before, after []Finding) (added, resolved []Finding) {
	type group struct{ before, after []int }
	groups := map[string]*group{}
	var order []string
	at := func(k string) *group {
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
			order = append(order, k)
		}
		return g
	}
	for i := range before {
		g := at(findingKey(&before[i]))
		g.before = append(g.before, i)
	}
	for i := range after {
		g := at(findingKey(&after[i]))
		g.after = append(g.after, i)
	}
	var addIdx, resIdx []int
	for _, k := range order {
		g := groups[k]
		if len(g.before) == len(g.after) {
			continue
		}
		// Drop the pairs with equal explanations, then pair the rest in order.
		bs, as := slices.Clone(g.before), slices.Clone(g.after)
		for i := 0; i < len(bs); i++ {
			if j := slices.IndexFunc(as, func(a int) bool { return after[a].Explanation == before[bs[i]].Explanation }); j >= 0 {
				as = slices.Delete(as, j, j+1)
				bs = slices.Delete(bs, i, i+1)
				i--
			}
		}
		n := min(len(bs), len(as))
		resIdx = append(resIdx, bs[n:]...)
		addIdx = append(addIdx, as[n:]...)
	}
	// Both lists come sorted from Findings; keep that order.
	sort.Ints(addIdx)
	sort.Ints(resIdx)
	for _, i := range addIdx {
		added = append(added, after[i])
	}
	for _, i := range resIdx {
		resolved = append(resolved, before[i])
	}
	return added, resolved
}

// edgeKinds is the order changed edges are listed in: the relations that
// give access first.
var edgeKinds = []EdgeKind{EdgeEscalation, EdgeCanAssume, EdgeMemberOf, EdgeAttached, EdgeInline, EdgeBoundary, EdgeGrants}

// edgeOrder is the order a graph keeps its edges in (finish): by source,
// kind, target and technique.
func edgeOrder(a, b *Edge) int {
	if c := strings.Compare(a.From, b.From); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	if c := strings.Compare(a.To, b.To); c != 0 {
		return c
	}
	return strings.Compare(a.Technique, b.Technique)
}

// sameEdge says whether two edges of equal order are the same relation.
// What an edge needs (MFA, an ExternalId) is part of it: a trust that stops
// asking for MFA is a change. A grant edge's label is its actions, so a
// grant widened on the same resource is one edge removed and one added.
func sameEdge(a, b *Edge) bool {
	return slices.Equal(a.Needs, b.Needs) && (a.Kind != EdgeGrants || a.Label == b.Label)
}

// sortedEdges is a graph's edges in edgeOrder: as kept, unless a graph was
// made otherwise.
func sortedEdges(g *Graph) []*Edge {
	out := make([]*Edge, len(g.Edges))
	for i := range g.Edges {
		out[i] = &g.Edges[i]
	}
	if !slices.IsSortedFunc(out, edgeOrder) {
		slices.SortStableFunc(out, edgeOrder)
	}
	return out
}

// diffEdges walks the two edge lists in step, both in edgeOrder: no key
// is built and nothing is hashed, which at 10,000 principals (80,000
// edges a side) was most of a comparison's time. Edges of equal order are
// matched with sameEdge. The changes keep the order, grouped by kind.
func diffEdges(before, after *Graph) (added, removed []EdgeGroup) {
	bs, as := sortedEdges(before), sortedEdges(after)
	addBy, remBy := map[EdgeKind][]Edge{}, map[EdgeKind][]Edge{}
	i, j := 0, 0
	for i < len(bs) || j < len(as) {
		var c int
		switch {
		case i == len(bs):
			c = 1
		case j == len(as):
			c = -1
		default:
			c = edgeOrder(bs[i], as[j])
		}
		if c < 0 {
			remBy[bs[i].Kind] = append(remBy[bs[i].Kind], *bs[i])
			i++
			continue
		}
		if c > 0 {
			addBy[as[j].Kind] = append(addBy[as[j].Kind], *as[j])
			j++
			continue
		}
		// The runs of equal order on both sides (nearly always one edge each).
		ie, je := i+1, j+1
		for ie < len(bs) && edgeOrder(bs[i], bs[ie]) == 0 {
			ie++
		}
		for je < len(as) && edgeOrder(as[j], as[je]) == 0 {
			je++
		}
		for _, b := range bs[i:ie] {
			if !slices.ContainsFunc(as[j:je], func(a *Edge) bool { return sameEdge(a, b) }) {
				remBy[b.Kind] = append(remBy[b.Kind], *b)
			}
		}
		for _, a := range as[j:je] {
			if !slices.ContainsFunc(bs[i:ie], func(b *Edge) bool { return sameEdge(a, b) }) {
				addBy[a.Kind] = append(addBy[a.Kind], *a)
			}
		}
		i, j = ie, je
	}
	return groupEdges(addBy), groupEdges(remBy)
}

func groupEdges(byKind map[EdgeKind][]Edge) []EdgeGroup {
	var out []EdgeGroup
	for _, k := range edgeKinds {
		if es := byKind[k]; len(es) > 0 {
			out = append(out, EdgeGroup{Kind: k, Edges: es})
			delete(byKind, k)
		}
	}
	// Kinds added later than edgeKinds still show, by name.
	var rest []EdgeKind
	for k := range byKind {
		rest = append(rest, k)
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, EdgeGroup{Kind: k, Edges: byKind[k]})
	}
	return out
}

// sayPath tells a path in one line with the words of Tell: "alice —
// member of → developers — can assume → ops-admin — has →
// AdministratorAccess".
func (g *Graph) sayPath(p Path) string {
	if len(p.Path) == 0 {
		return ""
	}
	return SayHops(p.Path[0], g.Tell(p))
}

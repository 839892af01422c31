package graph

import (
	"slices"

	"github.com/iamconsole/console/internal/policy"
)

// hop is one entry of a breadth-first walk over the edges that let a
// principal act as another: can-assume, and escalation edges that give a
// principal (or, joining a group, a pseudo principal: the user with the
// group's policies).
type hop struct {
	key    string
	p      *principal
	parent int // index into hops; -1 for the start
	edge   int // index into g.Edges; -1 for the start
}

type reachResult struct {
	hops []hop
	// pos is the hop of each principal by search index, -1 when not
	// reached; nil for a path (find scans its few hops).
	pos  []int32
	sets []int32 // the sets reached, to reset pos
	// The first way to full access in walk order, if any.
	admin *adminPath
}

type adminPath struct {
	hop       int    // the hop that has or takes full access
	edge      *Edge  // the escalation edge that rewrites permissions; nil when the hop is an administrator
	affected  string // the principal whose permissions the edge rewrites (may differ from the hop's)
	technique string
}

// walk is the iterative breadth-first walk from p with a visited set; edges
// are visited in the graph's stable order (a set's members in its order, at
// the place of the edge to it), so the walk is deterministic. It is asked
// only where a query needs everything p reaches (a rewrite whose target p may
// reach by another branch, Paths): the whole-account answers come from
// reverse searches (search.go).
func (g *Graph) walk(p *principal) *reachResult {
	return g.walkInto(p, &reachResult{})
}

// walkInto is walk reusing rr's buffers: a search that walks from many
// principals and keeps only paths allocates once.
func (g *Graph) walkInto(p *principal, rr *reachResult) *reachResult {
	if len(rr.pos) != len(g.fwd) {
		rr.pos = make([]int32, len(g.fwd))
		for i := range rr.pos {
			rr.pos[i] = -1
		}
	} else {
		for _, h := range rr.hops {
			rr.pos[h.p.id] = -1
		}
		for _, s := range rr.sets {
			rr.pos[s] = -1
		}
	}
	rr.hops, rr.sets, rr.admin = rr.hops[:0], rr.sets[:0], nil
	rr.hops = append(rr.hops, hop{key: p.key(), p: p, parent: -1, edge: -1})
	rr.pos[p.id] = 0
	visit := func(i int, edge, to int32) {
		if rr.pos[to] >= 0 {
			return
		}
		next := g.rnodes[to]
		rr.pos[to] = int32(len(rr.hops))
		rr.hops = append(rr.hops, hop{key: next.key(), p: next, parent: i, edge: int(edge)})
	}
	for i := 0; i < len(rr.hops); i++ {
		for _, s := range g.fwd[rr.hops[i].p.id] {
			if !g.isSet(s.to) {
				visit(i, s.edge, s.to)
				continue
			}
			if rr.pos[s.to] >= 0 {
				continue // its members are all reached
			}
			rr.pos[s.to] = 0
			rr.sets = append(rr.sets, s.to)
			for _, m := range g.fwd[s.to] {
				visit(i, s.edge, m.to)
			}
		}
	}
	return rr
}

// successors lists, in the walk's order, the edges h may take and where
// each leads (a search index): can-assume and GainPrincipal edges to the
// principal or set, GainGroup edges to the pseudo principal of h in the
// group (in each group of a set). A pseudo principal's own escalations are
// not followed, nor edges that need an MFA device h is known not to have.
func (g *Graph) successors(h *principal, fn func(edge int, next int32)) {
	if h.base != nil {
		return
	}
	for _, ei := range g.reachOut[h.key()] {
		e := &g.Edges[ei]
		if g.blockedMFA(h, e) {
			continue
		}
		switch {
		case e.Kind == EdgeCanAssume, e.Kind == EdgeEscalation && e.Gain == GainPrincipal:
			if s := g.sets[e.To]; s != nil {
				fn(ei, s.first)
			} else if next := g.byARN[e.To]; next != nil {
				fn(ei, next.id)
			}
		case e.Kind == EdgeEscalation && e.Gain == GainGroup:
			for _, gr := range g.targetsOf(e) {
				if gi := g.groups[gr]; gi != nil && !member(h, gi) {
					if next := g.pseudo[h.arn+"+"+gi.src.ARN]; next != nil {
						fn(ei, next.id)
					}
				}
			}
		}
	}
}

// aims reports whether arn is the edge's target or a member of its set.
func (g *Graph) aims(e *Edge, arn string) bool {
	if s := g.sets[e.To]; s != nil {
		return slices.Contains(s.members, arn)
	}
	return e.To == arn
}

// targetsOf is the edge's target, or the members of its set.
func (g *Graph) targetsOf(e *Edge) []string {
	if s := g.sets[e.To]; s != nil {
		return s.members
	}
	return []string{e.To}
}

// blockedMFA: an edge that needs MFA cannot be taken by a user known to have
// no MFA device.
func (g *Graph) blockedMFA(p *principal, e *Edge) bool {
	if !g.acct.CredentialsKnown || p.user == nil || len(p.user.MFADevices) > 0 {
		return false
	}
	for _, n := range e.Needs {
		if n == "MFA" {
			return true
		}
	}
	return false
}

// pseudos makes the pseudo principal of every join edge, with its direct
// full access or the rewrites it could make, before any search.
func (g *Graph) pseudos() {
	for _, e := range g.Edges {
		if e.Kind != EdgeEscalation || e.Gain != GainGroup || g.stopped() {
			continue
		}
		for _, gr := range g.targetsOf(&e) {
			p, gi := g.byARN[e.From], g.groups[gr]
			if p == nil || gi == nil || member(p, gi) {
				continue
			}
			if _, done := g.pseudo[p.arn+"+"+gi.src.ARN]; done {
				continue
			}
			x := g.pseudoFor(p, gi)
			if g.upd != nil && g.unchanged(p.arn) != nil && !g.upd.groups[gi.src.ARN] && !g.upd.rewriteKinds() {
				if steps, ok := g.prev.admin[x.key()]; ok {
					g.admin[x.key()] = steps
				} else {
					g.pseudoEdges[x.key()] = g.adoptAll(g.prev.pseudoEdges[x.key()])
				}
				continue
			}
			if steps, ok := g.fullAccessOf(x); ok {
				g.admin[x.key()] = steps
			} else {
				g.pseudoEdges[x.key()] = g.rewrites(x)
			}
		}
	}
}

func (g *Graph) lastTech(rr *reachResult, i int) string {
	if e := rr.hops[i].edge; e >= 0 {
		return g.Edges[e].Technique
	}
	return ""
}

func (g *Graph) findAdmin(rr *reachResult) *adminPath {
	for i, h := range rr.hops {
		if _, ok := g.admin[h.key]; ok {
			return &adminPath{hop: i, technique: g.lastTech(rr, i)}
		}
		// Rewriting one's own permissions first, then anyone reachable.
		for pass := 0; pass < 2; pass++ {
			var found *adminPath
			g.rewriteEdges(h.p, func(e *Edge) bool {
				found = g.adminBy(rr, i, pass, e)
				return found != nil
			})
			if found != nil {
				return found
			}
		}
	}
	return nil
}

// adminBy is the full access the rewrite e gives the walk's hop i: on the
// first pass the hop's own permissions (or, for a pseudo principal, the
// group it joined), on the second those of a principal reached elsewhere.
func (g *Graph) adminBy(rr *reachResult, i, pass int, e *Edge) *adminPath {
	h := rr.hops[i]
	if h.p.base != nil && g.aims(e, h.p.group.src.ARN) && pass == 0 {
		// The group a pseudo principal joined applies to it.
		return &adminPath{hop: i, edge: e, affected: h.p.base.arn, technique: e.Technique}
	}
	if e.Kind != EdgeEscalation || (e.Gain != GainArbitrary && e.Gain != GainVersion) {
		return nil
	}
	if e.Gain == GainVersion && !g.versionFull(e.To) {
		return nil
	}
	for _, c := range g.affects[e.To] {
		ci, ok := rr.find(c)
		if !ok || (pass == 0) != (ci == i) {
			continue
		}
		tech := e.Technique
		if ci != i {
			reachTech := g.lastTech(rr, ci)
			if id := compositeOf(e.Technique, reachTech); id != "" {
				tech = id
			} else if reachTech != "" {
				tech = reachTech + " + " + e.Technique
			}
		}
		return &adminPath{hop: i, edge: e, affected: c.arn, technique: tech}
	}
	return nil
}

// versionFull reports whether some non-default version of a policy grants
// full access on its own.
func (g *Graph) versionFull(arn string) bool {
	mp := g.managed[arn]
	if mp == nil {
		return false
	}
	for _, v := range mp.src.Versions {
		if v.ID == mp.src.DefaultVersion || mp.versions[v.ID] == nil {
			continue
		}
		x := &principal{arn: "version", req: policy.Principal{ARN: "arn:aws:iam::" + g.acct.ID + ":user/version-probe"},
			in: policy.Inputs{Identity: []*policy.Policy{mp.versions[v.ID]}}}
		if _, ok := g.fullAccessOf(x); ok {
			return true
		}
	}
	return false
}

// find is the hop of principal c, if reached.
func (rr *reachResult) find(c *principal) (int, bool) {
	if rr.pos != nil {
		i := rr.pos[c.id]
		return int(i), i >= 0
	}
	for i, h := range rr.hops {
		if h.p == c {
			return i, true
		}
	}
	return 0, false
}

// chain returns the hops from the start to hop i, in order.
func (rr *reachResult) chain(i int) []int {
	var out []int
	for ; i >= 0; i = rr.hops[i].parent {
		out = append(out, i)
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out
}

// rewrites evaluates the permission-rewriting techniques for a pseudo
// principal (a user after joining a group), keeping the edges out of the
// graph: they describe a state the account is not in.
func (g *Graph) rewrites(x *principal) []Edge {
	// The edges go to a list of their own, not after the graph's: appending
	// to Edges, laid out at its exact size, would copy it.
	kept := g.Edges
	g.Edges = nil
	for ti := range catalogue {
		t := &catalogue[ti]
		switch t.kind {
		case kindModifyPolicy, kindModifyUser, kindModifyGroup:
			if g.mayAll(x, t.Required) {
				g.technique(x, t, g.acct)
			}
		}
	}
	es := g.Edges
	g.Edges = kept
	for i := range es {
		es[i].From = x.key()
	}
	return es
}

package graph

import (
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
	idx  map[string]int
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
// are visited in the graph's stable order, so the walk is deterministic.
func (g *Graph) walk(p *principal) *reachResult {
	rr := &reachResult{idx: map[string]int{}}
	rr.hops = append(rr.hops, hop{key: p.key(), p: p, parent: -1, edge: -1})
	rr.idx[p.key()] = 0
	for i := 0; i < len(rr.hops); i++ {
		h := rr.hops[i]
		if h.p.base != nil {
			continue // a pseudo principal's own escalations are not followed
		}
		for _, ei := range g.reachOut[h.key] {
			e := &g.Edges[ei]
			var next *principal
			switch {
			case e.Kind == EdgeCanAssume, e.Kind == EdgeEscalation && e.Gain == GainPrincipal:
				next = g.byARN[e.To]
			case e.Kind == EdgeEscalation && e.Gain == GainGroup:
				if gi := g.groups[e.To]; gi != nil {
					next = g.pseudo[h.p.arn+"+"+gi.src.ARN]
				}
			}
			if next == nil || g.blockedMFA(h.p, e) {
				continue
			}
			if _, seen := rr.idx[next.key()]; seen {
				continue
			}
			rr.idx[next.key()] = len(rr.hops)
			rr.hops = append(rr.hops, hop{key: next.key(), p: next, parent: i, edge: ei})
		}
	}
	return rr
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

// reachAll walks from every principal and finds each one's way to full access.
func (g *Graph) reachAll() {
	// Pseudo principals for every join edge, before any walk.
	for _, e := range g.Edges {
		if e.Kind == EdgeEscalation && e.Gain == GainGroup {
			if p, gi := g.byARN[e.From], g.groups[e.To]; p != nil && gi != nil {
				x := g.pseudoFor(p, gi)
				if steps, ok := g.fullAccessOf(x); ok {
					g.admin[x.key()] = steps
				} else {
					g.pseudoEdges[x.key()] = g.rewrites(x)
				}
			}
		}
	}
	for _, p := range g.principals {
		rr := g.walk(p)
		rr.admin = g.findAdmin(rr)
		g.reachCache[p.arn] = rr
	}
	// Outside principals walk the same edges from their can-assume edges on;
	// kept apart so that nothing about the account's own principals changes.
	g.sortOutside()
	for _, p := range g.outside {
		rr := g.walk(p)
		rr.admin = g.findAdmin(rr)
		g.outsideReach[p.arn] = rr
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
		edges := g.modOut[h.key]
		var own []Edge
		if h.p.base != nil {
			own = g.pseudoEdges[h.key]
		}
		// Rewriting one's own permissions first, then anyone reachable.
		for pass := 0; pass < 2; pass++ {
			for k := 0; k < len(edges)+len(own); k++ {
				var e *Edge
				if k < len(edges) {
					e = &g.Edges[edges[k]]
				} else {
					e = &own[k-len(edges)]
				}
				if h.p.base != nil && e.To == h.p.group.src.ARN && pass == 0 {
					// The group a pseudo principal joined applies to it.
					return &adminPath{hop: i, edge: e, affected: h.p.base.arn, technique: e.Technique}
				}
				if e.Kind != EdgeEscalation || (e.Gain != GainArbitrary && e.Gain != GainVersion) {
					continue
				}
				if e.Gain == GainVersion && !g.versionFull(e.To) {
					continue
				}
				for _, c := range g.affects[e.To] {
					ci, ok := rr.idx[c.key()]
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
			}
		}
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
	n := len(g.Edges)
	for ti := range catalogue {
		t := &catalogue[ti]
		switch t.kind {
		case kindModifyPolicy, kindModifyUser, kindModifyGroup:
			if g.mayAll(x, t.Required) {
				g.technique(x, t, g.acct)
			}
		}
	}
	es := append([]Edge(nil), g.Edges[n:]...)
	g.Edges = g.Edges[:n]
	for i := range es {
		es[i].From = x.key()
	}
	return es
}

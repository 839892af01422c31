package graph

import (
	"strconv"
	"strings"
)

// What the drawing marks: the principals with full access (directly or by a
// chain: Admins), and each one's route there, told with the verbs of
// words.go and with the group memberships and policies the engine's
// statements name, so "alice can assume ops-admin" (decided by the
// developers group's policy) reads "alice — member of → developers — can
// assume → ops-admin — has → AdministratorAccess".

// AdminEquivalent reports whether a user or role reaches full access, and
// whether it has it itself (direct) rather than by a chain (hidden). It
// reads the search index built with the graph: no walk.
func (g *Graph) AdminEquivalent(id string) (admin, direct bool) {
	rr := g.adminRes[id]
	if rr == nil || rr.admin == nil {
		return false, false
	}
	return true, rr.admin.hop == 0 && rr.admin.edge == nil
}

// RouteStep is one step of a route to full access: a verb and the node it
// leads to, and the drawn edge that stands for it.
type RouteStep struct {
	Verb string
	To   string // node ID
	// Edge is the graph edge the step is drawn as (From, To, Kind).
	Edge Edge
}

// Route is a principal's way to full access, said step by step.
type Route struct {
	From  string
	Steps []RouteStep
}

// AdminRoute is id's route to full access, false when it has none.
func (g *Graph) AdminRoute(id string) (Route, bool) {
	rr := g.adminRes[id]
	if rr == nil || rr.admin == nil {
		return Route{}, false
	}
	path, ok := g.adminPathOf(rr)
	if !ok {
		return Route{}, false
	}
	r := Route{From: id}
	at := id
	for _, e := range path.Steps {
		var sts []Statement
		for _, s := range e.Steps {
			sts = append(sts, s.Statements...)
		}
		r.Steps = append(r.Steps, g.viaGroup(at, sts)...)
		r.Steps = append(r.Steps, RouteStep{Verb: e.Verb(), To: e.To, Edge: Edge{From: e.From, To: e.To, Kind: e.Kind}})
		at = e.To
	}
	if last := path.Path[len(path.Path)-1]; last != at && g.byARN[last] != nil {
		// A rewrite of a policy or group that another principal holds.
		r.Steps = append(r.Steps, RouteStep{Verb: "which gives full access to", To: last})
		at = last
	}
	// The policy that gives the last principal full access.
	for _, st := range path.Statements {
		if st.Layer != "identity" || st.Effect != "Allow" {
			continue
		}
		r.Steps = append(r.Steps, g.viaGroup(at, []Statement{st})...)
		owner := at
		if i := strings.LastIndexByte(st.Policy, '#'); i >= 0 {
			owner = st.Policy[:i]
			r.Steps = append(r.Steps, RouteStep{Verb: "has inline", To: st.Policy, Edge: Edge{From: owner, To: st.Policy, Kind: EdgeInline}})
		} else {
			if gr := g.groupAttaching(at, st.Policy); gr != "" {
				owner = gr
			}
			r.Steps = append(r.Steps, RouteStep{Verb: "has", To: st.Policy, Edge: Edge{From: owner, To: st.Policy, Kind: EdgeAttached}})
		}
		break
	}
	return r, true
}

// viaGroup is the membership step when a statement that decides for the
// user at comes from one of its groups (inline or attached), else nothing.
func (g *Graph) viaGroup(at string, sts []Statement) []RouteStep {
	p := g.byARN[at]
	if p == nil || p.kind != KindUser {
		return nil
	}
	for _, st := range sts {
		if st.Layer != "identity" {
			continue
		}
		group := ""
		if i := strings.LastIndexByte(st.Policy, '#'); i >= 0 && strings.Contains(st.Policy[:i], ":group/") {
			group = st.Policy[:i]
		} else if i < 0 {
			group = g.groupAttaching(at, st.Policy)
		}
		if group != "" {
			return []RouteStep{{Verb: Edge{Kind: EdgeMemberOf}.Verb(), To: group, Edge: Edge{From: at, To: group, Kind: EdgeMemberOf}}}
		}
	}
	return nil
}

// groupAttaching is the group of user id that attaches the managed policy,
// "" when the user has it itself or no group does.
func (g *Graph) groupAttaching(id, policyARN string) string {
	p := g.byARN[id]
	if p == nil || p.user == nil {
		return ""
	}
	for _, a := range p.user.Attached {
		if a.ARN == policyARN {
			return ""
		}
	}
	for _, gi := range p.groups {
		for _, a := range gi.src.Attached {
			if a.ARN == policyARN {
				return gi.src.ARN
			}
		}
	}
	return ""
}

// Words says the route with node names: "alice — member of → developers —
// can assume → ops-admin — has → AdministratorAccess".
func (g *Graph) Words(r Route) string {
	var b strings.Builder
	b.WriteString(g.nameOf(r.From))
	for _, s := range r.Steps {
		b.WriteString(" — " + s.Verb + " → " + g.nameOf(s.To))
	}
	return b.String()
}

// nameOf is a node's short name (its ID when the graph does not hold it).
func (g *Graph) nameOf(id string) string {
	if n, ok := g.Node(id); ok && n.Name != "" {
		return n.Name
	}
	if i := strings.LastIndexByte(id, '#'); i >= 0 {
		return id[i+1:]
	}
	return shortARN(id)
}

// StatementWords says a deciding statement for a reader: "Allow DevAssume
// (AssumeOps) line 4".
func StatementWords(st Statement) string {
	name := st.PolicyName
	if name == "" {
		name = st.Policy
	}
	s := st.Effect + " " + name
	if st.Sid != "" {
		s += " (" + st.Sid + ")"
	}
	return s + " line " + strconv.Itoa(st.Line)
}

// EdgeWords is an edge's meaning in words, with the statements that decide
// it: "alice can assume ops-admin — identity: Allow DevAssume (AssumeOps)
// line 4; trust: Allow trust policy line 3". from and to are the names to
// use for its ends.
func EdgeWords(e *Edge, from, to string) string {
	s := from + " " + e.Verb() + " " + to
	switch e.Kind {
	case EdgeEscalation:
		s += " by " + e.Technique
		if e.Label != "" {
			s += " (" + e.Label + ")"
		}
	case EdgeGrants:
		s += ": " + e.Label
	}
	if len(e.Needs) > 0 {
		s += "; needs " + strings.Join(e.Needs, ", ")
	}
	if e.Assumes != "" {
		s += "; assumes " + e.Assumes
	}
	var parts []string
	for _, step := range e.Steps {
		for _, st := range step.Statements {
			layer := st.Layer
			if layer == "resource" && e.Kind == EdgeCanAssume {
				layer = "trust"
				st.PolicyName = "the trust policy of " + to
			} else if i := strings.LastIndexByte(st.Policy, '#'); i >= 0 && strings.Contains(st.Policy[:i], ":group/") && st.PolicyName != "" {
				// A group's policy decides for its members: say whose.
				st.PolicyName += " of group " + shortARN(st.Policy[:i])
			}
			parts = append(parts, layer+": "+StatementWords(st))
		}
	}
	if len(parts) > 0 {
		s += " — " + strings.Join(appendNew(nil, parts...), "; ")
	}
	return s
}

// edgeKey names an edge by its ends and kind.
type edgeKey struct {
	from, to string
	kind     EdgeKind
}

// marks are what a drawing marks as admin: the drawn nodes (with the words
// their tooltips add) and the edges on the drawn principals' routes.
type marks struct {
	nodes map[string]string
	edges map[edgeKey]bool
}

// maxRoutesMarked bounds the routes a drawing marks: each is a descent of
// the search index, cheap, but a whole account draws thousands.
const maxRoutesMarked = 200

// adminMarks finds the admin-equivalent nodes among those drawn (a
// collapsed set by its members) and the edges of their routes to full
// access.
func (g *Graph) adminMarks(in map[string]bool, rep map[string]string, opts DOTOptions) marks {
	m := marks{nodes: map[string]string{}, edges: map[edgeKey]bool{}}
	members := map[string][2]int{} // representative -> admins, members
	var routed []string
	for _, n := range g.Nodes {
		if !in[n.ID] || (n.Kind != KindUser && n.Kind != KindRole) {
			continue
		}
		admin, direct := g.AdminEquivalent(n.ID)
		if r, ok := rep[n.ID]; ok {
			c := members[r]
			c[1]++
			if admin {
				c[0]++
			}
			members[r] = c
			continue
		}
		if !admin {
			continue
		}
		if direct {
			m.nodes[n.ID] = "admin-equivalent: has full access itself"
		} else {
			m.nodes[n.ID] = "admin-equivalent: can reach full access (hidden admin)"
		}
		routed = append(routed, n.ID)
	}
	for r, c := range members {
		switch {
		case c[0] == c[1]:
			m.nodes[r] = "admin-equivalent: every one of them can reach full access"
		case c[0] > 0:
			m.nodes[r] = "admin-equivalent: " + strconv.Itoa(c[0]) + " of them can reach full access"
		}
	}
	if opts.Focus != "" {
		// The focus's own route first: it is the one the page tells.
		for i, id := range routed {
			if id == opts.Focus {
				routed[0], routed[i] = routed[i], routed[0]
			}
		}
	}
	for _, id := range routed[:min(len(routed), maxRoutesMarked)] {
		r, ok := g.AdminRoute(id)
		if !ok {
			continue
		}
		for _, s := range r.Steps {
			m.edges[edgeKey{s.Edge.From, s.Edge.To, s.Edge.Kind}] = true
		}
	}
	return m
}

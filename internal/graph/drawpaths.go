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

// AdminHops is id's way to full access told in hops (Tell), false when it
// has none.
func (g *Graph) AdminHops(id string) ([]Hop, bool) {
	path, ok := g.adminPathOf(g.adminRes[id])
	if !ok {
		return nil, false
	}
	return g.Tell(path), true
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
		path, ok := g.adminPathOf(g.adminRes[id])
		if !ok {
			continue
		}
		// The edges the path takes, and the memberships and policies its
		// telling adds (a user's can-assume edge is drawn from the user;
		// the telling says it from the group whose policy allows it).
		for _, e := range path.Steps {
			m.edges[edgeKey{e.From, e.To, e.Kind}] = true
		}
		for _, h := range g.Tell(path) {
			m.edges[edgeKey{h.From, h.To, h.Kind}] = true
		}
	}
	return m
}

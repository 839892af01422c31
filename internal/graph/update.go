package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Update returns the graph of a, a new snapshot of the account g was built
// from, recomputing only what the change can affect; changed lists the ARNs
// of the users, groups, roles and managed policies whose definition changed
// (added, removed, edited, membership, attachment, trust, boundary, policy
// version, credentials). The result equals BuildContext(ctx, a, opts); g is
// neither changed nor needed afterwards, and may be read meanwhile.
//
// What is asked again:
//   - the principals the change touches ("dirty"): the changed users and
//     roles, the members (before and after) of a changed group, and whoever
//     attaches a changed policy, directly, through a group or as boundary.
//     Their policies are compiled, and their full access, escalations,
//     grants and assumptions asked, again;
//   - every technique of every principal whose targets are of a kind the
//     change touches (a changed user is a target of the user techniques,
//     a membership change of the group ones...);
//   - the assumptions into a role whose trust changed, and every search.
//
// Everything else (compiled documents, merged inputs, edges) is the previous
// graph's, shared: both graphs are immutable.
func (g *Graph) Update(ctx context.Context, a *Account, changed []string, opts Options) (*Graph, error) {
	n := newGraph(ctx, a, opts)
	n.prev, n.upd = g, newUpdate(g, a, changed)
	n.Nodes = make([]Node, 0, len(g.Nodes))
	n.nodeIdx, n.parsed = make(map[string]int, len(g.nodeIdx)), make(map[parseKey]parsed, len(g.parsed))
	n.affects, n.byARN = make(map[string][]*principal, len(g.affects)), make(map[string]*principal, len(g.byARN))
	for _, stage := range []func(){n.compile, n.structure, n.assumeEdges, n.fullAccess, n.escalationEdges, n.grantEdges, n.finish, n.pseudos, n.index} {
		if stage(); n.err != nil {
			return nil, n.err
		}
	}
	if err := n.admins(); err != nil {
		return nil, err
	}
	n.built()
	return n, nil
}

// changeSet is what a change touches.
type changeSet struct {
	dirty  map[string]bool // principal ARNs asked again
	groups map[string]bool // group ARNs changed, or whose policies did
	kinds  map[string]bool // target kinds changed: user, role, group, policy
	texts  map[string]bool // trust texts of changed roles, before and after
	list   []*principal    // the dirty principals of the new graph, made once
	listed bool
}

func newUpdate(g *Graph, a *Account, changed []string) *changeSet {
	u := &changeSet{dirty: map[string]bool{}, groups: map[string]bool{}, kinds: map[string]bool{}, texts: map[string]bool{}}
	set := map[string]bool{}
	for _, c := range changed {
		set[c] = true
	}
	for _, acc := range []*Account{g.acct, a} {
		groupPolicies := map[string][]string{}
		for _, gr := range acc.Groups {
			if set[gr.ARN] {
				u.groups[gr.ARN] = true
			}
			for _, at := range gr.Attached {
				groupPolicies[gr.Name] = append(groupPolicies[gr.Name], at.ARN)
				if set[at.ARN] {
					u.groups[gr.ARN] = true // its policies changed
				}
			}
		}
		for _, us := range acc.Users {
			hit := set[us.ARN] || us.Boundary != nil && set[us.Boundary.ARN]
			for _, at := range us.Attached {
				hit = hit || set[at.ARN]
			}
			for _, gn := range us.Groups {
				hit = hit || set[arnOfGroup(acc, gn)] || slices.ContainsFunc(groupPolicies[gn], func(p string) bool { return set[p] })
			}
			if hit {
				u.dirty[us.ARN] = true
			}
		}
		for _, r := range acc.Roles {
			hit := set[r.ARN] || r.Boundary != nil && set[r.Boundary.ARN]
			for _, at := range r.Attached {
				hit = hit || set[at.ARN]
			}
			if hit {
				u.dirty[r.ARN] = true
			}
			if set[r.ARN] {
				u.texts[r.Trust] = true
			}
		}
	}
	u.targetKinds(g.acct, a, set)
	return u
}

// targetKinds finds the kinds of target whose candidates the change may
// alter: what a technique's prerequisites read (existence, credentials,
// memberships, attachments, trusts, instance profiles, versions), not the
// targets' own permissions, which no technique on them depends on.
func (u *changeSet) targetKinds(old, now *Account, set map[string]bool) {
	before, after := entities(old, set), entities(now, set)
	for arn := range set {
		b, ok1 := before[arn]
		n, ok2 := after[arn]
		switch {
		case ok1 != ok2: // added or removed
			u.kinds[b.kind+n.kind] = true
			u.kinds["group"], u.kinds["policy"] = true, true
		case ok1 && b.prereq != n.prereq:
			u.kinds[b.kind] = true
		}
		if ok1 && ok2 && b.groups != n.groups {
			u.kinds["group"] = true
		}
		if ok1 && ok2 && b.attached != n.attached {
			u.kinds["policy"] = true
		}
	}
}

// entity is what the techniques' prerequisites read of one entity.
type entity struct {
	kind, prereq, groups, attached string
}

func entities(a *Account, set map[string]bool) map[string]entity {
	out := map[string]entity{}
	att := func(at []AttachedPolicy, b *AttachedPolicy) string {
		var s []string
		for _, x := range at {
			s = append(s, x.ARN)
		}
		if b != nil {
			s = append(s, "boundary "+b.ARN)
		}
		return strings.Join(s, ",")
	}
	for _, x := range a.Users {
		if set[x.ARN] {
			out[x.ARN] = entity{"user", fmt.Sprint(len(x.AccessKeys), x.LoginProfile != nil), strings.Join(x.Groups, ","), att(x.Attached, x.Boundary)}
		}
	}
	for _, x := range a.Roles {
		if set[x.ARN] {
			out[x.ARN] = entity{"role", x.Trust + fmt.Sprint(x.InstanceProfiles), "", att(x.Attached, x.Boundary)}
		}
	}
	for _, x := range a.Groups {
		if set[x.ARN] {
			out[x.ARN] = entity{"group", fmt.Sprint(len(x.Inline)), "", att(x.Attached, nil)}
		}
	}
	for _, x := range a.Policies {
		if set[x.ARN] {
			out[x.ARN] = entity{"policy", fmt.Sprint(len(x.Versions), x.DefaultVersion, x.AttachmentCount, x.BoundaryUsageCount), "", ""}
		}
	}
	return out
}

func arnOfGroup(a *Account, name string) string {
	for _, gr := range a.Groups {
		if gr.Name == name {
			return gr.ARN
		}
	}
	return ""
}

// unchanged is the previous graph's principal of the same ARN when Update
// may reuse what was asked about it, nil otherwise.
func (g *Graph) unchanged(arn string) *principal {
	if g.upd == nil || g.upd.dirty[arn] {
		return nil
	}
	return g.prev.byARN[arn]
}

// changedPrincipals are the new graph's dirty principals, in its order.
func (u *changeSet) changedPrincipals(g *Graph) []*principal {
	if !u.listed {
		for _, p := range g.principals {
			if u.dirty[p.arn] {
				u.list = append(u.list, p)
			}
		}
		u.listed = true
	}
	return u.list
}

// rewriteKinds reports whether the change touches the targets of the
// rewrites a pseudo principal is asked about.
func (u *changeSet) rewriteKinds() bool {
	return u.kinds["user"] || u.kinds["group"] || u.kinds["policy"]
}

// targetKind is the kind of entity a technique targets.
func targetKind(t *Technique) string {
	switch t.kind {
	case kindModifyPolicy, kindSetDefaultVersion:
		return "policy"
	case kindModifyRole, kindUpdateTrust, kindPassRole, kindExistingRole:
		return "role"
	case kindModifyGroup, kindJoinGroup:
		return "group"
	}
	return "user"
}

// copyEdges copies the previous graph's edges from one node that keep
// holds, with the nodes they lead to.
func (g *Graph) copyEdges(from string, keep func(*Edge) bool) {
	prev := g.prev
	r := prev.out[from]
	for i := int(r.start); i < int(r.end); i++ {
		e := &prev.Edges[i]
		if !keep(e) {
			continue
		}
		if _, ok := g.nodeIdx[e.To]; !ok {
			if n, ok := prev.Node(e.To); ok {
				if n.Kind == KindSet {
					g.adoptSet(e.To)
				} else {
					g.addNode(n)
				}
			}
		}
		g.addEdge(*e)
	}
}

// adoptSet makes the previous graph's set node one of this graph's.
func (g *Graph) adoptSet(id string) {
	if g.sets[id] != nil {
		return
	}
	s := g.prev.sets[id]
	g.sets[id] = &setNode{id: id, gain: s.gain, members: s.members}
	g.setOrder = append(g.setOrder, id)
	n, _ := g.prev.Node(id)
	g.addNode(n)
	if s.gain == GainArbitrary || s.gain == GainVersion {
		seen := map[*principal]bool{}
		for _, m := range s.members {
			for _, c := range g.affects[m] {
				if !seen[c] {
					seen[c] = true
					g.affects[id] = append(g.affects[id], c)
				}
			}
		}
	}
}

// adoptAll adopts the sets a list of edges leads to.
func (g *Graph) adoptAll(es []Edge) []Edge {
	for _, e := range es {
		if strings.HasPrefix(e.To, "set:") && g.prev.sets[e.To] != nil {
			g.adoptSet(e.To)
		}
	}
	return es
}

// copyAssume copies the previous graph's can-assume edges between
// principals the change does not touch, into roles (or sets of roles) whose
// trust is unchanged.
func (g *Graph) copyAssume() {
	prev := g.prev
	for i := range prev.Edges {
		e := &prev.Edges[i]
		if e.Kind != EdgeCanAssume || prev.byARN[e.From] == nil || g.unchanged(e.From) == nil || g.byARN[e.From] == nil {
			continue
		}
		if s := prev.sets[e.To]; s != nil {
			ok := true
			for _, m := range s.members {
				r := prev.byARN[m]
				ok = ok && g.unchanged(m) != nil && r != nil && !g.upd.texts[r.role.Trust]
			}
			if ok {
				g.adoptSet(e.To)
				g.addEdge(*e)
			}
			continue
		}
		if r := g.byARN[e.To]; r != nil && g.unchanged(e.To) != nil && !g.upd.texts[r.role.Trust] {
			g.addEdge(*e)
		}
	}
}

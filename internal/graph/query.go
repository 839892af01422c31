package graph

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/iamconsole/console/internal/policy"
)

// Path is how a principal gets to do something: the ARNs it passes through
// (itself first), the edges taken with the engine decisions behind each, and
// the statements that decide the final request (after a rewrite of
// permissions, which the account does not hold yet, the statements that
// allow the rewrite). JSON field names are the `console who-can` and
// `console paths` contract: every key is present in every entry, empty
// ("" or []) when it does not apply, so scripts need not test for it.
type Path struct {
	Principal  string
	Path       []string
	Steps      []Edge
	Statements []Statement
	// Technique is the escalation that gets there, when there is one.
	Technique string
	// Needs is what the requests along the path must carry: "MFA",
	// "ExternalId", or context keys the graph cannot supply, from its steps.
	Needs []string
	// External is set when the principal is not one of the account's own
	// users and roles: an Outside kind ("account", "principal", "anyone",
	// "federated", "service"). Its own side is not visible, so the path holds
	// only on the Assumption; Trust holds the trust statements that let it
	// in, and the roles it reaches decide the rest, as for anyone.
	External   string
	Assumption string
	Trust      []Statement
}

// MarshalJSON writes absent lists as [], not null: the documented keys
// keep their type in every entry.
func (p Path) MarshalJSON() ([]byte, error) {
	type plain Path // without this method
	q := plain(p)
	q.Path = orEmpty(q.Path)
	q.Steps = orEmpty(q.Steps)
	q.Statements = orEmpty(q.Statements)
	q.Needs = orEmpty(q.Needs)
	q.Trust = orEmpty(q.Trust)
	return json.Marshal(q)
}

// MarshalJSON writes absent lists as [], as Path does.
func (h Hop) MarshalJSON() ([]byte, error) {
	type plain Hop
	q := plain(h)
	q.Needs = orEmpty(q.Needs)
	q.Statements = orEmpty(q.Statements)
	return json.Marshal(q)
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// collectNeeds gathers what the path's steps need, in step order.
func (p *Path) collectNeeds() {
	for _, e := range p.Steps {
		p.Needs = appendNew(p.Needs, e.Needs...)
	}
}

func (g *Graph) pathTo(rr *reachResult, i int) Path {
	p := Path{Principal: rr.hops[0].p.arn}
	for _, hi := range rr.chain(i) {
		h := rr.hops[hi]
		if h.edge >= 0 {
			target := h.p.arn
			if h.p.base != nil {
				target = h.p.group.src.ARN
			}
			e := g.concrete(g.Edges[h.edge], target)
			p.Steps = append(p.Steps, e)
			if e.Technique != "sts-001" || p.Technique == "" {
				if e.Kind == EdgeEscalation {
					p.Technique = e.Technique
				}
			}
		}
		if h.p.base != nil {
			p.Path = append(p.Path, h.p.group.src.ARN)
		} else {
			p.Path = append(p.Path, h.p.arn)
		}
	}
	p.collectNeeds()
	return p
}

// adminPathOf is the path to full access of the walk's start, if any.
func (g *Graph) adminPathOf(rr *reachResult) (Path, bool) {
	if rr == nil || rr.admin == nil {
		return Path{}, false
	}
	ap := rr.admin
	if ap == nil {
		return Path{}, false
	}
	p := g.pathTo(rr, ap.hop)
	// The technique named is what the principal itself does first; the steps
	// show the rest of the chain.
	first := ap.technique
	if ap.hop > 0 {
		first = g.Edges[rr.hops[rr.chain(ap.hop)[1]].edge].Technique
	}
	p.Technique = first
	if ap.edge == nil {
		p.Statements = g.admin[rr.hops[ap.hop].key][0].Statements
		return p, true
	}
	e := *ap.edge
	if h := rr.hops[ap.hop].p; h.base != nil && g.aims(&e, h.group.src.ARN) {
		e = g.concrete(e, h.group.src.ARN) // the group it joined
	} else {
		e = g.concrete(e, g.memberFor(&e, ap.affected))
	}
	p.Steps = append(p.Steps, e)
	p.Path = append(p.Path, e.To)
	// The account holds no statement for the request yet: the rewrite's
	// own statements decide it.
	for _, s := range e.Steps {
		p.Statements = append(p.Statements, s.Statements...)
	}
	if ap.affected != e.To && ap.affected != rr.hops[ap.hop].p.arn {
		p.Path = append(p.Path, ap.affected)
	}
	p.Needs = appendNew(p.Needs, e.Needs...)
	return p, true
}

// WhoCan lists every principal the engine allows action on resource, directly
// or after a chain of can-assume and escalation edges (a principal that can
// give itself arbitrary permissions can do anything), each with one shortest
// path in walk order. The account's own principals come first, in ARN order,
// users before roles; then the principals outside it that trust policies let
// in (External set), in node order: services, then other accounts, their
// principals, "*" and identity providers by ID. An outside principal is never
// judged on its own policies, which are not visible: it is listed when a role
// it can assume, or a chain on from there, is allowed.
func (g *Graph) WhoCan(action, resource string) []Path {
	// The principals the engine allows directly, then one reverse search
	// from them: each principal's nearest is what its walk would meet first.
	var direct []int32
	decisions := map[int32]*policy.Decision{}
	for _, p := range g.rnodes {
		if p.outside != "" || !p.mask.may(action) {
			continue
		}
		if d, ok := g.allowedFor(p, action, resource); ok {
			direct = append(direct, p.id)
			decisions[p.id] = d
		}
	}
	dist := g.reverse(direct)
	var out []Path
	for _, p := range g.principals {
		if path, ok := g.whoCanFrom(p, dist, decisions); ok {
			out = append(out, path)
		}
	}
	for _, p := range g.outside {
		if path, ok := g.whoCanFrom(p, dist, decisions); ok {
			markOutside(&path, p)
			out = append(out, path)
		}
	}
	return out
}

// allowedFor is the engine's explained decision when it allows p the
// request (with MFA where the conditions ask for it), asking the fast
// answer first.
func (g *Graph) allowedFor(p *principal, action, resource string) (*policy.Decision, bool) {
	if !g.decide(p, action, resource) {
		return nil, false
	}
	d, _ := g.eval(p, action, resource, nil, nil)
	return &d, d.Allowed()
}

// whoCanFrom is p's path to the nearest principal allowed the request, else
// its way to full access.
func (g *Graph) whoCanFrom(p *principal, dist []int32, decisions map[int32]*policy.Decision) (Path, bool) {
	if dist[p.id] >= 0 {
		rr := g.descend(p.id, dist)
		last := len(rr.hops) - 1
		path := g.pathTo(rr, last)
		path.Statements = statements(decisions[rr.hops[last].p.id].Deciding())
		return path, true
	}
	if rr := g.adminRes[p.key()]; rr != nil {
		return g.adminPathOf(rr)
	}
	return Path{}, false
}

// Paths returns the path from one principal to another, if the first can act
// as the second (nil otherwise). from may be an outside node (an account root,
// "*", a service or provider), whose path is marked as such.
func (g *Graph) Paths(from, to string) []Path {
	p := g.byARN[from]
	if p == nil {
		p = g.outsiders[from]
	}
	if p == nil {
		return nil
	}
	rr := g.walk(p)
	target := g.byARN[to]
	if target == nil {
		target = g.pseudo[to]
	}
	if target == nil {
		return nil
	}
	i, ok := rr.find(target)
	if !ok {
		return nil
	}
	path := g.pathTo(rr, i)
	if x := g.outsiders[from]; x != nil {
		markOutside(&path, x)
	}
	return []Path{path}
}

// Admin is a principal with full access, directly or by escalation.
type Admin struct {
	Principal string
	Hidden    bool // reaches full access only through can-assume or escalation edges
	Path      Path
}

// Admins lists the principals with full access: those whose own policies
// allow everything, and the hidden ones that get there through a chain; then
// the outside principals that can assume their way to full access (Hidden,
// Path.External set), in node order.
func (g *Graph) Admins() []Admin {
	var out []Admin
	for _, p := range g.principals {
		rr := g.adminRes[p.arn]
		if rr == nil {
			continue
		}
		if path, ok := g.adminPathOf(rr); ok {
			out = append(out, Admin{Principal: p.arn, Hidden: rr.admin.hop != 0 || rr.admin.edge != nil, Path: path})
		}
	}
	for _, p := range g.outside {
		if rr := g.adminRes[p.key()]; rr == nil {
			continue
		} else if path, ok := g.adminPathOf(rr); ok {
			markOutside(&path, p)
			out = append(out, Admin{Principal: p.arn, Hidden: true, Path: path})
		}
	}
	return out
}

// Permission is one thing a principal may do: an action (or pattern, as the
// policy writes it) on a resource pattern, with the deciding statements.
type Permission struct {
	Action     string
	Resource   string
	Statements []Statement
}

// ServicePermissions groups a principal's permissions by service prefix.
type ServicePermissions struct {
	Service     string
	Permissions []Permission
}

// WhatCan returns the effective permissions of a principal by service: every
// action pattern and resource pattern its identity policies allow that the
// engine still allows once denies, boundary and conditions apply (asked with
// the pattern as the request, so a pattern partly denied counts as allowed).
// NotAction statements appear as "NotAction:a,b".
func (g *Graph) WhatCan(principalARN string) []ServicePermissions {
	p := g.byARN[principalARN]
	if p == nil {
		return nil
	}
	return byService(g.permissions(p, true))
}

// permissions lists what p's Allow statements name and the engine allows.
// Without explain it asks Decide (no explanation, no allocation), with and
// then without MFA, and leaves Statements empty: grant edges only need the
// summary, and large AWS managed policies name thousands of actions.
func (g *Graph) permissions(p *principal, explain bool) []Permission {
	perms, _ := g.permissionsUpTo(p, explain, -1)
	return perms
}

// permissionsUpTo is permissions asking the engine at most limit times
// (negative: no limit); skipped counts the pairs left unasked.
func (g *Graph) permissionsUpTo(p *principal, explain bool, limit int) (out []Permission, skipped int) {
	pi := g.pairs
	if pi == nil {
		pi = newPairIndex() // a query on a built graph: its own, for one principal
	}
	docs := g.docsOf(p)
	for _, d := range docs {
		pi.of(d) // number every pair before marking
	}
	pi.walk()
	n := 0
	var keys []string // lower-cased labels of out, for the sort
	for _, d := range docs {
		for _, pr := range pi.of(d) {
			if !pi.first(pr.id) {
				continue
			}
			if n++; limit >= 0 && n > limit {
				skipped++
				continue
			}
			if !explain {
				if g.decide(p, pr.action, pr.resource) {
					out, keys = append(out, Permission{Action: pr.label, Resource: pr.resource}), append(keys, pr.lower)
				}
				continue
			}
			dec, _ := g.eval(p, pr.action, pr.resource, nil, nil)
			if !dec.Allowed() {
				continue
			}
			out, keys = append(out, Permission{Action: pr.label, Resource: pr.resource, Statements: statements(dec.Deciding())}), append(keys, pr.lower)
		}
	}
	// Sorted by resource, then label regardless of case; stable on the
	// order found. The labels are lower-cased once per document, not per
	// comparison.
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if out[a].Resource != out[b].Resource {
			return out[a].Resource < out[b].Resource
		}
		return keys[a] < keys[b]
	})
	sorted := make([]Permission, len(out))
	for i, k := range order {
		sorted[i] = out[k]
	}
	return sorted, skipped
}

// pairIndex numbers the (action, resource) pairs the Allow statements of
// documents name, once per document: AWS managed policies such as
// ReadOnlyAccess name thousands of actions, and lower-casing and hashing
// each again for every principal that holds the policy was most of a
// build's time on a live account. A principal's distinct pairs are then
// marked in an array, stamped per principal, not inserted in a map.
type pairIndex struct {
	ids   map[[2]string]int32
	byDoc map[*policy.Document][]docPair
	marks []uint32 // pair id -> the last walk that saw it
	gen   uint32   // the current walk
}

// docPair is one distinct pair of a document, in statement order.
type docPair struct {
	id                      int32
	action, resource, label string
	lower                   string // label, lower-cased
}

func newPairIndex() *pairIndex {
	return &pairIndex{ids: map[[2]string]int32{}, byDoc: map[*policy.Document][]docPair{}}
}

// of is the distinct pairs of d's Allow statements: resources outer,
// actions inner; NotResource is "*", NotAction "*" labelled
// "NotAction:a,b".
func (pi *pairIndex) of(d *policy.Document) []docPair {
	if ps, ok := pi.byDoc[d]; ok {
		return ps
	}
	var ps []docPair
	pi.walk() // marks the pairs met in d so far
	for _, st := range d.Statements {
		if st.Effect != policy.Allow {
			continue
		}
		resources := st.Resource
		if st.NotResource {
			resources = []string{"*"}
		}
		actions := st.Action
		if st.NotAction {
			actions = []string{"*"}
		}
		for _, r := range resources {
			for _, a := range actions {
				la := strings.ToLower(a)
				k := [2]string{la, r}
				id, ok := pi.ids[k]
				if !ok {
					id = int32(len(pi.ids))
					pi.ids[k] = id
					pi.marks = append(pi.marks, 0)
				}
				if !pi.first(id) {
					continue
				}
				label, lower := a, la
				if st.NotAction {
					label = "NotAction:" + strings.Join(st.Action, ",")
					lower = strings.ToLower(label)
				}
				ps = append(ps, docPair{id: id, action: a, resource: r, label: label, lower: lower})
			}
		}
	}
	pi.byDoc[d] = ps
	return ps
}

// walk starts marking one principal's pairs afresh.
func (pi *pairIndex) walk() {
	pi.gen++
	if pi.gen == 0 { // wrapped: forget every mark
		clear(pi.marks)
		pi.gen = 1
	}
	if len(pi.marks) < len(pi.ids) {
		pi.marks = append(pi.marks, make([]uint32, len(pi.ids)-len(pi.marks))...)
	}
}

// first marks pair id and reports whether this walk had not seen it.
func (pi *pairIndex) first(id int32) bool {
	if pi.marks[id] == pi.gen {
		return false
	}
	pi.marks[id] = pi.gen
	return true
}

// grantEvaluations bounds the engine calls behind one principal's grant
// edges: AWS managed policies such as ReadOnlyAccess name thousands of
// actions, and each is a request. WhatCan answers in full on demand.
const grantEvaluations = 300

// grantEdges adds principal -> resource pattern edges labelled with a summary
// of the allowed actions (at most maxGrants patterns per principal); WhatCan
// gives the deciding statements.
func (g *Graph) grantEdges() {
	for _, p := range g.principals {
		if g.stopped() {
			return
		}
		if g.unchanged(p.arn) != nil {
			g.copyEdges(p.arn, func(e *Edge) bool { return e.Kind == EdgeGrants })
			continue
		}
		perms, skipped := g.permissionsUpTo(p, false, grantEvaluations)
		var order []string
		acts := map[string][]string{}
		for _, pm := range perms {
			if _, ok := acts[pm.Resource]; !ok {
				order = append(order, pm.Resource)
			}
			acts[pm.Resource] = append(acts[pm.Resource], pm.Action)
		}
		if len(order) > g.maxGrants {
			order = order[:g.maxGrants]
		}
		for _, r := range order {
			id := "resource:" + r
			g.addNode(Node{ID: id, Kind: KindResource, Name: r})
			label := summary(acts[r])
			if skipped > 0 {
				label += " (" + itoa(skipped) + " more action patterns not summarised)"
			}
			g.addEdge(Edge{From: p.arn, To: id, Kind: EdgeGrants, Label: label})
		}
	}
}

// summary shortens an action list: "iam:CreateUser, s3:Get* (+3)".
func summary(actions []string) string {
	const max = 3
	if len(actions) <= max {
		return strings.Join(actions, ", ")
	}
	return strings.Join(actions[:max], ", ") + " (+" + itoa(len(actions)-max) + ")"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

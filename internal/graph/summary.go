package graph

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The whole account as a reviewer can read it: a node per bucket of like
// principals (users or roles under one path prefix, split by whether they
// can reach full access), a node per group with its member count, and
// between them the edges of each kind counted ("can assume (17)"). Every
// node links to the principals it stands for (a bucket's members drawn
// around themselves, a group focused), so the summary is where a review
// starts and a focused view where it goes on. A thousand principals and
// ten thousand are summaries of the same size: dot lays them out while the
// page waits. Escalations from principals that can already reach full
// access are left out: they can do anything anyway.

// SummaryOptions choose what Summary links to.
type SummaryOptions struct {
	// BucketURL links a bucket's node (Graphviz URL) to the view of its
	// members, given the bucket's key (see Bucket).
	BucketURL func(key string) string
	// NodeURL links a node drawn as itself (a group) to its view.
	NodeURL func(Node) string
	// MaxGroups is the most groups drawn one by one (0: 30), the largest
	// first; the rest are one node.
	MaxGroups int
}

// Summary draws the account by buckets and groups.
func (g *Graph) Summary(opts SummaryOptions) Drawing {
	if opts.MaxGroups <= 0 {
		opts.MaxGroups = 30
	}
	sm := &summarizer{g: g, opts: opts, buckets: map[string]*bucket{}, of: map[string]string{}, id: map[string]string{}}
	sm.bucketPrincipals()
	sm.rankGroups()
	sm.countEdges()
	writeDOTHead(&sm.b, "summary", layeredAttrs)
	sm.writeNodes()
	sm.writeEdges()
	sm.b.WriteString("}\n")
	sm.d.DOT = sm.b.Bytes()
	return sm.d
}

// summarizer is one summary drawing being made.
type summarizer struct {
	g       *Graph
	opts    SummaryOptions
	buckets map[string]*bucket
	keys    []string          // the buckets' keys
	of      map[string]string // node ID -> its summary node's key
	groups  []Node            // by members, the largest first
	members map[string]int    // group ID -> members
	order   []summaryPair     // the summary edges, first seen first
	count   map[summaryPair]int
	outside map[string]int // "service" and "external" -> distinct sources
	id      map[string]string
	b       bytes.Buffer
	d       Drawing
}

// summaryPair is one summary edge: between two summary nodes, of a kind.
type summaryPair struct {
	from, to string
	kind     EdgeKind
}

// bucketPrincipals puts users and roles in buckets (kind, path prefix, can
// reach admin); services and outside principals are one node each.
func (sm *summarizer) bucketPrincipals() {
	for _, n := range sm.g.Nodes {
		switch n.Kind {
		case KindUser, KindRole:
			admin, _ := sm.g.AdminEquivalent(n.ID)
			k := BucketKey(n, admin)
			b := sm.buckets[k]
			if b == nil {
				b = &bucket{key: k, kind: n.Kind, admin: admin, label: bucketLabel(pathPrefix(n.Path), admin)}
				sm.buckets[k] = b
				sm.keys = append(sm.keys, k)
			}
			b.members++
			sm.of[n.ID] = k
		case KindService:
			sm.of[n.ID] = "service"
		case KindExternal:
			sm.of[n.ID] = "external"
		}
	}
	sort.Strings(sm.keys)
}

// rankGroups orders the groups by members: the MaxGroups largest are
// drawn each, the rest as one.
func (sm *summarizer) rankGroups() {
	sm.members = map[string]int{}
	for i := range sm.g.Edges {
		if e := &sm.g.Edges[i]; e.Kind == EdgeMemberOf {
			sm.members[e.To]++
		}
	}
	for _, n := range sm.g.Nodes {
		if n.Kind == KindGroup {
			sm.groups = append(sm.groups, n)
		}
	}
	sort.SliceStable(sm.groups, func(i, j int) bool { return sm.members[sm.groups[i].ID] > sm.members[sm.groups[j].ID] })
	for i, n := range sm.groups {
		if i < sm.opts.MaxGroups {
			sm.of[n.ID] = "group|" + n.ID
		} else {
			sm.of[n.ID] = "groups"
		}
	}
}

// countEdges counts the memberships, assumptions and escalations between
// summary nodes, by kind.
func (sm *summarizer) countEdges() {
	sm.count = map[summaryPair]int{}
	sources := map[string]bool{}
	for i := range sm.g.Edges {
		e := &sm.g.Edges[i]
		switch e.Kind {
		case EdgeMemberOf, EdgeCanAssume, EdgeEscalation:
		default:
			continue
		}
		from, to := sm.of[e.From], sm.of[e.To]
		if from == "" || to == "" {
			continue // a set of targets, or a policy rewritten
		}
		if b := sm.buckets[from]; e.Kind == EdgeEscalation && b != nil && b.admin {
			// Who can reach full access can do anything: its escalations
			// add nothing to know and, where many escalate, bury the rest.
			continue
		}
		if from == "service" || from == "external" {
			sources[e.From+"|"+from] = true
		}
		p := summaryPair{from, to, e.Kind}
		if sm.count[p] == 0 {
			sm.order = append(sm.order, p)
		}
		sm.count[p]++
	}
	sm.outside = map[string]int{}
	for k := range sources {
		sm.outside[k[strings.LastIndexByte(k, '|')+1:]]++
	}
}

// node writes one summary node.
func (sm *summarizer) node(key, label, tooltip, style, link string) {
	sm.id[key] = "s" + strconv.Itoa(len(sm.id))
	sm.d.Nodes++
	fmt.Fprintf(&sm.b, "  %s [label=\"%s\", tooltip=\"%s\", %s", sm.id[key], dotEscape(label), dotAttrEscape(tooltip), style)
	if link != "" {
		fmt.Fprintf(&sm.b, ", URL=\"%s\"", dotAttrEscape(link))
	}
	sm.b.WriteString("];\n")
}

// writeNodes writes the buckets, the largest groups, the other groups as
// one, and the services and outside principals.
func (sm *summarizer) writeNodes() {
	for _, k := range sm.keys {
		bk := sm.buckets[k]
		label := counted(bk.members, string(bk.kind), kindPlural[bk.kind]) + bk.label
		tooltip := label
		style := nodeStyle[bk.kind]
		if bk.admin {
			sm.d.Admins++
			tooltip += "\nadmin-equivalent: each can reach full access"
			style += `, peripheries=2, color="#b91c1c"`
		}
		link := ""
		if sm.opts.BucketURL != nil {
			link = sm.opts.BucketURL(k)
			tooltip += "\nclick to draw them"
		}
		sm.node(k, label, tooltip, style, link)
	}
	for i, n := range sm.groups {
		if i >= sm.opts.MaxGroups {
			break
		}
		label := n.Name + "\n" + counted(sm.members[n.ID], "member", "members")
		link := pageURL(n)
		if sm.opts.NodeURL != nil {
			link = sm.opts.NodeURL(n)
		}
		sm.node("group|"+n.ID, label, n.ID, nodeStyle[KindGroup], link)
	}
	if len(sm.groups) > sm.opts.MaxGroups {
		rest := len(sm.groups) - sm.opts.MaxGroups
		sm.node("groups", counted(rest, "other group", "other groups"), counted(rest, "smaller group", "smaller groups")+", drawn as one", nodeStyle[KindGroup], "")
	}
	if c := sm.outside["service"]; c > 0 {
		sm.node("service", counted(c, "AWS service", "AWS services"), "AWS services that trust policies let in", nodeStyle[KindService], "")
	}
	if c := sm.outside["external"]; c > 0 {
		sm.node("external", counted(c, "outside principal", "outside principals"), "other accounts, their principals, anyone and identity providers that trust policies let in", nodeStyle[KindExternal], "")
	}
}

// writeEdges writes the counted edges between drawn summary nodes.
func (sm *summarizer) writeEdges() {
	for _, p := range sm.order {
		from, to := sm.id[p.from], sm.id[p.to]
		if from == "" || to == "" {
			continue
		}
		c := sm.count[p]
		verb := Edge{Kind: p.kind}.Verb()
		label := fmt.Sprintf("%s (%d)", verb, c)
		if p.kind == EdgeEscalation {
			label = counted(c, "escalation", "escalations")
			verb = "can escalate to"
		}
		tooltip := fmt.Sprintf("%s — %s → %s (%s)", sm.g.summaryName(p.from, sm.buckets), verb, sm.g.summaryName(p.to, sm.buckets), counted(c, "edge", "edges"))
		fmt.Fprintf(&sm.b, "  %s -> %s [label=\"%s\", tooltip=\"%s\", labeltooltip=\"%s\", %s];\n", from, to, dotEscape(label),
			dotAttrEscape(tooltip), dotAttrEscape(tooltip), edgeStyle[p.kind])
		sm.d.Edges++
	}
}

// bucket is a summary node of like users or roles.
type bucket struct {
	key, label string
	kind       NodeKind
	admin      bool
	members    int
}

// summaryName is a summary node's name in an edge's tooltip.
func (g *Graph) summaryName(key string, buckets map[string]*bucket) string {
	if b := buckets[key]; b != nil {
		return counted(b.members, string(b.kind), kindPlural[b.kind]) + strings.ReplaceAll(b.label, "\n", " that ")
	}
	switch key {
	case "groups":
		return "other groups"
	case "service":
		return "AWS services"
	case "external":
		return "outside principals"
	}
	return g.nameOf(strings.TrimPrefix(key, "group|"))
}

// BucketKey is the summary bucket of a user or role: its kind, the first
// segment of its path and whether it can reach full access
// ("user|/engineering/|admin").
func BucketKey(n Node, admin bool) string {
	k := string(n.Kind) + "|" + pathPrefix(n.Path) + "|"
	if admin {
		return k + "admin"
	}
	return k + "other"
}

// Bucket lists the IDs of a bucket's members, in node order; nil for a key
// no bucket has.
func (g *Graph) Bucket(key string) []string {
	var out []string
	for _, n := range g.Nodes {
		if n.Kind != KindUser && n.Kind != KindRole {
			continue
		}
		admin, _ := g.AdminEquivalent(n.ID)
		if BucketKey(n, admin) == key {
			out = append(out, n.ID)
		}
	}
	return out
}

// pathPrefix is the first segment of an IAM path ("/engineering/team/"
// -> "/engineering/"), "/" for the root.
func pathPrefix(path string) string {
	if path == "" || path == "/" {
		return "/"
	}
	rest := strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return "/" + rest[:i+1]
	}
	return "/" + rest + "/"
}

// bucketLabel names a bucket after its count: " at /engineering/\ncan
// reach admin".
func bucketLabel(prefix string, admin bool) string {
	s := ""
	if prefix != "/" {
		s += " at " + prefix
	}
	if admin {
		s += "\ncan reach admin"
	}
	return s
}

// counted says n things: "1 role", "38 roles".
func counted(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// BucketWords says what a bucket key stands for ("users at /engineering/
// that can reach admin"), "" for a key that is not one.
func BucketWords(key string) string {
	parts := strings.Split(key, "|")
	if len(parts) != 3 || (parts[0] != string(KindUser) && parts[0] != string(KindRole)) || (parts[2] != "admin" && parts[2] != "other") {
		return ""
	}
	s := kindPlural[NodeKind(parts[0])]
	if parts[1] != "/" {
		s += " at " + parts[1]
	}
	if parts[2] == "admin" {
		return s + " that can reach admin"
	}
	return s + " that cannot reach admin"
}

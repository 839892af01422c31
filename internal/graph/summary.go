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
	buckets := map[string]*bucket{}
	var keys []string
	of := map[string]string{} // node ID -> its summary node's key
	for _, n := range g.Nodes {
		switch n.Kind {
		case KindUser, KindRole:
			admin, _ := g.AdminEquivalent(n.ID)
			k := BucketKey(n, admin)
			b := buckets[k]
			if b == nil {
				b = &bucket{key: k, kind: n.Kind, admin: admin, label: bucketLabel(pathPrefix(n.Path), admin)}
				buckets[k] = b
				keys = append(keys, k)
			}
			b.members++
			of[n.ID] = k
		case KindService:
			of[n.ID] = "service"
		case KindExternal:
			of[n.ID] = "external"
		}
	}
	// Groups by members, the largest first.
	members := map[string]int{}
	for i := range g.Edges {
		if e := &g.Edges[i]; e.Kind == EdgeMemberOf {
			members[e.To]++
		}
	}
	var groups []Node
	for _, n := range g.Nodes {
		if n.Kind == KindGroup {
			groups = append(groups, n)
		}
	}
	sort.SliceStable(groups, func(i, j int) bool { return members[groups[i].ID] > members[groups[j].ID] })
	for i, n := range groups {
		if i < opts.MaxGroups {
			of[n.ID] = "group|" + n.ID
		} else {
			of[n.ID] = "groups"
		}
	}
	// Edges between summary nodes, counted by kind.
	type pair struct {
		from, to string
		kind     EdgeKind
	}
	count := map[pair]int{}
	var order []pair
	outside := map[string]int{}
	for i := range g.Edges {
		e := &g.Edges[i]
		switch e.Kind {
		case EdgeMemberOf, EdgeCanAssume, EdgeEscalation:
		default:
			continue
		}
		from, to := of[e.From], of[e.To]
		if from == "" || to == "" {
			continue // a set of targets, or a policy rewritten
		}
		if b := buckets[from]; e.Kind == EdgeEscalation && b != nil && b.admin {
			// Who can reach full access can do anything: its escalations
			// add nothing to know and, where many escalate, bury the rest.
			continue
		}
		if from == "service" || from == "external" {
			outside[e.From+"|"+from] = 1
		}
		p := pair{from, to, e.Kind}
		if count[p] == 0 {
			order = append(order, p)
		}
		count[p]++
	}
	nOutside := map[string]int{}
	for k := range outside {
		nOutside[k[strings.LastIndexByte(k, '|')+1:]]++
	}

	var b bytes.Buffer
	b.WriteString("digraph summary {\n")
	fmt.Fprintf(&b, "  graph [%s, fontname=\"Helvetica\", fontsize=10];\n", layeredAttrs)
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	id := map[string]string{}
	drawn, admins := 0, 0
	node := func(key, label, tooltip, style, link string) {
		id[key] = "s" + strconv.Itoa(len(id))
		drawn++
		fmt.Fprintf(&b, "  %s [label=\"%s\", tooltip=\"%s\", %s", id[key], dotEscape(label), dotAttrEscape(tooltip), style)
		if link != "" {
			fmt.Fprintf(&b, ", URL=\"%s\"", dotAttrEscape(link))
		}
		b.WriteString("];\n")
	}
	sort.Strings(keys)
	for _, k := range keys {
		bk := buckets[k]
		label := counted(bk.members, string(bk.kind), kindPlural[bk.kind]) + bk.label
		tooltip := label
		style := nodeStyle[bk.kind]
		if bk.admin {
			admins++
			tooltip += "\nadmin-equivalent: each can reach full access"
			style += `, peripheries=2, color="#b91c1c"`
		}
		link := ""
		if opts.BucketURL != nil {
			link = opts.BucketURL(k)
			tooltip += "\nclick to draw them"
		}
		node(k, label, tooltip, style, link)
	}
	for i, n := range groups {
		if i >= opts.MaxGroups {
			break
		}
		label := n.Name + "\n" + counted(members[n.ID], "member", "members")
		link := pageURL(n)
		if opts.NodeURL != nil {
			link = opts.NodeURL(n)
		}
		node("group|"+n.ID, label, n.ID, nodeStyle[KindGroup], link)
	}
	if len(groups) > opts.MaxGroups {
		rest := len(groups) - opts.MaxGroups
		node("groups", counted(rest, "other group", "other groups"), counted(rest, "smaller group", "smaller groups")+", drawn as one", nodeStyle[KindGroup], "")
	}
	if c := nOutside["service"]; c > 0 {
		node("service", counted(c, "AWS service", "AWS services"), "AWS services that trust policies let in", nodeStyle[KindService], "")
	}
	if c := nOutside["external"]; c > 0 {
		node("external", counted(c, "outside principal", "outside principals"), "other accounts, their principals, anyone and identity providers that trust policies let in", nodeStyle[KindExternal], "")
	}
	edges := 0
	for _, p := range order {
		from, to := id[p.from], id[p.to]
		if from == "" || to == "" {
			continue
		}
		c := count[p]
		verb := Edge{Kind: p.kind}.Verb()
		label := fmt.Sprintf("%s (%d)", verb, c)
		if p.kind == EdgeEscalation {
			label = counted(c, "escalation", "escalations")
			verb = "can escalate to"
		}
		tooltip := fmt.Sprintf("%s — %s → %s (%s)", g.summaryName(p.from, buckets), verb, g.summaryName(p.to, buckets), counted(c, "edge", "edges"))
		fmt.Fprintf(&b, "  %s -> %s [label=\"%s\", tooltip=\"%s\", labeltooltip=\"%s\", %s];\n", from, to, dotEscape(label),
			dotAttrEscape(tooltip), dotAttrEscape(tooltip), edgeStyle[p.kind])
		edges++
	}
	b.WriteString("}\n")
	return Drawing{DOT: b.Bytes(), Nodes: drawn, Edges: edges, Admins: admins}
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

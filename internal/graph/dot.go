package graph

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// DOTOptions choose what DOT draws.
type DOTOptions struct {
	// Focus is a node ID (an ARN for principals and policies); when set, only
	// the nodes within Depth edges of it (either direction) are drawn.
	Focus string
	// Depth of the focus neighbourhood; 0 means 2.
	Depth int
	// Within, when Focus is empty, draws the neighbourhood of these nodes
	// (a summary bucket's members) as Focus does of one.
	Within []string
	// Collapse draws more than this many nodes of one kind with the same
	// edges to the same neighbours as one node ("37 users"); 0 means 25,
	// negative never collapses.
	Collapse int
	// Expand names collapsed sets to draw node by node after all, by the
	// ID of the set's first member (its representative).
	Expand map[string]bool
	// ExpandURL, when set, makes a collapsed set's node a link (Graphviz
	// URL) to the same view with the set expanded: it is given the set's
	// representative ID.
	ExpandURL func(representative string) string
	// NodeURL, when set, gives each node's link (Graphviz URL; "" for
	// none) instead of its page in this console: an imported account's
	// nodes have no pages here.
	NodeURL func(Node) string
	// Grants includes grants edges and resource nodes (they dominate large
	// graphs, so they are off unless asked for).
	Grants bool
	// Overview draws the whole account for a force-directed layout (sfdp),
	// the only kind that finishes on thousands of nodes: edges carry no
	// label (the text becomes the edge's tooltip) and inline policies are
	// left out (each is a leaf of its one owner; the focused view shows
	// them). Focus and Depth are ignored.
	Overview bool
}

// Drawing is a graph written in DOT, with what it holds, so a caller can
// choose a layout before paying for one.
type Drawing struct {
	DOT []byte
	// Nodes and Edges count what is drawn: a collapsed set is one node,
	// parallel edges merged into one are one edge.
	Nodes, Edges int
	// Admins counts the drawn nodes marked admin-equivalent.
	Admins int
	// Assumptions are the prerequisites the drawn edges take to hold (the
	// dashed ones), each once with its number of edges, in drawing order.
	Assumptions []DrawnAssumption
}

// layeredAttrs tune dot, the layered layout of focused views. Measured on
// iam-vulnerable's focused views (dot -Tsvg by hand and internal/graphviz
// BenchmarkSVG; CPU seconds of one dot run, before -> after):
//
//	privesc4 user, depth 2 (105 nodes, 417 edges)   0.44 -> 0.21
//	first user, depth 3   (196 nodes, 981 edges)  13-16  -> 1.2-1.6
//
// Almost all the time goes to positioning (network simplex over one virtual
// node per edge per rank crossed, ~14,000 for 100 nodes, as labelled edges
// double the ranks) and crossing minimisation. nslimit=1 caps the
// positioning iterations at one pass per node (the drawing's size changed
// by under 3%); mclimit=0.3 cuts the crossing-minimisation passes, whose
// later passes rarely improved these graphs; newrank ranks the graph in one
// pass and gave fewer ranks (14 instead of 18 at depth 2) with a drawing as
// balanced as before. Tried and not kept: searchsize and nslimit1 (no
// gain), splines=polyline or line (10% at best, uglier), remincross (only
// matters with clusters), splines=ortho (50x slower, drops edge labels),
// ranking by distance from the focus (4x faster again, but every edge then
// runs through one column of hundreds of labels: unreadable).
const layeredAttrs = `rankdir=LR, newrank=true, mclimit=0.3, nslimit=1`

// overviewAttrs set up sfdp for the whole account: nodes drawn over the
// edges, straight edges (spline routing around thousands of nodes costs
// more than the layout) and overlaps removed.
const overviewAttrs = `layout=sfdp, overlap=prism, splines=false, outputorder=edgesfirst`

var nodeStyle = map[NodeKind]string{
	KindUser:     `shape=box, style="rounded,filled", fillcolor="#dbeafe"`,
	KindGroup:    `shape=folder, style=filled, fillcolor="#e0e7ff"`,
	KindRole:     `shape=hexagon, style=filled, fillcolor="#fef3c7"`,
	KindPolicy:   `shape=note, style=filled, fillcolor="#f3f4f6"`,
	KindInline:   `shape=note, style="dashed,filled", fillcolor="#f9fafb"`,
	KindService:  `shape=ellipse, style=filled, fillcolor="#dcfce7"`,
	KindExternal: `shape=doubleoctagon, style=filled, fillcolor="#fee2e2"`,
	KindResource: `shape=cylinder, style=filled, fillcolor="#ecfccb"`,
	KindSet:      `shape=box3d, style=filled, fillcolor="#fde2e2"`,
}

var edgeStyle = map[EdgeKind]string{
	EdgeMemberOf:   `color="#6b7280"`,
	EdgeAttached:   `color="#9ca3af", style=dashed`,
	EdgeInline:     `color="#9ca3af", style=dotted`,
	EdgeBoundary:   `color="#b91c1c", style=dashed`,
	EdgeCanAssume:  `color="#1d4ed8", penwidth=1.5`,
	EdgeGrants:     `color="#15803d"`,
	EdgeEscalation: `color="#dc2626", penwidth=2`,
}

// dotEscape makes text safe inside a DOT double-quoted label and keeps any
// markup out of what Graphviz renders: quotes and backslashes are escaped (no
// \N, \G or \l expansion from names), and <, > and & become entities, which
// Graphviz writes back escaped into SVG.
func dotEscape(s string) string { return escapeDOT(s, `\\`) }

// dotAttrEscape is dotEscape for every attribute other than a label
// (tooltips, URLs). Graphviz expands \N, \G, \L, \E, \T and \H in those
// too, and unescapes their text twice on the way to SVG (2.43 turns a
// tooltip's `\\L` into the node's label): a user path of repeated `\L`
// made each tooltip the size of the label times the repeats, and a 33 KB
// dump a 30 MB SVG. Four backslashes stand for one there: shown as one
// backslash by 2.43, as two by a Graphviz that unescapes once, never
// expanded (TestDOTBackslashesStaySmall).
func dotAttrEscape(s string) string { return escapeDOT(s, `\\\\`) }

// escapeDOT escapes s for a DOT quoted string, a backslash as backslash.
func escapeDOT(s, backslash string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(backslash)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		default:
			if r < 0x20 || r == 0x7f {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pageURL is the console page of a node, "" when it has none.
func pageURL(n Node) string {
	switch n.Kind {
	case KindUser:
		return "/users/" + url.PathEscape(n.Name)
	case KindGroup:
		return "/groups/" + url.PathEscape(n.Name)
	case KindRole:
		return "/roles/" + url.PathEscape(n.Name)
	case KindPolicy:
		return "/policies/view?arn=" + url.QueryEscape(n.ID)
	case KindInline:
		owner := n.ID[:strings.LastIndexByte(n.ID, '#')]
		kind := "users"
		switch {
		case strings.Contains(owner, ":role/"):
			kind = "roles"
		case strings.Contains(owner, ":group/"):
			kind = "groups"
		}
		return "/" + kind + "/" + url.PathEscape(shortARN(owner))
	}
	return ""
}

type dotNode struct {
	Node
	members int // > 1 for a collapsed set
}

// DOT renders the graph (or the focus neighbourhood) in Graphviz's language.
// Output is deterministic: nodes in the graph's order (kind, then ID), named
// n0, n1... in that order, edges in the graph's order, so golden files hold.
func (g *Graph) DOT(opts DOTOptions) []byte { return g.Draw(opts).DOT }

// Draw is DOT with the counts of what it draws: the nodes in view, the
// edges between them, like nodes collapsed into sets, then the nodes and
// the edges written, each a step of its own.
func (g *Graph) Draw(opts DOTOptions) Drawing {
	if opts.Overview {
		opts.Focus, opts.Within = "", nil
	}
	if opts.Depth == 0 {
		opts.Depth = 2
	}
	if opts.Collapse == 0 {
		opts.Collapse = 25
	}
	dr := &drawer{g: g, opts: opts, name: map[string]string{}, shown: map[string]string{}}
	dr.selectNodes()
	dr.selectEdges()
	dr.collapse()
	dr.marks = g.adminMarks(dr.in, dr.rep, opts)
	attrs := layeredAttrs
	if opts.Overview {
		attrs = overviewAttrs
	}
	writeDOTHead(&dr.b, "access", attrs)
	dr.writeNodes()
	dr.writeEdges()
	dr.b.WriteString("}\n")
	dr.d.DOT = dr.b.Bytes()
	return dr.d
}

// writeDOTHead opens a drawing: its name, graph attributes and the fonts
// of its nodes and edges.
func writeDOTHead(b *bytes.Buffer, name, attrs string) {
	fmt.Fprintf(b, "digraph %s {\n", name)
	fmt.Fprintf(b, "  graph [%s, fontname=\"Helvetica\", fontsize=10];\n", attrs)
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
}

// drawer is one drawing being made.
type drawer struct {
	g    *Graph
	opts DOTOptions
	// starts are where a focused view begins: the focus, or the members
	// of the bucket it is within; none for the whole account.
	starts []string
	in     map[string]bool // the nodes in view
	dist   map[string]int  // rings around the starts
	edges  []*Edge
	rep    map[string]string // node ID -> its set's representative
	count  map[string]int    // representative -> members
	marks  marks
	name   map[string]string // node ID -> DOT name (n0, n1, …)
	shown  map[string]string // node ID -> the label drawn for it
	b      bytes.Buffer
	d      Drawing
}

func (dr *drawer) focused() bool { return len(dr.starts) > 0 }

func (dr *drawer) keepEdge(e *Edge) bool { return dr.opts.Grants || e.Kind != EdgeGrants }

// selectNodes puts in view the whole account, or the rings up to Depth
// around the starts.
func (dr *drawer) selectNodes() {
	g, opts := dr.g, dr.opts
	dr.starts = opts.Within
	if opts.Focus != "" {
		dr.starts = []string{opts.Focus}
	}
	dr.in, dr.dist = map[string]bool{}, map[string]int{}
	if !dr.focused() {
		for _, n := range g.Nodes {
			if (n.Kind != KindResource || opts.Grants) && (n.Kind != KindInline || !opts.Overview) {
				dr.in[n.ID] = true
			}
		}
		return
	}
	adj := map[string][]string{}
	for i := range g.Edges {
		e := &g.Edges[i]
		if dr.keepEdge(e) {
			adj[e.From] = append(adj[e.From], e.To)
			adj[e.To] = append(adj[e.To], e.From)
		}
	}
	var frontier []string
	for _, id := range dr.starts {
		if _, ok := g.nodeIdx[id]; ok && !dr.in[id] {
			dr.in[id] = true
			dr.dist[id] = 0
			frontier = append(frontier, id)
		}
	}
	for d := 0; d < opts.Depth && len(frontier) > 0; d++ {
		var next []string
		for _, id := range frontier {
			for _, o := range adj[id] {
				if !dr.in[o] {
					dr.in[o] = true
					dr.dist[o] = d + 1
					next = append(next, o)
				}
			}
		}
		frontier = next
	}
}

// selectEdges keeps the edges between nodes in view. In a focused view only
// edges that lead away from the focus, one ring to the next, are drawn: the
// neighbours' edges among themselves (hidden admins escalate to each other
// by the dozen) would bury the focus's own.
func (dr *drawer) selectEdges() {
	for i := range dr.g.Edges {
		e := &dr.g.Edges[i]
		if !dr.keepEdge(e) || !dr.in[e.From] || !dr.in[e.To] {
			continue
		}
		if dr.focused() && dr.dist[e.From]-dr.dist[e.To] != 1 && dr.dist[e.To]-dr.dist[e.From] != 1 {
			continue
		}
		dr.edges = append(dr.edges, e)
	}
}

// collapse makes sets of like nodes: same kind, same edges to the same
// others, more than Collapse of them and not expanded.
func (dr *drawer) collapse() {
	dr.rep, dr.count = map[string]string{}, map[string]int{}
	if dr.opts.Collapse <= 0 {
		return
	}
	sig := map[string][]string{}
	for _, e := range dr.edges {
		sig[e.From] = append(sig[e.From], "out|"+string(e.Kind)+"|"+e.To)
		sig[e.To] = append(sig[e.To], "in|"+string(e.Kind)+"|"+e.From)
	}
	groups := map[string][]string{}
	for _, n := range dr.g.Nodes {
		if !dr.in[n.ID] || n.ID == dr.opts.Focus {
			continue
		}
		s := sig[n.ID]
		sort.Strings(s)
		k := string(n.Kind) + "\x00" + strings.Join(s, "\x00")
		groups[k] = append(groups[k], n.ID)
	}
	for _, ids := range groups {
		if len(ids) > dr.opts.Collapse && !dr.opts.Expand[ids[0]] {
			for _, id := range ids {
				dr.rep[id] = ids[0]
			}
			dr.count[ids[0]] = len(ids)
		}
	}
}

// writeNodes writes the nodes in view, a set as its representative, with
// their tooltips, links and admin marks.
func (dr *drawer) writeNodes() {
	opts := dr.opts
	for _, n := range dr.g.Nodes {
		if !dr.in[n.ID] {
			continue
		}
		if r, ok := dr.rep[n.ID]; ok && r != n.ID {
			dr.name[n.ID], dr.shown[n.ID] = dr.name[r], dr.shown[r]
			continue
		}
		id := fmt.Sprintf("n%d", len(dr.name))
		dr.d.Nodes++
		dr.name[n.ID] = id
		label, tooltip, link := n.Name, n.ID, pageURL(n)
		if opts.NodeURL != nil {
			link = opts.NodeURL(n)
		}
		if n.Description != "" {
			tooltip += "\n" + n.Description
		}
		if c := dr.count[n.ID]; c > 0 {
			label = fmt.Sprintf("%d %s", c, kindPlural[n.Kind])
			tooltip = label
			link = ""
			if opts.ExpandURL != nil {
				tooltip += " with the same connections: click to show each"
				link = opts.ExpandURL(n.ID)
			}
		}
		dr.shown[n.ID] = label
		extra := ""
		if n.ID == opts.Focus {
			extra = ", penwidth=3"
		}
		if m, ok := dr.marks.nodes[n.ID]; ok {
			dr.d.Admins++
			tooltip += "\n" + m
			extra += `, peripheries=2, color="#b91c1c"`
			if n.ID == opts.Focus {
				extra = `, penwidth=3, peripheries=2, color="#b91c1c"`
			}
		}
		fmt.Fprintf(&dr.b, "  %s [label=\"%s\", tooltip=\"%s\", %s%s", id, dotEscape(label), dotAttrEscape(tooltip), nodeStyle[n.Kind], extra)
		if link != "" {
			fmt.Fprintf(&dr.b, ", URL=\"%s\"", dotAttrEscape(link))
		}
		dr.b.WriteString("];\n")
	}
}

// drawnPair is one arrow: parallel edges of one kind between the same two
// drawn nodes.
type drawnPair struct {
	from, to string
	kind     EdgeKind
}

// arrow is what one drawn arrow carries.
type arrow struct {
	labels, texts   []string
	assumed, onPath bool
}

// writeEdges writes the arrows. Parallel edges of one kind between the same
// two drawn nodes become one arrow: a user with a dozen ways to become a
// role is one arrow, not a dozen (which also keeps the layout fast). Up to
// three are labelled one by one; more say how many ("5 escalations"), and
// the tooltip (the hover, and the page's side panel on click) lists every
// one in words with its deciding statements. A prerequisite the data
// cannot show is not repeated on every edge: the edge is dashed and the
// drawing counts the edges per prerequisite once (Drawing.Assumptions).
func (dr *drawer) writeEdges() {
	var order []drawnPair
	arrows := map[drawnPair]*arrow{}
	assumes := map[string]map[drawnPair]bool{} // the drawn edges each prerequisite is assumed on
	var assumeOrder []string
	for _, e := range dr.edges {
		p := drawnPair{dr.name[e.From], dr.name[e.To], e.Kind}
		a := arrows[p]
		if a == nil {
			a = &arrow{}
			arrows[p] = a
			order = append(order, p)
		}
		if e.Assumes != "" {
			a.assumed = true
			if assumes[e.Assumes] == nil {
				assumeOrder = append(assumeOrder, e.Assumes)
				assumes[e.Assumes] = map[drawnPair]bool{}
			}
			assumes[e.Assumes][p] = true
		}
		if dr.marks.edges[edgeKey{e.From, e.To, e.Kind}] {
			a.onPath = true
		}
		if l := edgeLabel(e); !slices.Contains(a.labels, l) { // collapsed members share their edges
			a.labels = append(a.labels, l)
		}
		if t := EdgeWords(e, dr.shown[e.From], dr.shown[e.To]); !slices.Contains(a.texts, t) {
			a.texts = append(a.texts, t)
		}
	}
	for _, p := range order {
		dr.writeArrow(p, arrows[p])
	}
	dr.d.Edges = len(order)
	for _, a := range assumeOrder {
		dr.d.Assumptions = append(dr.d.Assumptions, DrawnAssumption{Text: a, Edges: len(assumes[a])})
	}
}

// edgeLabel is an edge's label on its arrow.
func edgeLabel(e *Edge) string {
	label := e.Verb()
	switch e.Kind {
	case EdgeGrants:
		label = e.Label
	case EdgeEscalation:
		label = e.Technique + " " + e.Label
	case EdgeCanAssume:
		if e.Label != "" {
			label = e.Label
		}
	}
	if len(e.Needs) > 0 {
		label += " (needs " + strings.Join(e.Needs, ", ") + ")"
	}
	return label
}

// writeArrow writes one arrow with its label, tooltip and style.
func (dr *drawer) writeArrow(p drawnPair, a *arrow) {
	label := strings.Join(a.labels, "\n")
	if len(a.labels) > 3 {
		label = fmt.Sprintf("%d %s", len(a.labels), kindEdgePlural[p.kind])
	}
	ts := a.texts
	if len(ts) > maxEdgeTexts {
		ts = append(ts[:maxEdgeTexts:maxEdgeTexts], fmt.Sprintf("… and %d more", len(a.texts)-maxEdgeTexts))
	}
	tooltip := strings.Join(ts, "\n")
	if len(a.texts) > 1 {
		tooltip = fmt.Sprintf("%d %s:\n%s", len(a.texts), kindEdgePlural[p.kind], tooltip)
	}
	style := edgeStyle[p.kind]
	if a.assumed {
		style += ", style=dashed"
	}
	if a.onPath {
		tooltip = "On a path to full access.\n" + tooltip
		style += `, penwidth=3, color="#7f1d1d"`
	}
	if dr.opts.Overview {
		fmt.Fprintf(&dr.b, "  %s -> %s [tooltip=\"%s\", %s];\n", p.from, p.to, dotAttrEscape(tooltip), style)
		return
	}
	fmt.Fprintf(&dr.b, "  %s -> %s [label=\"%s\", tooltip=\"%s\", labeltooltip=\"%s\", %s];\n", p.from, p.to, dotEscape(label),
		dotAttrEscape(tooltip), dotAttrEscape(tooltip), style)
}

// maxEdgeTexts bounds the lines of one drawn edge's tooltip: a collapsed
// set of a hundred users has a hundred ways along one arrow.
const maxEdgeTexts = 20

// DrawnAssumption is a prerequisite IAM data cannot show that some drawn edges
// take to hold, and how many (an arrow that stands for several edges counts
// once).
type DrawnAssumption struct {
	Text  string
	Edges int
}

var kindEdgePlural = map[EdgeKind]string{EdgeEscalation: "escalations", EdgeGrants: "grants", EdgeCanAssume: "ways to assume",
	EdgeMemberOf: "memberships", EdgeAttached: "attachments", EdgeInline: "inline policies", EdgeBoundary: "boundaries"}

var kindPlural = map[NodeKind]string{KindUser: "users", KindGroup: "groups", KindRole: "roles", KindPolicy: "policies",
	KindInline: "inline policies", KindService: "services", KindExternal: "external principals", KindResource: "resources", KindSet: "sets"}

package graph

import (
	"sort"
	"strings"
)

// lookupEntry is a principal as the focus search sees it: its name and ARN
// in lower case, made once per graph, so a keystroke compares strings and
// formats nothing.
type lookupEntry struct {
	name, arn string
	node      int // index in Nodes
}

// FindPrincipals lists up to limit users, groups and roles whose name or
// ARN contains q (any case): names that start with q first, then names
// that contain it, then ARNs that contain it, each in name order. An empty
// q finds nothing.
func (g *Graph) FindPrincipals(q string, limit int) []Node {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" || limit <= 0 {
		return nil
	}
	g.lookupOnce.Do(g.buildLookup)
	var out []Node
	seen := map[int]bool{}
	add := func(e lookupEntry) bool {
		if !seen[e.node] {
			seen[e.node] = true
			out = append(out, g.Nodes[e.node])
		}
		return len(out) >= limit
	}
	// Names that start with q are a range of the sorted index.
	i := sort.Search(len(g.lookup), func(i int) bool { return g.lookup[i].name >= q })
	for ; i < len(g.lookup) && strings.HasPrefix(g.lookup[i].name, q); i++ {
		if add(g.lookup[i]) {
			return out
		}
	}
	for _, e := range g.lookup {
		if strings.Contains(e.name, q) && add(e) {
			return out
		}
	}
	for _, e := range g.lookup {
		if strings.Contains(e.arn, q) && add(e) {
			return out
		}
	}
	return out
}

// buildLookup indexes the principals by lower-case name.
func (g *Graph) buildLookup() {
	for i, n := range g.Nodes {
		switch n.Kind {
		case KindUser, KindGroup, KindRole:
			g.lookup = append(g.lookup, lookupEntry{name: strings.ToLower(n.Name), arn: strings.ToLower(n.ID), node: i})
		}
	}
	sort.SliceStable(g.lookup, func(i, j int) bool { return g.lookup[i].name < g.lookup[j].name })
}

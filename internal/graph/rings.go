package graph

import (
	"fmt"
	"sort"
	"strings"
)

// Rings are the strongly connected components of the takeover graph:
// principals that can all become one another (by assuming roles or by
// escalations that give a principal's credentials or session). Whoever
// holds one holds them all: a key leaked anywhere in a ring is every
// member's. The searches need no condensation (they keep visited sets and
// stay linear through cycles); the rings are for the reviewer.

// Rings lists the rings of two or more of the account's own users and
// roles, each sorted by ARN, the largest first (then by first ARN). It is
// Tarjan's algorithm over the search index, iterative (a ring of ten
// thousand users would overflow a recursion), a set node standing for the
// edge into each of its members.
func (g *Graph) Rings() [][]string {
	n := len(g.fwd)
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int32
	var out [][]string
	next := int32(0)
	type frame struct {
		v int32
		i int // the next successor of v to look at
	}
	for root := range int32(n) {
		if index[root] >= 0 {
			continue
		}
		calls := []frame{{v: root}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			if f.i < len(g.fwd[f.v]) {
				w := g.fwd[f.v][f.i].to
				f.i++
				switch {
				case index[w] < 0:
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					calls = append(calls, frame{v: w})
				case onStack[w]:
					low[f.v] = min(low[f.v], index[w])
				}
				continue
			}
			v := f.v
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				parent := calls[len(calls)-1].v
				low[parent] = min(low[parent], low[v])
			}
			if low[v] != index[v] {
				continue
			}
			var ring []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				if !g.isSet(w) {
					if p := g.rnodes[w]; p.base == nil && p.outside == "" {
						ring = append(ring, p.arn)
					}
				}
				if w == v {
					break
				}
			}
			if len(ring) >= 2 {
				sort.Strings(ring)
				out = append(out, ring)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i][0] < out[j][0]
	})
	return out
}

// ringFindings are the rings whose members cannot reach full access: a
// ring that reaches it is a ring of hidden admins, each already a finding.
func (g *Graph) ringFindings() []Finding {
	var out []Finding
	for _, ring := range g.Rings() {
		if admin, _ := g.AdminEquivalent(ring[0]); admin {
			continue // every member reaches what one reaches
		}
		names := make([]string, 0, min(len(ring), 5))
		for _, m := range ring[:min(len(ring), 5)] {
			names = append(names, shortARN(m))
		}
		more := ""
		if len(ring) > 5 {
			more = fmt.Sprintf(" and %d more", len(ring)-5)
		}
		out = append(out, Finding{Type: FindingTakeoverRing, Severity: SeverityMedium, Principal: ring[0], Path: ring,
			Explanation: fmt.Sprintf("%d principals can all become one another (%s%s): credentials leaked from one are every one's",
				len(ring), strings.Join(names, ", "), more)})
	}
	return out
}

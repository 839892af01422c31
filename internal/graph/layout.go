package graph

import "fmt"

// What a layout program is given, for the graph page and `console graph
// --format svg` alike: dot lays out a view while someone waits when it has
// at most DotMaxNodes nodes and DotMaxEdges edges; a whole account past
// that is drawn as its overview and laid out by sfdp, up to
// OverviewMaxNodes nodes.
const (
	DotMaxNodes      = 1000
	DotMaxEdges      = 1000
	OverviewMaxNodes = 20000
)

// LayoutPlan is how to lay a view out: the drawing to give the program,
// and the program.
type LayoutPlan struct {
	Drawing  Drawing
	Program  string // "dot", or "sfdp" for the whole account's overview
	Overview bool
}

// ViewTooLargeError is a view no layout program is given: a focused view
// past dot's limits (lower the depth), or a whole account whose overview
// is past sfdp's.
type ViewTooLargeError struct {
	Nodes, Edges int
	Overview     bool // the overview is what is too large
}

func (e *ViewTooLargeError) Error() string {
	if e.Overview {
		return fmt.Sprintf("the account's overview has %d nodes, more than can be laid out (%d)", e.Nodes, OverviewMaxNodes)
	}
	return fmt.Sprintf("the view has %d nodes and %d edges, more than dot lays out (%d of either)", e.Nodes, e.Edges, DotMaxNodes)
}

// PlanLayout chooses how to lay out d, a drawing of g: with dot when it is
// within dot's limits; otherwise, when d is the whole account (whole), as
// the overview with sfdp (grants as in d); a focused view past dot's limits
// is a *ViewTooLargeError.
func (g *Graph) PlanLayout(d Drawing, whole, grants bool) (LayoutPlan, error) {
	if d.Nodes <= DotMaxNodes && d.Edges <= DotMaxEdges {
		return LayoutPlan{Drawing: d, Program: "dot"}, nil
	}
	if !whole {
		return LayoutPlan{}, &ViewTooLargeError{Nodes: d.Nodes, Edges: d.Edges}
	}
	ov := g.Draw(DOTOptions{Overview: true, Grants: grants})
	if ov.Nodes > OverviewMaxNodes {
		return LayoutPlan{}, &ViewTooLargeError{Nodes: ov.Nodes, Edges: ov.Edges, Overview: true}
	}
	return LayoutPlan{Drawing: ov, Program: "sfdp", Overview: true}, nil
}

package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// compareEdgesShown is the most changed edges of one kind the page lists;
// `console compare` lists them all.
const compareEdgesShown = 200

// graphCompare shows what changed in an account between two snapshots:
// two of its kept imports, or one of them and the account now.
func (s *Server) graphCompare(c echo.Context) error {
	before, err := iam.ParseCompareRef("before", c.QueryParam("before"))
	if err != nil {
		return err
	}
	after, err := iam.ParseCompareRef("after", c.QueryParam("after"))
	if err != nil {
		return err
	}
	accounts, acct, err := s.accountOptions(c, c.QueryParam("account"))
	if err != nil {
		return err
	}
	cmp, err := s.svc.CompareAccount(c.Request().Context(), principal(c), acct, before, after, meta(c))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.ComparePage(s.page(c, "Compare snapshots", "graph"), compareView(accounts, cmp)))
}

// graphCompareSnapshot keeps the live account as it is now, to compare
// with later.
func (s *Server) graphCompareSnapshot(c echo.Context) error {
	k, err := s.svc.KeepSnapshot(c.Request().Context(), principal(c), c.FormValue("label"), meta(c))
	if err != nil {
		return err
	}
	s.flash(c, "success", "Kept "+k.Label+" (snapshot "+strconv.FormatUint(k.ID, 10)+"): compare the account with it after a change.")
	return c.Redirect(http.StatusSeeOther, templates.CompareURL("", "", ""))
}

// compareView is the page's view of a comparison.
func compareView(accounts []templates.AccountOption, cmp *iam.Comparison) templates.CompareView {
	v := templates.CompareView{Accounts: accounts, Account: cmp.AccountID, Live: cmp.Live, Compared: cmp.Diff != nil}
	if cmp.Live {
		// An imported account "now" is its current import, listed below.
		v.Sides = []templates.CompareSide{{Value: "live", Label: "Now"}}
	}
	// The live account's kept ones are snapshots it kept, not imports.
	kind := "import"
	if cmp.Live {
		kind = "snapshot"
	}
	for _, k := range cmp.Imports {
		label := strings.ToUpper(kind[:1]) + kind[1:] + " " + strconv.FormatUint(k.ID, 10) + ": " + k.Label + ", " + k.ImportedAt.UTC().Format("2006-01-02 15:04 UTC")
		if k.Current {
			label += " (current)"
		}
		v.Sides = append(v.Sides, templates.CompareSide{Value: strconv.FormatUint(k.ID, 10), Label: label})
	}
	if cmp.Diff == nil {
		return v
	}
	side := func(cs iam.ComparedSide) (string, string) {
		if cs.Import == 0 {
			if cs.Current {
				return "live", "now"
			}
			return "", cs.Label
		}
		return strconv.FormatUint(cs.Import, 10), kind + " " + strconv.FormatUint(cs.Import, 10) + " (" + cs.Label + ")"
	}
	v.Before, v.BeforeLabel = side(cmp.Before)
	v.After, v.AfterLabel = side(cmp.After)
	d := cmp.Diff
	v.Summary = d.Summary()
	admins := func(as []graph.AdminChange) []templates.CompareAdmin {
		out := make([]templates.CompareAdmin, 0, len(as))
		for _, a := range as {
			out = append(out, templates.CompareAdmin{Principal: a.Principal, Words: a.Words, WasWords: a.WasWords,
				PathsURL: templates.PathsURL(cmp.AccountID, a.Principal), GraphURL: templates.GraphURL(cmp.AccountID, a.Principal)})
		}
		return out
	}
	v.AdminsAdded, v.AdminsRemoved, v.AdminsChanged = admins(d.AdminsAdded), admins(d.AdminsRemoved), admins(d.AdminsChanged)
	findings := func(fs []graph.Finding) []templates.CompareFinding {
		out := make([]templates.CompareFinding, 0, len(fs))
		for _, f := range fs {
			out = append(out, templates.CompareFinding{Severity: f.Severity, Type: f.Type, Principal: f.Principal, Technique: f.Technique, Explanation: f.Explanation})
		}
		return out
	}
	v.FindingsAdded, v.FindingsResolved = findings(d.FindingsAdded), findings(d.FindingsResolved)
	principals := func(ns []graph.Node) []templates.ComparePrincipal {
		out := make([]templates.ComparePrincipal, 0, len(ns))
		for _, n := range ns {
			out = append(out, templates.ComparePrincipal{ARN: n.ID, Kind: string(n.Kind)})
		}
		return out
	}
	v.PrincipalsAdded, v.PrincipalsRemoved = principals(d.PrincipalsAdded), principals(d.PrincipalsRemoved)
	v.EdgesAdded, v.EdgesRemoved = compareEdges(d.EdgesAdded, d.Sets), compareEdges(d.EdgesRemoved, d.Sets)
	return v
}

// compareEdges lists changed edges in words, a page's worth per kind.
func compareEdges(gs []graph.EdgeGroup, sets map[string]graph.Node) []templates.CompareEdgeGroup {
	out := make([]templates.CompareEdgeGroup, 0, len(gs))
	for _, g := range gs {
		cg := templates.CompareEdgeGroup{Kind: g.Edges[0].Verb(), More: max(len(g.Edges)-compareEdgesShown, 0)}
		if g.Kind == graph.EdgeEscalation {
			cg.Kind = "escalation"
		}
		for _, e := range g.Edges[:min(len(g.Edges), compareEdgesShown)] {
			var detail []string
			if e.Kind == graph.EdgeGrants && e.Label != "" {
				detail = append(detail, e.Label)
			}
			if e.Technique != "" && e.Kind != graph.EdgeCanAssume {
				detail = append(detail, e.Technique)
			}
			if len(e.Needs) > 0 {
				detail = append(detail, "needs "+strings.Join(e.Needs, ", "))
			}
			ce := templates.CompareEdge{From: e.From, Verb: e.Verb(), To: strings.TrimPrefix(e.To, "resource:"), Detail: strings.Join(detail, "; ")}
			if n, ok := sets[e.To]; ok {
				ce.ToLabel, ce.ToTitle = n.Name, n.Description
			}
			cg.Edges = append(cg.Edges, ce)
		}
		out = append(out, cg)
	}
	return out
}

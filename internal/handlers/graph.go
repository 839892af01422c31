package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/graphviz"
	"github.com/iamconsole/console/web/templates"
)

// maxRequestNodes caps what a page lays out on the request path: larger
// graphs must be focused.
const maxRequestNodes = 300

// graphParams are the access graph's query parameters.
type graphParams struct {
	Account, Focus string
	Depth          int
	Grants         bool
}

func readGraphParams(c echo.Context) graphParams {
	p := graphParams{Account: c.QueryParam("account"), Focus: c.QueryParam("focus"), Grants: c.QueryParam("grants") == "1"}
	p.Depth, _ = strconv.Atoi(c.QueryParam("depth"))
	if p.Depth < 1 || p.Depth > 6 {
		p.Depth = 1 // the focus and its neighbours: lays out in well under a second
	}
	return p
}

func (p graphParams) query() string {
	q := url.Values{}
	if p.Account != "" {
		q.Set("account", p.Account)
	}
	if p.Focus != "" {
		q.Set("focus", p.Focus)
	}
	q.Set("depth", strconv.Itoa(p.Depth))
	if p.Grants {
		q.Set("grants", "1")
	}
	return q.Encode()
}

func (p graphParams) dotOptions() graph.DOTOptions {
	return graph.DOTOptions{Focus: p.Focus, Depth: p.Depth, Grants: p.Grants}
}

// accountOptions lists the accounts to review, the chosen one selected.
func (s *Server) accountOptions(c echo.Context, chosen string) ([]templates.AccountOption, string, error) {
	accts, err := s.svc.ReviewAccounts(c.Request().Context(), principal(c), meta(c))
	if err != nil {
		return nil, "", err
	}
	if chosen == "" && len(accts) > 0 {
		chosen = accts[0].ID
	}
	out := make([]templates.AccountOption, len(accts))
	for i, a := range accts {
		out[i] = templates.AccountOption{ID: a.ID, Label: a.Label, Selected: a.ID == chosen}
	}
	return out, chosen, nil
}

// graphShow shows the access graph, focused on a principal or whole when
// it is small enough to lay out on request.
func (s *Server) graphShow(c echo.Context) error {
	gp := readGraphParams(c)
	accounts, acct, err := s.accountOptions(c, gp.Account)
	if err != nil {
		return err
	}
	gp.Account = acct
	g, err := s.svc.AccessGraph(c.Request().Context(), principal(c), acct, meta(c))
	if err != nil {
		return err
	}
	v := templates.GraphView{Accounts: accounts, Account: acct, Focus: gp.Focus, Depth: gp.Depth, Grants: gp.Grants,
		Nodes: len(g.Nodes), Edges: len(g.Edges), Query: gp.query()}
	for _, n := range g.Nodes {
		switch n.Kind {
		case graph.KindUser, graph.KindRole, graph.KindGroup:
			v.Principal = append(v.Principal, templates.FocusOption{ID: n.ID, Label: string(n.Kind) + ": " + n.Name, Selected: n.ID == gp.Focus})
		}
	}
	sort.SliceStable(v.Principal, func(i, j int) bool { return v.Principal[i].Label < v.Principal[j].Label })
	if gp.Focus != "" {
		if _, ok := g.Node(gp.Focus); !ok {
			v.Message = "That node is not in this account's graph."
			return render(c, http.StatusNotFound, templates.GraphPage(s.page(c, "Access graph", "graph"), v))
		}
	}
	if gp.Focus == "" && len(g.Nodes) > maxRequestNodes {
		v.Message = "This account's graph has " + strconv.Itoa(len(g.Nodes)) + " nodes: choose a principal to focus on (or download the DOT)."
		return render(c, http.StatusOK, templates.GraphPage(s.page(c, "Access graph", "graph"), v))
	}
	svg, err := s.svgs.SVG(c.Request().Context(), g.DOT(gp.dotOptions()))
	switch {
	case errors.Is(err, graphviz.ErrNotInstalled):
		v.Message = "Graphviz is not installed on the server (apt-get install graphviz): download the DOT instead."
	case errors.Is(err, graphviz.ErrTooLarge), errors.Is(err, graphviz.ErrTimeout):
		v.Message = "This view is too large to lay out quickly: focus on a principal or lower the depth."
	case err != nil:
		return err
	default:
		// Inline in HTML: drop the XML prolog and doctype before <svg.
		if i := bytes.Index(svg, []byte("<svg")); i >= 0 {
			svg = svg[i:]
		}
		v.SVG = string(svg)
	}
	return render(c, http.StatusOK, templates.GraphPage(s.page(c, "Access graph", "graph"), v))
}

// graphDownload serves the graph as DOT, SVG or JSON.
func (s *Server) graphDownload(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		gp := readGraphParams(c)
		_, acct, err := s.accountOptions(c, gp.Account)
		if err != nil {
			return err
		}
		g, err := s.svc.AccessGraph(c.Request().Context(), principal(c), acct, meta(c))
		if err != nil {
			return err
		}
		name := "access-graph-" + acct
		switch format {
		case "dot":
			c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`.dot"`)
			return c.Blob(http.StatusOK, "text/vnd.graphviz; charset=utf-8", g.DOT(gp.dotOptions()))
		case "svg":
			svg, err := s.svgs.SVG(c.Request().Context(), g.DOT(gp.dotOptions()))
			if err != nil {
				return echo.NewHTTPError(http.StatusServiceUnavailable, "The graph could not be laid out: "+err.Error())
			}
			c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`.svg"`)
			return c.Blob(http.StatusOK, "image/svg+xml", svg)
		default:
			b, err := json.MarshalIndent(struct {
				Nodes    []graph.Node
				Edges    []graph.Edge
				Warnings []graph.Warning
			}{g.Nodes, g.Edges, g.Warnings}, "", "  ")
			if err != nil {
				return err
			}
			c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
			return c.Blob(http.StatusOK, "application/json", b)
		}
	}
}

// findingsList shows the findings of an account.
func (s *Server) findingsList(c echo.Context) error {
	accounts, acct, err := s.accountOptions(c, c.QueryParam("account"))
	if err != nil {
		return err
	}
	g, err := s.svc.AccessGraph(c.Request().Context(), principal(c), acct, meta(c))
	if err != nil {
		return err
	}
	var rows []templates.FindingRow
	for _, f := range g.Findings(s.svc.Now()) {
		q := url.Values{"account": {acct}, "focus": {f.Principal}}
		rows = append(rows, templates.FindingRow{Type: f.Type, Severity: f.Severity, Principal: f.Principal,
			Technique: f.Technique, Explanation: f.Explanation, Path: f.Path, GraphURL: "/graph?" + q.Encode()})
	}
	return render(c, http.StatusOK, templates.FindingsPage(s.page(c, "Findings", "findings"), accounts, rows))
}

// whoCan answers "who can do this action on this resource": every
// principal the engine allows, directly or by a chain of role assumptions
// and escalations, with the path and the deciding statements.
func (s *Server) whoCan(c echo.Context) error {
	accounts, acct, err := s.accountOptions(c, c.QueryParam("account"))
	if err != nil {
		return err
	}
	v := templates.WhoCanView{Accounts: accounts, Action: strings.TrimSpace(c.QueryParam("action")),
		Resource: strings.TrimSpace(c.QueryParam("resource"))}
	if v.Action == "" {
		return render(c, http.StatusOK, templates.WhoCanPage(s.page(c, "Who can", "graph"), v))
	}
	if !strings.Contains(v.Action, ":") {
		v.Errors = templates.FieldErrors{"action": "Write an action as service:Action, such as s3:GetObject."}
		return render(c, http.StatusBadRequest, templates.WhoCanPage(s.page(c, "Who can", "graph"), v))
	}
	if v.Resource == "" {
		v.Resource = "*"
	}
	g, err := s.svc.AccessGraph(c.Request().Context(), principal(c), acct, meta(c))
	if err != nil {
		return err
	}
	v.Asked = true
	for _, p := range g.WhoCan(v.Action, v.Resource) {
		q := url.Values{"account": {acct}, "focus": {p.Principal}}
		row := templates.WhoCanRow{Principal: p.Principal, Path: p.Path, Technique: p.Technique, GraphURL: "/graph?" + q.Encode(),
			Needs: p.Needs, External: p.External, Assumption: p.Assumption}
		for _, st := range p.Statements {
			row.Statements = append(row.Statements, statementLine(st))
		}
		for _, st := range p.Trust {
			row.Trust = append(row.Trust, statementLine(st))
		}
		if p.External != "" {
			v.Outside = append(v.Outside, row)
		} else {
			v.Rows = append(v.Rows, row)
		}
	}
	return render(c, http.StatusOK, templates.WhoCanPage(s.page(c, "Who can", "graph"), v))
}

// statementLine shows a deciding statement: "Allow NAME (SID) line N".
func statementLine(st graph.Statement) string {
	name := st.PolicyName
	if name == "" {
		name = st.Policy
	}
	line := st.Effect + " " + name
	if st.Sid != "" {
		line += " (" + st.Sid + ")"
	}
	return line + " line " + strconv.Itoa(st.Line)
}

package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/graphviz"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// What the page lays out, and where. dot's time grows with nodes and even
// more with edges (each labelled edge adds a virtual node per rank it
// crosses): ~0.2 s at 100 nodes and 400 edges, 1.2-1.6 s at 200 nodes and
// 1,000 edges, over a minute for iam-vulnerable's whole account (270 nodes,
// 1,900 edges). A view within both request limits is laid out while the
// page waits. A larger whole account is drawn as an overview by sfdp in the
// background (8-12 s for the 6,300-node overview of 10,000 principals); a
// larger focused view must be narrowed.
const (
	maxRequestNodes  = 1000
	maxRequestEdges  = 1000
	maxOverviewNodes = 20000
	overviewTimeout  = 2 * time.Minute
)

// graphParams are the access graph's query parameters.
type graphParams struct {
	Account, Focus string
	Depth          int
	Grants         bool
	Expand         []string // collapsed sets to show node by node, by representative ID
	// Bucket draws the members of a summary bucket (graph.BucketKey)
	// around themselves instead of one focus.
	Bucket string
	// All draws every node of a large account (the sfdp overview) instead
	// of its summary.
	All bool
	// Imported is set for an imported account, whose nodes have no pages
	// in this console: they link to the graph focused on them instead.
	Imported bool
}

// imported reports whether id is one of accounts and not the live one.
func imported(accounts []templates.AccountOption, id string) bool {
	for _, a := range accounts {
		if a.ID == id {
			return !a.Live
		}
	}
	return false
}

// maxExpand bounds the expanded sets one URL may name.
const maxExpand = 20

func readGraphParams(c echo.Context) graphParams {
	p := graphParams{Account: c.QueryParam("account"), Focus: strings.TrimSpace(c.QueryParam("focus")), Grants: c.QueryParam("grants") == "1",
		Bucket: c.QueryParam("bucket"), All: c.QueryParam("all") == "1"}
	if p.Focus != "" {
		p.Bucket = "" // one view at a time: a focus wins
	}
	if ex := c.QueryParams()["expand"]; len(ex) > 0 {
		p.Expand = ex[:min(len(ex), maxExpand)]
	}
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
	if p.Bucket != "" {
		q.Set("bucket", p.Bucket)
	}
	if p.All {
		q.Set("all", "1")
	}
	q.Set("depth", strconv.Itoa(p.Depth))
	if p.Grants {
		q.Set("grants", "1")
	}
	for _, e := range p.Expand {
		q.Add("expand", e)
	}
	return q.Encode()
}

func (p graphParams) dotOptions(g *graph.Graph) graph.DOTOptions {
	o := graph.DOTOptions{Focus: p.Focus, Depth: p.Depth, Grants: p.Grants, Expand: map[string]bool{}}
	if p.Focus == "" && p.Bucket != "" {
		o.Within = g.Bucket(p.Bucket)
	}
	for _, e := range p.Expand {
		o.Expand[e] = true
	}
	if p.Imported {
		o.NodeURL = func(n graph.Node) string {
			return "/graph?" + url.Values{"account": {p.Account}, "focus": {n.ID}, "depth": {"1"}}.Encode()
		}
	}
	if len(p.Expand) < maxExpand {
		o.ExpandURL = func(rep string) string {
			return "/graph?" + p.query() + "&" + url.Values{"expand": {rep}}.Encode()
		}
	}
	return o
}

// summaryOptions link a summary's buckets to their members' view and its
// groups to their focused view.
func (p graphParams) summaryOptions() graph.SummaryOptions {
	return graph.SummaryOptions{
		BucketURL: func(key string) string {
			return "/graph?" + url.Values{"account": {p.Account}, "bucket": {key}, "depth": {"1"}}.Encode()
		},
		NodeURL: func(n graph.Node) string { return templates.GraphURL(p.Account, n.ID) + "&depth=1" },
	}
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
		out[i] = templates.AccountOption{ID: a.ID, Label: a.Label, Selected: a.ID == chosen, Live: a.Live}
	}
	return out, chosen, nil
}

// focusByName finds the user, group or role a name (any case) names, or
// says why it cannot.
func focusByName(principals []graph.Node, name string) (string, string) {
	var found []graph.Node
	for _, n := range principals {
		if strings.EqualFold(n.Name, name) {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 0:
		return name, "No user, group or role of this account is named " + name + "."
	case 1:
		return found[0].ID, ""
	}
	arns := make([]string, len(found))
	for i, n := range found {
		arns[i] = n.ID
	}
	return name, "More than one principal is named " + name + ": focus on one by its ARN (" + strings.Join(arns, ", ") + ")."
}

// graphShow shows the access graph: focused on a principal, the members of
// a summary bucket, or the whole account (summarised when large).
func (s *Server) graphShow(c echo.Context) error {
	gp := readGraphParams(c)
	accounts, acct, err := s.accountOptions(c, gp.Account)
	if err != nil {
		return err
	}
	gp.Account, gp.Imported = acct, imported(accounts, acct)
	page := s.page(c, "Access graph", "graph")
	g, err := s.svc.AccessGraph(c.Request().Context(), principal(c), acct, meta(c))
	if ie := (*iam.Error)(nil); errors.As(err, &ie) && ie.Kind == iam.LimitExceeded {
		// Too large or too slow to build: the page says so, with the
		// account picker, rather than an error page.
		v := templates.GraphView{Accounts: accounts, Account: acct, Focus: gp.Focus, Depth: gp.Depth, Grants: gp.Grants,
			Query: gp.query(), Message: ie.Message}
		return render(c, http.StatusServiceUnavailable, templates.GraphPage(page, v))
	}
	if err != nil {
		return err
	}
	v := templates.GraphView{Accounts: accounts, Account: acct, Depth: gp.Depth, Grants: gp.Grants, Bucket: gp.Bucket}
	if gp.Focus != "" && !strings.HasPrefix(gp.Focus, "arn:") {
		var principals []graph.Node
		for _, n := range g.Nodes {
			switch n.Kind {
			case graph.KindUser, graph.KindRole, graph.KindGroup:
				principals = append(principals, n)
			}
		}
		var focusErr string
		if gp.Focus, focusErr = focusByName(principals, gp.Focus); focusErr != "" {
			v.Focus, v.Query, v.Message = gp.Focus, gp.query(), focusErr
			return render(c, http.StatusNotFound, templates.GraphPage(page, v))
		}
	}
	v.Focus, v.Query = gp.Focus, gp.query()
	if gp.Focus != "" {
		n, ok := g.Node(gp.Focus)
		if !ok {
			v.Message = "That node is not in this account's graph."
			return render(c, http.StatusNotFound, templates.GraphPage(page, v))
		}
		v.FocusName = n.Name
		if hops, ok := g.AdminHops(n.ID); ok {
			v.AdminRoute, v.PathsURL = graph.SayHops(n.ID, hops), templates.PathsURL(acct, n.ID)
			_, v.AdminDirect = g.AdminEquivalent(n.ID)
		}
	}
	if gp.Bucket != "" {
		members := g.Bucket(gp.Bucket)
		if len(members) == 0 {
			v.Message = "That group of principals is not in this account's summary (the account may have changed): start again from the whole account."
			return render(c, http.StatusNotFound, templates.GraphPage(page, v))
		}
		v.BucketWords = fmt.Sprintf("The %d %s, with what they connect to", len(members), graph.BucketWords(gp.Bucket))
	}
	l, err := s.layOut(c, g, gp)
	if err != nil {
		return err
	}
	v.Message, v.Poll, v.PollMillis, v.Summary = l.Message, l.Poll, l.PollMillis, l.Summary
	v.Nodes, v.Edges, v.Admins = l.Drawing.Nodes, l.Drawing.Edges, l.Drawing.Admins
	v.Drawn = l.SVG != nil
	for _, a := range l.Drawing.Assumptions {
		v.Assumptions = append(v.Assumptions, templates.GraphAssumption{Text: a.Text, Edges: a.Edges})
	}
	switch {
	case len(l.SVG) > s.cfg.MaxInlineSVG:
		// The page stays small; app.js fetches the drawing (compressed)
		// into it, and without script the link opens it.
		v.SVGSrc, v.SVGBytes = "/graph.svg?"+gp.query(), len(l.SVG)
	case l.SVG != nil:
		// Inline in HTML: drop the XML prolog and doctype before <svg.
		svg := l.SVG
		if i := bytes.Index(svg, []byte("<svg")); i >= 0 {
			svg = svg[i:]
		}
		v.SVG = string(svg)
	}
	return render(c, http.StatusOK, templates.GraphPage(page, v))
}

// maxFocusMatches is the most principals one search of the focus field
// answers with.
const maxFocusMatches = 20

// maxFocusQuery bounds the text searched for (an ARN is at most 2,048
// characters; a name 128).
const maxFocusQuery = 2048

// focusMatch is one answer of the focus search.
type focusMatch struct {
	ID, Name, Kind string
}

// graphPrincipals answers the focus field's type-ahead: up to 20 users,
// groups and roles of the account whose name or ARN contains q, from an
// index the graph makes once.
func (s *Server) graphPrincipals(c echo.Context) error {
	q := c.QueryParam("q")
	if len(q) > maxFocusQuery {
		return echo.NewHTTPError(http.StatusBadRequest, "The search text is too long: write part of a name or an ARN.")
	}
	_, acct, err := s.accountOptions(c, c.QueryParam("account"))
	if err != nil {
		return err
	}
	out := []focusMatch{}
	if strings.TrimSpace(q) != "" {
		g, err := s.svc.AccessGraph(c.Request().Context(), principal(c), acct, meta(c))
		if err != nil {
			return err
		}
		for _, n := range g.FindPrincipals(q, maxFocusMatches) {
			out = append(out, focusMatch{ID: n.ID, Name: n.Name, Kind: string(n.Kind)})
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, out)
}

const msgNoGraphviz = "Graphviz is not installed on the server (apt-get install graphviz): download the DOT instead."

// graphLayout is what the page can show of a view: the SVG, or why not
// (yet), and what to poll while an overview is being computed.
type graphLayout struct {
	SVG        []byte
	Message    string
	Poll       string
	PollMillis int
	// Drawing is what the SVG draws (its counts are the page's).
	Drawing graph.Drawing
	// Summary is set when the whole account is drawn by buckets.
	Summary bool
}

// wholeNodes counts the nodes the whole account is drawn with, without
// drawing it (inline policies and, without grants, resources are not
// counted: an account of a few principals with many inline policies is
// still drawn node by node).
func wholeNodes(g *graph.Graph, grants bool) int {
	n := 0
	for _, x := range g.Nodes {
		if x.Kind != graph.KindInline && (grants || x.Kind != graph.KindResource) {
			n++
		}
	}
	return n
}

// maxWholeNodes is the most nodes a whole account is drawn with one by
// one; a larger one is summarised (graph.Summary) unless all nodes are
// asked for.
const maxWholeNodes = 60

// layOut lays the view out with dot when it is small enough to do so while
// the page waits, else (the whole account) asks for the background sfdp
// overview.
func (s *Server) layOut(c echo.Context, g *graph.Graph, gp graphParams) (graphLayout, error) {
	var d graph.Drawing
	summary := gp.Focus == "" && gp.Bucket == "" && !gp.All && wholeNodes(g, gp.Grants) > maxWholeNodes
	if summary {
		d = g.Summary(gp.summaryOptions())
	} else {
		d = g.Draw(gp.dotOptions(g))
	}
	whole := gp.Focus == "" && gp.Bucket == ""
	plan, err := g.PlanLayout(d, whole, gp.Grants)
	var big *graph.ViewTooLargeError
	switch {
	case errors.As(err, &big) && big.Overview:
		return graphLayout{Message: fmt.Sprintf("This account's graph has %d nodes even as an overview, more than can be laid out (%d): focus on a principal, or download the DOT or JSON.",
			big.Nodes, graph.OverviewMaxNodes)}, nil
	case errors.As(err, &big):
		return graphLayout{Message: fmt.Sprintf("This view has %d nodes and %d edges, more than a page lays out (%d of either): lower the depth, or download the DOT or JSON.",
			big.Nodes, big.Edges, graph.DotMaxNodes)}, nil
	case err != nil:
		return graphLayout{}, err
	}
	if !plan.Overview {
		svg, err := s.svgs.SVG(c.Request().Context(), plan.Drawing.DOT)
		switch {
		case errors.Is(err, graphviz.ErrNotInstalled):
			return graphLayout{Message: msgNoGraphviz}, nil
		case errors.Is(err, graphviz.ErrTooLarge), errors.Is(err, graphviz.ErrTimeout):
			return graphLayout{Message: "This view is too large to lay out quickly: focus on a principal or lower the depth."}, nil
		case err != nil:
			return graphLayout{}, err
		}
		return graphLayout{SVG: dropTitles(svg), Drawing: d, Summary: summary}, nil
	}
	size, ov := fmt.Sprintf("%d nodes and %d edges", d.Nodes, d.Edges), plan.Drawing
	wait := max(s.cfg.OverviewWait, 0)
	st := s.overviews.Request(c.Request().Context(), ov.DOT, wait)
	poll := "/graph/overview?" + url.Values{"key": {st.Key.String()}}.Encode()
	about := fmt.Sprintf("Overview of the whole account (%d nodes; inline policies left out, edges described on hover); focus on a principal for the details.", ov.Nodes)
	switch st.State {
	case graphviz.Ready:
		return graphLayout{SVG: st.SVG, Message: about, Drawing: ov}, nil
	case graphviz.Pending, graphviz.Unknown:
		return graphLayout{Poll: poll, PollMillis: 1000, Message: fmt.Sprintf(
			"This account's graph has %s, too many to lay out while you wait: the overview (%d nodes) is being computed… This page shows it when it is ready.", size, ov.Nodes)}, nil
	case graphviz.Busy:
		return graphLayout{Poll: poll, PollMillis: 10000, Message: "The server is computing other overviews: this page will try again shortly. The DOT and JSON downloads work now."}, nil
	}
	switch {
	case errors.Is(st.Err, graphviz.ErrNotInstalled):
		return graphLayout{Message: msgNoGraphviz}, nil
	case errors.Is(st.Err, graphviz.ErrTimeout):
		return graphLayout{Message: fmt.Sprintf("The overview of this account (%d nodes) took longer than %s to lay out: focus on a principal, or download the DOT or JSON.",
			ov.Nodes, overviewTimeout)}, nil
	case errors.Is(st.Err, graphviz.ErrTooLarge):
		return graphLayout{Message: "This account's overview is too large to lay out: focus on a principal, or download the DOT or JSON."}, nil
	}
	s.log.Error("graph overview", "err", st.Err)
	return graphLayout{Message: "The overview of this account could not be laid out: focus on a principal, or download the DOT or JSON."}, nil
}

// svgTitle is an element Graphviz writes in every node and edge of an SVG
// with the DOT names ("n0->n1"): a browser shows it where no tooltip
// covers, and it means nothing to a reader. The tooltips (xlink:title) say
// what each node and edge is.
var svgTitle = regexp.MustCompile(`<title>[^<]*</title>\n?`)

// dropTitles removes the internal names from a drawing.
func dropTitles(svg []byte) []byte { return svgTitle.ReplaceAll(svg, nil) }

// graphOverviewStatus answers a graph page polling for its overview, by
// the overview's key, without building the graph again.
func (s *Server) graphOverviewStatus(c echo.Context) error {
	if _, _, err := s.accountOptions(c, ""); err != nil { // the same permission as the graph page
		return err
	}
	key, ok := graphviz.ParseKey(c.QueryParam("key"))
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "Malformed overview key.")
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, struct{ State string }{s.overviews.Status(key).String()})
}

// graphDownload serves the graph as DOT, SVG or JSON.
func (s *Server) graphDownload(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		gp := readGraphParams(c)
		accounts, acct, err := s.accountOptions(c, gp.Account)
		if err != nil {
			return err
		}
		gp.Account, gp.Imported = acct, imported(accounts, acct)
		g, err := s.svc.AccessGraph(c.Request().Context(), principal(c), acct, meta(c))
		if err != nil {
			return err
		}
		name := "access-graph-" + fileNamePart(acct)
		switch format {
		case "dot":
			c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`.dot"`)
			return c.Blob(http.StatusOK, "text/vnd.graphviz; charset=utf-8", g.DOT(gp.dotOptions(g)))
		case "svg":
			l, err := s.layOut(c, g, gp)
			if err != nil {
				return err
			}
			if l.SVG == nil { // the page says why, and waits for an overview
				return c.Redirect(http.StatusSeeOther, "/graph?"+gp.query())
			}
			c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`.svg"`)
			return c.Blob(http.StatusOK, "image/svg+xml", l.SVG)
		default:
			b, err := g.JSON()
			if err != nil {
				return err
			}
			c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
			return c.Blob(http.StatusOK, "application/json", b)
		}
	}
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
		return render(c, http.StatusOK, templates.WhoCanPage(s.page(c, "Who can", "who-can"), v))
	}
	if !strings.Contains(v.Action, ":") {
		v.Errors = templates.FieldErrors{"action": "Write an action as service:Action, such as s3:GetObject."}
		return render(c, http.StatusBadRequest, templates.WhoCanPage(s.page(c, "Who can", "who-can"), v))
	}
	if v.Resource == "" {
		v.Resource = "*"
	}
	g, err := s.svc.AccessGraph(c.Request().Context(), principal(c), acct, meta(c))
	if err != nil {
		return err
	}
	v.Asked = true
	// Every entry counts; only the page's are told in words.
	paths := g.WhoCan(v.Action, v.Resource)
	csv := strings.HasSuffix(c.Path(), ".csv")
	if csv && c.QueryParam("page") == "all" {
		return whoCanCSV(c, g, acct, paths)
	}
	for _, p := range paths {
		if p.External != "" {
			v.OutsideTotal++
		}
	}
	v.Total = len(paths) - v.OutsideTotal
	page, _ := strconv.Atoi(c.QueryParam("page"))
	page = max(page, 1)
	lo, hi := min((page-1)*whoCanPerPage, len(paths)), min(page*whoCanPerPage, len(paths))
	v.First = lo + 1
	live := !imported(accounts, acct)
	for _, p := range paths[lo:hi] {
		hops := g.Tell(p)
		row := templates.WhoCanRow{Principal: p.Principal, Path: p.Path, Technique: p.Technique, GraphURL: templates.GraphURL(acct, p.Principal),
			Needs: p.Needs, External: p.External, Assumption: p.Assumption, Via: graph.Via(hops), Said: graph.SayHops(p.Principal, hops),
			Hops: pathRow(graph.PathEntry{Principal: p.Principal, Hops: hops, Path: p}, 0, acct, live, false, nil).Hops}
		for _, st := range p.Statements {
			row.Statements = append(row.Statements, graph.StatementWords(st))
		}
		for _, st := range p.Trust {
			row.Trust = append(row.Trust, graph.StatementWords(st))
		}
		if p.External != "" {
			v.Outside = append(v.Outside, row)
		} else {
			v.Rows = append(v.Rows, row)
		}
	}
	if csv {
		return whoCanCSV(c, g, acct, paths[lo:hi])
	}
	q := url.Values{"account": {acct}, "action": {v.Action}, "resource": {v.Resource}}
	q.Set("page", strconv.Itoa(page))
	v.CSVURL = "/who-can.csv?" + q.Encode()
	if len(paths) > hi-lo {
		q.Set("page", "all")
		v.AllURL = "/who-can.csv?" + q.Encode()
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page-1))
		v.PrevURL = "/who-can?" + q.Encode()
	}
	if hi < len(paths) {
		q.Set("page", strconv.Itoa(page+1))
		v.NextURL = "/who-can?" + q.Encode()
	}
	return render(c, http.StatusOK, templates.WhoCanPage(s.page(c, "Who can", "who-can"), v))
}

// whoCanPerPage is the rows of one page of who-can, the account's own and
// outside principals together, in that order.
const whoCanPerPage = 50

// fileNamePart keeps what is safe in a Content-Disposition file name: an
// account ID is 12 digits, but one imported before IDs were checked may be
// anything (`"><svg…` once was).
func fileNamePart(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' {
			return r
		}
		return '_'
	}, s)
}

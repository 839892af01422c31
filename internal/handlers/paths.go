package handlers

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/web/templates"
)

// pathsPerPage is the rows of one page of paths; the CSV of a page holds
// the same rows.
const pathsPerPage = 50

// maxAssumptionRanks is how many rows an assumption names before "and N
// more".
const maxAssumptionRanks = 10

// pathsQuery is the paths page's question.
type pathsQuery struct {
	Account, From, To string
	Page              int  // 1-based
	All               bool // every row (the CSV of the whole list)
	Ways              int  // between two principals: how many ways (1, the shortest, unless asked)
}

// moreWays is how many ways the "Other ways" link asks for.
const moreWays = 5

func readPathsQuery(c echo.Context) pathsQuery {
	q := pathsQuery{Account: c.QueryParam("account"), From: strings.TrimSpace(c.QueryParam("from")), To: strings.TrimSpace(c.QueryParam("to"))}
	if q.To == "admin" {
		q.To = ""
	}
	q.All = c.QueryParam("page") == "all"
	q.Page, _ = strconv.Atoi(c.QueryParam("page"))
	q.Page = max(q.Page, 1)
	q.Ways, _ = strconv.Atoi(c.QueryParam("ways"))
	q.Ways = min(max(q.Ways, 1), graph.MaxWays)
	return q
}

// url is the address of the page (or, with csv, its download) asking q.
func (q pathsQuery) url(csv bool, page string) string {
	v := url.Values{}
	ways := ""
	if q.Ways > 1 {
		ways = strconv.Itoa(q.Ways)
	}
	for k, x := range map[string]string{"account": q.Account, "from": q.From, "to": q.To, "page": page, "ways": ways} {
		if x != "" && x != "1" {
			v.Set(k, x)
		}
	}
	if csv {
		return "/paths.csv?" + v.Encode()
	}
	return "/paths?" + v.Encode()
}

// pathsShow lists who can reach full access, ranked, one page at a time,
// each path told in words with its statements; with from, one principal's;
// with from and to, the paths between two principals. /paths.csv gives the
// same rows as CSV (page=all: every row).
func (s *Server) pathsShow(c echo.Context) error {
	q := readPathsQuery(c)
	csv := strings.HasSuffix(c.Path(), ".csv")
	accounts, acct, err := s.accountOptions(c, q.Account)
	if err != nil {
		return err
	}
	q.Account = acct
	g, err := s.svc.AccessGraph(c.Request().Context(), principal(c), acct, meta(c))
	if err != nil {
		return err
	}
	v := templates.PathsView{Accounts: accounts, Account: acct, From: q.From, To: q.To, Between: q.To != "", Errors: pathsErrors(g, q)}
	if len(v.Errors) > 0 {
		if csv {
			return echo.NewHTTPError(http.StatusBadRequest, strings.Join(errorTexts(v.Errors), " "))
		}
		return render(c, http.StatusBadRequest, templates.PathsPage(s.page(c, "Paths to admin", "paths"), v))
	}
	all, shown, first := pathsPage(g, q)
	if csv {
		return pathsCSV(c, acct, shown, first)
	}
	v.Total, v.First, v.Shown = len(all), first, len(shown)
	pathsLinks(&v, q)
	var refs map[string][]string // principal -> the marks of the assumptions it relies on
	v.Assumptions, refs = assumptionViews(all)
	live := !imported(accounts, acct)
	for i, e := range shown {
		v.Rows = append(v.Rows, pathRow(e, first+i, acct, live, q.From == "" && q.To == "", refs[e.Principal]))
	}
	return render(c, http.StatusOK, templates.PathsPage(s.page(c, "Paths to admin", "paths"), v))
}

// pathsPage is what the query asks for: every path it covers (the ranking
// is the whole list's), the entries shown (told in words: only these) and
// the rank of the first of them.
func pathsPage(g *graph.Graph, q pathsQuery) (all []graph.Path, shown []graph.PathEntry, first int) {
	if q.To != "" {
		shown = g.Between(q.From, q.To, q.Ways)
		for _, e := range shown {
			all = append(all, e.Path)
		}
		return all, shown, 1
	}
	var ranked []graph.RankedAdmin
	for _, r := range g.PathsToAdmin() {
		if q.From == "" || r.Principal == q.From {
			ranked = append(ranked, r)
			all = append(all, r.Path)
		}
	}
	first = (q.Page-1)*pathsPerPage + 1
	lo, hi := min(first-1, len(ranked)), min(first-1+pathsPerPage, len(ranked))
	if q.All {
		first, lo, hi = 1, 0, len(ranked)
	}
	for _, r := range ranked[lo:hi] {
		shown = append(shown, g.Entry(r))
	}
	return all, shown, first
}

// pathsCSV sends the entries as CSV, ranked from first.
func pathsCSV(c echo.Context, acct string, shown []graph.PathEntry, first int) error {
	var buf bytes.Buffer
	if err := graph.WritePathsCSV(&buf, shown, first); err != nil {
		return err
	}
	name := "paths-" + fileNamePart(acct) + ".csv"
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// pathsLinks sets the page's links: the CSV of the page and of all, the
// pages before and after.
func pathsLinks(v *templates.PathsView, q pathsQuery) {
	page := strconv.Itoa(q.Page)
	v.CSVURL = q.url(true, page)
	if v.Shown < v.Total {
		v.AllURL = q.url(true, "all")
	}
	if q.Page > 1 && q.To == "" {
		v.PrevURL = q.url(false, strconv.Itoa(q.Page-1))
	}
	if v.First-1+v.Shown < v.Total {
		v.NextURL = q.url(false, strconv.Itoa(q.Page+1))
	}
	if q.To != "" && q.Ways == 1 && v.Total == 1 {
		more := q
		more.Ways = moreWays
		v.WaysURL = more.url(false, "")
	}
}

// assumptionViews lists what the paths take to hold, each once with a mark
// (A1, A2, …) and the ranks of the first principals relying on it, and
// each principal's marks.
func assumptionViews(all []graph.Path) ([]templates.AssumptionView, map[string][]string) {
	as := graph.Assumptions(all)
	if len(as) == 0 {
		return nil, nil
	}
	ranks := map[string]int{}
	for i := range all {
		if _, ok := ranks[all[i].Principal]; !ok {
			ranks[all[i].Principal] = i + 1
		}
	}
	var out []templates.AssumptionView
	refs := map[string][]string{}
	for i, a := range as {
		av := templates.AssumptionView{Ref: "A" + strconv.Itoa(i+1), Text: a.Text}
		for _, p := range a.Principals {
			refs[p] = append(refs[p], av.Ref)
			if len(av.Ranks) == maxAssumptionRanks {
				av.More++
				continue
			}
			av.Ranks = append(av.Ranks, ranks[p])
			av.Names = append(av.Names, lastPart(p))
		}
		out = append(out, av)
	}
	return out, refs
}

// pathsErrors checks the question against the graph: the principals named
// must be in it, and a path to a principal must start at one.
func pathsErrors(g *graph.Graph, q pathsQuery) templates.FieldErrors {
	errs := templates.FieldErrors{}
	if q.To != "" && q.From == "" {
		errs["from"] = "Give the principal the paths start at, or leave To empty for the paths to full access."
	}
	for field, arn := range map[string]string{"from": q.From, "to": q.To} {
		if _, ok := g.Node(arn); arn != "" && !ok {
			errs[field] = "No principal of account " + g.Account().ID + " has the ARN " + arn + "."
		}
	}
	return errs
}

func errorTexts(errs templates.FieldErrors) []string {
	var out []string
	for _, k := range []string{"from", "to"} {
		if m, ok := errs[k]; ok {
			out = append(out, m)
		}
	}
	return out
}

// pathRow is the view of one told path.
func pathRow(e graph.PathEntry, rank int, acct string, live, list bool, assumes []string) templates.PathRow {
	r := templates.PathRow{Rank: rank, Principal: e.Principal, Severity: e.Severity, Hidden: e.Hidden, External: e.Path.External,
		Said: e.Said, Assumes: assumes, GraphURL: templates.GraphURL(acct, e.Principal)}
	if e.Path.External == "" {
		r.AccessURL = templates.AccessURL(acct, e.Principal)
	}
	if list {
		r.PathsURL = templates.PathsURL(acct, e.Principal)
	}
	r.Hops = hopViews(e.Hops, acct, live)
	return r
}

// hopViews are the views of a told path's hops, linked to the live or
// imported account's pages.
func hopViews(hops []graph.Hop, acct string, live bool) []templates.HopView {
	out := make([]templates.HopView, 0, len(hops))
	for _, h := range hops {
		hv := templates.HopView{Verb: h.Verb, To: h.To, ToName: h.ToName, Technique: h.Technique, Needs: h.Needs,
			Policy: h.Kind == graph.EdgeAttached || h.Kind == graph.EdgeInline}
		if h.Technique != "" && h.Kind != graph.EdgeCanAssume {
			// Plain role assumption (sts-001) is the verb itself: named on
			// every can-assume step it would only add noise.
			hv.TechniqueURL = templates.TechniqueURL(h.Technique)
		}
		if hv.Policy {
			hv.ToURL = policyLink(acct, h.To, live)
		} else {
			hv.ToURL = templates.GraphURL(acct, h.To)
		}
		for _, st := range h.Statements {
			hv.Statements = append(hv.Statements, templates.StatementLink{Text: graph.Cite(st), URL: policyLink(acct, st.Policy, live)})
		}
		out = append(out, hv)
	}
	return out
}

// policyLink is where a policy is shown: in the live account its page (an
// inline or trust policy's, OWNER#NAME, its owner's page); in an imported
// one, the graph focused on it (on its owner for an inline policy).
func policyLink(acct, id string, live bool) string {
	owner, _, inline := strings.Cut(id, "#")
	if !inline {
		if live {
			return policyURL(id)
		}
		return templates.GraphURL(acct, id)
	}
	if !live {
		return templates.GraphURL(acct, owner)
	}
	kind, name := entityOf(owner)
	switch kind {
	case "user", "group", "role":
		return "/" + kind + "s/" + url.PathEscape(name)
	}
	return ""
}

// entityOf is the kind and name of an IAM ARN: ("user", "alice") for
// arn:aws:iam::1:user/team/alice.
func entityOf(arn string) (kind, name string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return "", ""
	}
	kind, rest, _ := strings.Cut(parts[5], "/")
	return kind, rest[strings.LastIndexByte(rest, '/')+1:]
}

// whoCanCSV sends who-can answers as CSV: the rows of the page shown, or
// every row.
func whoCanCSV(c echo.Context, g *graph.Graph, acct string, paths []graph.Path) error {
	var buf bytes.Buffer
	if err := g.WriteWhoCanCSV(&buf, paths); err != nil {
		return err
	}
	name := "who-can-" + fileNamePart(acct) + ".csv"
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

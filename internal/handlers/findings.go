package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// findingsPageSize is how many findings (or principals, grouped) a page
// shows: few enough to read, and to render in a few milliseconds at any
// account size, since only the page's rows are formatted.
const findingsPageSize = 50

// readFindingsFilter reads the Findings page's query string: its filters
// and sort (the same for the page and its downloads), the page and the
// grouping.
func readFindingsFilter(c echo.Context) templates.FindingsFilter {
	page, _ := strconv.Atoi(c.QueryParam("page"))
	return templates.FindingsFilter{Account: c.QueryParam("account"), Severity: c.QueryParam("severity"), Type: c.QueryParam("type"),
		Technique: c.QueryParam("technique"), Kind: c.QueryParam("kind"), Text: c.QueryParam("q"), Sort: c.QueryParam("sort"),
		Desc: c.QueryParam("desc") == "1", Group: c.QueryParam("group") == "1", Page: max(page, 1)}
}

func findingQuery(f templates.FindingsFilter) graph.FindingQuery {
	return graph.FindingQuery{Severity: f.Severity, Type: f.Type, Technique: f.Technique, Kind: f.Kind, Text: f.Text, Sort: f.Sort, Desc: f.Desc}
}

// findings reads the query and applies it to the account's findings; all
// is how many the account has.
func (s *Server) findings(c echo.Context) (f templates.FindingsFilter, accounts []templates.AccountOption, res graph.FindingResult, all int, err error) {
	f = readFindingsFilter(c)
	accounts, f.Account, err = s.accountOptions(c, f.Account)
	if err != nil {
		return f, nil, res, 0, err
	}
	q := findingQuery(f)
	if err := q.Check(); err != nil {
		return f, accounts, res, 0, &iam.Error{Kind: iam.Invalid, Message: err.Error()}
	}
	g, err := s.svc.AccessGraph(c.Request().Context(), principal(c), f.Account, meta(c))
	if err != nil {
		return f, accounts, res, 0, err
	}
	fs, err := s.svc.AccountFindings(c.Request().Context(), g)
	if err != nil {
		return f, accounts, res, 0, err
	}
	return f, accounts, q.Apply(fs), len(fs), nil
}

// findingsList shows a page of an account's findings, with their counts,
// filters and sorting.
func (s *Server) findingsList(c echo.Context) error {
	f, accounts, res, all, err := s.findings(c)
	if iam.KindOf(err) == iam.Invalid && accounts != nil {
		v := findingsView(accounts, templates.FindingsFilter{Account: f.Account}, graph.FindingResult{}, 0)
		v.Error = err.Error()
		return render(c, http.StatusBadRequest, templates.FindingsPage(s.page(c, "Findings", "findings"), v))
	}
	if err != nil {
		return err
	}
	v := findingsView(accounts, f, res, all)
	s.addFixes(c, accounts, &v)
	return render(c, http.StatusOK, templates.FindingsPage(s.page(c, "Findings", "findings"), v))
}

// findingsView formats one page of the result: the rows not shown are not
// formatted, so the page costs the same at any account size.
func findingsView(accounts []templates.AccountOption, f templates.FindingsFilter, res graph.FindingResult, all int) templates.FindingsView {
	v := templates.FindingsView{Accounts: accounts, F: f, All: all, Kinds: graph.PrincipalKinds}
	for _, sev := range graph.SeverityNames {
		v.Severities = append(v.Severities, templates.FacetCount{Name: sev, Count: res.BySeverity[sev], Selected: sev == f.Severity})
	}
	for _, t := range graph.FindingTypes {
		if res.ByType[t] > 0 || t == f.Type {
			v.Types = append(v.Types, templates.FacetCount{Name: t, Count: res.ByType[t], Selected: t == f.Type})
		}
	}
	for _, t := range graph.Catalogue() {
		v.Techniques = append(v.Techniques, t.ID)
	}
	link := func(arn string, escalates bool) (access, paths, graphURL string) {
		if k := graph.PrincipalKind(arn); k == "user" || k == "group" || k == "role" {
			access = templates.AccessURL(f.Account, arn)
		}
		if escalates {
			paths = templates.PathsURL(f.Account, arn)
		}
		return access, paths, templates.GraphURL(f.Account, arn)
	}
	if f.Group {
		for _, g := range paged(&v, graph.GroupByPrincipal(res.Findings)) {
			row := templates.FindingGroupRow{Principal: g.Principal, Short: shortName(g.Principal), Severity: g.Severity,
				Types: g.Types, Techniques: g.Techniques, Count: g.Count, FindingsURL: f.ForPrincipal(g.Principal)}
			row.AccessURL, row.PathsURL, row.GraphURL = link(g.Principal, escalates(g.Types...))
			v.Groups = append(v.Groups, row)
		}
		return v
	}
	for _, fd := range paged(&v, res.Findings) {
		row := templates.FindingRow{Type: fd.Type, Severity: fd.Severity, Technique: fd.Technique, Explanation: fd.Explanation,
			Principal: fd.Principal, Short: shortName(fd.Principal)}
		for _, p := range fd.Path {
			row.Path = append(row.Path, shortName(p))
		}
		for _, st := range fd.Statements {
			row.Statements = append(row.Statements, graph.StatementWords(st))
		}
		row.AccessURL, row.PathsURL, row.GraphURL = link(fd.Principal, escalates(fd.Type))
		v.Rows = append(v.Rows, row)
	}
	return v
}

// paged is the view's page of items, a page past the end showing the
// last; it sets the view's counts and page numbers.
func paged[T any](v *templates.FindingsView, items []T) []T {
	last := max(1, (len(items)+findingsPageSize-1)/findingsPageSize)
	v.F.Page = min(v.F.Page, last)
	page, pages := graph.PageOf(items, v.F.Page, findingsPageSize)
	v.Total, v.Page, v.Pages = len(items), v.F.Page, pages
	v.From, v.To = (v.Page-1)*findingsPageSize+1, (v.Page-1)*findingsPageSize+len(page)
	return page
}

// escalates reports whether a finding type is about reaching full access,
// which the paths page draws.
func escalates(types ...string) bool {
	for _, t := range types {
		switch t {
		case graph.FindingAdmin, graph.FindingHiddenAdmin, graph.FindingPrivilegeEscalation:
			return true
		}
	}
	return false
}

// shortName is what a column shows of an ARN: its resource part
// ("user/alice", "role/ops/admin", "root").
func shortName(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[5] == "" {
		return arn
	}
	return parts[5]
}

// findingsDownload serves what the page shows, every page of it, as CSV
// or JSON (the `console findings` shape).
func (s *Server) findingsDownload(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		f, _, res, _, err := s.findings(c)
		if err != nil {
			return err
		}
		name := "findings-" + fileNamePart(f.Account)
		var b bytes.Buffer
		ctype := "text/csv; charset=utf-8"
		if format == "csv" {
			err = graph.WriteFindingsCSV(&b, res.Findings)
		} else {
			ctype = "application/json"
			fs := res.Findings
			if fs == nil {
				fs = []graph.Finding{}
			}
			enc := json.NewEncoder(&b)
			enc.SetIndent("", "  ")
			err = enc.Encode(fs)
		}
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+"."+format+`"`)
		return c.Blob(http.StatusOK, ctype, b.Bytes())
	}
}

// techniquesList lists the catalogue of escalation techniques.
func (s *Server) techniquesList(c echo.Context) error {
	var rows []templates.TechniqueRow
	for _, t := range graph.Catalogue() {
		doc, _ := graph.TechniqueDocOf(t.ID)
		summary, _, _ := strings.Cut(doc.Description, ". ")
		rows = append(rows, templates.TechniqueRow{ID: t.ID, Name: t.Name, Category: t.Category, Summary: strings.TrimSuffix(summary, ".") + "."})
	}
	return render(c, http.StatusOK, templates.TechniquesPage(s.page(c, "Escalation techniques", "findings"), rows))
}

// techniqueShow explains one technique: what it is, what it needs, how to
// fix it.
func (s *Server) techniqueShow(c echo.Context) error {
	t := graph.TechniqueByID(c.Param("id"))
	if t == nil {
		return &iam.Error{Kind: iam.NotFound, Message: "No technique " + c.Param("id") + " in the catalogue."}
	}
	doc, documented := graph.TechniqueDocOf(t.ID)
	v := templates.TechniqueView{ID: t.ID, Name: t.Name, Category: t.Category, Description: doc.Description,
		PrerequisitesAdmin: doc.PrerequisitesAdmin, PrerequisitesLateral: doc.PrerequisitesLateral,
		Services: t.Services(), InstanceProfile: t.NeedsInstanceProfile(), Assumes: t.Assumes(),
		Recommendation: doc.Recommendation, Limitations: doc.Limitations, Related: doc.Related,
		Documented: documented && !strings.HasPrefix(t.ID, "iamconsole-")}
	for _, p := range doc.Required {
		v.Required = append(v.Required, templates.PermissionRow(p))
	}
	for _, p := range doc.Additional {
		v.Additional = append(v.Additional, templates.PermissionRow(p))
	}
	for _, st := range doc.Steps {
		v.Steps = append(v.Steps, templates.CommandRow(st))
	}
	for _, r := range doc.References {
		v.References = append(v.References, templates.LinkRow(r))
	}
	return render(c, http.StatusOK, templates.TechniquePage(s.page(c, t.ID+" "+t.Name, "findings"), v))
}

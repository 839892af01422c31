package templates

import (
	"net/url"
	"strconv"
	"strings"
)

// FindingsFilter is the Findings page's query: its filters, sort, page and
// grouping. The page's links and its downloads are built from it, so a
// download holds what the page shows.
type FindingsFilter struct {
	Account                                     string
	Severity, Type, Technique, Kind, Text, Sort string
	Desc, Group                                 bool
	Page                                        int
}

// values is the query string, without what is at its default.
func (f FindingsFilter) values(withPage bool) url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"account": f.Account, "severity": f.Severity, "type": f.Type,
		"technique": f.Technique, "kind": f.Kind, "q": f.Text, "sort": f.Sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Desc {
		q.Set("desc", "1")
	}
	if f.Group {
		q.Set("group", "1")
	}
	if withPage && f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	return q
}

// URL is the Findings page with this query.
func (f FindingsFilter) URL() string { return "/findings?" + f.values(true).Encode() }

// Download is the CSV or JSON of every finding the query keeps (all pages).
func (f FindingsFilter) Download(format string) string {
	return "/findings." + format + "?" + f.values(false).Encode()
}

// first is the query on its first page: changing a filter or the sort
// starts over.
func (f FindingsFilter) first() FindingsFilter { f.Page = 1; return f }

// WithSeverity toggles the severity filter.
func (f FindingsFilter) WithSeverity(s string) string {
	f = f.first()
	if f.Severity == s {
		s = ""
	}
	f.Severity = s
	return f.URL()
}

// WithType toggles the type filter.
func (f FindingsFilter) WithType(t string) string {
	f = f.first()
	if f.Type == t {
		t = ""
	}
	f.Type = t
	return f.URL()
}

// SortBy sorts by key; by the same key again, the other way round.
func (f FindingsFilter) SortBy(key string) string {
	f = f.first()
	cur := f.Sort
	if cur == "" {
		cur = "severity"
	}
	if cur == key {
		f.Desc = !f.Desc
	} else {
		f.Desc = false
	}
	f.Sort = key
	if key == "severity" && !f.Desc {
		f.Sort = ""
	}
	return f.URL()
}

// sortState is a column's aria-sort value: "ascending", "descending" or "".
func (f FindingsFilter) sortState(key string) string {
	cur := f.Sort
	if cur == "" {
		cur = "severity"
	}
	switch {
	case cur != key:
		return ""
	case f.Desc:
		return "descending"
	default:
		return "ascending"
	}
}

// Grouped is the same query grouped by principal, or not.
func (f FindingsFilter) Grouped(on bool) string { f = f.first(); f.Group = on; return f.URL() }

// AtPage is the query on page n.
func (f FindingsFilter) AtPage(n int) string { f.Page = n; return f.URL() }

// ForPrincipal lists one principal's findings, ungrouped.
func (f FindingsFilter) ForPrincipal(arn string) string {
	f = f.first()
	f.Group = false
	f.Text = arn
	return f.URL()
}

// FacetCount is one severity or type with the number of findings choosing
// it would show.
type FacetCount struct {
	Name     string
	Count    int
	Selected bool
}

// FindingRow is one finding as the page shows it.
type FindingRow struct {
	Type, Severity, Technique, Explanation string
	Principal, Short                       string // the ARN, and what the column shows of it
	Path                                   []string
	Statements                             []string
	// AccessURL is the principal's access view ("" for a policy); PathsURL
	// its paths to full access, for admin and escalation findings.
	AccessURL, PathsURL, GraphURL string
	// FixURL is the confirmation step of the change that fixes an unused
	// finding of the live account (with its preview); "" otherwise.
	FixURL string
}

// FindingGroupRow is one principal's findings in the grouped list.
type FindingGroupRow struct {
	Principal, Short, Severity    string
	Types, Techniques             []string
	Count                         int
	AccessURL, PathsURL, GraphURL string
	FindingsURL                   string // its findings, one row each
}

// FindingsView is the Findings page.
type FindingsView struct {
	Accounts []AccountOption
	F        FindingsFilter
	Error    string // a filter the page did not understand
	// All is the number of findings before filtering; Total after.
	All, Total  int
	Severities  []FacetCount
	Types       []FacetCount
	Techniques  []string // the filter's choices: catalogue IDs
	Kinds       []string
	Rows        []FindingRow
	Groups      []FindingGroupRow
	Page, Pages int
	From, To    int // the rows shown, counted from 1
}

// shown says which rows the page shows: "51–100 of 347 findings".
func (v FindingsView) shown() string {
	noun := "findings"
	if v.F.Group {
		noun = "principals"
	}
	if v.Total == 0 {
		return "No " + noun
	}
	return strconv.Itoa(v.From) + "–" + strconv.Itoa(v.To) + " of " + strconv.Itoa(v.Total) + " " + noun
}

// codeSpans splits text written with `code` spans (the catalogue's style)
// into plain and code parts, code at odd indexes.
func codeSpans(s string) []string { return strings.Split(s, "`") }

// arrow marks a sorted column's direction.
func arrow(state string) string {
	if state == "descending" {
		return "▼"
	}
	return "▲"
}

func joinArrow(parts []string) string { return strings.Join(parts, " → ") }

func joinComma(parts []string) string { return strings.Join(parts, ", ") }

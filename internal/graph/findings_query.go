package graph

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// FindingQuery narrows, orders and pages a list of findings: what the
// Findings page, its CSV and JSON downloads and `console findings` share, so
// the page and the downloads always show the same set. The zero value keeps
// everything in Findings' order, on one page.
type FindingQuery struct {
	Severity  string // Critical, High, Medium, Low; "" for all
	Type      string // a Finding… constant; "" for all
	Technique string // a catalogue ID; "" for all
	Kind      string // the principal's kind: user, group, role, policy, root; "" for all
	// Text keeps findings whose principal or explanation contains it,
	// ignoring case.
	Text string
	// Sort is severity (the default), type, principal or technique; the
	// others break ties in that order.
	Sort string
	Desc bool
}

// Sort keys a FindingQuery knows.
const (
	SortSeverity  = "severity"
	SortType      = "type"
	SortPrincipal = "principal"
	SortTechnique = "technique"
)

// SeverityNames are the severities, most severe first.
var SeverityNames = []string{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow}

// FindingTypes are the finding types, in the order Findings lists them
// within a severity.
var FindingTypes = []string{FindingAdmin, FindingGuardrailViolation, FindingHiddenAdmin, FindingInactiveUser, FindingPermissiveTrust,
	FindingPrivilegeEscalation, FindingRootAccessKey, FindingRootWithoutMFA, FindingStaleAccessKey, FindingTakeoverRing,
	FindingUnusedAccessKey, FindingUnusedPassword, FindingUnusedPermission, FindingUnusedPolicy, FindingUnusedRole, FindingUserWithoutMFA, FindingWildcardPolicy}

// PrincipalKinds are the kinds FindingQuery.Kind accepts.
var PrincipalKinds = []string{"user", "group", "role", "policy", "root"}

// Check reports the first value the query does not know, so a front door
// can say which input is wrong instead of showing nothing.
func (q FindingQuery) Check() error {
	known := func(v string, list []string) bool {
		if v == "" {
			return true
		}
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	switch {
	case !known(q.Severity, SeverityNames):
		return fmt.Errorf("unknown severity %q: use one of %s", q.Severity, strings.Join(SeverityNames, ", "))
	case !known(q.Type, FindingTypes):
		return fmt.Errorf("unknown finding type %q: use one of %s", q.Type, strings.Join(FindingTypes, ", "))
	case q.Technique != "" && TechniqueByID(q.Technique) == nil:
		return fmt.Errorf("unknown technique %q: use a catalogue ID such as iam-002", q.Technique)
	case !known(q.Kind, PrincipalKinds):
		return fmt.Errorf("unknown principal kind %q: use one of %s", q.Kind, strings.Join(PrincipalKinds, ", "))
	case !known(q.Sort, []string{SortSeverity, SortType, SortPrincipal, SortTechnique}):
		return fmt.Errorf("unknown sort %q: use severity, type, principal or technique", q.Sort)
	}
	return nil
}

// PrincipalKind is the kind of what a finding's ARN names: user, group,
// role, policy or root ("" for anything else, such as a trusted outsider).
func PrincipalKind(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[2] != "iam" {
		return ""
	}
	res := parts[5]
	if res == "root" {
		return "root"
	}
	kind, _, ok := strings.Cut(res, "/")
	if !ok {
		return ""
	}
	switch kind {
	case "user", "group", "role", "policy":
		return kind
	}
	return ""
}

// keeps reports whether f passes the query's filters, skipping the one
// named by except ("severity" or "type"), for the counts beside a filter.
// textOK is whether f matches the free text, worked out once per finding.
func (q FindingQuery) keeps(f *Finding, textOK bool, except string) bool {
	if q.Severity != "" && except != SortSeverity && f.Severity != q.Severity {
		return false
	}
	if q.Type != "" && except != SortType && f.Type != q.Type {
		return false
	}
	return textOK
}

// others reports whether f passes the filters no count leaves out:
// technique, kind and text.
func (q FindingQuery) others(f *Finding, text string) bool {
	if q.Technique != "" && f.Technique != q.Technique {
		return false
	}
	if q.Kind != "" && PrincipalKind(f.Principal) != q.Kind {
		return false
	}
	return text == "" || containsFold(f.Principal, text) || containsFold(f.Explanation, text)
}

// containsFold reports whether s contains the lower-case needle, ignoring
// case, without lowering all of s: byte windows compared with EqualFold,
// exact for ASCII, which ARNs and explanations are.
func containsFold(s, needle string) bool {
	for i := 0; i+len(needle) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}

// FindingResult is what a query keeps of a list of findings.
type FindingResult struct {
	// Findings are the findings kept, sorted: all of them, for downloads;
	// a page slices them.
	Findings []Finding
	// BySeverity and ByType count the findings every other filter keeps,
	// so each count is what choosing it would show.
	BySeverity map[string]int
	ByType     map[string]int
}

// Apply filters and sorts fs (which it does not change; given in Findings'
// order, the default sort keeps it as it is) and counts what each severity
// and type would keep.
func (q FindingQuery) Apply(fs []Finding) FindingResult {
	text := strings.ToLower(strings.TrimSpace(q.Text))
	r := FindingResult{BySeverity: map[string]int{}, ByType: map[string]int{}}
	for i := range fs {
		f := &fs[i]
		ok := q.others(f, text)
		if q.keeps(f, ok, SortSeverity) {
			r.BySeverity[f.Severity]++
		}
		if q.keeps(f, ok, SortType) {
			r.ByType[f.Type]++
		}
		if q.keeps(f, ok, "") {
			r.Findings = append(r.Findings, *f)
		}
	}
	if q.Sort != "" && q.Sort != SortSeverity || q.Desc {
		q.sort(r.Findings) // else kept in Findings' order, which is this one
	}
	return r
}

// sort orders by the query's key, then severity, type, principal and
// technique, as Findings does; Desc reverses the key only.
func (q FindingQuery) sort(fs []Finding) {
	cmpStr := func(a, b string) int { return strings.Compare(a, b) }
	keys := []func(a, b *Finding) int{
		func(a, b *Finding) int { return severityRank[a.Severity] - severityRank[b.Severity] },
		func(a, b *Finding) int { return cmpStr(a.Type, b.Type) },
		func(a, b *Finding) int { return cmpStr(a.Principal, b.Principal) },
		func(a, b *Finding) int { return cmpStr(a.Technique, b.Technique) },
	}
	first := 0
	switch q.Sort {
	case SortType:
		first = 1
	case SortPrincipal:
		first = 2
	case SortTechnique:
		first = 3
	}
	// Sort positions, not the findings: a Finding is large, and the
	// comparisons take pointers into fs.
	idx := make([]int, len(fs))
	for i := range idx {
		idx[i] = i
	}
	// Ties keep their order by position, so an unstable sort (n log n
	// comparisons, not a stable sort's n log² n) gives a stable result.
	slices.SortFunc(idx, func(i, j int) int {
		a, b := &fs[i], &fs[j]
		if c := keys[first](a, b); c != 0 {
			if q.Desc {
				return -c
			}
			return c
		}
		for k, key := range keys {
			if k == first {
				continue
			}
			if c := key(a, b); c != 0 {
				return c
			}
		}
		return i - j
	})
	sorted := make([]Finding, len(fs))
	for k, i := range idx {
		sorted[k] = fs[i]
	}
	copy(fs, sorted)
}

// PageOf is page n (from 1) of size items of fs, and the number of pages
// (at least 1). A page past the end is empty.
func PageOf[T any](fs []T, n, size int) ([]T, int) {
	if size <= 0 {
		size = len(fs)
	}
	pages := max(1, (len(fs)+size-1)/max(size, 1))
	if n < 1 {
		n = 1
	}
	lo := (n - 1) * size
	if lo >= len(fs) {
		return nil, pages
	}
	return fs[lo:min(lo+size, len(fs))], pages
}

// FindingGroup is one principal's findings, for a list with one row per
// principal: its most severe finding's severity first.
type FindingGroup struct {
	Principal string
	Severity  string   // the most severe of its findings
	Types     []string // the types of its findings, each once, in order
	// Techniques are the catalogue IDs its findings name, each once.
	Techniques []string
	Count      int // how many findings it has
}

// GroupByPrincipal gathers sorted findings by principal, keeping the
// position of each principal's first finding.
func GroupByPrincipal(fs []Finding) []FindingGroup {
	var out []FindingGroup
	at := map[string]int{}
	for k := range fs {
		f := &fs[k]
		i, ok := at[f.Principal]
		if !ok {
			i = len(out)
			at[f.Principal] = i
			out = append(out, FindingGroup{Principal: f.Principal, Severity: f.Severity})
		}
		g := &out[i]
		if severityRank[f.Severity] < severityRank[g.Severity] {
			g.Severity = f.Severity
		}
		if !slices.Contains(g.Types, f.Type) {
			g.Types = append(g.Types, f.Type)
		}
		if f.Technique != "" && !slices.Contains(g.Techniques, f.Technique) {
			g.Techniques = append(g.Techniques, f.Technique)
		}
		g.Count++
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// FindingsCSVHeader is the header row of WriteFindingsCSV.
var FindingsCSVHeader = []string{"Severity", "Type", "Principal", "Technique", "Path", "Statements", "Explanation"}

// WriteFindingsCSV writes findings as CSV, one row each: the path's ARNs
// joined by " -> ", the deciding statements as "POLICY statement N" joined by
// "; ". A cell that a spreadsheet would run as a formula is prefixed with a
// quote.
func WriteFindingsCSV(w io.Writer, fs []Finding) error {
	return csvTable(w, "findings", FindingsCSVHeader, len(fs), func(i int) []string {
		f := fs[i]
		var sts []string
		for _, s := range f.Statements {
			sts = append(sts, cite([]Statement{s}))
		}
		return []string{f.Severity, f.Type, f.Principal, f.Technique, strings.Join(f.Path, " -> "), strings.Join(sts, "; "), f.Explanation}
	})
}

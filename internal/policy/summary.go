package policy

import (
	"sort"
	"strings"

	"github.com/iamconsole/console/internal/awsdata"
)

// Summary is a policy summarised as AWS's console does: per effect, one row
// per service with the access levels its actions reach (each Full or
// Limited), the resources and the request conditions. Actions are counted
// against AWS's Service Authorization Reference (internal/awsdata), so a
// wildcard ("s3:Get*") or a NotAction shows what it really covers.
type Summary struct {
	Allow, Deny []ServiceSummary // by service name
	// Unrecognized lists actions as written that name no service or action
	// AWS defines (typos, or services newer than the snapshot).
	Unrecognized []string
}

// ServiceSummary is one service's row of a Summary.
type ServiceSummary struct {
	Prefix string // "s3"
	Name   string // "Amazon S3"
	// Levels are the access levels with at least one action, in AWS's order.
	Levels []LevelSummary
	// Resources are the resources as written ("*" for all); NotResource
	// means they are the exceptions.
	Resources   []string
	NotResource bool
	// Conditions are the request conditions, "Operator key: values".
	Conditions []string
}

// LevelSummary is how much of one access level of a service a policy covers.
type LevelSummary struct {
	Level   awsdata.AccessLevel
	Granted int      // actions of this level the policy names
	Total   int      // actions of this level the service has
	Actions []string // the names of the actions covered, as AWS spells them
}

// Full reports whether every action of the level is covered.
func (l LevelSummary) Full() bool { return l.Granted == l.Total }

// Access is AWS's one-line account of a row: "Full access", or the levels
// fully and partly covered ("Full: List, Read; Limited: Write").
func (s ServiceSummary) Access() string {
	var full, limited []string
	levels := 0
	for _, l := range s.Levels {
		if l.Full() {
			full = append(full, l.Level.String())
		} else {
			limited = append(limited, l.Level.String())
		}
	}
	if svc := awsdata.Services().Service(s.Prefix); svc != nil {
		levels = countLevels(svc)
	}
	if len(limited) == 0 && len(full) == levels {
		return "Full access"
	}
	var parts []string
	if len(full) > 0 {
		parts = append(parts, "Full: "+strings.Join(full, ", "))
	}
	if len(limited) > 0 {
		parts = append(parts, "Limited: "+strings.Join(limited, ", "))
	}
	return strings.Join(parts, "; ")
}

// Actions counts the actions the row covers.
func (s ServiceSummary) Actions() int {
	n := 0
	for _, l := range s.Levels {
		n += l.Granted
	}
	return n
}

func countLevels(svc *awsdata.Service) int {
	var seen [5]bool
	n := 0
	for i := range svc.Actions {
		if l := svc.Actions[i].Level; !seen[l] {
			seen[l] = true
			n++
		}
	}
	return n
}

// Summarize summarises a parsed document. Statements of the same effect add
// up per service: a row's resources and conditions are those of every
// statement that reaches the service.
func Summarize(d *Document) Summary {
	ref := awsdata.Services()
	type row struct {
		covered []bool // by index in the service's Actions
		sum     ServiceSummary
	}
	rows := map[Effect]map[string]*row{Allow: {}, Deny: {}}
	var out Summary
	for i := range d.Statements {
		st := &d.Statements[i]
		if st.Effect != Allow && st.Effect != Deny {
			continue
		}
		matched := statementActions(ref, st, &out.Unrecognized)
		for prefix, idx := range matched {
			r := rows[st.Effect][prefix]
			if r == nil {
				svc := ref.Service(prefix)
				r = &row{covered: make([]bool, len(svc.Actions)), sum: ServiceSummary{Prefix: prefix, Name: svc.Name}}
				rows[st.Effect][prefix] = r
			}
			for _, j := range idx {
				r.covered[j] = true
			}
			for _, res := range st.Resource {
				r.sum.Resources = appendNew(r.sum.Resources, res)
			}
			r.sum.NotResource = r.sum.NotResource || st.NotResource
			for _, c := range st.Condition {
				r.sum.Conditions = appendNew(r.sum.Conditions, c.Operator+" "+c.Key+": "+strings.Join(c.Values, ", "))
			}
		}
	}
	for _, eff := range []Effect{Allow, Deny} {
		var list []ServiceSummary
		for prefix, r := range rows[eff] {
			svc := ref.Service(prefix)
			var levels [5]LevelSummary
			for j := range svc.Actions {
				a := &svc.Actions[j]
				l := &levels[a.Level]
				l.Level = a.Level
				l.Total++
				if r.covered[j] {
					l.Granted++
					l.Actions = append(l.Actions, a.Name)
				}
			}
			for _, l := range levels {
				if l.Granted > 0 {
					r.sum.Levels = append(r.sum.Levels, l)
				}
			}
			list = append(list, r.sum)
		}
		sort.Slice(list, func(i, j int) bool { return strings.ToLower(list[i].Name) < strings.ToLower(list[j].Name) })
		if eff == Allow {
			out.Allow = list
		} else {
			out.Deny = list
		}
	}
	sort.Strings(out.Unrecognized)
	return out
}

// statementActions returns, per service prefix, the indexes of the service's
// actions the statement's Action (or, inverted, NotAction) covers, and adds
// the entries that cover nothing known to unrecognized.
func statementActions(ref *awsdata.Reference, st *Statement, unrecognized *[]string) map[string][]int {
	type pat struct {
		svc, name glob
		literal   string // the service prefix when it has no wildcard
	}
	pats := make([]pat, 0, len(st.Action))
	for _, a := range st.Action {
		svc, name, ok := strings.Cut(strings.ToLower(a), ":")
		if a == "*" {
			svc, name, ok = "*", "*", true
		}
		if !ok {
			continue
		}
		p := pat{svc: compileGlob(svc, true, false, false), name: compileGlob(name, true, false, false)}
		if !strings.ContainsAny(svc, "*?") {
			p.literal = svc
		}
		pats = append(pats, p)
		if msg, _ := checkActionKnown(a); msg != "" && !st.NotAction {
			*unrecognized = appendNew(*unrecognized, a)
		}
	}
	// Patterns by the service they name; those with a wildcard service
	// are tried against every service.
	byService := make(map[string][]pat)
	var anyService []pat
	for _, p := range pats {
		if p.literal != "" {
			byService[p.literal] = append(byService[p.literal], p)
		} else {
			anyService = append(anyService, p)
		}
	}
	out := make(map[string][]int)
	for _, prefix := range ref.Prefixes() {
		svcPats := byService[prefix]
		for _, p := range anyService {
			if p.svc.match(prefix, nil) {
				svcPats = append(svcPats, p)
			}
		}
		if len(svcPats) == 0 && !st.NotAction {
			continue
		}
		var idx []int
		for j, name := range ref.Service(prefix).LowerNames() {
			hit := false
			for _, p := range svcPats {
				if p.name.match(name, nil) {
					hit = true
					break
				}
			}
			if hit != st.NotAction {
				idx = append(idx, j)
			}
		}
		if len(idx) > 0 {
			out[prefix] = idx
		}
	}
	return out
}

func appendNew(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

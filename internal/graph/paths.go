package graph

import (
	"encoding/json"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/iamconsole/console/internal/policy"
)

// Hop is one step of a path told in words, read "FROM Verb TO": "alice —
// member of → developers", "developers — can assume → ops-admin",
// "ops-admin — has → AdministratorAccess". Statements are the ones that
// decide this step (none for a membership, which no statement grants).
// JSON field names are the `console paths` contract: every key is present
// in every hop.
type Hop struct {
	// From and To are the boxes either side of the verb, as the chain is
	// drawn: after "member of → developers" the user's next step starts
	// at developers, whose policy lets it. ARNs; To is a policy's ID for
	// "has" (OWNER#NAME for an inline policy).
	From, To  string
	ToName    string // To's short name: the policy's name, or the ARN's last part
	Verb      string // Edge.Verb of the relation
	Kind      EdgeKind
	Gain      Gain // an escalation's
	Technique string
	// Assumes is a prerequisite IAM data cannot show, taken to hold; Needs
	// what the request must carry (MFA, ExternalId, context keys).
	Assumes    string
	Needs      []string
	Statements []Statement
}

// Tell says a path in hops: a user acting through a group's policies is
// shown as a member of the group first ("alice — member of → developers —
// can assume → ops-admin"), and the statements that decide the final
// request, when they come from a policy, close it with "has → POLICY". The
// hops are made on demand: a page tells only the rows it shows.
func (g *Graph) Tell(p Path) []Hop {
	var out []Hop
	g.tell(p, func(h Hop) { out = append(out, h) })
	return out
}

// hopCount is len(Tell(p)) without making the hops, for ranking.
func (g *Graph) hopCount(p Path) int {
	n := 0
	g.tell(p, func(Hop) { n++ })
	return n
}

func (g *Graph) tell(p Path, emit func(Hop)) {
	if len(p.Path) == 0 {
		return
	}
	cur := p.Path[0]
	for i, e := range p.Steps {
		// The identity side of the step: the statements that let the actor
		// ask, which may be a group's.
		var sts []Statement
		for _, s := range e.Steps {
			sts = append(sts, s.Statements...)
		}
		if gr := g.viaGroup(cur, sts); gr != "" {
			emit(Hop{From: cur, To: gr, ToName: shortARN(gr), Verb: Edge{Kind: EdgeMemberOf}.Verb(), Kind: EdgeMemberOf})
			cur = gr
		}
		to := e.To
		if i+1 < len(p.Path) && g.aims(&e, p.Path[i+1]) {
			to = p.Path[i+1]
		}
		emit(Hop{From: cur, To: to, ToName: shortARN(to), Verb: e.Verb(), Kind: e.Kind, Gain: e.Gain, Technique: e.Technique,
			Assumes: e.Assumes, Needs: e.Needs, Statements: sts})
		cur = to
	}
	if n := len(p.Steps); n > 0 && rewrites(&p.Steps[n-1]) {
		return // full access by a rewrite: no policy holds it yet
	}
	pol, name := grantingPolicy(p.Statements)
	if pol == "" {
		return
	}
	if gr := g.viaGroup(cur, p.Statements); gr != "" {
		emit(Hop{From: cur, To: gr, ToName: shortARN(gr), Verb: Edge{Kind: EdgeMemberOf}.Verb(), Kind: EdgeMemberOf})
		cur = gr
	}
	kind := EdgeAttached
	if strings.Contains(pol, "#") {
		kind = EdgeInline
	}
	var own []Statement
	for _, s := range p.Statements {
		if s.Policy == pol {
			own = append(own, s)
		}
	}
	emit(Hop{From: cur, To: pol, ToName: name, Verb: Edge{Kind: kind}.Verb(), Kind: kind, Statements: own})
}

// rewrites reports whether an edge gives full access by rewriting
// permissions rather than by acting as someone who has it.
func rewrites(e *Edge) bool {
	return e.Kind == EdgeEscalation && (e.Gain == GainArbitrary || e.Gain == GainVersion)
}

// grantingPolicy is the first identity policy among the Allow statements:
// the one a principal "has" that decides the request.
func grantingPolicy(sts []Statement) (id, name string) {
	for _, s := range sts {
		if s.Effect != policy.Allow.String() || s.Layer != policy.LayerIdentity.String() {
			continue
		}
		name = s.PolicyName
		if name == "" {
			name = shortARN(s.Policy)
		}
		return s.Policy, name
	}
	return "", ""
}

// viaGroup is the group whose policies allow a user the statements'
// request, when none of the user's own do: the group it acts through. ""
// when arn is not a user, or its own policies take part.
func (g *Graph) viaGroup(arn string, sts []Statement) string {
	p := g.byARN[arn]
	if p == nil || p.user == nil || len(p.groups) == 0 {
		return ""
	}
	found := ""
	for _, s := range sts {
		if s.Effect != policy.Allow.String() || s.Layer != policy.LayerIdentity.String() {
			continue
		}
		if ownPolicy(p, s.Policy) {
			return ""
		}
		if found == "" {
			for _, gi := range p.groups {
				if groupPolicy(gi.src, s.Policy) {
					found = gi.src.ARN
					break
				}
			}
		}
	}
	return found
}

func ownPolicy(p *principal, id string) bool {
	if strings.HasPrefix(id, p.arn+"#") {
		return true
	}
	for _, a := range p.user.Attached {
		if a.ARN == id {
			return true
		}
	}
	return false
}

func groupPolicy(gr *Group, id string) bool {
	if strings.HasPrefix(id, gr.ARN+"#") {
		return true
	}
	for _, a := range gr.Attached {
		if a.ARN == id {
			return true
		}
	}
	return false
}

// RankedAdmin is one principal that can reach full access, with what its
// place in the ranking rests on.
type RankedAdmin struct {
	Admin
	// Hops is the length of the path told in words (Tell), "has →
	// POLICY" included.
	Hops int
	// Assumptions counts the steps that hold only if something IAM data
	// cannot show holds (Assumes), or that need what the request must
	// carry (Needs); an outside principal's own side counts as one.
	Assumptions int
	// Severity is the finding's: Critical for a hidden administrator,
	// Medium for one whose own policies allow everything.
	Severity string
}

// PathsToAdmin lists every principal that can reach full access (Admins),
// ranked: the shortest path first, then the fewest assumptions, then the
// most severe, then the account's own principals before those outside it,
// then by ARN. Only the ranking is computed here; Tell says the paths a
// page shows.
func (g *Graph) PathsToAdmin() []RankedAdmin {
	admins := g.Admins()
	out := make([]RankedAdmin, len(admins))
	for i, a := range admins {
		r := RankedAdmin{Admin: a, Hops: g.hopCount(a.Path), Severity: SeverityMedium}
		if a.Hidden {
			r.Severity = SeverityCritical
		}
		for _, e := range a.Path.Steps {
			if e.Assumes != "" || len(e.Needs) > 0 {
				r.Assumptions++
			}
		}
		if a.Path.Assumption != "" {
			r.Assumptions++
		}
		out[i] = r
	}
	sort.SliceStable(out, func(i, j int) bool { return rankLess(&out[i], &out[j]) })
	return out
}

// rankLess orders two ranked admins: shortest, fewest assumptions, most
// severe, own before outside, ARN.
func rankLess(a, b *RankedAdmin) bool {
	if a.Hops != b.Hops {
		return a.Hops < b.Hops
	}
	if a.Assumptions != b.Assumptions {
		return a.Assumptions < b.Assumptions
	}
	if severityRank[a.Severity] != severityRank[b.Severity] {
		return severityRank[a.Severity] < severityRank[b.Severity]
	}
	if (a.Path.External == "") != (b.Path.External == "") {
		return a.Path.External == ""
	}
	return a.Principal < b.Principal
}

// Assumption is one thing the listed paths take to hold that IAM data
// cannot show, said once with the principals whose paths rely on it.
type Assumption struct {
	Text       string
	Principals []string
}

// outsideAssumptions says once what the paths of each kind of outside
// principal rest on (assumption says it for one).
var outsideAssumptions = map[string]string{
	OutsideAccount:   "the other account allows it: its own policies are not visible",
	OutsidePrincipal: "the other account lets its principal do it: its own policies are not visible",
	OutsideAnyone:    "any AWS principal, if its own account allows it: its policies are not visible",
	OutsideFederated: "the identity provider signs the user in: the provider's users are not visible",
	OutsideService:   "the AWS service is configured to use the role: the service's configuration is not visible",
}

// Assumptions gathers, in first-seen order, what the given paths take to
// hold: each step's Assumes and Needs ("the request carries MFA") and, once
// per kind of outside principal, what its Assumption says, with the
// principals relying on each.
func Assumptions(paths []Path) []Assumption {
	var out []Assumption
	idx := map[string]int{}
	add := func(text, who string) {
		i, ok := idx[text]
		if !ok {
			i = len(out)
			idx[text] = i
			out = append(out, Assumption{Text: text})
		}
		if ps := out[i].Principals; len(ps) == 0 || ps[len(ps)-1] != who {
			out[i].Principals = append(out[i].Principals, who)
		}
	}
	for _, p := range paths {
		if p.Assumption != "" {
			// One line per kind of outsider, not per outsider: each row
			// keeps its own Assumption.
			text := outsideAssumptions[p.External]
			if text == "" {
				text = p.Assumption
			}
			add(text, p.Principal)
		}
		for _, e := range p.Steps {
			if e.Assumes != "" {
				add(e.Assumes, p.Principal)
			}
			for _, n := range e.Needs {
				add("the request carries "+n, p.Principal)
			}
		}
	}
	return out
}

// SayHops writes hops as one line: "alice — member of → developers — can
// assume → ops-admin — has → AdministratorAccess", short names throughout.
func SayHops(start string, hops []Hop) string {
	var b strings.Builder
	b.WriteString(shortARN(start))
	for _, h := range hops {
		b.WriteString(" — " + h.Verb + " → " + h.ToName)
	}
	return b.String()
}

// PathEntry is one path as `console paths` and the paths page give it:
// the principal, its rank's keys, the path said in words and hop by hop,
// and the Path underneath. JSON field names are the `console paths`
// contract: every key is present in every entry. Severity is "" and Hidden
// false for a path between two principals, which is not a finding.
type PathEntry struct {
	Principal   string
	Severity    string
	Hidden      bool
	Length      int // len(Hops)
	Assumptions int
	Said        string
	Hops        []Hop
	Path        Path
}

// MarshalJSON writes absent lists as [], as Path does.
func (e PathEntry) MarshalJSON() ([]byte, error) {
	type plain PathEntry
	q := plain(e)
	q.Hops = orEmpty(q.Hops)
	return json.Marshal(q)
}

// Entry tells a ranked admin's path: the words are made here, for the
// entries shown.
func (g *Graph) Entry(r RankedAdmin) PathEntry {
	hops := g.Tell(r.Path)
	return PathEntry{Principal: r.Principal, Severity: r.Severity, Hidden: r.Hidden, Length: len(hops),
		Assumptions: r.Assumptions, Said: SayHops(r.Principal, hops), Hops: hops, Path: r.Path}
}

// Between is the path from one principal to another (Paths), told; none
// when from cannot act as to.
func (g *Graph) Between(from, to string, ways int) []PathEntry {
	var out []PathEntry
	for _, p := range g.Ways(from, to, ways) {
		hops := g.Tell(p)
		n := 0
		for _, e := range p.Steps {
			if e.Assumes != "" || len(e.Needs) > 0 {
				n++
			}
		}
		if p.Assumption != "" {
			n++
		}
		out = append(out, PathEntry{Principal: p.Principal, Length: len(hops), Assumptions: n, Said: SayHops(p.Principal, hops), Hops: hops, Path: p})
	}
	return out
}

// Cite names a deciding statement for a reader: "AdministratorAccess v1
// (Sid) statement 0, line 3".
func Cite(s Statement) string {
	name := s.PolicyName
	if name == "" {
		name = shortARN(s.Policy)
	}
	if s.Version != "" {
		name += " " + s.Version
	}
	if s.Sid != "" {
		name += " (" + s.Sid + ")"
	}
	return name + " statement " + itoa(s.Index) + ", line " + strconv.Itoa(s.Line)
}

// PathsCSVHeader is the header row of WritePathsCSV.
var PathsCSVHeader = []string{"Rank", "Principal", "Severity", "Hidden", "Length", "Assumptions", "Path", "Techniques", "Deciding statements", "Assumes"}

// WritePathsCSV writes entries as CSV, one row each, numbered from first
// (the rank of the first entry): the path in words, the techniques along
// it, and every hop's deciding statements as "VERB TO: STATEMENT; …".
func WritePathsCSV(w io.Writer, entries []PathEntry, first int) error {
	return csvTable(w, "paths", PathsCSVHeader, len(entries), func(i int) []string {
		e := entries[i]
		var techs, sts, assumes []string
		for _, h := range e.Hops {
			if h.Technique != "" {
				techs = appendNew(techs, h.Technique)
			}
			for _, s := range h.Statements {
				sts = append(sts, h.Verb+" "+h.ToName+": "+Cite(s))
			}
			if h.Assumes != "" {
				assumes = appendNew(assumes, h.Assumes)
			}
			for _, n := range h.Needs {
				assumes = appendNew(assumes, "the request carries "+n)
			}
		}
		if e.Path.Assumption != "" {
			assumes = appendNew(assumes, e.Path.Assumption)
		}
		hidden := ""
		if e.Severity != "" {
			hidden = strconv.FormatBool(e.Hidden)
		}
		return []string{strconv.Itoa(first + i), e.Principal, e.Severity, hidden, strconv.Itoa(e.Length), strconv.Itoa(e.Assumptions),
			e.Said, strings.Join(techs, " "), strings.Join(sts, "; "), strings.Join(assumes, "; ")}
	})
}

// Via says in short how a path gets where it goes, for a list that has
// no room for the whole chain: "via group developers, via role ops-admin
// (assumed)"; "" when the principal's own policies decide ("directly").
// The closing "has → POLICY" is left out: the statements say it.
func Via(hops []Hop) string {
	var parts []string
	for _, h := range hops {
		kind := strings.SplitN(arnResourcePart(h.To), "/", 2)[0]
		switch {
		case h.Kind == EdgeMemberOf:
			parts = append(parts, "via group "+h.ToName)
		case h.Kind == EdgeCanAssume:
			parts = append(parts, "via role "+h.ToName+" (assumed)")
		case h.Gain == GainPrincipal:
			parts = append(parts, "via "+kind+" "+h.ToName+" (acting as it, "+h.Technique+")")
		case h.Gain == GainGroup:
			parts = append(parts, "via group "+h.ToName+" (joining it, "+h.Technique+")")
		case h.Gain == GainArbitrary:
			parts = append(parts, "by rewriting the permissions of "+h.ToName+" ("+h.Technique+")")
		case h.Gain == GainVersion:
			parts = append(parts, "by switching the version of "+h.ToName+" ("+h.Technique+")")
		case h.Kind == EdgeEscalation:
			parts = append(parts, "via "+h.Verb+" "+h.ToName+" ("+h.Technique+")")
		}
	}
	return strings.Join(parts, ", ")
}

// arnResourcePart is "user/alice" of an IAM ARN; other values as they are.
func arnResourcePart(arn string) string {
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 {
		return parts[5]
	}
	return arn
}

// WhoCanCSVHeader is the header row of WriteWhoCanCSV.
var WhoCanCSVHeader = []string{"Principal", "Outside", "Via", "Path", "Technique", "Needs", "Deciding statements", "Trust statements", "Assumption"}

// WriteWhoCanCSV writes who-can answers as CSV, one row each: how the
// principal gets there in short and in full, and the statements of every
// step, then those that decide the request.
func (g *Graph) WriteWhoCanCSV(w io.Writer, paths []Path) error {
	return csvTable(w, "who-can", WhoCanCSVHeader, len(paths), func(i int) []string {
		p := paths[i]
		hops := g.Tell(p)
		var sts, trust []string
		for _, h := range hops {
			if h.Kind == EdgeAttached || h.Kind == EdgeInline {
				continue // the request's own statements follow
			}
			for _, s := range h.Statements {
				sts = append(sts, h.Verb+" "+h.ToName+": "+Cite(s))
			}
		}
		for _, s := range p.Statements {
			sts = append(sts, "the request: "+Cite(s))
		}
		for _, s := range p.Trust {
			trust = append(trust, Cite(s))
		}
		return []string{p.Principal, p.External, Via(hops), SayHops(p.Principal, hops), p.Technique, strings.Join(p.Needs, " "),
			strings.Join(sts, "; "), strings.Join(trust, "; "), p.Assumption}
	})
}

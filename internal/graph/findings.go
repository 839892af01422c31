package graph

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/policy"
)

// Finding types. A new one goes in FindingTypes too, so the filters know it.
const (
	FindingPrivilegeEscalation = "PrivilegeEscalation"
	FindingHiddenAdmin         = "HiddenAdmin"
	FindingAdmin               = "Admin"
	FindingRootWithoutMFA      = "RootWithoutMFA"
	FindingRootAccessKey       = "RootAccessKey"
	FindingUserWithoutMFA      = "UserWithoutMFA"
	FindingStaleAccessKey      = "StaleAccessKey"
	FindingInactiveUser        = "InactiveUser"
	FindingPermissiveTrust     = "PermissiveTrust"
	FindingWildcardPolicy      = "WildcardPolicy"
	FindingUnusedRole          = "UnusedRole"
	FindingUnusedPolicy        = "UnusedPolicy"
	FindingTakeoverRing        = "TakeoverRing"
	// FindingGuardrailViolation is an account's own rule broken (issue
	// 14's guardrails): the console's account settings add these to the
	// graph's findings.
	FindingGuardrailViolation = "GuardrailViolation"
	// Unused access (issue 15): credentials and permissions nobody used
	// within the account's window, from the console's evidence of use.
	FindingUnusedAccessKey  = "UnusedAccessKey"
	FindingUnusedPassword   = "UnusedPassword"
	FindingUnusedPermission = "UnusedPermission"
)

// Severities, most severe first.
const (
	SeverityCritical = "Critical"
	SeverityHigh     = "High"
	SeverityMedium   = "Medium"
	SeverityLow      = "Low"
)

var severityRank = map[string]int{SeverityCritical: 0, SeverityHigh: 1, SeverityMedium: 2, SeverityLow: 3}

// Finding is one thing a reviewer should look at. Field names are the
// `console findings` JSON contract, and every key is in every entry (empty
// when it does not apply) so scripts can read them without checking:
//
//	{
//	  "Type":        "PrivilegeEscalation",  // a Finding… constant
//	  "Severity":    "High",                 // Critical, High, Medium, Low
//	  "Principal":   "arn:aws:iam::…:user/a", // the principal (or policy) concerned
//	  "Technique":   "iam-002",              // catalogue ID; "" but for escalations
//	  "Path":        ["arn…user/a", "arn…user/b"], // [] when there is no path
//	  "Statements":  [{"Policy", "PolicyName", "Version", "Sid", "Index",
//	                   "Effect", "Layer", "Line", "Column"}], // [] when no decision
//	  "Explanation": "…"
//	}
type Finding struct {
	Type      string
	Severity  string
	Principal string   // ARN of the principal (or policy) concerned
	Technique string   // catalogue ID, for escalations; "" otherwise
	Path      []string // ARNs from the principal to what it reaches
	// Statements are the statements the engine decided by (every step of
	// an escalation or a path to full access, the trust of a permissive
	// role); empty for findings that are not a decision (credentials, lint).
	Statements  []Statement
	Explanation string
}

// Stale is how long before keys, passwords and roles count as unused.
const Stale = 90 * 24 * time.Hour

// Findings lists the account's findings in a stable order (severity, type,
// principal, technique). now measures staleness; credential findings appear
// only when the account knows its credentials (not for AWS dumps).
func (g *Graph) Findings(now time.Time) []Finding {
	var out []Finding
	out = append(out, g.accessFindings()...)
	out = append(out, g.ringFindings()...)
	out = append(out, g.trustFindings()...)
	out = append(out, g.wildcardFindings()...)
	out = append(out, g.credentialFindings(now)...)
	out = append(out, g.unusedFindings(now)...)
	return finishFindings(out)
}

// accessFindings are the administrators, the hidden administrators and the
// escalations, principal by principal.
func (g *Graph) accessFindings() []Finding {
	var out []Finding
	add := func(f Finding) { out = append(out, f) }
	buf := &reachResult{}
	for _, p := range g.principals {
		if _, ok := g.admin[p.arn]; ok {
			add(Finding{Type: FindingAdmin, Severity: SeverityMedium, Principal: p.arn, Path: []string{p.arn},
				Statements: g.admin[p.arn][0].Statements, Explanation: "full access from its own policies: " + cite(g.admin[p.arn][0].Statements)})
			continue
		}
		adminPath, hidden := g.adminPathOf(g.adminRes[p.arn])
		// Whether a rewrite escalates depends on everyone p reaches: walked
		// only for the principals that have a rewrite.
		var rr *reachResult
		if len(g.modOut[p.arn]) > 0 {
			rr = g.walkInto(p, buf)
		}
		if hidden {
			add(Finding{Type: FindingHiddenAdmin, Severity: SeverityCritical, Principal: p.arn, Technique: adminPath.Technique,
				Path: adminPath.Path, Statements: pathStatements(adminPath), Explanation: "reaches full access only by escalation: " + g.narrate(adminPath)})
		}
		out = append(out, g.escalationFindings(p, rr, adminPath, hidden)...)
	}
	return out
}

// escalationFindings are p's escalations: one finding per technique it can
// use itself, naming the target that leads furthest. rr is p's walk (nil
// when p has no rewrite), adminPath its path to full access when hidden.
func (g *Graph) escalationFindings(p *principal, rr *reachResult, adminPath Path, hidden bool) []Finding {
	var out []Finding
	add := func(f Finding) { out = append(out, f) }
	byTech := map[string][]int{}
	var techs []string
	r := g.out[p.arn]
	for ei := int(r.start); ei < int(r.end); ei++ {
		e := &g.Edges[ei]
		if e.Kind != EdgeEscalation {
			continue
		}
		if e.Gain == GainArbitrary || e.Gain == GainVersion {
			// Rewriting permissions escalates only when the principal can act
			// as someone they apply to (itself included).
			if !g.affectsReachable(rr, e) || (e.Gain == GainVersion && !g.versionFull(e.To)) {
				continue
			}
		}
		if _, ok := byTech[e.Technique]; !ok {
			techs = append(techs, e.Technique)
		}
		byTech[e.Technique] = append(byTech[e.Technique], ei)
	}
	for _, t := range techs {
		add(g.escalationFinding(p, rr, byTech[t], adminPath, hidden))
	}
	return out
}

// escalationFinding is p's finding for one technique, whose edges (indexes
// into g.Edges) all use it: the target named is one that leads to full
// access where there is one, a set made concrete by one member.
func (g *Graph) escalationFinding(p *principal, rr *reachResult, edges []int, adminPath Path, hidden bool) Finding {
	best := edges[0]
	for _, ei := range edges { // prefer a target that leads to full access
		if g.leadsToAdmin(g.Edges[ei].To) {
			best = ei
			break
		}
	}
	e := g.Edges[best]
	if set := g.sets[e.To]; set != nil {
		// Name one member: one the rewrite reaches, else one that
		// leads to full access, else the first.
		others := len(set.members) - 1
		m := set.members[0]
		if m == p.arn {
			m = set.members[1]
		}
		if c := g.reachedAffected(rr, &e); e.Gain == GainArbitrary && c != nil {
			m = g.memberFor(&e, c.arn)
		} else {
			for _, x := range set.members {
				if x != p.arn && g.leadsToAdmin(x) {
					m = x
					break
				}
			}
		}
		if e.Gain != GainArbitrary && slices.Contains(set.members, p.arn) {
			others-- // itself, placed in the set to share it
		}
		edges = append(edges, make([]int, others)...)
		e = g.concrete(e, m)
	}
	sev := SeverityHigh
	tech := e.Technique
	if hidden && adminPath.Technique == tech {
		sev = SeverityCritical
	}
	if e.Gain == GainArbitrary && e.To != p.arn {
		if c := g.reachedAffected(rr, &e); c != nil && c.arn != p.arn {
			if id := compositeOf(e.Technique, g.lastTech(rr, hopOf(rr, c))); id != "" {
				tech = id
			}
		}
	}
	more := ""
	if len(edges) > 1 {
		more = fmt.Sprintf(" (and %d other targets)", len(edges)-1)
	}
	name := e.Label
	if t := techniqueByID(tech); t != nil {
		name = t.Name
	}
	expl := fmt.Sprintf("%s: %s %s%s; allowed by %s", name, shortARN(p.arn), describeGain(&e), more, citeSteps(e.Steps))
	if e.Assumes != "" {
		expl += "; assumes " + e.Assumes
	}
	if len(e.Needs) > 0 {
		expl += "; needs " + strings.Join(e.Needs, ", ")
	}
	return Finding{Type: FindingPrivilegeEscalation, Severity: sev, Principal: p.arn, Technique: tech, Path: []string{p.arn, e.To},
		Statements: stepStatements(nil, e.Steps), Explanation: expl}
}

// trustFindings are the trust policies open to anyone, to other accounts
// or to their principals without conditions.
func (g *Graph) trustFindings() []Finding {
	var out []Finding
	add := func(f Finding) { out = append(out, f) }
	for _, r := range g.principals {
		if r.kind != KindRole || g.trustDocs[r.arn] == nil {
			continue
		}
		for _, f := range g.permissiveTrust(r) {
			add(f)
		}
		for _, f := range g.federatedTrust(r) {
			add(f)
		}
	}

	return out
}

// wildcardFindings are the customer policies, managed and inline, that
// grant everything or pass any role.
func (g *Graph) wildcardFindings() []Finding {
	var out []Finding
	add := func(f Finding) { out = append(out, f) }
	for _, mp := range sortedManaged(g) {
		if mp.src.AWSManaged() || mp.doc == nil {
			continue
		}
		if f, ok := wildcard(mp.src.ARN, mp.doc); ok {
			add(f)
		}
	}
	for _, p := range g.principals {
		for _, ip := range p.inline {
			id := p.arn + "#" + ip.name
			var f Finding
			var ok bool
			if ip.doc != nil {
				f, ok = wildcard(id, ip.doc)
			} else { // dropped once built: its lint was kept
				if r := g.parsed[parseKey{p.arn, policy.PolicyRef{ID: id, Name: ip.name}, policy.Identity}]; r.note != nil && r.note.wild != nil {
					f, ok = *r.note.wild, true
				}
			}
			if ok {
				f.Principal = p.arn
				f.Explanation = "inline policy " + ip.name + ": " + f.Explanation
				add(f)
			}
		}
	}

	return out
}

// credentialFindings are about the root user and the users' credentials:
// MFA, access keys, activity (only where the account knows them).
func (g *Graph) credentialFindings(now time.Time) []Finding {
	var out []Finding
	add := func(f Finding) { out = append(out, f) }
	a := g.acct
	if a.Root != nil {
		root := "arn:aws:iam::" + a.ID + ":root"
		if !a.Root.MFAEnabled {
			add(Finding{Type: FindingRootWithoutMFA, Severity: SeverityCritical, Principal: root, Explanation: "the root user has no MFA device"})
		}
		if a.Root.AccessKeys > 0 {
			add(Finding{Type: FindingRootAccessKey, Severity: SeverityCritical, Principal: root, Explanation: fmt.Sprintf("the root user has %d active access keys", a.Root.AccessKeys)})
		}
	}
	if a.CredentialsKnown {
		for _, u := range a.Users {
			if u.LoginProfile != nil && len(u.MFADevices) == 0 {
				add(Finding{Type: FindingUserWithoutMFA, Severity: SeverityHigh, Principal: u.ARN, Explanation: "console password and no MFA device"})
			}
			last := u.PasswordLastUsed
			for _, k := range u.AccessKeys {
				if k.Status != "Active" {
					continue
				}
				if k.LastUsed.After(last) {
					last = k.LastUsed
				}
				switch {
				case k.LastUsed.IsZero() && now.Sub(k.CreateDate) >= Stale:
					add(Finding{Type: FindingStaleAccessKey, Severity: SeverityMedium, Principal: u.ARN, Explanation: "access key " + k.ID + " never used in " + days(now.Sub(k.CreateDate))})
				case !k.LastUsed.IsZero() && now.Sub(k.LastUsed) >= Stale:
					add(Finding{Type: FindingStaleAccessKey, Severity: SeverityMedium, Principal: u.ARN, Explanation: "access key " + k.ID + " unused for " + days(now.Sub(k.LastUsed))})
				case now.Sub(k.CreateDate) >= Stale:
					add(Finding{Type: FindingStaleAccessKey, Severity: SeverityLow, Principal: u.ARN, Explanation: "access key " + k.ID + " not rotated for " + days(now.Sub(k.CreateDate))})
				}
			}
			if (u.LoginProfile != nil || len(u.AccessKeys) > 0) && now.Sub(u.CreateDate) >= Stale && (last.IsZero() || now.Sub(last) >= Stale) {
				add(Finding{Type: FindingInactiveUser, Severity: SeverityLow, Principal: u.ARN, Explanation: "no sign-in or key use for 90 days or more"})
			}
		}
	}
	return out
}

// unusedFindings are the roles and customer policies nobody uses.
func (g *Graph) unusedFindings(now time.Time) []Finding {
	var out []Finding
	add := func(f Finding) { out = append(out, f) }
	a := g.acct
	for _, r := range a.Roles {
		if strings.HasPrefix(r.Path, "/aws-service-role/") {
			continue
		}
		if now.Sub(r.CreateDate) >= Stale && (r.LastUsed.IsZero() || now.Sub(r.LastUsed) >= Stale) {
			when := "never used"
			if !r.LastUsed.IsZero() {
				when = "last used " + days(now.Sub(r.LastUsed)) + " ago"
			}
			add(Finding{Type: FindingUnusedRole, Severity: SeverityLow, Principal: r.ARN, Explanation: when})
		}
	}
	for _, p := range a.Policies {
		if !p.AWSManaged() && p.AttachmentCount == 0 && p.BoundaryUsageCount == 0 && len(g.affects[p.ARN]) == 0 {
			add(Finding{Type: FindingUnusedPolicy, Severity: SeverityLow, Principal: p.ARN, Explanation: "attached to nothing"})
		}
	}
	return out
}

// SortFindings puts findings made elsewhere among a graph's (the
// console's guardrail violations) in the graph's order, with the same
// JSON contract.
func SortFindings(fs []Finding) []Finding { return finishFindings(fs) }

// finishFindings keeps the JSON contract ([] rather than null) and sorts in
// the stable order: severity, type, principal, technique.
func finishFindings(out []Finding) []Finding {
	for i := range out { // the JSON contract: [] rather than null
		if out[i].Path == nil {
			out[i].Path = []string{}
		}
		if out[i].Statements == nil {
			out[i].Statements = []Statement{}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if severityRank[a.Severity] != severityRank[b.Severity] {
			return severityRank[a.Severity] < severityRank[b.Severity]
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Principal != b.Principal {
			return a.Principal < b.Principal
		}
		return a.Technique < b.Technique
	})
	return out
}

func sortedManaged(g *Graph) []*managedPolicy {
	out := make([]*managedPolicy, 0, len(g.managed))
	for _, mp := range g.managed {
		out = append(out, mp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].src.ARN < out[j].src.ARN })
	return out
}

func days(d time.Duration) string { return fmt.Sprintf("%d days", int(d.Hours()/24)) }

// leadsToAdmin: the target is an administrator or reaches full access.
func (g *Graph) leadsToAdmin(arn string) bool {
	if s := g.sets[arn]; s != nil {
		for _, m := range s.members {
			if g.leadsToAdmin(m) {
				return true
			}
		}
		return false
	}
	if _, ok := g.admin[arn]; ok {
		return true
	}
	if rr := g.adminRes[arn]; rr != nil && rr.admin != nil {
		return true
	}
	return false
}

func (g *Graph) affectsReachable(rr *reachResult, e *Edge) bool {
	return g.reachedAffected(rr, e) != nil
}

func (g *Graph) reachedAffected(rr *reachResult, e *Edge) *principal {
	for _, c := range g.affects[e.To] {
		if _, ok := rr.find(c); ok {
			return c
		}
	}
	return nil
}

// permissiveTrust flags the outsiders of other accounts (a whole account,
// one of its principals, "*") that the trust admits with nothing asked of
// them. It reads their can-assume edges rather than asking again, so the
// finding and the graph cannot disagree: assumeEdges asks the engine under the
// plain context first and only then with MFA or the ExternalId the trust
// expects, so an edge without Needs is one that no sts:ExternalId, MFA or
// other condition holds back. Services and identity providers are left out:
// a service brings no caller of its own, and a provider's users are not
// another account's principals.
func (g *Graph) permissiveTrust(r *principal) []Finding {
	var out []Finding
	for _, x := range g.candidates(g.trustDocs[r.arn]).external {
		e := g.canAssume(x, r.arn)
		if e == nil || len(e.Needs) > 0 {
			continue // no way in, or conditions (ExternalId, MFA, org, source) hold it back
		}
		var sev, who string
		switch outsideKind(x) {
		case OutsideAnyone:
			sev, who = SeverityCritical, "any AWS principal (*)"
		case OutsideAccount:
			// Trusting the root delegates the choice to every administrator
			// of that account, present and future.
			sev, who = SeverityHigh, "account "+arnAccount(x)
		default:
			// A named principal admits only its own sessions: narrower than
			// the whole account, though still whoever that account lets
			// become it, which this account can neither see nor limit.
			sev, who = SeverityMedium, arnResource(x)+" of account "+arnAccount(x)
		}
		trust := resourceLayer(e.Steps[0].Statements)
		out = append(out, Finding{Type: FindingPermissiveTrust, Severity: sev, Principal: r.arn, Path: []string{x, r.arn}, Statements: trust,
			Explanation: "trust lets " + who + " assume the role without sts:ExternalId or MFA conditions: " + cite(trust)})
	}
	return out
}

// canAssume is the can-assume edge from one node to another, or nil.
func (g *Graph) canAssume(from, to string) *Edge {
	r := g.out[from]
	for i := int(r.start); i < int(r.end); i++ {
		if e := &g.Edges[i]; e.Kind == EdgeCanAssume && e.To == to {
			return e
		}
	}
	return nil
}

// wildcard flags Allow statements with Action "*" on Resource "*" or
// iam:PassRole on "*", read from the document as written (a lint of the
// policy, not a decision about anyone).
func wildcard(id string, doc *policy.Document) (Finding, bool) {
	var why []string
	for i, st := range doc.Statements {
		if st.Effect != policy.Allow || st.NotAction || st.NotResource || len(st.Condition) > 0 {
			continue
		}
		star := false
		for _, r := range st.Resource {
			star = star || r == "*"
		}
		if !star {
			continue
		}
		for _, a := range st.Action {
			switch {
			case a == "*":
				why = append(why, fmt.Sprintf("statement %d allows \"*\" on \"*\"", i))
			case strings.EqualFold(a, "iam:PassRole") || strings.EqualFold(a, "iam:*") || strings.EqualFold(a, "iam:Pass*"):
				why = append(why, fmt.Sprintf("statement %d allows %s on \"*\" (any role)", i, a))
			}
		}
	}
	if len(why) == 0 {
		return Finding{}, false
	}
	return Finding{Type: FindingWildcardPolicy, Severity: SeverityMedium, Principal: id, Explanation: strings.Join(why, "; ")}, true
}

func shortARN(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

func cite(sts []Statement) string {
	var parts []string
	for _, s := range sts {
		x := s.PolicyName
		if x == "" {
			x = s.Policy
		}
		if s.Version != "" {
			x += " " + s.Version
		}
		x += fmt.Sprintf(" statement %d", s.Index)
		if s.Sid != "" {
			x += " (" + s.Sid + ")"
		}
		parts = append(parts, x)
	}
	if len(parts) == 0 {
		return "no statement"
	}
	return strings.Join(parts, ", ")
}

// stepStatements appends the statements of steps to out, each statement
// once (a policy's statement can decide several steps).
func stepStatements(out []Statement, steps []Step) []Statement {
	for _, st := range steps {
		for _, s := range st.Statements {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// pathStatements are the deciding statements of every step of a path, then
// those that give its end full access.
func pathStatements(p Path) []Statement {
	var out []Statement
	for _, e := range p.Steps {
		out = stepStatements(out, e.Steps)
	}
	for _, s := range p.Statements {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func citeSteps(steps []Step) string {
	var parts []string
	for _, s := range steps {
		parts = append(parts, s.Action+" on "+s.Resource+" by "+cite(s.Statements))
	}
	return strings.Join(parts, "; ")
}

// narrate tells a path in words.
func (g *Graph) narrate(p Path) string {
	var parts []string
	for _, e := range p.Steps {
		switch e.Kind {
		case EdgeCanAssume:
			parts = append(parts, shortARN(e.From)+" assumes "+shortARN(e.To))
		default:
			parts = append(parts, shortARN(e.From)+" "+describeGain(&e)+" ("+e.Technique+")")
		}
	}
	last := p.Path[len(p.Path)-1]
	if _, ok := g.admin[last]; ok {
		parts = append(parts, shortARN(last)+" has full access")
	}
	return strings.Join(parts, ", then ")
}

// resourceLayer keeps the statements of the trust (resource) policy.
func resourceLayer(sts []Statement) []Statement {
	var out []Statement
	for _, s := range sts {
		if s.Layer == policy.LayerResource.String() {
			out = append(out, s)
		}
	}
	return out
}

func hopOf(rr *reachResult, c *principal) int {
	i, _ := rr.find(c)
	return i
}

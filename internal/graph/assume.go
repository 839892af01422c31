package graph

import (
	"slices"
	"sort"
	"strings"

	"github.com/iamconsole/console/internal/policy"
)

// allowAll stands for the unknown policies of a principal in another account:
// the trust policy is what this account controls, so an edge from an external
// account says "this account lets them in; theirs decides the rest".
var allowAll = policy.MustCompile(policy.PolicyRef{ID: "external", Name: "policies of the other account (unknown)"},
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole*","Resource":"*"}]}`, policy.Identity)

// trustCandidates reads a trust policy's Principal elements to find who could
// possibly match: the engine still decides every candidate. all is true when
// the trust names the account, "*", a wildcard or uses NotPrincipal.
type trustCandidates struct {
	all       bool
	star      bool                // "*" or NotPrincipal: may admit a principal without its own permission
	arns      map[string][]string // principal ARN -> session names the trust names ("" = any)
	services  []string
	external  []string // external account root ARNs, principal ARNs of other accounts, "*"
	federated []string
	extIDs    []string // sts:ExternalId values the conditions compare with
}

func (g *Graph) candidates(doc *policy.Document) trustCandidates {
	c := trustCandidates{arns: map[string][]string{}}
	seen := map[string]bool{}
	ext := func(id string) {
		if !seen[id] {
			seen[id] = true
			c.external = append(c.external, id)
		}
	}
	acct := g.acct.ID
	for _, st := range doc.Statements {
		if st.Effect != policy.Allow {
			continue
		}
		for _, cd := range st.Condition {
			if strings.EqualFold(cd.Key, "sts:ExternalId") {
				c.extIDs = append(c.extIDs, cd.Values...)
			}
		}
		if st.NotPrincipal {
			c.all, c.star = true, true
			ext("*")
			continue
		}
		for _, pe := range st.Principal {
			v := pe.Value
			switch pe.Type {
			case "*":
				c.all, c.star = true, true
				ext("*")
			case "Service":
				c.services = append(c.services, v)
			case "Federated":
				c.federated = append(c.federated, v)
			case "AWS":
				switch {
				case v == "*":
					c.all, c.star = true, true
					ext("*")
				case strings.ContainsAny(v, "*?"):
					c.all, c.star = true, true
				case g.byARN[v] != nil:
					c.arns[v] = append(c.arns[v], "") // a principal of the snapshot, whatever its account
				case !strings.HasPrefix(v, "arn:"):
					// A unique ID (AIDA..., AROA...): AWS writes one in place of
					// the ARN of a deleted principal, which nobody can become.
				case arnAccount(v) != acct:
					// Another account, or a named user, role or session of one:
					// each its own node, since a trust naming a principal admits
					// it and not the rest of its account.
					ext(v)
				case strings.HasSuffix(v, ":root"):
					c.all = true
				case strings.HasPrefix(v, "arn:aws:sts::"):
					// arn:aws:sts::ACCT:assumed-role/ROLE/SESSION: a session of ROLE.
					parts := strings.SplitN(v[strings.Index(v, ":assumed-role/")+len(":assumed-role/"):], "/", 2)
					if len(parts) == 2 {
						for _, p := range g.principals {
							if p.kind == KindRole && p.name == parts[0] {
								c.arns[p.arn] = append(c.arns[p.arn], parts[1])
							}
						}
					}
				default:
					c.arns[v] = append(c.arns[v], "")
				}
			}
		}
	}
	return c
}

// assumeCtx is one context variant an assumption is asked under, and what
// an edge that holds only under it needs.
type assumeCtx struct {
	keys  map[string][]string
	needs []string
}

// assumeContexts are the context variants tried, in order: plain, with MFA,
// with the ExternalId the trust expects, with both.
func assumeContexts(extIDs []string) []assumeCtx {
	out := []assumeCtx{{nil, nil}, {mfaKeys, []string{"MFA"}}}
	if len(extIDs) > 0 {
		e := map[string][]string{"sts:ExternalId": {extIDs[0]}}
		both := map[string][]string{"sts:ExternalId": {extIDs[0]}}
		for k, v := range mfaKeys {
			both[k] = v
		}
		out = append(out, assumeCtx{e, []string{"ExternalId"}}, assumeCtx{both, []string{"ExternalId", "MFA"}})
	}
	return out
}

// assumeEdges adds a can-assume edge wherever the engine, given the role's
// trust policy as the resource policy and the principal's own policies, allows
// sts:AssumeRole in one evaluation.
func (g *Graph) assumeEdges() {
	open := g.openTrusts()
	if g.upd != nil {
		g.copyAssume()
	}
	for _, r := range g.principals {
		if r.kind != KindRole {
			continue
		}
		trust, doc := g.trusts[r.arn], g.trustDocs[r.arn]
		if trust == nil {
			continue
		}
		c := g.candidates(doc)
		ctxs := assumeContexts(c.extIDs)
		cands := g.principals
		if open[r] {
			cands = nil // asked class by class (openAssumeEdges)
		} else if g.upd != nil && g.unchanged(r.arn) != nil && !g.upd.texts[r.role.Trust] {
			cands = g.upd.changedPrincipals(g) // the rest are copied (copyAssume)
		} else if !c.all {
			// Only the principals the trust names can match it.
			cands = nil
			for a := range c.arns {
				if p := g.byARN[a]; p != nil {
					cands = append(cands, p)
				}
			}
			sort.Slice(cands, func(i, j int) bool { return cands[i].arn < cands[j].arn })
		}
		for _, p := range cands {
			if p == r || g.stopped() {
				continue
			}
			sessions, named := c.arns[p.arn]
			if !named {
				// Trusting the account delegates to the principal's own policies:
				// without any statement naming sts:AssumeRole they cannot allow.
				if !c.star && !p.mask.may("sts:AssumeRole") {
					continue
				}
				sessions = []string{""}
			}
			if e, ok := g.tryAssume(p, r, trust, sessions, ctxs); ok {
				g.addEdge(e)
			}
		}
		for _, s := range uniq(c.services) {
			g.addNode(Node{ID: s, Kind: KindService, Name: s})
			// A service carries neither MFA nor an ExternalId.
			g.outsideEdge(g.outsider(s, OutsideService), r, trust, doc, ctxs[:1])
		}
		for _, x := range c.external {
			g.addNode(Node{ID: x, Kind: KindExternal, Name: externalName(x)})
			g.outsideEdge(g.outsider(x, outsideKind(x)), r, trust, doc, ctxs)
		}
		for _, f := range uniq(c.federated) {
			g.addNode(Node{ID: f, Kind: KindExternal, Name: externalName(f)})
			action := "sts:AssumeRoleWithWebIdentity"
			if strings.Contains(f, ":saml-provider/") {
				action = "sts:AssumeRoleWithSAML"
			}
			fp := g.outsider(f, OutsideFederated)
			in := policy.Inputs{Resource: trust}
			d := policy.Evaluate(&in, &policy.Request{Principal: fp.req, Action: action, Resource: r.arn, Context: g.context(nil), Time: g.now})
			if d.Allowed() || (d.ResourceAllowed || len(d.Missing) > 0) && d.Outcome != policy.ExplicitDeny {
				e := Edge{From: f, To: r.arn, Kind: EdgeCanAssume, Technique: "sts-001", Label: action,
					Steps:   []Step{{Action: action, Resource: r.arn, Statements: trustStatements(d.Deciding(), r)}},
					Assumes: federatedWho(f, doc)}
				if !d.Allowed() {
					e.Needs = append([]string(nil), d.Missing...)
				}
				if len(e.Steps[0].Statements) == 0 {
					// The engine explains only what it allows; cite the
					// statement that lets the provider in.
					if st, _, ok := g.admittingStatement(fp, r, doc, action, assumeContexts(nil)[:1]); ok {
						e.Steps[0].Statements = []Statement{st}
					}
				}
				g.addEdge(e)
			}
		}
	}
}

// openTrusts finds the roles whose trust delegates to the account's own
// principals (it names the account or "*", no one by name, and no Resource)
// with the same text as at least one other: every principal is a candidate
// for each, and asking the engine per principal and role would cost the
// square of the account. Each such group is asked class by class
// (classes.go) and the roles it holds are marked.
func (g *Graph) openTrusts() map[*principal]bool {
	byText := map[string][]*principal{}
	var texts []string
	for _, r := range g.principals {
		doc := g.trustDocs[r.arn]
		if r.kind != KindRole || doc == nil {
			continue
		}
		if _, ok := byText[r.role.Trust]; !ok {
			texts = append(texts, r.role.Trust)
		}
		byText[r.role.Trust] = append(byText[r.role.Trust], r)
	}
	open := map[*principal]bool{}
	for _, text := range texts {
		roles := byText[text]
		if len(roles) < 2 {
			continue
		}
		doc := g.trustDocs[roles[0].arn]
		c := g.candidates(doc)
		if !c.all || len(c.arns) > 0 || hasResource(doc) {
			continue
		}
		for _, r := range roles {
			open[r] = true
		}
		if g.upd != nil && !g.upd.texts[text] {
			g.openAssumeEdges(roles, c, g.upd.changedPrincipals(g)) // the rest are copied
			continue
		}
		g.openAssumeEdges(roles, c, g.principals)
	}
	return open
}

func hasResource(doc *policy.Document) bool {
	for _, st := range doc.Statements {
		if st.HasResource {
			return true
		}
	}
	return false
}

// openAssumeEdges adds the can-assume edges into roles that share one open
// trust: per principal, one question per class of roles alike to its
// policies; a class of more than setMin roles becomes one edge to a set.
func (g *Graph) openAssumeEdges(roles []*principal, c trustCandidates, sources []*principal) {
	ctxs := assumeContexts(c.extIDs)
	arns := make([]string, len(roles))
	for i, r := range roles {
		arns[i] = r.arn
	}
	for _, p := range sources {
		if g.stopped() || !c.star && !p.mask.may("sts:AssumeRole") {
			continue
		}
		self := slices.Index(roles, p)
		cls := g.classesOf(p, []string{"sts:AssumeRole"}, arns, nil, nil, -1)
		for c := range cls.classes {
			cl := cls.members(c)
			members := make([]*principal, 0, len(cl))
			for _, i := range cl {
				if roles[i] != p {
					members = append(members, roles[i])
				}
			}
			if len(members) == 0 {
				continue
			}
			e, ok := g.tryAssume(p, members[0], g.trusts[members[0].arn], []string{""}, ctxs)
			if !ok {
				continue
			}
			if len(members) <= g.setMin {
				g.addEdge(e)
				for _, r := range members[1:] {
					if e, ok := g.tryAssume(p, r, g.trusts[r.arn], []string{""}, ctxs); ok {
						g.addEdge(e)
					}
				}
				continue
			}
			var others []int // the class without p, p placed back by setMembers
			for _, i := range cl {
				if i != self {
					others = append(others, i)
				}
			}
			g.setEdge(e, setMembers(arns, others, self, p.arn))
		}
	}
}

// assumeOn is p's can-assume edge into role r, asked again (an edge to a
// set made concrete).
func (g *Graph) assumeOn(p, r *principal) (Edge, bool) {
	trust, doc := g.trusts[r.arn], g.trustDocs[r.arn]
	if trust == nil {
		return Edge{}, false
	}
	c := g.candidates(doc)
	return g.tryAssume(p, r, trust, []string{""}, assumeContexts(c.extIDs))
}

// tryAssume evaluates p assuming r under each session name and context
// variant; the first that the engine allows makes the edge.
func (g *Graph) tryAssume(p, r *principal, trust *policy.Policy, sessions []string, ctxs []assumeCtx) (Edge, bool) {
	for _, cx := range ctxs {
		for _, s := range sessions {
			req := p.req
			if s != "" && p.kind == KindRole {
				req.ARN = "arn:aws:sts::" + p.req.Account + ":assumed-role/" + p.name + "/" + s
				req.ID = p.role.ID + ":" + s
			}
			in := p.in
			in.Resource = trust
			if ra := arnAccount(r.arn); in.ResourceAccount == "" && ra != p.req.Account {
				in.ResourceAccount = ra
			}
			rq := &policy.Request{Principal: req, Action: "sts:AssumeRole", Resource: r.arn, Context: g.context(cx.keys), Time: g.now}
			if policy.Decide(&in, rq) != policy.Allowed {
				continue // the fast answer first; explain only what is allowed
			}
			d := policy.Evaluate(&in, rq)
			if d.Allowed() {
				return Edge{From: p.arn, To: r.arn, Kind: EdgeCanAssume, Technique: "sts-001", Needs: cx.needs,
					Steps: []Step{{Action: "sts:AssumeRole", Resource: r.arn, Statements: trustStatements(d.Deciding(), r)}}}, true
			}
		}
	}
	return Edge{}, false
}

func externalName(id string) string {
	switch {
	case id == "*":
		return "anyone (*)"
	case strings.HasSuffix(id, ":root"):
		return "account " + arnAccount(id)
	case strings.HasPrefix(id, "arn:") && !strings.Contains(id, "-provider/"):
		return shortARN(id) + " (account " + arnAccount(id) + ")"
	default:
		return id[strings.LastIndex(id, "/")+1:]
	}
}

// otherAccount is an account ID that is not acct, standing for "any account".
func otherAccount(acct string) string {
	if acct == "999999999999" {
		return "999999999998"
	}
	return "999999999999"
}

func uniq(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

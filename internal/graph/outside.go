package graph

import (
	"slices"
	"sort"
	"strings"

	"github.com/iamconsole/console/internal/policy"
)

// Outside kinds: who, beyond the account's own users and roles, a trust
// policy lets in. Their own side (the other account's policies, the identity
// provider's users, the service's configuration) is not in the snapshot, so
// every answer about them holds only on an assumption (Path.Assumption).
const (
	OutsideAccount   = "account"   // another account's root: any principal its administrators allow
	OutsidePrincipal = "principal" // a named user, role or session of another account
	OutsideAnyone    = "anyone"    // "*" or NotPrincipal: any AWS principal of any account
	OutsideFederated = "federated" // the users of a SAML or OIDC identity provider
	OutsideService   = "service"   // an AWS service principal, such as ec2.amazonaws.com
)

func outsideKind(id string) string {
	switch {
	case id == "*":
		return OutsideAnyone
	case strings.HasSuffix(id, ":root"):
		return OutsideAccount
	}
	return OutsidePrincipal
}

// outsider is the principal standing for an outside node, made once per node:
// walks start from it and can-assume edges are asked for it. Principals of
// other accounts get allowAll as identity policies, because the trust is the
// part this account controls and theirs is not visible.
func (g *Graph) outsider(id, kind string) *principal {
	if p := g.outsiders[id]; p != nil {
		return p
	}
	p := &principal{arn: id, name: id, kind: KindExternal, outside: kind}
	switch kind {
	case OutsideService:
		p.kind = KindService
		p.req = policy.Principal{ARN: id, Type: policy.PrincipalService}
	case OutsideFederated:
		p.req = policy.Principal{ARN: id, Type: policy.PrincipalFederated}
	default:
		acct := arnAccount(id)
		if id == "*" {
			acct = otherAccount(g.acct.ID)
		}
		p.req = policy.Principal{ARN: "arn:aws:iam::" + acct + ":root", Account: acct, Type: policy.PrincipalAccount}
		if kind == OutsidePrincipal {
			p.req = externalRequester(id, acct)
		}
		p.in = policy.Inputs{Identity: []*policy.Policy{allowAll}, ResourceAccount: g.acct.ID}
	}
	g.outsiders[id] = p
	g.outside = append(g.outside, p)
	return p
}

// externalRequester is who makes the request when a trust names a principal
// of another account: the user itself, or a session of the role (a trust
// naming a role admits its sessions).
func externalRequester(id, acct string) policy.Principal {
	res := arnResource(id)
	switch {
	case strings.HasPrefix(res, "role/"):
		return policy.Principal{ARN: "arn:aws:sts::" + acct + ":assumed-role/" + shortARN(id) + "/graph", Account: acct,
			Type: policy.PrincipalRole, RoleARN: id}
	case strings.HasPrefix(res, "user/"):
		return policy.Principal{ARN: id, Account: acct, Type: policy.PrincipalUser, Name: shortARN(id)}
	}
	// assumed-role and federated-user sessions: the engine derives the rest.
	return policy.Principal{ARN: id, Account: acct}
}

// outsideEdge adds the can-assume edge from an outside principal to r: the
// engine allows it under one of the context variants, or (conditionalAssume)
// the trust admits it on context keys the graph cannot supply.
func (g *Graph) outsideEdge(p, r *principal, trust *policy.Policy, doc *policy.Document, ctxs []assumeCtx) {
	if e, ok := g.tryAssume(p, r, trust, []string{""}, ctxs); ok {
		g.addEdge(e)
		return
	}
	if e, ok := g.conditionalAssume(p, r, trust, doc, ctxs); ok {
		g.addEdge(e)
	}
}

// conditionalAssume is the edge of an outside principal that the trust lets
// in only on keys nobody here can supply (aws:SourceAccount for a service,
// aws:PrincipalOrgID for another account): an Allow statement admits it once
// those keys hold, and the whole trust has no Deny for it under the variant
// the statement needs. The edge Needs the keys, as federated edges do.
func (g *Graph) conditionalAssume(p, r *principal, trust *policy.Policy, doc *policy.Document, ctxs []assumeCtx) (Edge, bool) {
	st, needs, ok := g.admittingStatement(p, r, doc, "sts:AssumeRole", ctxs)
	if !ok || len(needs) == 0 {
		return Edge{}, false
	}
	cx := ctxs[0]
	for _, c := range ctxs {
		if sameSet(c.needs, labelsOf(needs)) {
			cx = c
		}
	}
	in := p.in
	in.Resource = trust
	rq := &policy.Request{Principal: p.req, Action: "sts:AssumeRole", Resource: r.arn, Context: g.context(cx.keys), Time: g.now}
	if policy.Decide(&in, rq) == policy.ExplicitDeny {
		return Edge{}, false
	}
	sts := []Statement{st}
	if len(p.in.Identity) > 0 {
		// The stand-in for the other account's policies, as allowed edges cite it.
		d := policy.Evaluate(&policy.Inputs{Identity: p.in.Identity}, rq)
		sts = append(statements(d.Deciding()), st)
	}
	return Edge{From: p.arn, To: r.arn, Kind: EdgeCanAssume, Technique: "sts-001", Needs: needs,
		Steps: []Step{{Action: "sts:AssumeRole", Resource: r.arn, Statements: sts}}}, true
}

// admittingStatement finds the first Allow statement of a trust that admits p
// for action, asking the engine about the statement alone (principal and
// action) and then about each of its conditions alone: a condition holds
// plainly, under a context variant (its needs), or for want of keys the
// request lacks (the keys are needed); any other failure rules the statement
// out. The engine records only statements whose conditions all hold, so this
// is how a statement that needs unknown keys is named at all.
func (g *Graph) admittingStatement(p, r *principal, doc *policy.Document, action string, ctxs []assumeCtx) (Statement, []string, bool) {
	ref := policy.PolicyRef{ID: r.arn + "#trust", Name: "trust policy"}
	admits := func(st policy.Statement, keys map[string][]string) policy.Decision {
		pol := policy.Compile(ref, &policy.Document{Version: doc.Version, Kind: policy.Trust, Statements: []policy.Statement{st}})
		return policy.Evaluate(&policy.Inputs{Resource: pol},
			&policy.Request{Principal: p.req, Action: action, Resource: r.arn, Context: g.context(keys), Time: g.now})
	}
statements:
	for i, st := range doc.Statements {
		if st.Effect != policy.Allow {
			continue
		}
		bare := st
		bare.Condition = nil
		if !admits(bare, nil).ResourceAllowed {
			continue
		}
		var needs []string
	conditions:
		for _, c := range st.Condition {
			one := st
			one.Condition = []policy.Condition{c}
			for _, cx := range ctxs {
				if admits(one, cx.keys).ResourceAllowed {
					needs = appendNew(needs, cx.needs...)
					continue conditions
				}
			}
			d := admits(one, nil)
			if len(d.Missing) == 0 {
				continue statements
			}
			needs = appendNew(needs, d.Missing...)
		}
		return Statement{Policy: ref.ID, PolicyName: ref.Name, Sid: st.Sid, Index: i, Effect: st.Effect.String(),
			Layer: policy.LayerResource.String(), Line: st.Start.Line, Column: st.Start.Column}, needs, true
	}
	return Statement{}, nil, false
}

// labelsOf keeps the needs that a context variant supplies.
func labelsOf(needs []string) []string {
	var out []string
	for _, n := range needs {
		if n == "MFA" || n == "ExternalId" {
			out = append(out, n)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func appendNew(list []string, items ...string) []string {
	for _, x := range items {
		if !slices.Contains(list, x) {
			list = append(list, x)
		}
	}
	return list
}

// assumption says on what an outside principal's path holds.
func assumption(p *principal) string {
	switch p.outside {
	case OutsideAccount:
		return "if account " + arnAccount(p.arn) + " allows it: its own policies are not visible"
	case OutsidePrincipal:
		return "if account " + arnAccount(p.arn) + " lets " + shortARN(p.arn) + " do it: its own policies are not visible"
	case OutsideAnyone:
		return "any AWS principal, if its own account allows it: its policies are not visible"
	case OutsideFederated:
		return "if " + externalName(p.arn) + " signs the user in: the provider's users are not visible"
	case OutsideService:
		return "if " + p.arn + " is configured to use the role: the service's configuration is not visible"
	}
	return ""
}

// markOutside labels a path that starts outside the account.
func markOutside(path *Path, p *principal) {
	path.External = p.outside
	path.Assumption = assumption(p)
	if len(path.Steps) > 0 && len(path.Steps[0].Steps) > 0 {
		path.Trust = resourceLayer(path.Steps[0].Steps[0].Statements)
	}
}

// sortOutside puts the outside principals in node order: services, then
// other accounts, their principals, "*" and identity providers by ID.
func (g *Graph) sortOutside() {
	sort.SliceStable(g.outside, func(i, j int) bool {
		a, b := g.outside[i], g.outside[j]
		if kindOrder[a.kind] != kindOrder[b.kind] {
			return kindOrder[a.kind] < kindOrder[b.kind]
		}
		return a.arn < b.arn
	})
}

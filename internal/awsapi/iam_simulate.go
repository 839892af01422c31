package awsapi

import (
	"strconv"
	"strings"

	"github.com/iamconsole/console/internal/iam"
)

type xmlPosition struct {
	Line   int `xml:"Line"`
	Column int `xml:"Column"`
}

type xmlStatement struct {
	SourcePolicyID   string       `xml:"SourcePolicyId"`
	SourcePolicyType string       `xml:"SourcePolicyType,omitempty"`
	StartPosition    *xmlPosition `xml:"StartPosition,omitempty"`
	EndPosition      *xmlPosition `xml:"EndPosition,omitempty"`
}

type xmlBoundaryDecision struct {
	AllowedByPermissionsBoundary bool `xml:"AllowedByPermissionsBoundary"`
}

type xmlEvaluationResult struct {
	EvalActionName                    string                `xml:"EvalActionName"`
	EvalResourceName                  string                `xml:"EvalResourceName"`
	EvalDecision                      string                `xml:"EvalDecision"`
	MatchedStatements                 members[xmlStatement] `xml:"MatchedStatements"`
	MissingContextValues              members[string]       `xml:"MissingContextValues"`
	PermissionsBoundaryDecisionDetail *xmlBoundaryDecision  `xml:"PermissionsBoundaryDecisionDetail,omitempty"`
}

type simulatePolicyResult struct {
	EvaluationResults members[xmlEvaluationResult] `xml:"EvaluationResults"`
	page
}

// simulationRequest is what both simulate actions share: the requests to
// try and the context, and the page asked for.
type simulationRequest struct {
	actions, resources []string
	context            map[string][]string
	marker             string
	maxItems           int
}

func (p params) simulation() (simulationRequest, error) {
	var r simulationRequest
	if len(p.members("ActionNames")) == 0 {
		return r, missing("ActionNames")
	}
	var err error
	if r.marker, r.maxItems, err = p.paging(); err != nil {
		return r, err
	}
	r.actions, r.resources = p.list("ActionNames"), p.list("ResourceArns")
	r.context = map[string][]string{}
	for _, n := range p.members("ContextEntries") {
		name := p.field("ContextEntries", n, "ContextKeyName")
		if name == "" {
			return r, missing("ContextEntries.member." + strconv.Itoa(n) + ".ContextKeyName")
		}
		r.context[name] = append(r.context[name], p.list("ContextEntries.member."+strconv.Itoa(n)+".ContextKeyValues")...)
	}
	return r, nil
}

// simulateCustomPolicy runs the simulator over policies given as text.
func simulateCustomPolicy(s *Server, c *call) (any, error) {
	if len(c.p.members("PolicyInputList")) == 0 {
		return nil, missing("PolicyInputList")
	}
	req, err := c.p.simulation()
	if err != nil {
		return nil, err
	}
	bounds := c.p.list("PermissionsBoundaryPolicyInputList")
	if len(bounds) > 1 {
		return nil, validation("Only one permissions boundary policy can be simulated.")
	}
	in := iam.CustomSimulation{IdentityPolicies: c.p.list("PolicyInputList"), ResourcePolicy: c.p.str("ResourcePolicy"),
		PrincipalARN: c.p.str("CallerArn"), Actions: req.actions, Resources: req.resources, Context: req.context}
	if len(bounds) == 1 {
		in.Boundary = bounds[0]
	}
	res, err := s.svc.SimulateCustom(c.ctx, c.caller, in)
	if err != nil {
		return nil, err
	}
	return simulationXML(res, req, in.Boundary != "")
}

// simulatePrincipalPolicy simulates a user's or role's own policies (its
// groups' and its boundary included), with any policies added.
func simulatePrincipalPolicy(s *Server, c *call) (any, error) {
	if err := c.p.required("PolicySourceArn"); err != nil {
		return nil, err
	}
	req, err := c.p.simulation()
	if err != nil {
		return nil, err
	}
	res, err := s.svc.SimulatePrincipal(c.ctx, c.caller, iam.PrincipalSimulation{PolicySourceArn: c.p.str("PolicySourceArn"),
		PolicyInputList: c.p.list("PolicyInputList"), ResourcePolicy: c.p.str("ResourcePolicy"), Actions: req.actions,
		Resources: req.resources, Context: req.context}, c.meta)
	if err != nil {
		return nil, err
	}
	return simulationXML(res, req, false)
}

// simulationXML pages the results and shapes them as AWS's: the deciding
// statements are the MatchedStatements.
func simulationXML(res []iam.SimulationResult, req simulationRequest, withBoundary bool) (any, error) {
	items, next, err := window(res, req.marker, req.maxItems)
	if err != nil {
		return nil, err
	}
	out := simulatePolicyResult{page: pageOf(next)}
	for _, r := range items {
		e := xmlEvaluationResult{EvalActionName: r.Action, EvalResourceName: r.Resource, EvalDecision: r.Decision,
			MissingContextValues: list(r.Missing)}
		for _, st := range r.Statements {
			if !st.Deciding {
				continue
			}
			id, typ := simSource(st)
			e.MatchedStatements.Member = append(e.MatchedStatements.Member, xmlStatement{SourcePolicyID: id, SourcePolicyType: typ,
				StartPosition: &xmlPosition{Line: st.Start.Line, Column: st.Start.Column},
				EndPosition:   &xmlPosition{Line: st.End.Line, Column: st.End.Column}})
		}
		if withBoundary {
			e.PermissionsBoundaryDecisionDetail = &xmlBoundaryDecision{AllowedByPermissionsBoundary: r.BoundaryAllowed}
		}
		out.EvaluationResults.Member = append(out.EvaluationResults.Member, e)
	}
	return out, nil
}

// simSource names a matched statement's policy as AWS's simulator does:
// PolicyInputList.N for policies given as text, the policy name with its
// type (aws-managed, user-managed, user, group, role) for stored ones.
func simSource(st iam.SimulatedStatement) (id, typ string) {
	pid := st.PolicyID
	if pid == "" {
		pid = st.Source
	}
	switch {
	case strings.HasPrefix(pid, "Identity policy "):
		return "PolicyInputList." + strings.TrimPrefix(pid, "Identity policy "), ""
	case strings.HasPrefix(pid, "PolicyInputList."):
		return pid, ""
	case pid == "Permissions boundary":
		return "PermissionsBoundaryPolicyInputList.1", ""
	case pid == "Resource policy" || pid == "ResourcePolicy":
		return "ResourcePolicy", "resource"
	case strings.HasPrefix(pid, "arn:aws:iam::aws:policy/"):
		return lastSegment(pid), "aws-managed"
	case strings.HasPrefix(pid, "arn:aws:iam::") && strings.Contains(pid, ":policy/"):
		return lastSegment(pid), "user-managed"
	}
	for _, kind := range []string{"user", "group", "role"} {
		if strings.HasPrefix(pid, kind+"/") {
			return lastSegment(pid), kind
		}
	}
	return st.Source, "none"
}

func lastSegment(s string) string { return s[strings.LastIndex(s, "/")+1:] }

// window pages a result computed whole (the simulator's): the marker is the
// index of the next item.
func window[T any](items []T, marker string, maxItems int) ([]T, string, error) {
	from := 0
	if marker != "" {
		n, err := strconv.Atoi(marker)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", validation("Invalid Marker.")
		}
		from = n
	}
	if maxItems <= 0 {
		maxItems = 100
	}
	to := min(from+maxItems, len(items))
	next := ""
	if to < len(items) {
		next = strconv.Itoa(to)
	}
	return items[from:to], next, nil
}

type contextKeysResult struct {
	ContextKeyNames members[string] `xml:"ContextKeyNames"`
}

// getContextKeysForCustomPolicy lists the condition keys of the documents
// given.
func getContextKeysForCustomPolicy(s *Server, c *call) (any, error) {
	if len(c.p.members("PolicyInputList")) == 0 {
		return nil, missing("PolicyInputList")
	}
	keys, err := s.svc.ContextKeysForCustomPolicy(c.ctx, c.caller, c.p.list("PolicyInputList"), c.meta)
	if err != nil {
		return nil, err
	}
	return contextKeysResult{ContextKeyNames: list(keys)}, nil
}

// getContextKeysForPrincipalPolicy lists the condition keys of a user's,
// group's or role's policies and of the documents given.
func getContextKeysForPrincipalPolicy(s *Server, c *call) (any, error) {
	if err := c.p.required("PolicySourceArn"); err != nil {
		return nil, err
	}
	keys, err := s.svc.ContextKeysForPrincipalPolicy(c.ctx, c.caller, c.p.str("PolicySourceArn"), c.p.list("PolicyInputList"), c.meta)
	if err != nil {
		return nil, err
	}
	return contextKeysResult{ContextKeyNames: list(keys)}, nil
}

type xmlServiceGrant struct {
	PolicyName string `xml:"PolicyName"`
	PolicyType string `xml:"PolicyType"`
	PolicyArn  string `xml:"PolicyArn,omitempty"`
	EntityType string `xml:"EntityType,omitempty"`
	EntityName string `xml:"EntityName,omitempty"`
}

type xmlServiceGrants struct {
	ServiceNamespace string                   `xml:"ServiceNamespace"`
	Policies         members[xmlServiceGrant] `xml:"Policies"`
}

type policiesGrantingServiceAccessResult struct {
	PoliciesGrantingServiceAccess members[xmlServiceGrants] `xml:"PoliciesGrantingServiceAccess"`
	page
}

// listPoliciesGrantingServiceAccess answers which of an entity's policies
// reach each service asked about, in one page.
func listPoliciesGrantingServiceAccess(s *Server, c *call) (any, error) {
	if err := c.p.required("Arn"); err != nil {
		return nil, err
	}
	if len(c.p.members("ServiceNamespaces")) == 0 {
		return nil, missing("ServiceNamespaces")
	}
	res, err := s.svc.PoliciesGrantingServiceAccess(c.ctx, c.caller, c.p.str("Arn"), c.p.list("ServiceNamespaces"), c.meta)
	if err != nil {
		return nil, err
	}
	out := make([]xmlServiceGrants, len(res))
	for i, r := range res {
		ps := make([]xmlServiceGrant, len(r.Policies))
		for j, p := range r.Policies {
			ps[j] = xmlServiceGrant(p)
		}
		out[i] = xmlServiceGrants{ServiceNamespace: r.ServiceNamespace, Policies: list(ps)}
	}
	return policiesGrantingServiceAccessResult{PoliciesGrantingServiceAccess: list(out)}, nil
}

package iam

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// CustomSimulation is SimulateCustomPolicy's input: policies given as text,
// and the requests to try.
type CustomSimulation struct {
	IdentityPolicies []string
	Boundary         string // optional
	ResourcePolicy   string // optional
	PrincipalARN     string // optional: the caller's own ARN when empty
	Actions          []string
	Resources        []string // "*" when empty
	Context          map[string][]string
}

// SimulatedStatement is a statement that applied to a simulated request.
type SimulatedStatement struct {
	Source   string // "Identity policy 1", "Permissions boundary", a policy name…
	PolicyID string // the policy's ID (ARN for managed policies)
	Index    int
	Sid      string
	Effect   string
	Deciding bool
	Start    policy.Pos
	End      policy.Pos
	Text     string // the statement's JSON, for the explanation
}

// SimulationResult is one (action, resource) cell.
type SimulationResult struct {
	Action, Resource string
	Decision         string // allowed, explicitDeny, implicitDeny
	Statements       []SimulatedStatement
	Missing          []string
	BoundaryAllowed  bool
}

// SimulateCustom evaluates pasted policies, as AWS's SimulateCustomPolicy:
// nothing is stored, so it needs only iam:SimulateCustomPolicy.
func (s *Service) SimulateCustom(ctx context.Context, caller *Principal, in CustomSimulation) ([]SimulationResult, error) {
	if err := s.authorize(ctx, caller, "iam:SimulateCustomPolicy", "*"); err != nil {
		return nil, err
	}
	if len(in.Actions) == 0 {
		return nil, invalidField("actions", "Name at least one action, such as s3:GetObject.")
	}
	if len(in.Actions)*max(len(in.Resources), 1) > 1000 {
		return nil, invalidField("actions", "Simulate at most 1,000 action and resource pairs at once.")
	}
	type source struct {
		label, text string
		kind        policy.Kind
	}
	var srcs []source
	for i, doc := range in.IdentityPolicies {
		if strings.TrimSpace(doc) != "" {
			srcs = append(srcs, source{fmt.Sprintf("Identity policy %d", i+1), doc, policy.Identity})
		}
	}
	if len(srcs) == 0 {
		return nil, invalidField("policy1", "Paste at least one identity policy.")
	}
	inputs := &policy.Inputs{}
	texts := map[string]string{}
	add := func(src source, field string) (*policy.Policy, error) {
		doc, err := policy.Parse([]byte(src.text), src.kind)
		if err != nil {
			e := malformed(src.label, err)
			e.Field = field
			return nil, e
		}
		texts[src.label] = src.text
		return policy.Compile(policy.PolicyRef{ID: src.label, Name: src.label}, doc), nil
	}
	for i, src := range srcs {
		p, err := add(src, fmt.Sprintf("policy%d", i+1))
		if err != nil {
			return nil, err
		}
		inputs.Identity = append(inputs.Identity, p)
	}
	if strings.TrimSpace(in.Boundary) != "" {
		p, err := add(source{"Permissions boundary", in.Boundary, policy.Identity}, "boundary")
		if err != nil {
			return nil, err
		}
		inputs.Boundary = p
	}
	if strings.TrimSpace(in.ResourcePolicy) != "" {
		p, err := add(source{"Resource policy", in.ResourcePolicy, policy.Resource}, "resource_policy")
		if err != nil {
			return nil, err
		}
		inputs.Resource = p
	}
	principalARN := in.PrincipalARN
	if principalARN == "" {
		principalARN = callerARN(caller)
	}
	return s.simulate(inputs, policy.Principal{ARN: principalARN}, in.Actions, in.Resources, in.Context, texts), nil
}

// simulate evaluates every (action, resource) pair and explains each.
func (s *Service) simulate(inputs *policy.Inputs, who policy.Principal, actions, resources []string, context map[string][]string, texts map[string]string) []SimulationResult {
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	ctxKeys := policy.NewContext(context)
	var out []SimulationResult
	for _, a := range actions {
		for _, r := range resources {
			req := &policy.Request{Principal: who, Action: a, Resource: r, Context: ctxKeys, Time: s.now()}
			d := policy.Evaluate(inputs, req)
			res := SimulationResult{Action: a, Resource: r, Decision: d.Outcome.String(), Missing: d.Missing,
				BoundaryAllowed: d.BoundaryAllowed}
			type stmtKey struct {
				policy string
				index  int
			}
			deciding := map[stmtKey]bool{}
			for _, m := range d.Deciding() {
				deciding[stmtKey{m.Policy.ID, m.Index}] = true
			}
			for _, m := range d.Matched {
				src := m.Policy.ID
				if m.Policy.Name != "" && texts[m.Policy.ID] == "" {
					src = m.Policy.Name
				}
				res.Statements = append(res.Statements, SimulatedStatement{Source: src, PolicyID: m.Policy.ID, Index: m.Index, Sid: m.Sid,
					Effect: effectName(m.Effect), Deciding: deciding[stmtKey{m.Policy.ID, m.Index}], Start: m.Start, End: m.End,
					Text: excerpt(texts[m.Policy.ID], m.Start, m.End)})
			}
			out = append(out, res)
		}
	}
	return out
}

// PrincipalSimulation is SimulatePrincipalPolicy's input: a user or role of
// the account whose policies (with its groups' and its boundary) are
// evaluated, optionally with more policies added.
type PrincipalSimulation struct {
	PolicySourceArn string
	PolicyInputList []string
	ResourcePolicy  string
	Actions         []string
	Resources       []string
	Context         map[string][]string
}

// SimulatePrincipal evaluates a user's or role's own policies, as AWS's
// SimulatePrincipalPolicy.
func (s *Service) SimulatePrincipal(ctx context.Context, caller *Principal, in PrincipalSimulation, m Meta) ([]SimulationResult, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:SimulatePrincipalPolicy", in.PolicySourceArn); err != nil {
		return nil, err
	}
	if len(in.Actions) == 0 {
		return nil, invalidField("actions", "Name at least one action, such as s3:GetObject.")
	}
	if len(in.Actions)*max(len(in.Resources), 1) > 1000 {
		return nil, invalidField("actions", "Simulate at most 1,000 action and resource pairs at once.")
	}
	kind, name, ok := parseEntityARN(acct, in.PolicySourceArn)
	if !ok {
		return nil, invalidField("principal", "Name a user or role of this account by ARN, such as arn:aws:iam::%s:user/alice.", acct)
	}
	var inputs *policy.Inputs
	who := policy.Principal{ARN: in.PolicySourceArn, Account: acct}
	// The caller was authorized on the ARN it gave, so that ARN must be the
	// entity's own: "user/dev/alice" must not stand for alice at "/".
	switch kind {
	case "user":
		u, err := s.store.User(ctx, acct, name)
		if err == nil && userARN(acct, u.Path, u.Name) != in.PolicySourceArn {
			err = models.ErrNotFound
		}
		if err != nil {
			return nil, notFoundOr(err, "The user with ARN %s cannot be found.", in.PolicySourceArn)
		}
		who.ID, who.Name = u.UserID, u.Name
		inputs, err = s.identityInputs(ctx, s.store, acct, models.EntityUser, u.UserID)
		if err != nil {
			return nil, err
		}
	case "role":
		r, err := s.store.Role(ctx, acct, name)
		if err == nil && roleARN(acct, r.Path, r.Name) != in.PolicySourceArn {
			err = models.ErrNotFound
		}
		if err != nil {
			return nil, notFoundOr(err, "The role with ARN %s cannot be found.", in.PolicySourceArn)
		}
		who.ID = r.RoleID
		inputs, err = s.identityInputs(ctx, s.store, acct, models.EntityRole, r.RoleID)
		if err != nil {
			return nil, err
		}
	}
	texts := map[string]string{}
	for i, doc := range in.PolicyInputList {
		label := fmt.Sprintf("PolicyInputList.%d", i+1)
		d, err := policy.Parse([]byte(doc), policy.Identity)
		if err != nil {
			return nil, malformed(label, err)
		}
		texts[label] = doc
		inputs.Identity = append(inputs.Identity, policy.Compile(policy.PolicyRef{ID: label, Name: label}, d))
	}
	if strings.TrimSpace(in.ResourcePolicy) != "" {
		d, err := policy.Parse([]byte(in.ResourcePolicy), policy.Resource)
		if err != nil {
			return nil, malformed("ResourcePolicy", err)
		}
		texts["ResourcePolicy"] = in.ResourcePolicy
		inputs.Resource = policy.Compile(policy.PolicyRef{ID: "ResourcePolicy", Name: "ResourcePolicy"}, d)
	}
	return s.simulate(inputs, who, in.Actions, in.Resources, in.Context, texts), nil
}

// parseEntityARN splits arn:aws:iam::ACCOUNT:user/PATH/NAME (or role/…)
// of the given account.
func parseEntityARN(acct, arn string) (kind, name string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::"+acct+":")
	if !ok {
		return "", "", false
	}
	kind, res, ok := strings.Cut(rest, "/")
	if !ok || (kind != "user" && kind != "role") {
		return "", "", false
	}
	if i := strings.LastIndex(res, "/"); i >= 0 {
		res = res[i+1:]
	}
	return kind, res, res != ""
}

// notFoundOr maps the store's ErrNotFound to NotFound with msg.
func notFoundOr(err error, format string, args ...any) error {
	if errors.Is(err, models.ErrNotFound) {
		return newErr(NotFound, format, args...)
	}
	return internal(err, "lookup")
}

func effectName(e policy.Effect) string {
	if e == policy.Allow {
		return "Allow"
	}
	return "Deny"
}

// excerpt cuts the text between two 1-based line:column positions.
func excerpt(text string, start, end policy.Pos) string {
	lines := strings.SplitAfter(text, "\n")
	if start.Line < 1 || end.Line < start.Line || end.Line > len(lines) {
		return ""
	}
	var b strings.Builder
	for i := start.Line; i <= end.Line; i++ {
		l := []rune(lines[i-1])
		from, to := 0, len(l)
		if i == start.Line {
			from = min(max(start.Column-1, 0), len(l))
		}
		if i == end.Line {
			to = min(max(end.Column-1, from), len(l))
		}
		b.WriteString(string(l[from:to]))
	}
	return b.String()
}

// ParseContextLines reads "key=value" lines (several values comma-separated)
// into context keys, for the simulator form and the CLI.
func ParseContextLines(text string) (map[string][]string, error) {
	out := map[string][]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, invalidField("context", "Line %d: write key=value, such as aws:SourceIp=10.0.0.1.", i+1)
		}
		for _, part := range strings.Split(v, ",") {
			out[strings.TrimSpace(k)] = append(out[strings.TrimSpace(k)], strings.TrimSpace(part))
		}
	}
	return out, nil
}

// malformed turns a policy parse error into MalformedPolicyDocument, naming
// the first problem's line and column.
func malformed(label string, err error) *Error {
	var pe *policy.ParseError
	if errors.As(err, &pe) && len(pe.Diagnostics) > 0 {
		d := pe.Diagnostics[0]
		if d.Line > 0 {
			return newErr(Malformed, "%s, line %d, column %d: %s", label, d.Line, d.Column, d.Message)
		}
		return newErr(Malformed, "%s: %s", label, d.Message)
	}
	return newErr(Malformed, "%s: %s", label, err.Error())
}

package iam

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	Source   string // "Identity policy 1", "Permissions boundary", …
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
	resources := in.Resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	ctxKeys := policy.NewContext(in.Context)
	var out []SimulationResult
	for _, a := range in.Actions {
		for _, r := range resources {
			req := &policy.Request{Principal: policy.Principal{ARN: principalARN}, Action: a, Resource: r,
				Context: ctxKeys, Time: s.now()}
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
				res.Statements = append(res.Statements, SimulatedStatement{Source: m.Policy.ID, Index: m.Index, Sid: m.Sid,
					Effect: effectName(m.Effect), Deciding: deciding[stmtKey{m.Policy.ID, m.Index}], Start: m.Start, End: m.End,
					Text: excerpt(texts[m.Policy.ID], m.Start, m.End)})
			}
			out = append(out, res)
		}
	}
	return out, nil
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

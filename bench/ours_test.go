package bench

import (
	"fmt"

	"github.com/iamconsole/console/internal/policy"
)

func init() {
	engines = append([]engine{oursEngine{}, oursMergedEngine{}, oursExplainEngine{}}, engines...)
}

// oursEngine is IAM Console's engine (internal/policy) on its authorization hot path:
// every policy attached to the user or to its groups is parsed (policy.Parse) and
// compiled (policy.Compile) into the Identity layer of policy.Inputs, and a request is
// decided by policy.Decide, which returns the outcome (Allowed, ExplicitDeny,
// ImplicitDeny) without an explanation. The engine memoises, per policy, the
// statements that can match each action; the benchmarks measure it warm, as a server
// runs after its first request for an action.
type oursEngine struct{}

func (oursEngine) name() string { return "ours" }

func (oursEngine) load(s *Scenario) (loaded, error) { return loadOurs(s, false, false) }

// oursExplainEngine is the same engine answering with the full explanation
// (policy.EvaluateInto: every statement evaluated, matched statements and missing
// context keys recorded) into a Decision reused across requests, as a caller that
// keeps one per goroutine does. It is the fairer peer of cedar.Authorize, which also
// evaluates every policy and returns its reasons.
type oursExplainEngine struct{}

func (oursExplainEngine) name() string { return "ours-explain" }

func (oursExplainEngine) load(s *Scenario) (loaded, error) { return loadOurs(s, false, true) }

// oursMergedEngine is ours with the principal's policies combined by policy.Merge into
// one policy indexed as a whole, as a caller that evaluates the same principal often
// may do (and as MinIO merges a user's and its groups' policies): one index probe per
// request instead of one per policy. Decisions go through policy.Decide.
type oursMergedEngine struct{}

func (oursMergedEngine) name() string { return "ours-merged" }

func (oursMergedEngine) load(s *Scenario) (loaded, error) { return loadOurs(s, true, false) }

// benchAccount is the principal's account: the scenarios name none.
const benchAccount = "111122223333"

func loadOurs(s *Scenario, merge, explain bool) (loaded, error) {
	in := &policy.Inputs{Identity: make([]*policy.Policy, 0, len(s.Policies))}
	for _, p := range s.Policies {
		doc, err := policy.Parse(p.Document, policy.Identity)
		if err != nil {
			return nil, fmt.Errorf("ours: policy %s: %w", p.Name, err)
		}
		ref := policy.PolicyRef{ID: p.AttachedTo + "/" + p.Name, Name: p.Name}
		in.Identity = append(in.Identity, policy.Compile(ref, doc))
	}
	if merge {
		ref := policy.PolicyRef{ID: "user:" + s.Principal.Username + "/merged", Name: "merged"}
		in.Identity = []*policy.Policy{policy.Merge(ref, in.Identity...)}
	}
	return &oursLoaded{s: s, in: in, explain: explain}, nil
}

type oursLoaded struct {
	s       *Scenario
	in      *policy.Inputs
	explain bool
}

func (l *oursLoaded) prepare(r Request) (func() outcome, error) {
	req := &policy.Request{
		Principal: policy.Principal{
			ARN: "arn:aws:iam::" + benchAccount + ":user/" + l.s.Principal.Username,
			ID:  l.s.Principal.UserID,
		},
		Action:   r.Action,
		Resource: r.Resource,
		Context:  policy.NewContext(r.Context),
	}
	in := l.in
	if !l.explain {
		return func() outcome { return oursOutcome(policy.Decide(in, req)) }, nil
	}
	var d policy.Decision
	return func() outcome {
		policy.EvaluateInto(in, req, &d)
		return oursOutcome(d.Outcome)
	}, nil
}

func oursOutcome(o policy.Outcome) outcome {
	switch o {
	case policy.Allowed:
		return outcome{allowed: true, explicit: no}
	case policy.ExplicitDeny:
		return outcome{explicit: yes}
	default:
		return outcome{explicit: no}
	}
}

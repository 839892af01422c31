// Package bench measures IAM Console's policy engine (internal/policy) side by side
// with two peers, github.com/minio/pkg/v3/policy and github.com/cedar-policy/cedar-go,
// on the shared scenarios in testdata/.
//
// It is a separate module so that the product's go.mod does not carry the peers: run it
// with `cd bench && go test ./...` (correctness) and
// `go test -run '^$' -bench . -benchmem -count 6` (numbers, see BENCHMARKS.md).
//
// Every engine is first checked to return each request's expected decision; the
// benchmarks then time only the decision, with each engine's inputs (compiled
// policies, request, context, entities) built once outside the timed loop, so that all
// three do the same work: decide one request against one principal's policies.
package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Scenario is one shared benchmark scenario: a principal, the policies attached to it
// or to its groups, and the requests to decide.
type Scenario struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Principal   struct {
		Username string   `json:"username"`
		UserID   string   `json:"userId"`
		Groups   []string `json:"groups"`
	} `json:"principal"`
	Policies      []ScenarioPolicy `json:"policies"`
	Requests      []Request        `json:"requests"`
	ActionCatalog []string         `json:"actionCatalog"`

	// Cedar is the same policies written as Cedar (testdata/NAME.cedar.txt).
	Cedar []byte `json:"-"`
}

// ScenarioPolicy is one IAM policy document and what it is attached to
// ("user:NAME" or "group:NAME").
type ScenarioPolicy struct {
	Name       string          `json:"name"`
	AttachedTo string          `json:"attachedTo"`
	Document   json.RawMessage `json:"document"`
}

// Request is one authorization request with its expected decision.
type Request struct {
	Name     string              `json:"name"`
	Action   string              `json:"action"`
	Resource string              `json:"resource"`
	Context  map[string][]string `json:"context"`
	Expect   string              `json:"expect"` // "Allow" or "Deny"
	Why      string              `json:"why"`
}

// ExpectAllow reports whether the request is expected to be allowed.
func (r Request) ExpectAllow() bool { return r.Expect == "Allow" }

// ExplicitDeny reports whether the request is expected to be denied by a matching Deny
// statement rather than by the absence of any matching Allow.
func (r Request) ExplicitDeny() bool { return r.Name == "deny-explicit" }

// ScenarioNames lists the shared scenarios, smallest first.
var ScenarioNames = []string{"small", "large"}

// LoadScenario reads testdata/NAME.json and testdata/NAME.cedar.txt from dir.
func LoadScenario(dir, name string) (*Scenario, error) {
	raw, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		return nil, err
	}
	var s Scenario
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%s.json: %w", name, err)
	}
	if len(s.Policies) == 0 || len(s.Requests) == 0 {
		return nil, fmt.Errorf("%s.json: no policies or no requests", name)
	}
	for _, r := range s.Requests {
		if r.Expect != "Allow" && r.Expect != "Deny" {
			return nil, fmt.Errorf("%s.json: request %q: expect %q", name, r.Name, r.Expect)
		}
	}
	for _, p := range s.Policies {
		if _, _, ok := strings.Cut(p.AttachedTo, ":"); !ok {
			return nil, fmt.Errorf("%s.json: policy %q: attachedTo %q", name, p.Name, p.AttachedTo)
		}
	}
	if s.Cedar, err = os.ReadFile(filepath.Join(dir, name+".cedar.txt")); err != nil {
		return nil, err
	}
	return &s, nil
}

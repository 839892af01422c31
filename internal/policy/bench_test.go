package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scenario is the shape of testdata/bench/*.json (see testdata/bench/README.md).
type scenario struct {
	Name      string `json:"name"`
	Principal struct {
		Username string   `json:"username"`
		UserID   string   `json:"userId"`
		Groups   []string `json:"groups"`
	} `json:"principal"`
	Policies []struct {
		Name       string          `json:"name"`
		AttachedTo string          `json:"attachedTo"`
		Document   json.RawMessage `json:"document"`
	} `json:"policies"`
	Requests []struct {
		Name     string              `json:"name"`
		Action   string              `json:"action"`
		Resource string              `json:"resource"`
		Context  map[string][]string `json:"context"`
		Expect   string              `json:"expect"`
	} `json:"requests"`
}

type loadedScenario struct {
	in       *Inputs
	names    []string
	requests []*Request
	expect   []string
	docs     [][]byte
}

func loadScenario(tb testing.TB, name string) *loadedScenario {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "bench", name+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	var sc scenario
	if err := json.Unmarshal(raw, &sc); err != nil {
		tb.Fatal(err)
	}
	member := map[string]bool{"user:" + sc.Principal.Username: true}
	for _, g := range sc.Principal.Groups {
		member["group:"+g] = true
	}
	ls := &loadedScenario{in: &Inputs{}}
	for _, p := range sc.Policies {
		if !member[p.AttachedTo] {
			continue
		}
		doc, err := Parse(p.Document, Identity)
		if err != nil {
			tb.Fatalf("%s: %v", p.Name, err)
		}
		ls.docs = append(ls.docs, p.Document)
		ls.in.Identity = append(ls.in.Identity, Compile(PolicyRef{ID: p.AttachedTo + "/" + p.Name, Name: p.Name}, doc))
	}
	for _, r := range sc.Requests {
		ls.names = append(ls.names, r.Name)
		ls.expect = append(ls.expect, r.Expect)
		ls.requests = append(ls.requests, &Request{
			Principal: Principal{ARN: "arn:aws:iam::111122223333:user/" + sc.Principal.Username, ID: sc.Principal.UserID},
			Action:    r.Action, Resource: r.Resource, Context: NewContext(r.Context),
		})
	}
	return ls
}

func TestScenarios(t *testing.T) {
	for _, name := range []string{"small", "large"} {
		ls := loadScenario(t, name)
		for i, req := range ls.requests {
			t.Run(name+"/"+ls.names[i], func(t *testing.T) {
				want := ls.expect[i]
				fast := Decide(ls.in, req)
				full := Evaluate(ls.in, req)
				if fast != full.Outcome {
					t.Errorf("Decide = %v, Evaluate = %v", fast, full.Outcome)
				}
				got := "Deny"
				if full.Allowed() {
					got = "Allow"
				}
				if got != want {
					t.Fatalf("got %v, want %s; matched %+v", full.Outcome, want, full.Matched)
				}
				if strings.HasPrefix(ls.names[i], "deny-explicit") && full.Outcome != ExplicitDeny {
					t.Errorf("outcome %v, want explicitDeny", full.Outcome)
				}
				if strings.HasPrefix(ls.names[i], "deny-implicit") && full.Outcome != ImplicitDeny {
					t.Errorf("outcome %v, want implicitDeny", full.Outcome)
				}
				if len(full.Deciding()) == 0 && full.Outcome != ImplicitDeny {
					t.Errorf("no deciding statement for %v", full.Outcome)
				}
			})
		}
	}
}

// BenchmarkEvaluate measures Decide, the hot path authorizers call.
func BenchmarkEvaluate(b *testing.B) {
	for _, name := range []string{"small", "large"} {
		ls := loadScenario(b, name)
		for i, req := range ls.requests {
			b.Run(name+"/"+ls.names[i], func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					Decide(ls.in, req)
				}
			})
		}
	}
}

// BenchmarkEvaluateMerged measures Decide with the principal's identity policies
// merged into one (Merge), as a caller that caches per principal would run it.
func BenchmarkEvaluateMerged(b *testing.B) {
	for _, name := range []string{"small", "large"} {
		ls := loadScenario(b, name)
		in := &Inputs{Identity: []*Policy{Merge(PolicyRef{ID: "merged"}, ls.in.Identity...)}}
		for i, req := range ls.requests {
			b.Run(name+"/"+ls.names[i], func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					Decide(in, req)
				}
			})
		}
	}
}

// BenchmarkExplain measures the full-explanation path with a reused Decision.
func BenchmarkExplain(b *testing.B) {
	for _, name := range []string{"small", "large"} {
		ls := loadScenario(b, name)
		for i, req := range ls.requests {
			b.Run(name+"/"+ls.names[i], func(b *testing.B) {
				b.ReportAllocs()
				var d Decision
				for b.Loop() {
					EvaluateInto(ls.in, req, &d)
				}
			})
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	ls := loadScenario(b, "large")
	b.Run("large", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, raw := range ls.docs {
				doc, err := Parse(raw, Identity)
				if err != nil {
					b.Fatal(err)
				}
				Compile(PolicyRef{}, doc)
			}
		}
	})
}

// BenchmarkValidate measures parsing, checking and linting one 10-statement policy
// (the small scenario's user policy set, as one document each).
func BenchmarkValidate(b *testing.B) {
	ls := loadScenario(b, "small")
	b.ReportAllocs()
	for b.Loop() {
		for _, raw := range ls.docs {
			if rep := Validate(raw, Identity, LimitManaged); !rep.OK() {
				b.Fatal(rep.Errors)
			}
		}
	}
}

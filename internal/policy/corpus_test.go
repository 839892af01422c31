package policy_test

// The conformance corpus: testdata/cases/*.json, each case citing the AWS
// documentation behaviour it encodes. Evaluation files hold
// {"cases": [{name, doc, policies, principal, requests}]}; validation.json holds
// {"validation": [{name, doc, kind, text, errors, warnings}]}. A case (or one request)
// may carry "knownEngineBug": the runner then skips it loudly instead of failing, so
// that a disagreement with AWS stays visible without breaking the build;
// CORPUS_KNOWN_BUGS=run go test -run TestCorpus evaluates them anyway.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/policy"
)

const corpusDir = "testdata/cases"

// runKnownBugs, set with CORPUS_KNOWN_BUGS=run, evaluates the cases marked
// knownEngineBug instead of skipping them, to see whether the engine has been fixed.
var runKnownBugs = os.Getenv("CORPUS_KNOWN_BUGS") == "run"

// skipKnownBug skips a case the engine is known to get wrong, loudly.
func skipKnownBug(t *testing.T, doc, reason string) {
	t.Helper()
	if reason != "" && !runKnownBugs {
		t.Skipf("KNOWN ENGINE BUG (%s): %s", doc, reason)
	}
}

// minCorpusRequests is the size the corpus must not shrink below.
const minCorpusRequests = 300

type corpusFile struct {
	Cases      []corpusCase     `json:"cases"`
	Validation []validationCase `json:"validation"`
}

type corpusCase struct {
	Name           string         `json:"name"`
	Doc            string         `json:"doc"`
	KnownEngineBug string         `json:"knownEngineBug"`
	Policies       corpusPolicies `json:"policies"`
	// ResourceAccount owns the resource when it differs from the principal's account
	// (cross-account access: both sides must allow); empty means the same account.
	ResourceAccount string          `json:"resourceAccount"`
	Principal       corpusPrincipal `json:"principal"`
	Requests        []corpusRequest `json:"requests"`
}

type corpusPolicies struct {
	Identity []corpusPolicy `json:"identity"`
	Boundary []corpusPolicy `json:"boundary"`
	// Session is a pointer to a slice so that "absent" (not a session) and "[]"
	// (a session whose policies allow nothing) stay distinct.
	Session  *[]corpusPolicy `json:"session"`
	Resource *corpusPolicy   `json:"resource"`
}

type corpusPolicy struct {
	ID string `json:"id"`
	// Kind is "trust" for a role trust policy in the resource slot; empty otherwise.
	Kind     string          `json:"kind"`
	Document json.RawMessage `json:"document"`
}

type corpusPrincipal struct {
	ARN      string            `json:"arn"`
	ID       string            `json:"id"`
	Type     string            `json:"type"`
	Username string            `json:"username"`
	Account  string            `json:"account"`
	RoleARN  string            `json:"roleArn"`
	Tags     map[string]string `json:"tags"`
}

type corpusRequest struct {
	Action         string              `json:"action"`
	Resource       string              `json:"resource"`
	Context        map[string][]string `json:"context"`
	Expect         string              `json:"expect"`
	Matched        *[]string           `json:"matched"`
	Missing        *[]string           `json:"missing"`
	KnownEngineBug string              `json:"knownEngineBug"`
}

type validationCase struct {
	Name           string           `json:"name"`
	Doc            string           `json:"doc"`
	KnownEngineBug string           `json:"knownEngineBug"`
	Kind           string           `json:"kind"`
	Text           string           `json:"text"`
	Errors         []corpusDiagWant `json:"errors"`
	Warnings       []corpusDiagWant `json:"warnings"`
	// NoWarnings asserts the document is accepted without any warning.
	NoWarnings bool `json:"noWarnings"`
}

// corpusDiagWant is an expected diagnostic; Line and Column are checked when non-zero.
type corpusDiagWant struct {
	Code   string `json:"code"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

type loadedFile struct {
	name string // file name without .json
	corpusFile
}

func loadCorpus(t *testing.T) []loadedFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no corpus files in %s", corpusDir)
	}
	var files []loadedFile
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		var f corpusFile
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		files = append(files, loadedFile{name: strings.TrimSuffix(filepath.Base(p), ".json"), corpusFile: f})
	}
	return files
}

func kindOf(t *testing.T, s string) policy.Kind {
	t.Helper()
	switch s {
	case "identity", "":
		return policy.Identity
	case "boundary":
		return policy.Boundary
	case "session":
		return policy.Session
	case "resource":
		return policy.Resource
	case "trust":
		return policy.Trust
	}
	t.Fatalf("unknown policy kind %q", s)
	return 0
}

func compileCorpusPolicy(t *testing.T, cp corpusPolicy, kind policy.Kind) *policy.Policy {
	t.Helper()
	if cp.ID == "" {
		t.Fatalf("policy without id")
	}
	doc, err := policy.Parse(cp.Document, kind)
	if err != nil {
		t.Fatalf("policy %s does not parse as a %s policy: %v", cp.ID, kind, err)
	}
	if corpusCompiler != nil {
		return corpusCompiler.Compile(policy.PolicyRef{ID: cp.ID}, doc)
	}
	return policy.Compile(policy.PolicyRef{ID: cp.ID}, doc)
}

// corpusCompiler, when set, compiles the corpus's policies (TestCorpusCompiler).
var corpusCompiler *policy.Compiler

func buildInputs(t *testing.T, ps corpusPolicies) *policy.Inputs {
	t.Helper()
	in := &policy.Inputs{}
	for _, cp := range ps.Identity {
		in.Identity = append(in.Identity, compileCorpusPolicy(t, cp, policy.Identity))
	}
	switch len(ps.Boundary) {
	case 0:
	case 1:
		in.Boundary = compileCorpusPolicy(t, ps.Boundary[0], policy.Boundary)
	default:
		t.Fatalf("a principal has at most one permissions boundary, got %d", len(ps.Boundary))
	}
	if ps.Session != nil {
		in.Session = []*policy.Policy{}
		for _, cp := range *ps.Session {
			in.Session = append(in.Session, compileCorpusPolicy(t, cp, policy.Session))
		}
	}
	if ps.Resource != nil {
		kind := policy.Resource
		if ps.Resource.Kind != "" {
			kind = kindOf(t, ps.Resource.Kind)
		}
		in.Resource = compileCorpusPolicy(t, *ps.Resource, kind)
	}
	return in
}

func buildPrincipal(p corpusPrincipal) policy.Principal {
	return policy.Principal{
		ARN:     p.ARN,
		ID:      p.ID,
		Type:    policy.PrincipalType(p.Type),
		Name:    p.Username,
		Account: p.Account,
		RoleARN: p.RoleARN,
		Tags:    p.Tags,
	}
}

// TestCorpus evaluates every request of every evaluation case and compares the
// decision, the deciding statements and the missing context keys with the corpus.
func TestCorpus(t *testing.T) {
	for _, f := range loadCorpus(t) {
		for _, c := range f.Cases {
			t.Run(f.name+"/"+c.Name, func(t *testing.T) {
				if c.Doc == "" {
					t.Errorf("case has no doc citation")
				}
				skipKnownBug(t, c.Doc, c.KnownEngineBug)
				in := buildInputs(t, c.Policies)
				in.ResourceAccount = c.ResourceAccount
				principal := buildPrincipal(c.Principal)
				for i, r := range c.Requests {
					t.Run(fmt.Sprint(i), func(t *testing.T) {
						skipKnownBug(t, c.Doc, r.KnownEngineBug)
						checkRequest(t, in, principal, r)
					})
				}
			})
		}
	}
}

// TestCorpusCompiler is TestCorpus with every policy of the corpus cut from
// one Compiler's shared arrays: a policy must decide as it does compiled on
// its own, whatever was compiled before and after it.
func TestCorpusCompiler(t *testing.T) {
	corpusCompiler = &policy.Compiler{}
	defer func() { corpusCompiler = nil }()
	for _, f := range loadCorpus(t) {
		for _, c := range f.Cases {
			if c.KnownEngineBug != "" {
				continue
			}
			in := buildInputs(t, c.Policies)
			in.ResourceAccount = c.ResourceAccount
			principal := buildPrincipal(c.Principal)
			for i, r := range c.Requests {
				if r.KnownEngineBug != "" {
					continue
				}
				t.Run(fmt.Sprint(f.name, "/", c.Name, "/", i), func(t *testing.T) { checkRequest(t, in, principal, r) })
			}
		}
	}
}

func checkRequest(t *testing.T, in *policy.Inputs, principal policy.Principal, r corpusRequest) {
	t.Helper()
	req := &policy.Request{
		Principal: principal,
		Action:    r.Action,
		Resource:  r.Resource,
		Context:   policy.NewContext(r.Context),
	}
	d := policy.Evaluate(in, req)
	where := fmt.Sprintf("%s on %s with context %v", r.Action, r.Resource, r.Context)
	if got := d.Outcome.String(); got != r.Expect {
		t.Errorf("%s: decision %s, want %s (matched %v, missing %v)", where, got, r.Expect, matchedIDs(d.Matched), d.Missing)
	}
	// The fast path must agree with the explained one.
	if fast := policy.Decide(in, req); fast != d.Outcome {
		t.Errorf("%s: Decide says %s but Evaluate says %s", where, fast, d.Outcome)
	}
	if r.Matched != nil {
		got := matchedIDs(d.Deciding())
		want := slices.Clone(*r.Matched)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: deciding statements %v, want %v", where, got, want)
		}
	}
	if r.Missing != nil {
		got := lowerSorted(d.Missing)
		want := lowerSorted(*r.Missing)
		if !slices.Equal(got, want) {
			t.Errorf("%s: missing context keys %v, want %v", where, d.Missing, *r.Missing)
		}
	}
}

func matchedIDs(ms []policy.MatchedStatement) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s#%d", m.Policy.ID, m.Index))
	}
	slices.Sort(out)
	return out
}

func lowerSorted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	slices.Sort(out)
	return out
}

// TestCorpusValidation checks that documents are refused with the expected error
// codes and positions, or accepted with the expected lint warnings.
func TestCorpusValidation(t *testing.T) {
	for _, f := range loadCorpus(t) {
		for _, c := range f.Validation {
			t.Run(f.name+"/"+c.Name, func(t *testing.T) {
				if c.Doc == "" {
					t.Errorf("case has no doc citation")
				}
				skipKnownBug(t, c.Doc, c.KnownEngineBug)
				kind := kindOf(t, c.Kind)
				rep := policy.Validate([]byte(c.Text), kind, 0)
				checkDiagnostics(t, "error", rep.Errors, c.Errors)
				checkDiagnostics(t, "warning", rep.Warnings, c.Warnings)
				if c.NoWarnings && len(rep.Warnings) > 0 {
					t.Errorf("unexpected warnings: %v", rep.Warnings)
				}
				_, err := policy.Parse([]byte(c.Text), kind)
				if (err == nil) != (len(c.Errors) == 0) {
					t.Errorf("Parse error = %v, want refused=%v", err, len(c.Errors) > 0)
				}
			})
		}
	}
}

// checkDiagnostics requires every wanted diagnostic to be reported (at its position,
// when one is given). For errors it also requires that nothing else is reported; extra
// warnings are tolerated because lint rules grow over time.
func checkDiagnostics(t *testing.T, what string, got []policy.Diagnostic, want []corpusDiagWant) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, g := range got {
			if string(g.Code) == w.Code && (w.Line == 0 || g.Line == w.Line) && (w.Column == 0 || g.Column == w.Column) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("want %s %s at %d:%d, got %v", what, w.Code, w.Line, w.Column, got)
		}
	}
	if what == "error" && len(want) == 0 && len(got) > 0 {
		t.Errorf("document refused: %v", got)
	}
}

// TestCorpusSize keeps the corpus from shrinking and checks that every topic file
// contributes.
func TestCorpusSize(t *testing.T) {
	total, validation := 0, 0
	for _, f := range loadCorpus(t) {
		n := 0
		for _, c := range f.Cases {
			if len(c.Requests) == 0 {
				t.Errorf("%s/%s has no requests", f.name, c.Name)
			}
			n += len(c.Requests)
		}
		if n == 0 && len(f.Validation) == 0 {
			t.Errorf("%s.json holds no cases", f.name)
		}
		t.Logf("%-24s %4d requests %3d validation cases", f.name, n, len(f.Validation))
		total += n
		validation += len(f.Validation)
	}
	t.Logf("total: %d requests, %d validation cases", total, validation)
	if total < minCorpusRequests {
		t.Errorf("corpus has %d evaluation requests, want at least %d", total, minCorpusRequests)
	}
}

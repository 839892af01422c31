package policy_test

// The AWS grammar corpus: testdata/aws-grammar/corpus.json holds documents
// with IAM's recorded answer (accepted, or refused with its error code and
// exact message) and the source of that answer. Each is checked here at the
// policy layer; internal/awsapi runs the same corpus through the API.

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/iamconsole/console/internal/awsdata"
	"github.com/iamconsole/console/internal/policy"
)

// AWSGrammarCase is one corpus document.
type awsGrammarCase struct {
	Name    string `json:"name"`
	Target  string `json:"target"` // managed, inline or trust
	Source  string `json:"source"`
	Text    string `json:"text"`
	Accept  bool   `json:"accept"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

const minAWSGrammarCases = 100

func loadAWSGrammar(t testing.TB) []awsGrammarCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/aws-grammar/corpus.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []awsGrammarCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < minAWSGrammarCases {
		t.Fatalf("the AWS grammar corpus has %d cases, fewer than %d", len(f.Cases), minAWSGrammarCases)
	}
	return f.Cases
}

// awsTarget is the kind, the managed flag and the size quota of a target.
func awsTarget(t testing.TB, target string) (policy.Kind, bool, int) {
	switch target {
	case "managed":
		return policy.Identity, true, policy.LimitManaged
	case "inline":
		return policy.Identity, false, policy.LimitRoleInline
	case "trust":
		return policy.Trust, false, policy.LimitTrust
	}
	t.Fatalf("unknown target %q", target)
	return 0, false, 0
}

func TestAWSGrammarCorpus(t *testing.T) {
	for _, c := range loadAWSGrammar(t) {
		t.Run(c.Target+"/"+c.Name, func(t *testing.T) {
			if c.Source == "" {
				t.Error("case has no source")
			}
			kind, managed, limit := awsTarget(t, c.Target)
			r := policy.ValidateFor([]byte(c.Text), kind, managed, limit)
			code, msg := r.AWSError()
			if c.Accept {
				if code != "" || !r.OK() {
					t.Fatalf("IAM accepts it; refused with %s %q: %v", code, msg, r.Errors)
				}
				// Whatever IAM accepts, the engine must read and compile.
				d, err := policy.Parse([]byte(c.Text), kind)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				policy.Compile(policy.PolicyRef{ID: c.Name}, d)
				return
			}
			if r.OK() {
				t.Fatalf("IAM refuses it with %s %q; accepted", c.Code, c.Message)
			}
			if code != c.Code {
				t.Fatalf("code %s, want %s (%v)", code, c.Code, r.Errors)
			}
			if code == "LimitExceeded" {
				return // the quota's text is the operation's (internal/iam)
			}
			if msg != c.Message {
				t.Errorf("message\n got %q\nwant %q\n(diagnostics %v)", msg, c.Message, r.Errors)
			}
			// The console keeps the precise diagnostics: every error has a
			// position when the JSON could be read.
			for _, e := range r.Errors {
				if r.Doc != nil && e.Line == 0 {
					t.Errorf("error without a position: %v", e)
				}
			}
		})
	}
}

// TestAWSManagedPoliciesPassAWSGrammar: IAM accepted every one of AWS's own
// managed policies, so the grammar must accept all of them (1,594 documents
// written by AWS: the widest sample of what IAM takes).
func TestAWSManagedPoliciesPassAWSGrammar(t *testing.T) {
	if testing.Short() {
		t.Skip("reads every AWS managed policy")
	}
	ps := awsdata.ManagedPolicies()
	for _, p := range ps {
		r := policy.ValidateFor([]byte(p.Document()), policy.Identity, true, 0)
		if code, msg := r.AWSError(); code != "" {
			t.Errorf("%s: refused with %s %q (%v)", p.Name, code, msg, r.Errors)
		}
	}
	if len(ps) < 1000 {
		t.Errorf("only %d managed policies", len(ps))
	}
}

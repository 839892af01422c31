package policy_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/awsdata"
	"github.com/iamconsole/console/internal/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// summaryText prints a summary one row per line, as the golden files hold it.
func summaryText(s policy.Summary) string {
	var b strings.Builder
	for _, eff := range []struct {
		name string
		rows []policy.ServiceSummary
	}{{"Allow", s.Allow}, {"Deny", s.Deny}} {
		for _, r := range eff.rows {
			var levels []string
			for _, l := range r.Levels {
				levels = append(levels, fmt.Sprintf("%s %d/%d", l.Level, l.Granted, l.Total))
			}
			res := strings.Join(r.Resources, " ")
			if r.NotResource {
				res = "all except " + res
			}
			cond := strings.Join(r.Conditions, "; ")
			if cond == "" {
				cond = "none"
			}
			fmt.Fprintf(&b, "%s %s (%s): %s | %s | resources: %s | conditions: %s\n", eff.name, r.Prefix, r.Name, r.Access(),
				strings.Join(levels, ", "), res, cond)
		}
	}
	if len(s.Unrecognized) > 0 {
		fmt.Fprintf(&b, "Unrecognized: %s\n", strings.Join(s.Unrecognized, ", "))
	}
	return b.String()
}

// TestSummaryGolden summarises real AWS managed policies and compares with
// testdata/summary/NAME.golden (go test -run TestSummaryGolden -update
// rewrites them after a snapshot update; read the diff).
func TestSummaryGolden(t *testing.T) {
	for _, name := range []string{"AmazonS3ReadOnlyAccess", "IAMReadOnlyAccess", "IAMUserChangePassword", "AmazonEC2ReadOnlyAccess", "PowerUserAccess"} {
		t.Run(name, func(t *testing.T) {
			p, ok := awsdata.ManagedPolicyByName(name)
			if !ok {
				t.Fatalf("%s not in the snapshot", name)
			}
			got := summaryText(policy.Summarize(policy.MustParse(p.Document(), policy.Identity)))
			path := filepath.Join("testdata", "summary", name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("summary of %s differs from %s:\n%s", name, path, got)
			}
		})
	}
}

func TestSummaryLevels(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::data/*"},
	  {"Effect":"Allow","Action":"iam:*","Resource":"*"},
	  {"Effect":"Allow","Action":["sts:AssumeRol"],"Resource":"*"},
	  {"Effect":"Deny","Action":"ec2:TerminateInstances","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`
	s := policy.Summarize(policy.MustParse(doc, policy.Identity))
	got := map[string]string{}
	for _, r := range s.Allow {
		got["Allow "+r.Prefix] = r.Access()
	}
	for _, r := range s.Deny {
		got["Deny "+r.Prefix] = r.Access() + " " + strings.Join(r.Conditions, ";")
	}
	want := map[string]string{
		"Allow s3":  "Limited: List, Read",
		"Allow iam": "Full access",
		"Deny ec2":  "Limited: Write Bool aws:MultiFactorAuthPresent: false",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("summary rows %v, want %v", got, want)
	}
	if strings.Join(s.Unrecognized, ",") != "sts:AssumeRol" {
		t.Errorf("unrecognized %v", s.Unrecognized)
	}
}

func BenchmarkSummarizeReadOnlyAccess(b *testing.B) {
	p, _ := awsdata.ManagedPolicyByName("ReadOnlyAccess")
	d := policy.MustParse(p.Document(), policy.Identity)
	for b.Loop() {
		policy.Summarize(d)
	}
}

// BenchmarkCompileReadOnlyAccess is what the first request of a principal
// with AWS's ReadOnlyAccess pays (later ones hit the policy cache).
func BenchmarkCompileReadOnlyAccess(b *testing.B) {
	p, _ := awsdata.ManagedPolicyByName("ReadOnlyAccess")
	doc := p.Document()
	for b.Loop() {
		policy.MustCompile(policy.PolicyRef{ID: "ro"}, doc, policy.Identity)
	}
}

// BenchmarkDecideManyActionsReadOnlyAccess asks a freshly compiled AWS
// ReadOnlyAccess about 500 different actions, as the access graph does for
// each principal: the per-service index of long Action lists and the memo
// published at doublings keep this linear.
func BenchmarkDecideManyActionsReadOnlyAccess(b *testing.B) {
	p, _ := awsdata.ManagedPolicyByName("ReadOnlyAccess")
	d := policy.MustParse(p.Document(), policy.Identity)
	var actions []string
	ref := awsdata.Services()
	for _, prefix := range ref.Prefixes() {
		for _, a := range ref.Service(prefix).Actions {
			if len(actions) < 500 && len(actions)%7 == 0 || len(actions) < 500 && a.Level == awsdata.Read {
				actions = append(actions, prefix+":"+a.Name)
			}
		}
	}
	for b.Loop() {
		in := &policy.Inputs{Identity: []*policy.Policy{policy.Compile(policy.PolicyRef{ID: "ro"}, d)}}
		for _, a := range actions {
			policy.Decide(in, &policy.Request{Principal: policy.Principal{ARN: "arn:aws:iam::111122223333:user/a"}, Action: a, Resource: "*"})
		}
	}
}

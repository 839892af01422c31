package bench

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/minio/pkg/v3/policy"
)

// minioEngine is github.com/minio/pkg/v3/policy, used as MinIO's IAM uses it: every
// policy mapped to the user and to its groups is parsed (policy.ParseConfig, which
// validates) and merged into one policy (policy.MergePolicies), and a request is
// decided by Policy.IsAllowed(Args). MinIO matches action wildcards itself
// (s3:Get*, NotAction s3:Delete*), so the action catalogue is not needed.
type minioEngine struct{}

func (minioEngine) name() string { return "minio" }

func (minioEngine) load(s *Scenario) (loaded, error) {
	ps := make([]policy.Policy, 0, len(s.Policies))
	for _, p := range s.Policies {
		parsed, err := policy.ParseConfig(bytes.NewReader(p.Document))
		if err != nil {
			return nil, fmt.Errorf("minio: policy %s: %w", p.Name, err)
		}
		ps = append(ps, *parsed)
	}
	merged := policy.MergePolicies(ps...)
	return &minioLoaded{s: s, policy: merged}, nil
}

type minioLoaded struct {
	s      *Scenario
	policy policy.Policy
}

const s3ARNPrefix = "arn:aws:s3:::"

func (l *minioLoaded) prepare(r Request) (func() outcome, error) {
	path, ok := strings.CutPrefix(r.Resource, s3ARNPrefix)
	if !ok {
		return nil, fmt.Errorf("minio: resource %q is not an S3 ARN", r.Resource)
	}
	bucket, object, _ := strings.Cut(path, "/")
	// MinIO keys condition values by the key's name without its "aws:" prefix
	// (condition.KeyName.Name), as its server fills them in.
	cv := make(map[string][]string, len(r.Context))
	for k, v := range r.Context {
		cv[strings.TrimPrefix(k, "aws:")] = v
	}
	args := policy.Args{
		AccountName:     l.s.Principal.Username,
		Groups:          l.s.Principal.Groups,
		Action:          policy.Action(r.Action),
		BucketName:      bucket,
		ObjectName:      object,
		ConditionValues: cv,
	}
	p := l.policy
	// IsAllowed answers a bare bool; asking again with DenyOnly (only Deny statements
	// apply) tells, outside the timed decision, whether a denial is explicit.
	denyOnly := args
	denyOnly.DenyOnly = true
	explicit := no
	if !p.IsAllowed(denyOnly) {
		explicit = yes
	}
	return func() outcome {
		return outcome{allowed: p.IsAllowed(args), explicit: explicit}
	}, nil
}

// BenchmarkMinioLoad splits minio's load of the large scenario into its two steps, to
// show where BenchmarkCompile/minio/large spends its time: parsing and validating the
// 50 documents, and merging them (MergePolicies drops duplicate statements by
// comparing every pair).
func BenchmarkMinioLoad(b *testing.B) {
	s := mustLoadScenario(b, "large")
	parseAll := func(b *testing.B) []policy.Policy {
		ps := make([]policy.Policy, 0, len(s.Policies))
		for _, p := range s.Policies {
			parsed, err := policy.ParseConfig(bytes.NewReader(p.Document))
			if err != nil {
				b.Fatal(err)
			}
			ps = append(ps, *parsed)
		}
		return ps
	}
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			parseAll(b)
		}
	})
	b.Run("merge", func(b *testing.B) {
		ps := parseAll(b)
		b.ReportAllocs()
		for b.Loop() {
			policy.MergePolicies(ps...)
		}
	})
}

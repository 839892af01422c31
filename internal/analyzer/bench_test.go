package analyzer

import (
	"os"
	"testing"

	"github.com/iamconsole/console/internal/awsdata"
)

// BenchmarkValidatePolicy6KB measures ValidatePolicy's checks on a 6 KB
// identity policy (testdata/bench-6k.json: 15 statements over five
// services, conditions on a third of them), the reference already read.
// The goal is 5 ms (BENCHMARKS.md).
func BenchmarkValidatePolicy6KB(b *testing.B) {
	doc, err := os.ReadFile("testdata/bench-6k.json")
	if err != nil {
		b.Fatal(err)
	}
	awsdata.Services()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if fs := Validate(doc, Input{PolicyType: IdentityPolicy}); len(fs) == 0 {
			b.Fatal("no findings: the document's iam:PassRole should be one")
		}
	}
}

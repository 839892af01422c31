package awsapi_test

import (
	"os/exec"
	"testing"
)

// TestAWSCLIAccessAnalyzer runs `aws accessanalyzer validate-policy` and
// `check-no-public-access` against the console, as TestAWSCLI does for IAM
// and STS: skipped (loudly) when the aws CLI is not installed.
func TestAWSCLIAccessAnalyzer(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed: skipping the Access Analyzer CLI smoke test")
	}
	e := sqlite(t)
	var out struct {
		Findings []struct {
			IssueCode, FindingType, LearnMoreLink string
			Locations                             []struct {
				Path []map[string]any
				Span struct {
					Start, End struct{ Line, Column, Offset int }
				}
			}
		}
	}
	// The CLI pages by itself (page size 1: three requests with nextToken).
	e.awsCLI(t, &out, "accessanalyzer", "validate-policy", "--policy-type", "IDENTITY_POLICY", "--page-size", "1",
		"--policy-document", analyzerDoc)
	if len(out.Findings) != 4 || out.Findings[2].IssueCode != "INVALID_ACTION" || out.Findings[2].FindingType != "ERROR" ||
		len(out.Findings[2].Locations) != 1 || out.Findings[2].Locations[0].Span.Start.Line != 11 ||
		len(out.Findings[2].Locations[0].Path) != 3 || out.Findings[2].Locations[0].Path[0]["value"] != "Statement" {
		t.Errorf("aws accessanalyzer validate-policy = %+v", out)
	}
	var pub struct{ Result, Message string }
	e.awsCLI(t, &pub, "accessanalyzer", "check-no-public-access", "--resource-type", "AWS::IAM::AssumeRolePolicyDocument",
		"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`)
	if pub.Result != "FAIL" {
		t.Errorf("aws accessanalyzer check-no-public-access = %+v", pub)
	}
}

package awsapi_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// awsCLI runs the aws command line against the console with the admin's
// key in the environment, and decodes its JSON output into out.
func (e *env) awsCLI(t *testing.T, out any, args ...string) {
	t.Helper()
	e.awsCLIEnv(t, out, []string{"AWS_ACCESS_KEY_ID=" + e.adminKey, "AWS_SECRET_ACCESS_KEY=" + e.adminSecret}, args...)
}

// awsCLIEnv runs the aws command line with the credentials (or other
// settings) env gives, as awsCLI does.
func (e *env) awsCLIEnv(t *testing.T, out any, env []string, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed: skipping the CLI smoke test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--endpoint-url", e.srv.URL + "/aws", "--output", "json"}, args...)...)
	home := t.TempDir()
	// The machine's own AWS settings stay out; HOME stays (pyenv shims need it).
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Env = append(cmd.Env, "AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE="+filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"), "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1")
	b, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("aws %v: %v\n%s", args, err, ee.Stderr)
		}
		if ctx.Err() != nil || len(b) == 0 {
			t.Skipf("aws CLI did not run (%v): skipping", err)
		}
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("aws %v printed %s: %v", args, b, err)
		}
	}
}

// TestAWSCLI is a smoke test with the real aws command line, when installed.
func TestAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed: skipping the CLI smoke test")
	}
	e := sqlite(t)
	var id struct{ Arn, Account string }
	e.awsCLI(t, &id, "sts", "get-caller-identity")
	if id.Arn != e.userARN("admin") || id.Account != e.acct.ID {
		t.Errorf("sts get-caller-identity = %+v", id)
	}
	var users struct {
		Users []struct{ UserName, Arn string }
	}
	e.awsCLI(t, &users, "iam", "list-users")
	if len(users.Users) != 1 || users.Users[0].UserName != "admin" || users.Users[0].Arn != e.userARN("admin") {
		t.Errorf("iam list-users = %+v", users)
	}
	e.seedRole("cli-role", ec2Trust)
	var role struct {
		Role struct {
			RoleName                 string
			AssumeRolePolicyDocument struct {
				Statement []struct{ Principal struct{ Service string } }
			}
		}
	}
	e.awsCLI(t, &role, "iam", "get-role", "--role-name", "cli-role")
	if st := role.Role.AssumeRolePolicyDocument.Statement; role.Role.RoleName != "cli-role" || len(st) != 1 || st[0].Principal.Service != "ec2.amazonaws.com" {
		t.Errorf("iam get-role (trust policy decoded by the CLI) = %+v", role)
	}
	var sim struct {
		EvaluationResults []struct {
			EvalDecision      string
			MatchedStatements []struct{ SourcePolicyId string }
		}
	}
	e.awsCLI(t, &sim, "iam", "simulate-custom-policy", "--policy-input-list", simPolicy, "--action-names", "s3:DeleteObject")
	if len(sim.EvaluationResults) != 1 || sim.EvaluationResults[0].EvalDecision != "explicitDeny" ||
		len(sim.EvaluationResults[0].MatchedStatements) != 1 || sim.EvaluationResults[0].MatchedStatements[0].SourcePolicyId != "PolicyInputList.1" {
		t.Errorf("iam simulate-custom-policy = %+v", sim)
	}
}

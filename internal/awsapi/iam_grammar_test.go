package awsapi_test

// The AWS grammar corpus (internal/policy/testdata/aws-grammar) through the
// API: every document goes to the operation that receives its kind
// (CreatePolicy; PutUserPolicy; CreateRole and UpdateAssumeRolePolicy), which
// must accept what IAM accepts and refuse the rest with IAM's code and exact
// message.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/policy"
)

type grammarCase struct {
	Name    string `json:"name"`
	Target  string `json:"target"`
	Text    string `json:"text"`
	Accept  bool   `json:"accept"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func loadGrammarCorpus(t *testing.T) []grammarCase {
	t.Helper()
	raw, err := os.ReadFile("../policy/testdata/aws-grammar/corpus.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []grammarCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < 100 {
		t.Fatalf("corpus has %d cases", len(f.Cases))
	}
	return f.Cases
}

// wantAWSAnswer checks err against IAM's recorded answer.
func wantAWSAnswer(t *testing.T, op string, c grammarCase, err error) {
	t.Helper()
	if c.Accept {
		if err != nil {
			t.Errorf("%s: IAM accepts it; got %v", op, err)
		}
		return
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("%s: IAM refuses it with %s %q; got %v", op, c.Code, c.Message, err)
		return
	}
	if ae.ErrorCode() != c.Code || ae.ErrorMessage() != c.Message {
		t.Errorf("%s: got %s %q\n want %s %q", op, ae.ErrorCode(), ae.ErrorMessage(), c.Code, c.Message)
	}
}

func TestPolicyGrammarCorpus(t *testing.T) {
	cases := loadGrammarCorpus(t)
	backends(t, func(t *testing.T, e *env) {
		_, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("grammar")})
		ok(t, err)
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		_, err = e.iam.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("grammar"), AssumeRolePolicyDocument: aws.String(trust)})
		ok(t, err)
		for i, c := range cases {
			switch c.Target {
			case "managed":
				_, err := e.iam.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String(fmt.Sprintf("g%d", i)), PolicyDocument: aws.String(c.Text)})
				wantAWSAnswer(t, "CreatePolicy "+c.Name, c, err)
			case "inline":
				_, err := e.iam.PutUserPolicy(e.ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("grammar"), PolicyName: aws.String("g"), PolicyDocument: aws.String(c.Text)})
				wantAWSAnswer(t, "PutUserPolicy "+c.Name, c, err)
			case "trust":
				_, err := e.iam.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("g%d", i)), AssumeRolePolicyDocument: aws.String(c.Text)})
				wantAWSAnswer(t, "CreateRole "+c.Name, c, err)
				_, err = e.iam.UpdateAssumeRolePolicy(e.ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("grammar"), PolicyDocument: aws.String(c.Text)})
				wantAWSAnswer(t, "UpdateAssumeRolePolicy "+c.Name, c, err)
			default:
				t.Fatalf("%s: unknown target %q", c.Name, c.Target)
			}
		}
	})
}

// TestPolicyGrammarConsoleKeepsPosition: the API answers IAM's sentence,
// the console (iam.CheckPolicyDocument) still names the line and column.
func TestPolicyGrammarConsoleKeepsPosition(t *testing.T) {
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:ListBucket\", \"Resource\": \"invalid resource\"}\n}"
	_, err := iam.CheckPolicyDocument(doc, policy.Identity)
	var ie *iam.Error
	if !errors.As(err, &ie) {
		t.Fatalf("CheckPolicyDocument = %v", err)
	}
	if !strings.Contains(ie.Message, "line 3, column 75") || ie.APIMessage != `Resource invalid resource must be in ARN format or "*".` {
		t.Errorf("Message %q, APIMessage %q", ie.Message, ie.APIMessage)
	}
	e := sqlite(t)
	_, err = e.iam.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
	wantAWSAnswer(t, "CreatePolicy", grammarCase{Code: "MalformedPolicyDocument", Message: ie.APIMessage}, err)
}

// TestTrustPolicyPrincipalMustExist: IAM refuses a trust policy naming a
// user or role that does not exist ("Invalid principal in policy", as
// https://github.com/opstrace/opstrace/issues/88 and
// https://github.com/databrickslabs/ucx/issues/2269 record for CreateRole
// and UpdateAssumeRolePolicy); a principal of another account is not ours
// to check.
func TestTrustPolicyPrincipalMustExist(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		trust := func(arn string) string {
			return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + arn + `"},"Action":"sts:AssumeRole"}]}`
		}
		nobody := "arn:aws:iam::" + e.acct.ID + ":role/nobody"
		_, err := e.iam.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(trust(nobody))})
		wantAWSAnswer(t, "CreateRole", grammarCase{Code: "MalformedPolicyDocument", Message: `Invalid principal in policy: "AWS":"` + nobody + `"`}, err)
		_, err = e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("carol"), Path: aws.String("/team/")})
		ok(t, err)
		carol := "arn:aws:iam::" + e.acct.ID + ":user/team/carol"
		_, err = e.iam.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(trust(carol))})
		ok(t, err)
		wrongPath := "arn:aws:iam::" + e.acct.ID + ":user/carol"
		_, err = e.iam.UpdateAssumeRolePolicy(e.ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("r1"), PolicyDocument: aws.String(trust(wrongPath))})
		wantAWSAnswer(t, "UpdateAssumeRolePolicy", grammarCase{Code: "MalformedPolicyDocument", Message: `Invalid principal in policy: "AWS":"` + wrongPath + `"`}, err)
		for _, other := range []string{"arn:aws:iam::111122223333:role/anything", "111122223333", "arn:aws:iam::" + e.acct.ID + ":root"} {
			_, err = e.iam.UpdateAssumeRolePolicy(e.ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("r1"), PolicyDocument: aws.String(trust(other))})
			ok(t, err)
		}
	})
}

package awsapi_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestListPoliciesAWSScope pages through every AWS managed policy with the
// SDK's paginator, as `aws iam list-policies --scope AWS` does, and checks
// what AWS publishes about them: paths, default versions, dates.
func TestListPoliciesAWSScope(t *testing.T) {
	e := sqlite(t)
	client := e.iam
	list := func(in *iamsdk.ListPoliciesInput) []types.Policy {
		t.Helper()
		var out []types.Policy
		pages := iamsdk.NewListPoliciesPaginator(client, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(e.ctx)
			if err != nil {
				t.Fatalf("ListPolicies %+v, after %d: %v", in, len(out), err)
			}
			out = append(out, page.Policies...)
		}
		return out
	}
	all := list(&iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(250)})
	if len(all) != 1594 {
		t.Fatalf("Scope=AWS gave %d policies, want 1,594", len(all))
	}
	byName := map[string]types.Policy{}
	for _, p := range all {
		n := aws.ToString(p.PolicyName)
		if _, dup := byName[n]; dup {
			t.Errorf("%s listed twice", n)
		}
		byName[n] = p
		if !strings.HasPrefix(aws.ToString(p.Arn), "arn:aws:iam::aws:policy/") || !p.IsAttachable {
			t.Errorf("%s: %+v", n, p)
		}
	}
	ro := byName["IAMReadOnlyAccess"]
	if aws.ToString(ro.DefaultVersionId) != "v4" || !ro.CreateDate.Equal(time.Date(2015, 2, 6, 18, 40, 39, 0, time.UTC)) ||
		!ro.UpdateDate.Equal(time.Date(2018, 1, 25, 19, 11, 27, 0, time.UTC)) {
		t.Errorf("IAMReadOnlyAccess = %+v", ro)
	}
	if v := byName["ViewOnlyAccess"]; aws.ToString(v.Path) != "/job-function/" || aws.ToString(v.Arn) != "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess" {
		t.Errorf("ViewOnlyAccess = %+v", v)
	}

	// PathPrefix selects AWS's service-role policies only.
	roles := list(&iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, PathPrefix: aws.String("/service-role/")})
	if len(roles) != 227 || slices.ContainsFunc(roles, func(p types.Policy) bool { return aws.ToString(p.Path) != "/service-role/" }) {
		t.Errorf("PathPrefix /service-role/: %d policies", len(roles))
	}

	// OnlyAttached: those attached to something, with their counts.
	e.user("reader", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
	attached := list(&iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, OnlyAttached: true})
	var names []string
	for _, p := range attached {
		names = append(names, aws.ToString(p.PolicyName))
	}
	if !slices.Contains(names, "AmazonS3ReadOnlyAccess") || slices.Contains(names, "IAMReadOnlyAccess") {
		t.Errorf("OnlyAttached: %v", names)
	}
	// Scope=All: AWS's, then the account's own.
	if n := len(list(&iamsdk.ListPoliciesInput{})); n != 1594 {
		t.Errorf("Scope=All with no customer policies: %d", n)
	}
}

// TestAWSManagedPolicyAuthorizes: AmazonS3ReadOnlyAccess, attached through the
// API, is AWS's document and decides as AWS's does (s3:GetObject allowed,
// s3:PutObject not, nothing of IAM); IAMReadOnlyAccess reads IAM and changes
// nothing.
func TestAWSManagedPolicyAuthorizes(t *testing.T) {
	e := sqlite(t)
	const s3ro = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	_, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("dana")})
	ok(t, err)
	_, err = e.iam.AttachUserPolicy(e.ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("dana"), PolicyArn: aws.String(s3ro)})
	ok(t, err)

	p := must[*iamsdk.GetPolicyOutput](t)(e.iam.GetPolicy(e.ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(s3ro)})).Policy
	v := must[*iamsdk.GetPolicyVersionOutput](t)(e.iam.GetPolicyVersion(e.ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(s3ro), VersionId: p.DefaultVersionId})).PolicyVersion
	if doc := decoded(t, v.Document); !strings.Contains(doc, `"s3:Get*"`) || !strings.Contains(doc, `"s3:List*"`) || !v.IsDefaultVersion {
		t.Errorf("AmazonS3ReadOnlyAccess %s = %s", aws.ToString(p.DefaultVersionId), doc)
	}
	_, err = e.iam.CreatePolicyVersion(e.ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(s3ro), PolicyDocument: aws.String(s3Policy("s3:*"))})
	if apiCode(err) == "" {
		t.Error("an AWS managed policy took a new version")
	}

	sim := must[*iamsdk.SimulatePrincipalPolicyOutput](t)(e.iam.SimulatePrincipalPolicy(e.ctx, &iamsdk.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(e.userARN("dana")), ActionNames: []string{"s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteBucket", "iam:ListUsers"},
		ResourceArns: []string{"arn:aws:s3:::reports/q1.csv"}}))
	want := map[string]types.PolicyEvaluationDecisionType{"s3:GetObject": types.PolicyEvaluationDecisionTypeAllowed,
		"s3:ListBucket": types.PolicyEvaluationDecisionTypeAllowed, "s3:PutObject": types.PolicyEvaluationDecisionTypeImplicitDeny,
		"s3:DeleteBucket": types.PolicyEvaluationDecisionTypeImplicitDeny, "iam:ListUsers": types.PolicyEvaluationDecisionTypeImplicitDeny}
	for _, r := range sim.EvaluationResults {
		if got := r.EvalDecision; got != want[aws.ToString(r.EvalActionName)] {
			t.Errorf("%s: %s, want %s", aws.ToString(r.EvalActionName), got, want[aws.ToString(r.EvalActionName)])
		}
	}

	// The console's own API is governed by AWS's documents too.
	id, secret := e.user("auditor", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
	auditor := e.iamClient(id, secret, "")
	_, err = auditor.ListUsers(e.ctx, &iamsdk.ListUsersInput{})
	ok(t, err)
	_, err = auditor.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("mallory")})
	wantCode(t, err, "AccessDenied")
	id, secret = e.user("s3reader", s3ro)
	_, err = e.iamClient(id, secret, "").ListUsers(e.ctx, &iamsdk.ListUsersInput{})
	wantCode(t, err, "AccessDenied")
}

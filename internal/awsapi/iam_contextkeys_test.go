package awsapi_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamconsole/console/internal/iam"
)

// TestGetContextKeys: the condition keys of custom documents, and of a
// user's own and group policies with a document added; each key once,
// whatever its case; bad input refused as AWS does (a missing list the
// SDK refuses before sending).
func TestGetContextKeys(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		withKeys := func(keys ...string) string {
			conds := ""
			for i, k := range keys {
				if i > 0 {
					conds += ","
				}
				conds += fmt.Sprintf("%q:{%q:\"x\"}", []string{"StringEquals", "StringLike", "Bool"}[i%3], k)
			}
			return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{` + conds + `}}]}`
		}
		out, err := e.iam.GetContextKeysForCustomPolicy(e.ctx, &iamsdk.GetContextKeysForCustomPolicyInput{
			PolicyInputList: []string{withKeys("aws:SourceIp", "s3:prefix"), withKeys("AWS:SOURCEIP", "aws:MultiFactorAuthPresent")}})
		ok(t, err)
		if got := fmt.Sprint(out.ContextKeyNames); got != "[aws:SourceIp s3:prefix aws:MultiFactorAuthPresent]" {
			t.Errorf("custom: %s", got)
		}

		e.user("dev")
		e.seedInline("dev", "own", withKeys("aws:RequestedRegion"))
		if _, err := e.svc.CreateGroup(e.ctx, nil, iam.CreateGroupInput{GroupName: "devs"}, iam.Meta{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PutInlinePolicy(e.ctx, nil, iam.GroupNamed("devs"), "g", withKeys("aws:PrincipalTag/team"), iam.Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.AddUserToGroup(e.ctx, nil, "devs", "dev", iam.Meta{}); err != nil {
			t.Fatal(err)
		}
		p, err := e.iam.GetContextKeysForPrincipalPolicy(e.ctx, &iamsdk.GetContextKeysForPrincipalPolicyInput{
			PolicySourceArn: aws.String(e.userARN("dev")), PolicyInputList: []string{withKeys("s3:prefix")}})
		ok(t, err)
		if got := fmt.Sprint(p.ContextKeyNames); got != "[aws:RequestedRegion aws:PrincipalTag/team s3:prefix]" {
			t.Errorf("principal: %s", got)
		}

		_, err = e.iam.GetContextKeysForCustomPolicy(e.ctx, &iamsdk.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{"{not json"}})
		wantCode(t, err, "MalformedPolicyDocument")
		_, err = e.iam.GetContextKeysForPrincipalPolicy(e.ctx, &iamsdk.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: aws.String(e.userARN("nobody"))})
		wantCode(t, err, "NoSuchEntity")
		devKey, devSecret := e.user("reader")
		_, err = e.iamClient(devKey, devSecret, "").GetContextKeysForPrincipalPolicy(e.ctx, &iamsdk.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: aws.String(e.userARN("dev"))})
		wantCode(t, err, "AccessDenied")
	})
}

// TestListPoliciesGrantingServiceAccess: a user's managed, inline and
// group policies, per service asked about; a NotAction statement reaches
// what it does not name; bad input refused.
func TestListPoliciesGrantingServiceAccess(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.user("dev", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
		e.seedInline("dev", "ec2-only", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}`)
		if _, err := e.svc.CreateGroup(e.ctx, nil, iam.CreateGroupInput{GroupName: "devs"}, iam.Meta{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PutInlinePolicy(e.ctx, nil, iam.GroupNamed("devs"), "all-but-iam",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, iam.Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.AddUserToGroup(e.ctx, nil, "devs", "dev", iam.Meta{}); err != nil {
			t.Fatal(err)
		}
		out, err := e.iam.ListPoliciesGrantingServiceAccess(e.ctx, &iamsdk.ListPoliciesGrantingServiceAccessInput{
			Arn: aws.String(e.userARN("dev")), ServiceNamespaces: []string{"s3", "ec2", "iam"}})
		ok(t, err)
		got := map[string][]string{}
		for _, sg := range out.PoliciesGrantingServiceAccess {
			for _, p := range sg.Policies {
				got[aws.ToString(sg.ServiceNamespace)] = append(got[aws.ToString(sg.ServiceNamespace)],
					fmt.Sprintf("%s/%s/%s/%s", p.PolicyType, aws.ToString(p.PolicyName), p.EntityType, aws.ToString(p.EntityName)))
			}
		}
		want := map[string][]string{
			"s3":  {"MANAGED/AmazonS3ReadOnlyAccess//", "INLINE/all-but-iam/GROUP/devs"},
			"ec2": {"INLINE/ec2-only/USER/dev", "INLINE/all-but-iam/GROUP/devs"},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("grants\n got %v\nwant %v", got, want)
		}
		_, err = e.iam.ListPoliciesGrantingServiceAccess(e.ctx, &iamsdk.ListPoliciesGrantingServiceAccessInput{
			Arn: aws.String(e.userARN("dev")), ServiceNamespaces: []string{"not a namespace!"}})
		wantCode(t, err, "ValidationError")
		_, err = e.iam.ListPoliciesGrantingServiceAccess(e.ctx, &iamsdk.ListPoliciesGrantingServiceAccessInput{
			Arn: aws.String(e.userARN("nobody")), ServiceNamespaces: []string{"s3"}})
		wantCode(t, err, "NoSuchEntity")
	})
}

package awsapi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/iamconsole/console/internal/iam"
)

// TestGuardrailRefusesThroughAPI: an account guardrail ("only Admins reach
// full access") refuses an AttachGroupPolicy by a caller who may attach
// but not override, with AWS's AccessDenied naming the rule and the path;
// the caller given the override makes the same call.
func TestGuardrailRefusesThroughAPI(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		for _, g := range []string{"Admins", "developers"} {
			_, err := e.svc.CreateGroup(e.ctx, nil, iam.CreateGroupInput{GroupName: g}, iam.Meta{})
			ok(t, err)
		}
		e.user("alice")
		ok(t, e.svc.AddUserToGroup(e.ctx, nil, "developers", "alice", iam.Meta{}))
		id, secret := e.user("manager")
		e.seedInline("manager", "team", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
			"Action":["iam:AttachGroupPolicy","iam:GetAccountAuthorizationDetails"],"Resource":"*"}]}`)
		ok(t, e.svc.PutGuardrails(e.ctx, e.root, iam.Guardrails{AdminGroup: "Admins"}, iam.Meta{}))
		client := e.iamClient(id, secret, "")
		attach := &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("developers"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}

		_, err := client.AttachGroupPolicy(e.ctx, attach)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
			t.Fatalf("attach breaking the guardrail: %v", err)
		}
		for _, want := range []string{"guardrail admin-group", "alice — member of → developers — has → AdministratorAccess", iam.OverrideGuardrailAction} {
			if !strings.Contains(ae.ErrorMessage(), want) {
				t.Errorf("the refusal lacks %q: %s", want, ae.ErrorMessage())
			}
		}
		e.seedInline("manager", "override", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"`+iam.OverrideGuardrailAction+`",
			"Resource":"*","Condition":{"StringEquals":{"`+iam.GuardrailKey+`":"admin-group"}}}]}`)
		if _, err := client.AttachGroupPolicy(e.ctx, attach); err != nil {
			t.Fatalf("attach with the override: %v", err)
		}
	})
}

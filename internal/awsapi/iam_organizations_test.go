package awsapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// TestActionsNeedingOrganizations: each action that needs AWS
// Organizations or an onboarded partner answers AWS's error for an account
// without it — after the engine's check, so that a caller without the
// permission is refused first.
func TestActionsNeedingOrganizations(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		k, s := e.user("nobody")
		nobody := e.iamClient(k, s, "")
		org := []struct {
			name string
			call func(c *iamsdk.Client) error
		}{
			{"ListOrganizationsFeatures", func(c *iamsdk.Client) error {
				_, err := c.ListOrganizationsFeatures(e.ctx, &iamsdk.ListOrganizationsFeaturesInput{})
				return err
			}},
			{"EnableOrganizationsRootCredentialsManagement", func(c *iamsdk.Client) error {
				_, err := c.EnableOrganizationsRootCredentialsManagement(e.ctx, &iamsdk.EnableOrganizationsRootCredentialsManagementInput{})
				return err
			}},
			{"DisableOrganizationsRootCredentialsManagement", func(c *iamsdk.Client) error {
				_, err := c.DisableOrganizationsRootCredentialsManagement(e.ctx, &iamsdk.DisableOrganizationsRootCredentialsManagementInput{})
				return err
			}},
			{"EnableOrganizationsRootSessions", func(c *iamsdk.Client) error {
				_, err := c.EnableOrganizationsRootSessions(e.ctx, &iamsdk.EnableOrganizationsRootSessionsInput{})
				return err
			}},
			{"DisableOrganizationsRootSessions", func(c *iamsdk.Client) error {
				_, err := c.DisableOrganizationsRootSessions(e.ctx, &iamsdk.DisableOrganizationsRootSessionsInput{})
				return err
			}},
			{"GenerateOrganizationsAccessReport", func(c *iamsdk.Client) error {
				_, err := c.GenerateOrganizationsAccessReport(e.ctx, &iamsdk.GenerateOrganizationsAccessReportInput{EntityPath: aws.String("o-a1b2c3d4e5/r-f6g7h8i9j0example")})
				return err
			}},
		}
		for _, tc := range org {
			t.Run(tc.name, func(t *testing.T) {
				wantCode(t, tc.call(e.iam), "OrganizationNotFoundException")
				wantCode(t, tc.call(nobody), "AccessDenied")
			})
		}

		_, err := e.iam.GetOrganizationsAccessReport(e.ctx, &iamsdk.GetOrganizationsAccessReportInput{JobId: aws.String("examplea-1234-b567-cde8-90fg123abcd4")})
		wantCode(t, err, "NoSuchEntity")

		_, err = e.sts.AssumeRoot(e.ctx, &stssdk.AssumeRootInput{TargetPrincipal: aws.String("111122223333"),
			TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")}})
		wantCode(t, err, "AccessDenied")
		contains(t, "AssumeRoot refusal", err.Error(), "sts:AssumeRoot on resource: arn:aws:iam::111122223333:root")

		_, err = e.sts.GetDelegatedAccessToken(e.ctx, &stssdk.GetDelegatedAccessTokenInput{TradeInToken: aws.String("token")})
		wantCode(t, err, "ExpiredTradeInTokenException")
	})
}

func TestDelegationRequestsAndRoleTemplates(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		list := must[*iamsdk.ListDelegationRequestsOutput](t)(e.iam.ListDelegationRequests(e.ctx, &iamsdk.ListDelegationRequestsInput{}))
		if len(list.DelegationRequests) != 0 || list.IsTruncated {
			t.Errorf("ListDelegationRequests = %+v", list)
		}
		id := aws.String("dr-0123456789abcdef")
		_, err := e.iam.GetDelegationRequest(e.ctx, &iamsdk.GetDelegationRequestInput{DelegationRequestId: id})
		wantCode(t, err, "NoSuchEntity")
		_, err = e.iam.AcceptDelegationRequest(e.ctx, &iamsdk.AcceptDelegationRequestInput{DelegationRequestId: id})
		wantCode(t, err, "NoSuchEntity")
		_, err = e.iam.SendDelegationToken(e.ctx, &iamsdk.SendDelegationTokenInput{DelegationRequestId: id})
		wantCode(t, err, "NoSuchEntity")
		_, err = e.iam.GetHumanReadableSummary(e.ctx, &iamsdk.GetHumanReadableSummaryInput{EntityArn: aws.String("arn:aws:iam::" + e.acct.ID + ":delegation-request/dr-1")})
		wantCode(t, err, "NoSuchEntity")
		_, err = e.iam.CreateDelegationRequest(e.ctx, &iamsdk.CreateDelegationRequestInput{Description: aws.String("d"),
			NotificationChannel: aws.String("arn:aws:sns:us-east-1:111122223333:topic"), RequestorWorkflowId: aws.String("w"),
			SessionDuration: aws.Int32(3600), Permissions: &iamtypes.DelegationPermission{PolicyTemplateArn: aws.String("arn:aws:iam::aws:policy/x")}})
		wantCode(t, err, "AccessDenied")

		tmpl := aws.String("arn:aws:iam::aws:role-template/Example")
		_, err = e.iam.GetRoleTemplateVersion(e.ctx, &iamsdk.GetRoleTemplateVersionInput{TemplateArn: tmpl})
		wantCode(t, err, "NoSuchEntity")
		_, err = e.iam.AcquireRole(e.ctx, &iamsdk.AcquireRoleInput{TemplateArn: tmpl})
		wantCode(t, err, "NoSuchEntity")

		props := must[*iamsdk.GetAccountPropertiesOutput](t)(e.iam.GetAccountProperties(e.ctx, &iamsdk.GetAccountPropertiesInput{}))
		if len(props.Properties) != 0 {
			t.Errorf("GetAccountProperties = %v", props.Properties)
		}
		_, err = e.iam.PutAccountProperties(e.ctx, &iamsdk.PutAccountPropertiesInput{Properties: map[string]string{"RoleManager/Enabled": "true"}})
		wantCode(t, err, "InvalidInput")
		_, err = e.iam.PutAccountProperties(e.ctx, &iamsdk.PutAccountPropertiesInput{Properties: map[string]string{"no-namespace": "true"}})
		wantCode(t, err, "ValidationError")

		k, s := e.user("nobody")
		_, err = e.iamClient(k, s, "").ListDelegationRequests(e.ctx, &iamsdk.ListDelegationRequestsInput{})
		wantCode(t, err, "AccessDenied")
	})
}

func TestSecurityTokenServicePreferences(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		version := func() int {
			v, err := e.svc.STSGlobalEndpointTokenVersion(e.ctx, e.acct.ID)
			ok(t, err)
			return v
		}
		if v := version(); v != 1 {
			t.Errorf("default version = %d, want 1", v)
		}
		_, err := e.iam.SetSecurityTokenServicePreferences(e.ctx, &iamsdk.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: iamtypes.GlobalEndpointTokenVersionV2Token})
		ok(t, err)
		if v := version(); v != 2 {
			t.Errorf("version after v2Token = %d", v)
		}
		_, err = e.iam.SetSecurityTokenServicePreferences(e.ctx, &iamsdk.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: "v3Token"})
		wantCode(t, err, "ValidationError")
		k, s := e.user("nobody")
		_, err = e.iamClient(k, s, "").SetSecurityTokenServicePreferences(e.ctx, &iamsdk.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: iamtypes.GlobalEndpointTokenVersionV1Token})
		wantCode(t, err, "AccessDenied")
		if v := version(); v != 2 {
			t.Errorf("version after a refused change = %d", v)
		}
	})
}

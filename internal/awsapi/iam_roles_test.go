package awsapi_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// decoded undoes the URL encoding AWS puts on policy documents.
func decoded(t *testing.T, doc *string) string {
	t.Helper()
	s, err := url.QueryUnescape(aws.ToString(doc))
	if err != nil {
		t.Fatalf("document %q is not URL-encoded: %v", aws.ToString(doc), err)
	}
	return s
}

const ec2Trust = `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]
}`

func TestRoles(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		out, err := e.iam.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("app"), Path: aws.String("/svc/"),
			AssumeRolePolicyDocument: aws.String(ec2Trust), Description: aws.String("the app's role"), MaxSessionDuration: aws.Int32(7200),
			Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
		ok(t, err)
		r := out.Role
		if aws.ToString(r.RoleName) != "app" || aws.ToString(r.Path) != "/svc/" || !strings.HasPrefix(aws.ToString(r.RoleId), "AROA") ||
			aws.ToString(r.Arn) != "arn:aws:iam::"+e.acct.ID+":role/svc/app" || r.CreateDate == nil ||
			aws.ToString(r.Description) != "the app's role" || aws.ToInt32(r.MaxSessionDuration) != 7200 || len(r.Tags) != 1 {
			t.Errorf("CreateRole = %+v", r)
		}
		if got := decoded(t, r.AssumeRolePolicyDocument); got != ec2Trust {
			t.Errorf("trust policy round trip:\n%s\nwant\n%s", got, ec2Trust)
		}
		_, err = e.iam.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("App"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
		wantCode(t, err, "EntityAlreadyExists")
		_, err = e.iam.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow"`)})
		var mal *types.MalformedPolicyDocumentException
		if !asErr(err, &mal) {
			t.Errorf("CreateRole with a broken trust policy = %v, want MalformedPolicyDocumentException", err)
		}

		got := must[*iamsdk.GetRoleOutput](t)(e.iam.GetRole(e.ctx, &iamsdk.GetRoleInput{RoleName: aws.String("app")})).Role
		if aws.ToString(got.RoleId) != aws.ToString(r.RoleId) || decoded(t, got.AssumeRolePolicyDocument) != ec2Trust || got.RoleLastUsed == nil {
			t.Errorf("GetRole = %+v", got)
		}
		list := must[*iamsdk.ListRolesOutput](t)(e.iam.ListRoles(e.ctx, &iamsdk.ListRolesInput{PathPrefix: aws.String("/svc/")}))
		if len(list.Roles) != 1 || aws.ToString(list.Roles[0].RoleName) != "app" || list.IsTruncated {
			t.Errorf("ListRoles = %+v", list.Roles)
		}

		_, err = e.iam.UpdateRole(e.ctx, &iamsdk.UpdateRoleInput{RoleName: aws.String("app"), Description: aws.String("new"), MaxSessionDuration: aws.Int32(3600)})
		ok(t, err)
		ud := must[*iamsdk.UpdateRoleDescriptionOutput](t)(e.iam.UpdateRoleDescription(e.ctx, &iamsdk.UpdateRoleDescriptionInput{RoleName: aws.String("app"), Description: aws.String("newer")}))
		if aws.ToString(ud.Role.Description) != "newer" || aws.ToInt32(ud.Role.MaxSessionDuration) != 3600 {
			t.Errorf("UpdateRoleDescription = %+v", ud.Role)
		}
		newTrust := trustFor(e.userARN("admin"), "")
		_, err = e.iam.UpdateAssumeRolePolicy(e.ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("app"), PolicyDocument: aws.String(newTrust)})
		ok(t, err)
		got = must[*iamsdk.GetRoleOutput](t)(e.iam.GetRole(e.ctx, &iamsdk.GetRoleInput{RoleName: aws.String("app")})).Role
		if decoded(t, got.AssumeRolePolicyDocument) != newTrust {
			t.Errorf("after UpdateAssumeRolePolicy = %s", decoded(t, got.AssumeRolePolicyDocument))
		}
		_, err = e.iam.UpdateAssumeRolePolicy(e.ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("app"), PolicyDocument: aws.String("{")})
		wantCode(t, err, "MalformedPolicyDocument")

		_, err = e.iam.AttachRolePolicy(e.ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		ok(t, err)
		_, err = e.iam.DeleteRole(e.ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("app")})
		wantCode(t, err, "DeleteConflict")
		_, err = e.iam.DetachRolePolicy(e.ctx, &iamsdk.DetachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		ok(t, err)
		_, err = e.iam.DeleteRole(e.ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("app")})
		ok(t, err)
		_, err = e.iam.GetRole(e.ctx, &iamsdk.GetRoleInput{RoleName: aws.String("app")})
		var nse *types.NoSuchEntityException
		if !asErr(err, &nse) {
			t.Errorf("GetRole after delete = %v", err)
		}
	})
}

// TestRoleCreatedByAPIIsAssumable: a role made through the API is assumed
// through STS with the trust it was given.
func TestRoleCreatedByAPIIsAssumable(t *testing.T) {
	e := sqlite(t)
	_, err := e.iam.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("ops"), AssumeRolePolicyDocument: aws.String(trustFor(e.userARN("admin"), ""))})
	ok(t, err)
	_, err = e.iam.AttachRolePolicy(e.ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("ops"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")})
	ok(t, err)
	c := assumeVia(t, e, "arn:aws:iam::"+e.acct.ID+":role/ops")
	_, err = c.ListUsers(e.ctx, &iamsdk.ListUsersInput{})
	ok(t, err)
	_, err = c.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("x")})
	wantCode(t, err, "AccessDenied")
}

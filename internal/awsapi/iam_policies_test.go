package awsapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func s3Policy(action string) string {
	return fmt.Sprintf(`{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": %q, "Resource": "*"}]
}`, action)
}

func TestManagedPolicies(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		out, err := e.iam.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("s3-read"), Path: aws.String("/team/"),
			PolicyDocument: aws.String(s3Policy("s3:GetObject")), Description: aws.String("reads objects"),
			Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("data")}}})
		ok(t, err)
		p := out.Policy
		arn := "arn:aws:iam::" + e.acct.ID + ":policy/team/s3-read"
		if aws.ToString(p.PolicyName) != "s3-read" || aws.ToString(p.Arn) != arn || !strings.HasPrefix(aws.ToString(p.PolicyId), "ANPA") ||
			aws.ToString(p.DefaultVersionId) != "v1" || !p.IsAttachable || aws.ToInt32(p.AttachmentCount) != 0 ||
			aws.ToString(p.Path) != "/team/" || p.CreateDate == nil || p.UpdateDate == nil {
			t.Errorf("CreatePolicy = %+v", p)
		}
		_, err = e.iam.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("s3-read"), PolicyDocument: aws.String(s3Policy("s3:GetObject"))})
		wantCode(t, err, "EntityAlreadyExists")
		_, err = e.iam.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("broken"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}`)})
		var mal *types.MalformedPolicyDocumentException
		if !asErr(err, &mal) {
			t.Errorf("CreatePolicy with a bad effect = %v, want MalformedPolicyDocumentException", err)
		}

		got := must[*iamsdk.GetPolicyOutput](t)(e.iam.GetPolicy(e.ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(arn)})).Policy
		if aws.ToString(got.Description) != "reads objects" || len(got.Tags) != 1 {
			t.Errorf("GetPolicy = %+v", got)
		}
		builtin := must[*iamsdk.GetPolicyOutput](t)(e.iam.GetPolicy(e.ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})).Policy
		if aws.ToString(builtin.PolicyName) != "AdministratorAccess" || aws.ToInt32(builtin.AttachmentCount) < 1 {
			t.Errorf("GetPolicy AdministratorAccess = %+v", builtin)
		}

		local := must[*iamsdk.ListPoliciesOutput](t)(e.iam.ListPolicies(e.ctx, &iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal}))
		if len(local.Policies) != 1 || aws.ToString(local.Policies[0].Arn) != arn {
			t.Errorf("ListPolicies Local = %+v", local.Policies)
		}
		// AWS scope pages (100 by default, as AWS): TestListPoliciesAWSScope
		// goes through all of them.
		awsScope := must[*iamsdk.ListPoliciesOutput](t)(e.iam.ListPolicies(e.ctx, &iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeAws}))
		if len(awsScope.Policies) != 100 || !awsScope.IsTruncated || aws.ToString(awsScope.Marker) == "" {
			t.Errorf("ListPolicies Scope=AWS: %d policies, truncated %v", len(awsScope.Policies), awsScope.IsTruncated)
		}
		attached := must[*iamsdk.ListPoliciesOutput](t)(e.iam.ListPolicies(e.ctx, &iamsdk.ListPoliciesInput{OnlyAttached: true}))
		if len(attached.Policies) != 1 || aws.ToString(attached.Policies[0].PolicyName) != "AdministratorAccess" {
			t.Errorf("ListPolicies OnlyAttached = %+v", attached.Policies)
		}

		// Versions: up to 5, a new default, the old one deleted.
		v2 := must[*iamsdk.CreatePolicyVersionOutput](t)(e.iam.CreatePolicyVersion(e.ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(arn),
			PolicyDocument: aws.String(s3Policy("s3:ListBucket")), SetAsDefault: true})).PolicyVersion
		if aws.ToString(v2.VersionId) != "v2" || !v2.IsDefaultVersion || v2.Document != nil {
			t.Errorf("CreatePolicyVersion = %+v", v2)
		}
		gv := must[*iamsdk.GetPolicyVersionOutput](t)(e.iam.GetPolicyVersion(e.ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})).PolicyVersion
		if decoded(t, gv.Document) != s3Policy("s3:GetObject") || gv.IsDefaultVersion {
			t.Errorf("GetPolicyVersion v1 = %+v (%s)", gv, decoded(t, gv.Document))
		}
		for range 3 {
			_, err := e.iam.CreatePolicyVersion(e.ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(s3Policy("s3:PutObject"))})
			ok(t, err)
		}
		_, err = e.iam.CreatePolicyVersion(e.ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(s3Policy("s3:PutObject"))})
		var limit *types.LimitExceededException
		if !asErr(err, &limit) {
			t.Errorf("sixth version = %v, want LimitExceededException", err)
		}
		vs := must[*iamsdk.ListPolicyVersionsOutput](t)(e.iam.ListPolicyVersions(e.ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: aws.String(arn)}))
		if len(vs.Versions) != 5 || vs.IsTruncated {
			t.Errorf("ListPolicyVersions = %+v", vs.Versions)
		}
		_, err = e.iam.DeletePolicyVersion(e.ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})
		wantCode(t, err, "DeleteConflict") // the default version
		_, err = e.iam.SetDefaultPolicyVersion(e.ctx, &iamsdk.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
		ok(t, err)
		got = must[*iamsdk.GetPolicyOutput](t)(e.iam.GetPolicy(e.ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(arn)})).Policy
		if aws.ToString(got.DefaultVersionId) != "v1" {
			t.Errorf("default after SetDefaultPolicyVersion = %s", aws.ToString(got.DefaultVersionId))
		}
		_, err = e.iam.DeletePolicyVersion(e.ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})
		ok(t, err)
		_, err = e.iam.GetPolicyVersion(e.ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})
		wantCode(t, err, "NoSuchEntity")

		// Attached policies cannot be deleted; built-ins never.
		_, err = e.iam.AttachUserPolicy(e.ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("admin"), PolicyArn: aws.String(arn)})
		ok(t, err)
		_, err = e.iam.DeletePolicy(e.ctx, &iamsdk.DeletePolicyInput{PolicyArn: aws.String(arn)})
		var conflict *types.DeleteConflictException
		if !asErr(err, &conflict) {
			t.Errorf("DeletePolicy while attached = %v, want DeleteConflictException", err)
		}
		_, err = e.iam.DetachUserPolicy(e.ctx, &iamsdk.DetachUserPolicyInput{UserName: aws.String("admin"), PolicyArn: aws.String(arn)})
		ok(t, err)
		_, err = e.iam.DeletePolicy(e.ctx, &iamsdk.DeletePolicyInput{PolicyArn: aws.String(arn)})
		wantCode(t, err, "DeleteConflict") // versions other than the default remain
		for _, v := range []string{"v3", "v4", "v5"} {
			_, err = e.iam.DeletePolicyVersion(e.ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(v)})
			ok(t, err)
		}
		_, err = e.iam.DeletePolicy(e.ctx, &iamsdk.DeletePolicyInput{PolicyArn: aws.String(arn)})
		ok(t, err)
		_, err = e.iam.GetPolicy(e.ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(arn)})
		wantCode(t, err, "NoSuchEntity")
		_, err = e.iam.DeletePolicy(e.ctx, &iamsdk.DeletePolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		if err == nil {
			t.Error("DeletePolicy of a built-in succeeded")
		}
	})
}

func TestInlinePolicies(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		_, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("erin")})
		ok(t, err)
		_, err = e.iam.CreateGroup(e.ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("ops")})
		ok(t, err)
		e.seedRole("worker", trustFor(e.userARN("admin"), ""))
		doc := s3Policy("s3:GetObject")

		_, err = e.iam.PutUserPolicy(e.ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("erin"), PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)})
		ok(t, err)
		_, err = e.iam.PutGroupPolicy(e.ctx, &iamsdk.PutGroupPolicyInput{GroupName: aws.String("ops"), PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)})
		ok(t, err)
		_, err = e.iam.PutRolePolicy(e.ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)})
		ok(t, err)
		_, err = e.iam.PutUserPolicy(e.ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("erin"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Statement":[]`)})
		wantCode(t, err, "MalformedPolicyDocument")
		_, err = e.iam.PutUserPolicy(e.ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("ghost"), PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)})
		wantCode(t, err, "NoSuchEntity")

		gu := must[*iamsdk.GetUserPolicyOutput](t)(e.iam.GetUserPolicy(e.ctx, &iamsdk.GetUserPolicyInput{UserName: aws.String("erin"), PolicyName: aws.String("read")}))
		if aws.ToString(gu.UserName) != "erin" || aws.ToString(gu.PolicyName) != "read" || decoded(t, gu.PolicyDocument) != doc {
			t.Errorf("GetUserPolicy = %+v", gu)
		}
		gg := must[*iamsdk.GetGroupPolicyOutput](t)(e.iam.GetGroupPolicy(e.ctx, &iamsdk.GetGroupPolicyInput{GroupName: aws.String("ops"), PolicyName: aws.String("read")}))
		if aws.ToString(gg.GroupName) != "ops" || decoded(t, gg.PolicyDocument) != doc {
			t.Errorf("GetGroupPolicy = %+v", gg)
		}
		gr := must[*iamsdk.GetRolePolicyOutput](t)(e.iam.GetRolePolicy(e.ctx, &iamsdk.GetRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("read")}))
		if aws.ToString(gr.RoleName) != "worker" || decoded(t, gr.PolicyDocument) != doc {
			t.Errorf("GetRolePolicy = %+v", gr)
		}

		_, err = e.iam.PutUserPolicy(e.ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("erin"), PolicyName: aws.String("write"), PolicyDocument: aws.String(s3Policy("s3:PutObject"))})
		ok(t, err)
		lu := must[*iamsdk.ListUserPoliciesOutput](t)(e.iam.ListUserPolicies(e.ctx, &iamsdk.ListUserPoliciesInput{UserName: aws.String("erin")}))
		if strings.Join(lu.PolicyNames, ",") != "read,write" || lu.IsTruncated {
			t.Errorf("ListUserPolicies = %v", lu.PolicyNames)
		}
		lg := must[*iamsdk.ListGroupPoliciesOutput](t)(e.iam.ListGroupPolicies(e.ctx, &iamsdk.ListGroupPoliciesInput{GroupName: aws.String("ops")}))
		lr := must[*iamsdk.ListRolePoliciesOutput](t)(e.iam.ListRolePolicies(e.ctx, &iamsdk.ListRolePoliciesInput{RoleName: aws.String("worker")}))
		if len(lg.PolicyNames) != 1 || len(lr.PolicyNames) != 1 {
			t.Errorf("ListGroupPolicies %v ListRolePolicies %v", lg.PolicyNames, lr.PolicyNames)
		}

		_, err = e.iam.DeleteUserPolicy(e.ctx, &iamsdk.DeleteUserPolicyInput{UserName: aws.String("erin"), PolicyName: aws.String("read")})
		ok(t, err)
		_, err = e.iam.GetUserPolicy(e.ctx, &iamsdk.GetUserPolicyInput{UserName: aws.String("erin"), PolicyName: aws.String("read")})
		wantCode(t, err, "NoSuchEntity")
		_, err = e.iam.DeleteGroupPolicy(e.ctx, &iamsdk.DeleteGroupPolicyInput{GroupName: aws.String("ops"), PolicyName: aws.String("read")})
		ok(t, err)
		_, err = e.iam.DeleteRolePolicy(e.ctx, &iamsdk.DeleteRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("read")})
		ok(t, err)
		_, err = e.iam.DeleteRolePolicy(e.ctx, &iamsdk.DeleteRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("read")})
		wantCode(t, err, "NoSuchEntity")
	})
}

func TestTagsAndBoundaries(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		_, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("fay")})
		ok(t, err)
		e.seedRole("tagged", trustFor(e.userARN("admin"), ""))
		pol := must[*iamsdk.CreatePolicyOutput](t)(e.iam.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(s3Policy("s3:GetObject"))})).Policy
		tags := []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}

		_, err = e.iam.TagUser(e.ctx, &iamsdk.TagUserInput{UserName: aws.String("fay"), Tags: tags})
		ok(t, err)
		_, err = e.iam.TagRole(e.ctx, &iamsdk.TagRoleInput{RoleName: aws.String("tagged"), Tags: tags})
		ok(t, err)
		_, err = e.iam.TagPolicy(e.ctx, &iamsdk.TagPolicyInput{PolicyArn: pol.Arn, Tags: tags})
		ok(t, err)
		_, err = e.iam.TagUser(e.ctx, &iamsdk.TagUserInput{UserName: aws.String("fay"), Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("1")}}})
		wantCode(t, err, "ValidationError")

		keys := func(ts []types.Tag) string {
			var out []string
			for _, t := range ts {
				out = append(out, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
			}
			return strings.Join(out, ",")
		}
		lu := must[*iamsdk.ListUserTagsOutput](t)(e.iam.ListUserTags(e.ctx, &iamsdk.ListUserTagsInput{UserName: aws.String("fay")}))
		lr := must[*iamsdk.ListRoleTagsOutput](t)(e.iam.ListRoleTags(e.ctx, &iamsdk.ListRoleTagsInput{RoleName: aws.String("tagged")}))
		lp := must[*iamsdk.ListPolicyTagsOutput](t)(e.iam.ListPolicyTags(e.ctx, &iamsdk.ListPolicyTagsInput{PolicyArn: pol.Arn}))
		for what, got := range map[string]string{"user": keys(lu.Tags), "role": keys(lr.Tags), "policy": keys(lp.Tags)} {
			if got != "a=1,b=2" {
				t.Errorf("%s tags = %s", what, got)
			}
		}
		_, err = e.iam.UntagUser(e.ctx, &iamsdk.UntagUserInput{UserName: aws.String("fay"), TagKeys: []string{"a"}})
		ok(t, err)
		_, err = e.iam.UntagRole(e.ctx, &iamsdk.UntagRoleInput{RoleName: aws.String("tagged"), TagKeys: []string{"a", "b"}})
		ok(t, err)
		_, err = e.iam.UntagPolicy(e.ctx, &iamsdk.UntagPolicyInput{PolicyArn: pol.Arn, TagKeys: []string{"b"}})
		ok(t, err)
		lu = must[*iamsdk.ListUserTagsOutput](t)(e.iam.ListUserTags(e.ctx, &iamsdk.ListUserTagsInput{UserName: aws.String("fay")}))
		lr = must[*iamsdk.ListRoleTagsOutput](t)(e.iam.ListRoleTags(e.ctx, &iamsdk.ListRoleTagsInput{RoleName: aws.String("tagged")}))
		lp = must[*iamsdk.ListPolicyTagsOutput](t)(e.iam.ListPolicyTags(e.ctx, &iamsdk.ListPolicyTagsInput{PolicyArn: pol.Arn}))
		if keys(lu.Tags) != "b=2" || len(lr.Tags) != 0 || keys(lp.Tags) != "a=1" {
			t.Errorf("after untag: user %s role %s policy %s", keys(lu.Tags), keys(lr.Tags), keys(lp.Tags))
		}

		// Boundaries: set on a user and a role, seen by Get*, removed.
		_, err = e.iam.PutUserPermissionsBoundary(e.ctx, &iamsdk.PutUserPermissionsBoundaryInput{UserName: aws.String("fay"), PermissionsBoundary: pol.Arn})
		ok(t, err)
		_, err = e.iam.PutRolePermissionsBoundary(e.ctx, &iamsdk.PutRolePermissionsBoundaryInput{RoleName: aws.String("tagged"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		ok(t, err)
		_, err = e.iam.PutUserPermissionsBoundary(e.ctx, &iamsdk.PutUserPermissionsBoundaryInput{UserName: aws.String("fay"), PermissionsBoundary: aws.String("arn:aws:iam::" + e.acct.ID + ":policy/none")})
		wantCode(t, err, "NoSuchEntity")
		u := must[*iamsdk.GetUserOutput](t)(e.iam.GetUser(e.ctx, &iamsdk.GetUserInput{UserName: aws.String("fay")})).User
		r := must[*iamsdk.GetRoleOutput](t)(e.iam.GetRole(e.ctx, &iamsdk.GetRoleInput{RoleName: aws.String("tagged")})).Role
		if u.PermissionsBoundary == nil || aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn) != aws.ToString(pol.Arn) ||
			r.PermissionsBoundary == nil || aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn) != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
			t.Errorf("boundaries: user %+v role %+v", u.PermissionsBoundary, r.PermissionsBoundary)
		}
		gp := must[*iamsdk.GetPolicyOutput](t)(e.iam.GetPolicy(e.ctx, &iamsdk.GetPolicyInput{PolicyArn: pol.Arn})).Policy
		if aws.ToInt32(gp.PermissionsBoundaryUsageCount) != 1 {
			t.Errorf("PermissionsBoundaryUsageCount = %d", aws.ToInt32(gp.PermissionsBoundaryUsageCount))
		}
		_, err = e.iam.DeleteUserPermissionsBoundary(e.ctx, &iamsdk.DeleteUserPermissionsBoundaryInput{UserName: aws.String("fay")})
		ok(t, err)
		_, err = e.iam.DeleteRolePermissionsBoundary(e.ctx, &iamsdk.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("tagged")})
		ok(t, err)
		u = must[*iamsdk.GetUserOutput](t)(e.iam.GetUser(e.ctx, &iamsdk.GetUserInput{UserName: aws.String("fay")})).User
		r = must[*iamsdk.GetRoleOutput](t)(e.iam.GetRole(e.ctx, &iamsdk.GetRoleInput{RoleName: aws.String("tagged")})).Role
		if u.PermissionsBoundary != nil || r.PermissionsBoundary != nil {
			t.Errorf("after delete: user %+v role %+v", u.PermissionsBoundary, r.PermissionsBoundary)
		}
	})
}

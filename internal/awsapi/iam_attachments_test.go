package awsapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestAttachments(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		const ro, iamRO = "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
		_, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("dana")})
		ok(t, err)
		_, err = e.iam.CreateGroup(e.ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("readers")})
		ok(t, err)
		role := e.seedRole("reader-role", trustFor(e.userARN("dana"), ""))
		_ = role

		_, err = e.iam.AttachUserPolicy(e.ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("dana"), PolicyArn: aws.String(ro)})
		ok(t, err)
		_, err = e.iam.AttachUserPolicy(e.ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("dana"), PolicyArn: aws.String(iamRO)})
		ok(t, err)
		_, err = e.iam.AttachGroupPolicy(e.ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: aws.String(ro)})
		ok(t, err)
		_, err = e.iam.AttachRolePolicy(e.ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("reader-role"), PolicyArn: aws.String(ro)})
		ok(t, err)
		_, err = e.iam.AttachUserPolicy(e.ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("dana"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
		wantCode(t, err, "NoSuchEntity")
		_, err = e.iam.AttachUserPolicy(e.ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("ghost"), PolicyArn: aws.String(ro)})
		wantCode(t, err, "NoSuchEntity")

		au := must[*iamsdk.ListAttachedUserPoliciesOutput](t)(e.iam.ListAttachedUserPolicies(e.ctx, &iamsdk.ListAttachedUserPoliciesInput{UserName: aws.String("dana")}))
		if len(au.AttachedPolicies) != 2 || au.IsTruncated {
			t.Fatalf("ListAttachedUserPolicies = %+v", au.AttachedPolicies)
		}
		names := map[string]string{}
		for _, p := range au.AttachedPolicies {
			names[aws.ToString(p.PolicyName)] = aws.ToString(p.PolicyArn)
		}
		if names["ReadOnlyAccess"] != ro || names["IAMReadOnlyAccess"] != iamRO {
			t.Errorf("attached = %v", names)
		}
		page1 := must[*iamsdk.ListAttachedUserPoliciesOutput](t)(e.iam.ListAttachedUserPolicies(e.ctx, &iamsdk.ListAttachedUserPoliciesInput{UserName: aws.String("dana"), MaxItems: aws.Int32(1)}))
		if len(page1.AttachedPolicies) != 1 || !page1.IsTruncated || page1.Marker == nil {
			t.Errorf("page of 1 = %+v truncated %v", page1.AttachedPolicies, page1.IsTruncated)
		}
		ag := must[*iamsdk.ListAttachedGroupPoliciesOutput](t)(e.iam.ListAttachedGroupPolicies(e.ctx, &iamsdk.ListAttachedGroupPoliciesInput{GroupName: aws.String("readers")}))
		ar := must[*iamsdk.ListAttachedRolePoliciesOutput](t)(e.iam.ListAttachedRolePolicies(e.ctx, &iamsdk.ListAttachedRolePoliciesInput{RoleName: aws.String("reader-role")}))
		if len(ag.AttachedPolicies) != 1 || len(ar.AttachedPolicies) != 1 || aws.ToString(ar.AttachedPolicies[0].PolicyArn) != ro {
			t.Errorf("group %+v role %+v", ag.AttachedPolicies, ar.AttachedPolicies)
		}

		ents := must[*iamsdk.ListEntitiesForPolicyOutput](t)(e.iam.ListEntitiesForPolicy(e.ctx, &iamsdk.ListEntitiesForPolicyInput{PolicyArn: aws.String(ro)}))
		if len(ents.PolicyUsers) != 1 || aws.ToString(ents.PolicyUsers[0].UserName) != "dana" || aws.ToString(ents.PolicyUsers[0].UserId) == "" ||
			len(ents.PolicyGroups) != 1 || aws.ToString(ents.PolicyGroups[0].GroupName) != "readers" ||
			len(ents.PolicyRoles) != 1 || aws.ToString(ents.PolicyRoles[0].RoleName) != "reader-role" {
			t.Errorf("ListEntitiesForPolicy = users %+v groups %+v roles %+v", ents.PolicyUsers, ents.PolicyGroups, ents.PolicyRoles)
		}
		onlyRoles := must[*iamsdk.ListEntitiesForPolicyOutput](t)(e.iam.ListEntitiesForPolicy(e.ctx, &iamsdk.ListEntitiesForPolicyInput{PolicyArn: aws.String(ro), EntityFilter: types.EntityTypeRole}))
		if len(onlyRoles.PolicyRoles) != 1 || len(onlyRoles.PolicyUsers) != 0 || len(onlyRoles.PolicyGroups) != 0 {
			t.Errorf("EntityFilter=Role = %+v", onlyRoles)
		}

		_, err = e.iam.DeleteGroup(e.ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("readers")})
		wantCode(t, err, "DeleteConflict")
		for _, in := range []*iamsdk.DetachUserPolicyInput{{UserName: aws.String("dana"), PolicyArn: aws.String(ro)}, {UserName: aws.String("dana"), PolicyArn: aws.String(iamRO)}} {
			_, err = e.iam.DetachUserPolicy(e.ctx, in)
			ok(t, err)
		}
		_, err = e.iam.DetachUserPolicy(e.ctx, &iamsdk.DetachUserPolicyInput{UserName: aws.String("dana"), PolicyArn: aws.String(ro)})
		wantCode(t, err, "NoSuchEntity")
		_, err = e.iam.DetachGroupPolicy(e.ctx, &iamsdk.DetachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: aws.String(ro)})
		ok(t, err)
		_, err = e.iam.DetachRolePolicy(e.ctx, &iamsdk.DetachRolePolicyInput{RoleName: aws.String("reader-role"), PolicyArn: aws.String(ro)})
		ok(t, err)
		au = must[*iamsdk.ListAttachedUserPoliciesOutput](t)(e.iam.ListAttachedUserPolicies(e.ctx, &iamsdk.ListAttachedUserPoliciesInput{UserName: aws.String("dana")}))
		if len(au.AttachedPolicies) != 0 {
			t.Errorf("after detach = %+v", au.AttachedPolicies)
		}
		_, err = e.iam.DeleteGroup(e.ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("readers")})
		ok(t, err)
	})
}

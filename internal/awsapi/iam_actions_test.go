package awsapi

import (
	"strings"
	"testing"
)

// issue05Actions are the IAM actions the API promises (issue 05).
const issue05Actions = `CreateUser GetUser ListUsers UpdateUser DeleteUser
CreateGroup GetGroup ListGroups UpdateGroup DeleteGroup AddUserToGroup RemoveUserFromGroup ListGroupsForUser
CreateRole GetRole ListRoles UpdateRole DeleteRole UpdateAssumeRolePolicy UpdateRoleDescription
CreatePolicy GetPolicy ListPolicies DeletePolicy
CreatePolicyVersion GetPolicyVersion ListPolicyVersions DeletePolicyVersion SetDefaultPolicyVersion
AttachUserPolicy AttachGroupPolicy AttachRolePolicy DetachUserPolicy DetachGroupPolicy DetachRolePolicy
ListAttachedUserPolicies ListAttachedGroupPolicies ListAttachedRolePolicies ListEntitiesForPolicy
PutUserPolicy PutGroupPolicy PutRolePolicy GetUserPolicy GetGroupPolicy GetRolePolicy
ListUserPolicies ListGroupPolicies ListRolePolicies DeleteUserPolicy DeleteGroupPolicy DeleteRolePolicy
PutUserPermissionsBoundary DeleteUserPermissionsBoundary PutRolePermissionsBoundary DeleteRolePermissionsBoundary
CreateAccessKey ListAccessKeys UpdateAccessKey DeleteAccessKey GetAccessKeyLastUsed
CreateLoginProfile GetLoginProfile UpdateLoginProfile DeleteLoginProfile ChangePassword
GetAccountPasswordPolicy UpdateAccountPasswordPolicy DeleteAccountPasswordPolicy ListMFADevices
TagUser UntagUser ListUserTags TagRole UntagRole ListRoleTags TagPolicy UntagPolicy ListPolicyTags
GetAccountSummary SimulateCustomPolicy SimulatePrincipalPolicy`

func TestActionTable(t *testing.T) {
	table := iamActions
	for _, name := range strings.Fields(issue05Actions) {
		if table[name] == nil {
			t.Errorf("IAM action %s is not wired", name)
		}
	}
	for _, name := range []string{"GetCallerIdentity", "AssumeRole", "GetSessionToken"} {
		if stsActions[name] == nil {
			t.Errorf("STS action %s is not wired", name)
		}
	}
}

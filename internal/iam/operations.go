package iam

import (
	"context"
	"strings"
)

// Op is an operation on an entity that AWS spells once per entity type:
// Delete is DeleteUser, DeleteGroup, DeleteRole and DeletePolicy. The
// operations authorize with the action this table gives, and Can answers
// from the same table, so a page's button and the operation behind it
// cannot disagree on the permission they need.
type Op string

// The operations, each with the IAM action it needs per entity type.
const (
	OpList                      Op = "List"
	OpCreate                    Op = "Create"
	OpDelete                    Op = "Delete"
	OpUpdate                    Op = "Update" // rename, path, description, session duration
	OpTag                       Op = "Tag"
	OpUntag                     Op = "Untag"
	OpListTags                  Op = "ListTags"
	OpAttachPolicy              Op = "AttachPolicy"
	OpDetachPolicy              Op = "DetachPolicy"
	OpListAttachedPolicies      Op = "ListAttachedPolicies"
	OpPutInlinePolicy           Op = "PutInlinePolicy"
	OpGetInlinePolicy           Op = "GetInlinePolicy"
	OpListInlinePolicies        Op = "ListInlinePolicies"
	OpDeleteInlinePolicy        Op = "DeleteInlinePolicy"
	OpPutPermissionsBoundary    Op = "PutPermissionsBoundary"
	OpDeletePermissionsBoundary Op = "DeletePermissionsBoundary"
	OpUpdateTrust               Op = "UpdateTrust"
	OpAddMember                 Op = "AddMember"
	OpRemoveMember              Op = "RemoveMember"
	OpCreateAccessKey           Op = "CreateAccessKey"
	OpUpdateAccessKey           Op = "UpdateAccessKey"
	OpDeleteAccessKey           Op = "DeleteAccessKey"
	OpCreateLoginProfile        Op = "CreateLoginProfile"
	OpUpdateLoginProfile        Op = "UpdateLoginProfile"
	OpDeleteLoginProfile        Op = "DeleteLoginProfile"
	OpCreatePolicyVersion       Op = "CreatePolicyVersion"
	OpSetDefaultPolicyVersion   Op = "SetDefaultPolicyVersion"
	OpDeletePolicyVersion       Op = "DeletePolicyVersion"
	OpUpload                    Op = "Upload" // server certificates

	// A user's credentials besides access keys and passwords
	// (usercredentials.go): each an action on the user's ARN.
	OpUploadSigningCertificate        Op = "UploadSigningCertificate"
	OpListSigningCertificates         Op = "ListSigningCertificates"
	OpUpdateSigningCertificate        Op = "UpdateSigningCertificate"
	OpDeleteSigningCertificate        Op = "DeleteSigningCertificate"
	OpUploadSSHPublicKey              Op = "UploadSSHPublicKey"
	OpGetSSHPublicKey                 Op = "GetSSHPublicKey"
	OpListSSHPublicKeys               Op = "ListSSHPublicKeys"
	OpUpdateSSHPublicKey              Op = "UpdateSSHPublicKey"
	OpDeleteSSHPublicKey              Op = "DeleteSSHPublicKey"
	OpCreateServiceSpecificCredential Op = "CreateServiceSpecificCredential"
	OpListServiceSpecificCredentials  Op = "ListServiceSpecificCredentials"
	OpUpdateServiceSpecificCredential Op = "UpdateServiceSpecificCredential"
	OpResetServiceSpecificCredential  Op = "ResetServiceSpecificCredential"
	OpDeleteServiceSpecificCredential Op = "DeleteServiceSpecificCredential"
)

var operations = map[Op]map[EntityType]string{
	OpList: {UserType: "ListUsers", GroupType: "ListGroups", RoleType: "ListRoles", PolicyType: "ListPolicies",
		InstanceProfileType: "ListInstanceProfiles", OIDCProviderType: "ListOpenIDConnectProviders",
		SAMLProviderType: "ListSAMLProviders", ServerCertificateType: "ListServerCertificates"},
	OpUpload: {ServerCertificateType: "UploadServerCertificate"},
	OpCreate: {UserType: "CreateUser", GroupType: "CreateGroup", RoleType: "CreateRole", PolicyType: "CreatePolicy",
		InstanceProfileType: "CreateInstanceProfile", OIDCProviderType: "CreateOpenIDConnectProvider",
		SAMLProviderType: "CreateSAMLProvider"},
	OpDelete: {UserType: "DeleteUser", GroupType: "DeleteGroup", RoleType: "DeleteRole", PolicyType: "DeletePolicy",
		InstanceProfileType: "DeleteInstanceProfile", OIDCProviderType: "DeleteOpenIDConnectProvider",
		SAMLProviderType: "DeleteSAMLProvider", ServerCertificateType: "DeleteServerCertificate"},
	OpUpdate: {UserType: "UpdateUser", GroupType: "UpdateGroup", RoleType: "UpdateRole", SAMLProviderType: "UpdateSAMLProvider",
		ServerCertificateType: "UpdateServerCertificate"},

	OpTag: {UserType: "TagUser", RoleType: "TagRole", PolicyType: "TagPolicy", MFADeviceType: "TagMFADevice",
		InstanceProfileType: "TagInstanceProfile", OIDCProviderType: "TagOpenIDConnectProvider",
		SAMLProviderType: "TagSAMLProvider", ServerCertificateType: "TagServerCertificate"},
	OpUntag: {UserType: "UntagUser", RoleType: "UntagRole", PolicyType: "UntagPolicy", MFADeviceType: "UntagMFADevice",
		InstanceProfileType: "UntagInstanceProfile", OIDCProviderType: "UntagOpenIDConnectProvider",
		SAMLProviderType: "UntagSAMLProvider", ServerCertificateType: "UntagServerCertificate"},
	OpListTags: {UserType: "ListUserTags", RoleType: "ListRoleTags", PolicyType: "ListPolicyTags", MFADeviceType: "ListMFADeviceTags",
		InstanceProfileType: "ListInstanceProfileTags", OIDCProviderType: "ListOpenIDConnectProviderTags",
		SAMLProviderType: "ListSAMLProviderTags", ServerCertificateType: "ListServerCertificateTags"},

	OpAttachPolicy:         {UserType: "AttachUserPolicy", GroupType: "AttachGroupPolicy", RoleType: "AttachRolePolicy"},
	OpDetachPolicy:         {UserType: "DetachUserPolicy", GroupType: "DetachGroupPolicy", RoleType: "DetachRolePolicy"},
	OpListAttachedPolicies: {UserType: "ListAttachedUserPolicies", GroupType: "ListAttachedGroupPolicies", RoleType: "ListAttachedRolePolicies"},

	OpPutInlinePolicy:    {UserType: "PutUserPolicy", GroupType: "PutGroupPolicy", RoleType: "PutRolePolicy"},
	OpGetInlinePolicy:    {UserType: "GetUserPolicy", GroupType: "GetGroupPolicy", RoleType: "GetRolePolicy"},
	OpListInlinePolicies: {UserType: "ListUserPolicies", GroupType: "ListGroupPolicies", RoleType: "ListRolePolicies"},
	OpDeleteInlinePolicy: {UserType: "DeleteUserPolicy", GroupType: "DeleteGroupPolicy", RoleType: "DeleteRolePolicy"},

	OpPutPermissionsBoundary:    {UserType: "PutUserPermissionsBoundary", RoleType: "PutRolePermissionsBoundary"},
	OpDeletePermissionsBoundary: {UserType: "DeleteUserPermissionsBoundary", RoleType: "DeleteRolePermissionsBoundary"},

	OpUpdateTrust:  {RoleType: "UpdateAssumeRolePolicy"},
	OpAddMember:    {GroupType: "AddUserToGroup"},
	OpRemoveMember: {GroupType: "RemoveUserFromGroup"},

	OpCreateAccessKey:    {UserType: "CreateAccessKey"},
	OpUpdateAccessKey:    {UserType: "UpdateAccessKey"},
	OpDeleteAccessKey:    {UserType: "DeleteAccessKey"},
	OpCreateLoginProfile: {UserType: "CreateLoginProfile"},
	OpUpdateLoginProfile: {UserType: "UpdateLoginProfile"},
	OpDeleteLoginProfile: {UserType: "DeleteLoginProfile"},

	OpCreatePolicyVersion:     {PolicyType: "CreatePolicyVersion"},
	OpSetDefaultPolicyVersion: {PolicyType: "SetDefaultPolicyVersion"},
	OpDeletePolicyVersion:     {PolicyType: "DeletePolicyVersion"},

	OpUploadSigningCertificate:        {UserType: "UploadSigningCertificate"},
	OpListSigningCertificates:         {UserType: "ListSigningCertificates"},
	OpUpdateSigningCertificate:        {UserType: "UpdateSigningCertificate"},
	OpDeleteSigningCertificate:        {UserType: "DeleteSigningCertificate"},
	OpUploadSSHPublicKey:              {UserType: "UploadSSHPublicKey"},
	OpGetSSHPublicKey:                 {UserType: "GetSSHPublicKey"},
	OpListSSHPublicKeys:               {UserType: "ListSSHPublicKeys"},
	OpUpdateSSHPublicKey:              {UserType: "UpdateSSHPublicKey"},
	OpDeleteSSHPublicKey:              {UserType: "DeleteSSHPublicKey"},
	OpCreateServiceSpecificCredential: {UserType: "CreateServiceSpecificCredential"},
	OpListServiceSpecificCredentials:  {UserType: "ListServiceSpecificCredentials"},
	OpUpdateServiceSpecificCredential: {UserType: "UpdateServiceSpecificCredential"},
	OpResetServiceSpecificCredential:  {UserType: "ResetServiceSpecificCredential"},
	OpDeleteServiceSpecificCredential: {UserType: "DeleteServiceSpecificCredential"},
}

// name is AWS's name of op on an entity of type t ("AttachUserPolicy"), ""
// when AWS has no such action (groups have no tags).
func (op Op) name(t EntityType) string { return operations[op][t] }

// Action is the IAM action op needs on an entity of type t
// ("iam:AttachUserPolicy"), "" when there is none.
func (op Op) Action(t EntityType) string {
	if n := op.name(t); n != "" {
		return "iam:" + n
	}
	return ""
}

// supports refuses an entity type op has no AWS action for: a programming
// error of a front door, said as AWS says an action that does not apply.
func (op Op) supports(e Entity) error {
	if op.name(e.Type) == "" {
		return newErr(Invalid, "%s does not apply to a %s.", op, e.Type)
	}
	return nil
}

// typeOfARN is the entity type an IAM ARN names ("…:user/eng/alice",
// "…:policy/P", and "…:user/*" for entities not made yet).
func typeOfARN(arn string) (EntityType, bool) {
	// arn:aws:iam::ACCOUNT:TYPE/…, read without allocating: a page asks
	// this for every button it shows.
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam:")
	if !ok {
		return "", false
	}
	for range 2 { // the region (empty) and the account
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return "", false
		}
		rest = rest[i+1:]
	}
	kind, _, _ := strings.Cut(rest, "/")
	switch t := EntityType(kind); t {
	case UserType, GroupType, RoleType, PolicyType, InstanceProfileType, MFADeviceType, OIDCProviderType, SAMLProviderType, ServerCertificateType:
		return t, true
	}
	return "", false
}

// Can answers whether caller may do op on the entity whose ARN is arn (for
// one not made yet, the account's ARN of that type ending in "/*"), with
// the request facts of m: the same question the operation asks before it
// acts. A page shows a button only where the answer is yes. It answers no
// when the engine cannot be asked (the failure is logged): a hidden button
// is safer than one that fails.
func (s *Service) Can(ctx context.Context, caller *Principal, m Meta, op Op, arn string) bool {
	t, ok := typeOfARN(arn)
	action := op.Action(t)
	if !ok || action == "" {
		s.cfg.Log.Warn("permission check on what the operation does not act on", "op", op, "arn", arn)
		return false
	}
	if t == RoleType && protectedRoleActions[action] && strings.Contains(arn, ":role"+serviceLinkedPath) {
		return false // a service-linked role refuses it whoever asks (UnmodifiableEntity)
	}
	allowed, err := s.Allowed(ctx, caller, m, action, arn)
	if err != nil {
		s.cfg.Log.Warn("permission check", "op", op, "arn", arn, "err", err)
		return false
	}
	return allowed
}

// authorizeCreate authorizes creating an entity of type t at arn and, when
// the request carries tags, tagging it (AWS asks for both), with the
// request's keys: the tags' (aws:RequestTag/…, aws:TagKeys) and the
// permissions boundary asked for (iam:PermissionsBoundary), if any.
func (s *Service) authorizeCreate(ctx context.Context, caller *Principal, m Meta, t EntityType, arn string, tags []Tag, boundary string) error {
	keys := tagRequestKeys(tags)
	if boundary != "" {
		if keys == nil {
			keys = map[string][]string{}
		}
		keys["iam:PermissionsBoundary"] = []string{boundary}
	}
	ac := withRequestContext(caller, keys)
	if err := s.authorizeMeta(ctx, ac, m, OpCreate.Action(t), arn); err != nil {
		return err
	}
	if len(tags) > 0 {
		return s.authorizeMeta(ctx, ac, m, OpTag.Action(t), arn)
	}
	return nil
}

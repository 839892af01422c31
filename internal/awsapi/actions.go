package awsapi

import "github.com/iamconsole/console/internal/iam"

// service is one AWS API answered at /aws. The SigV4 credential scope of a
// request names it; everything that differs between the APIs is here, so
// that a third (Access Analyzer, issue 14) is one more value and one more
// table.
type service struct {
	name    string // SigV4's service name, as in the credential scope: "iam"
	version string // the Version every request must carry
	ns      string // the XML namespace of responses and errors
	// internalCode is the code AWS answers for a failure on its side.
	// IAM documents its own, ServiceFailure, 500, among the errors of its
	// actions (IAM API Reference; aws-sdk-go-v2 service/iam
	// types.ServiceFailureException.ErrorCode() is "ServiceFailure"). STS
	// documents none (service/sts has no such type), so it answers the one
	// in AWS's Common Errors for every query API: InternalFailure, 500.
	internalCode string
	actions      map[string]action
	// json marks a REST-JSON API (Access Analyzer, analyzer.go): routed by
	// path, not by Action, and answering errors as JSON, not XML.
	json bool
}

var (
	iamService = &service{name: "iam", version: "2010-05-08", ns: "https://iam.amazonaws.com/doc/2010-05-08/",
		internalCode: "ServiceFailure", actions: iamActions}
	stsService = &service{name: "sts", version: "2011-06-15", ns: "https://sts.amazonaws.com/doc/2011-06-15/",
		internalCode: "InternalFailure", actions: stsActions}
)

// services are the APIs by SigV4 service name.
var services = map[string]*service{iamService.name: iamService, stsService.name: stsService,
	analyzerService.name: analyzerService}

// iamActions is IAM's action table: AWS's action name -> the handler that
// decodes its parameters, calls one operation of internal/iam and shapes the
// result. A new action is its handler plus one line here (a name written
// twice does not compile). The handlers live by family: iam_users.go,
// iam_groups.go, iam_keys.go (access keys, login profiles, passwords),
// iam_roles.go, iam_policies.go (managed policies, versions, attachments),
// iam_inline.go, iam_tags.go (tags and permissions boundaries),
// iam_mfa.go (virtual MFA devices), iam_profiles.go (instance profiles),
// iam_oidc.go (OpenID Connect providers),
// iam_simulate.go, iam_credreport.go, iam_account.go and iam_authdetails.go.
var iamActions = map[string]action{
	// Users
	"CreateUser":        createUser,
	"GetUser":           getUser,
	"ListUsers":         listUsers,
	"UpdateUser":        updateUser,
	"DeleteUser":        deleteUser,
	"ListGroupsForUser": listGroupsForUser,

	// Groups
	"CreateGroup":         createGroup,
	"GetGroup":            getGroup,
	"ListGroups":          listGroups,
	"UpdateGroup":         updateGroup,
	"DeleteGroup":         deleteGroup,
	"AddUserToGroup":      addUserToGroup,
	"RemoveUserFromGroup": removeUserFromGroup,

	// Roles
	"CreateRole":             createRole,
	"GetRole":                getRole,
	"ListRoles":              listRoles,
	"UpdateRole":             updateRole,
	"DeleteRole":             deleteRole,
	"UpdateAssumeRolePolicy": updateAssumeRolePolicy,
	"UpdateRoleDescription":  updateRoleDescription,

	// Instance profiles (iam_profiles.go)
	"CreateInstanceProfile":         createInstanceProfile,
	"GetInstanceProfile":            getInstanceProfile,
	"DeleteInstanceProfile":         deleteInstanceProfile,
	"AddRoleToInstanceProfile":      addRoleToInstanceProfile,
	"RemoveRoleFromInstanceProfile": removeRoleFromInstanceProfile,
	"ListInstanceProfiles":          listInstanceProfiles,
	"ListInstanceProfilesForRole":   listInstanceProfilesForRole,
	"TagInstanceProfile":            tag(iam.InstanceProfileType),
	"UntagInstanceProfile":          untag(iam.InstanceProfileType),
	"ListInstanceProfileTags":       listTags(iam.InstanceProfileType),

	// SAML identity providers (iam_saml.go)
	"CreateSAMLProvider":   createSAMLProvider,
	"GetSAMLProvider":      getSAMLProvider,
	"ListSAMLProviders":    listSAMLProviders,
	"UpdateSAMLProvider":   updateSAMLProvider,
	"DeleteSAMLProvider":   deleteSAMLProvider,
	"TagSAMLProvider":      tag(iam.SAMLProviderType),
	"UntagSAMLProvider":    untag(iam.SAMLProviderType),
	"ListSAMLProviderTags": listTags(iam.SAMLProviderType),

	// Access keys, login profiles, passwords
	"CreateAccessKey":      createAccessKey,
	"ListAccessKeys":       listAccessKeys,
	"UpdateAccessKey":      updateAccessKey,
	"DeleteAccessKey":      deleteAccessKey,
	"GetAccessKeyLastUsed": getAccessKeyLastUsed,
	"CreateLoginProfile":   createLoginProfile,
	"GetLoginProfile":      getLoginProfile,
	"UpdateLoginProfile":   updateLoginProfile,
	"DeleteLoginProfile":   deleteLoginProfile,
	"ChangePassword":       changePassword,

	// Managed policies and their versions
	"CreatePolicy":            createPolicy,
	"GetPolicy":               getPolicy,
	"ListPolicies":            listPolicies,
	"DeletePolicy":            deletePolicy,
	"CreatePolicyVersion":     createPolicyVersion,
	"GetPolicyVersion":        getPolicyVersion,
	"ListPolicyVersions":      listPolicyVersions,
	"DeletePolicyVersion":     deletePolicyVersion,
	"SetDefaultPolicyVersion": setDefaultPolicyVersion,

	// Attachments of managed policies
	"AttachUserPolicy":          attach(iam.UserType, (*iam.Service).AttachPolicy),
	"AttachGroupPolicy":         attach(iam.GroupType, (*iam.Service).AttachPolicy),
	"AttachRolePolicy":          attach(iam.RoleType, (*iam.Service).AttachPolicy),
	"DetachUserPolicy":          attach(iam.UserType, (*iam.Service).DetachPolicy),
	"DetachGroupPolicy":         attach(iam.GroupType, (*iam.Service).DetachPolicy),
	"DetachRolePolicy":          attach(iam.RoleType, (*iam.Service).DetachPolicy),
	"ListAttachedUserPolicies":  listAttached(iam.UserType),
	"ListAttachedGroupPolicies": listAttached(iam.GroupType),
	"ListAttachedRolePolicies":  listAttached(iam.RoleType),
	"ListEntitiesForPolicy":     listEntitiesForPolicy,

	// Inline policies
	"PutUserPolicy":     putInline(iam.UserType),
	"PutGroupPolicy":    putInline(iam.GroupType),
	"PutRolePolicy":     putInline(iam.RoleType),
	"GetUserPolicy":     getInline(iam.UserType),
	"GetGroupPolicy":    getInline(iam.GroupType),
	"GetRolePolicy":     getInline(iam.RoleType),
	"ListUserPolicies":  listInline(iam.UserType),
	"ListGroupPolicies": listInline(iam.GroupType),
	"ListRolePolicies":  listInline(iam.RoleType),
	"DeleteUserPolicy":  deleteInline(iam.UserType),
	"DeleteGroupPolicy": deleteInline(iam.GroupType),
	"DeleteRolePolicy":  deleteInline(iam.RoleType),

	// Tags on users, roles and managed policies; permissions boundaries
	"TagUser":                       tag(iam.UserType),
	"TagRole":                       tag(iam.RoleType),
	"TagPolicy":                     tag(iam.PolicyType),
	"UntagUser":                     untag(iam.UserType),
	"UntagRole":                     untag(iam.RoleType),
	"UntagPolicy":                   untag(iam.PolicyType),
	"ListUserTags":                  listTags(iam.UserType),
	"ListRoleTags":                  listTags(iam.RoleType),
	"ListPolicyTags":                listTags(iam.PolicyType),
	"PutUserPermissionsBoundary":    putBoundary(iam.UserType),
	"PutRolePermissionsBoundary":    putBoundary(iam.RoleType),
	"DeleteUserPermissionsBoundary": deleteBoundary(iam.UserType),
	"DeleteRolePermissionsBoundary": deleteBoundary(iam.RoleType),

	// Virtual MFA devices (iam_mfa.go): the console's devices
	"CreateVirtualMFADevice": createVirtualMFADevice,
	"EnableMFADevice":        enableMFADevice,
	"ResyncMFADevice":        resyncMFADevice,
	"DeactivateMFADevice":    deactivateMFADevice,
	"DeleteVirtualMFADevice": deleteVirtualMFADevice,
	"ListVirtualMFADevices":  listVirtualMFADevices,
	"GetMFADevice":           getMFADevice,
	"TagMFADevice":           tag(iam.MFADeviceType),
	"UntagMFADevice":         untag(iam.MFADeviceType),
	"ListMFADeviceTags":      listTags(iam.MFADeviceType),

	// OpenID Connect identity providers (iam_oidc.go)
	"CreateOpenIDConnectProvider":             createOpenIDConnectProvider,
	"GetOpenIDConnectProvider":                getOpenIDConnectProvider,
	"ListOpenIDConnectProviders":              listOpenIDConnectProviders,
	"DeleteOpenIDConnectProvider":             deleteOpenIDConnectProvider,
	"AddClientIDToOpenIDConnectProvider":      addClientIDToOpenIDConnectProvider,
	"RemoveClientIDFromOpenIDConnectProvider": removeClientIDFromOpenIDConnectProvider,
	"UpdateOpenIDConnectProviderThumbprint":   updateOpenIDConnectProviderThumbprint,
	"TagOpenIDConnectProvider":                tag(iam.OIDCProviderType),
	"UntagOpenIDConnectProvider":              untag(iam.OIDCProviderType),
	"ListOpenIDConnectProviderTags":           listTags(iam.OIDCProviderType),
	// Signing and server certificates (iam_certs.go)
	"UploadSigningCertificate":  uploadSigningCertificate,
	"ListSigningCertificates":   listSigningCertificates,
	"UpdateSigningCertificate":  updateSigningCertificate,
	"DeleteSigningCertificate":  deleteSigningCertificate,
	"UploadServerCertificate":   uploadServerCertificate,
	"GetServerCertificate":      getServerCertificate,
	"ListServerCertificates":    listServerCertificates,
	"UpdateServerCertificate":   updateServerCertificate,
	"DeleteServerCertificate":   deleteServerCertificate,
	"TagServerCertificate":      tag(iam.ServerCertificateType),
	"UntagServerCertificate":    untag(iam.ServerCertificateType),
	"ListServerCertificateTags": listTags(iam.ServerCertificateType),

	// SSH public keys (iam_ssh.go)
	"UploadSSHPublicKey": uploadSSHPublicKey,
	"GetSSHPublicKey":    getSSHPublicKey,
	"ListSSHPublicKeys":  listSSHPublicKeys,
	"UpdateSSHPublicKey": updateSSHPublicKey,
	"DeleteSSHPublicKey": deleteSSHPublicKey,

	// Service-specific credentials and service-linked roles
	// (iam_servicecreds.go)
	"CreateServiceSpecificCredential":    createServiceSpecificCredential,
	"ListServiceSpecificCredentials":     listServiceSpecificCredentials,
	"UpdateServiceSpecificCredential":    updateServiceSpecificCredential,
	"ResetServiceSpecificCredential":     resetServiceSpecificCredential,
	"DeleteServiceSpecificCredential":    deleteServiceSpecificCredential,
	"CreateServiceLinkedRole":            createServiceLinkedRole,
	"DeleteServiceLinkedRole":            deleteServiceLinkedRole,
	"GetServiceLinkedRoleDeletionStatus": getServiceLinkedRoleDeletionStatus,

	// Account: password policy, MFA devices, summary, credential report
	"CreateAccountAlias":          createAccountAlias,
	"DeleteAccountAlias":          deleteAccountAlias,
	"ListAccountAliases":          listAccountAliases,
	"GetAccountPasswordPolicy":    getAccountPasswordPolicy,
	"UpdateAccountPasswordPolicy": updateAccountPasswordPolicy,
	"DeleteAccountPasswordPolicy": deleteAccountPasswordPolicy,
	"ListMFADevices":              listMFADevices,
	"GetAccountSummary":           getAccountSummary,
	"GenerateCredentialReport":    generateCredentialReport,
	"GetCredentialReport":         getCredentialReport,

	// Access Advisor (iam_lastaccessed.go)
	"GenerateServiceLastAccessedDetails":        generateServiceLastAccessedDetails,
	"GetServiceLastAccessedDetails":             getServiceLastAccessedDetails,
	"GetServiceLastAccessedDetailsWithEntities": getServiceLastAccessedDetailsWithEntities,

	// The whole account at once (the snapshot `console export` writes)
	"GetAccountAuthorizationDetails": getAccountAuthorizationDetails,

	// Policy simulator
	"SimulateCustomPolicy":              simulateCustomPolicy,
	"SimulatePrincipalPolicy":           simulatePrincipalPolicy,
	"GetContextKeysForCustomPolicy":     getContextKeysForCustomPolicy,
	"GetContextKeysForPrincipalPolicy":  getContextKeysForPrincipalPolicy,
	"ListPoliciesGrantingServiceAccess": listPoliciesGrantingServiceAccess,

	// STS preferences and outbound web identity federation: account
	// settings (iam_sts_preferences.go)
	"SetSecurityTokenServicePreferences":   setSecurityTokenServicePreferences,
	"EnableOutboundWebIdentityFederation":  enableOutboundWebIdentityFederation,
	"DisableOutboundWebIdentityFederation": disableOutboundWebIdentityFederation,
	"GetOutboundWebIdentityFederationInfo": getOutboundWebIdentityFederationInfo,

	// Needs AWS Organizations (iam_organizations.go): AWS's error for an
	// account outside an organization
	"ListOrganizationsFeatures":                     needsOrganization("ListOrganizationsFeatures"),
	"EnableOrganizationsRootCredentialsManagement":  needsOrganization("EnableOrganizationsRootCredentialsManagement"),
	"DisableOrganizationsRootCredentialsManagement": needsOrganization("DisableOrganizationsRootCredentialsManagement"),
	"EnableOrganizationsRootSessions":               needsOrganization("EnableOrganizationsRootSessions"),
	"DisableOrganizationsRootSessions":              needsOrganization("DisableOrganizationsRootSessions"),
	"GenerateOrganizationsAccessReport":             needsOrganization("GenerateOrganizationsAccessReport", "EntityPath"),
	"GetOrganizationsAccessReport":                  getOrganizationsAccessReport,

	// Needs a partner onboarded with AWS (iam_organizations.go): temporary
	// delegation requests, role templates, account properties
	"CreateDelegationRequest":    createDelegationRequest,
	"GetDelegationRequest":       onDelegationRequest("GetDelegationRequest"),
	"AcceptDelegationRequest":    onDelegationRequest("AcceptDelegationRequest"),
	"RejectDelegationRequest":    onDelegationRequest("RejectDelegationRequest"),
	"AssociateDelegationRequest": onDelegationRequest("AssociateDelegationRequest"),
	"UpdateDelegationRequest":    onDelegationRequest("UpdateDelegationRequest"),
	"SendDelegationToken":        onDelegationRequest("SendDelegationToken"),
	"ListDelegationRequests":     listDelegationRequests,
	"GetHumanReadableSummary":    getHumanReadableSummary,
	"AcquireRole":                onRoleTemplate("AcquireRole"),
	"GetRoleTemplateVersion":     onRoleTemplate("GetRoleTemplateVersion"),
	"GetAccountProperties":       getAccountProperties,
	"PutAccountProperties":       putAccountProperties,
}

// stsActions is STS's action table (handlers in sts.go, sts_saml.go,
// sts_webidentity.go); unsignedActions (server.go) names those answered
// without a signature.
var stsActions = map[string]action{
	"GetCallerIdentity": getCallerIdentity,
	"AssumeRole":        assumeRole,
	"GetSessionToken":   getSessionToken,
	"GetAccessKeyInfo":  getAccessKeyInfo,

	// Unsigned (see unsignedActions in server.go)
	"AssumeRoleWithSAML":        assumeRoleWithSAML,        // sts_saml.go
	"AssumeRoleWithWebIdentity": assumeRoleWithWebIdentity, // sts_webidentity.go

	// Federated users, authorization messages (sts_federation.go,
	// sts_authzmessage.go)
	"GetFederationToken":         getFederationToken,
	"DecodeAuthorizationMessage": decodeAuthorizationMessage,

	// Outbound web identity federation (sts_webidentity.go)
	"GetWebIdentityToken": getWebIdentityToken,

	// Needs AWS Organizations or an onboarded partner (iam_organizations.go)
	"AssumeRoot":              assumeRoot,
	"GetDelegatedAccessToken": getDelegatedAccessToken,
}

package awsapi

// xmlPolicy is AWS's Policy (managed policy).
type xmlPolicy struct {
	PolicyName                    string           `xml:"PolicyName"`
	PolicyID                      string           `xml:"PolicyId"`
	Arn                           string           `xml:"Arn"`
	Path                          string           `xml:"Path"`
	DefaultVersionID              string           `xml:"DefaultVersionId"`
	AttachmentCount               int              `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int              `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool             `xml:"IsAttachable"`
	Description                   string           `xml:"Description,omitempty"`
	CreateDate                    isoTime          `xml:"CreateDate"`
	UpdateDate                    isoTime          `xml:"UpdateDate"`
	Tags                          *members[xmlTag] `xml:"Tags,omitempty"`
}

type policyResult struct {
	Policy xmlPolicy `xml:"Policy"`
}

type listPoliciesResult struct {
	Policies members[xmlPolicy] `xml:"Policies"`
	page
}

// xmlPolicyVersion is AWS's PolicyVersion; Document is URL-encoded and left
// out where AWS leaves it out (CreatePolicyVersion, ListPolicyVersions).
type xmlPolicyVersion struct {
	Document         string  `xml:"Document,omitempty"`
	VersionID        string  `xml:"VersionId"`
	IsDefaultVersion bool    `xml:"IsDefaultVersion"`
	CreateDate       isoTime `xml:"CreateDate"`
}

type policyVersionResult struct {
	PolicyVersion xmlPolicyVersion `xml:"PolicyVersion"`
}

type listPolicyVersionsResult struct {
	Versions members[xmlPolicyVersion] `xml:"Versions"`
	page
}

type xmlAttachedPolicy struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type listAttachedPoliciesResult struct {
	AttachedPolicies members[xmlAttachedPolicy] `xml:"AttachedPolicies"`
	page
}

type xmlPolicyGroup struct {
	GroupName string `xml:"GroupName"`
	GroupID   string `xml:"GroupId"`
}

type xmlPolicyUser struct {
	UserName string `xml:"UserName"`
	UserID   string `xml:"UserId"`
}

type xmlPolicyRole struct {
	RoleName string `xml:"RoleName"`
	RoleID   string `xml:"RoleId"`
}

type listEntitiesForPolicyResult struct {
	PolicyGroups members[xmlPolicyGroup] `xml:"PolicyGroups"`
	PolicyUsers  members[xmlPolicyUser]  `xml:"PolicyUsers"`
	PolicyRoles  members[xmlPolicyRole]  `xml:"PolicyRoles"`
	page
}

// Inline policies: Get{User,Group,Role}Policy name their owner in the
// element AWS uses for each.
type getUserPolicyResult struct {
	UserName       string `xml:"UserName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type getGroupPolicyResult struct {
	GroupName      string `xml:"GroupName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type getRolePolicyResult struct {
	RoleName       string `xml:"RoleName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type listInlinePoliciesResult struct {
	PolicyNames members[string] `xml:"PolicyNames"`
	page
}

type listTagsResult struct {
	Tags members[xmlTag] `xml:"Tags"`
	page
}

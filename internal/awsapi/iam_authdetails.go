package awsapi

import (
	"strings"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
)

// GetAccountAuthorizationDetails' shapes (IAM API Reference: UserDetail,
// GroupDetail, RoleDetail, ManagedPolicyDetail). Which lists AWS sends
// empty and which it leaves out is as its answers have them, and as
// `console export` writes them (graph.Account.AuthorizationDetails): a
// user's UserPolicyList only when it has inline policies; GroupList,
// AttachedManagedPolicies, Tags, GroupPolicyList, RolePolicyList,
// InstanceProfileList and RoleLastUsed always. Documents are URL-encoded,
// as everywhere in IAM's API.
type (
	xmlPolicyDetail struct {
		PolicyName     string `xml:"PolicyName"`
		PolicyDocument string `xml:"PolicyDocument"`
	}
	xmlUserDetail struct {
		Path                    string                     `xml:"Path"`
		UserName                string                     `xml:"UserName"`
		UserID                  string                     `xml:"UserId"`
		Arn                     string                     `xml:"Arn"`
		CreateDate              isoTime                    `xml:"CreateDate"`
		UserPolicyList          *members[xmlPolicyDetail]  `xml:"UserPolicyList,omitempty"`
		GroupList               members[string]            `xml:"GroupList"`
		AttachedManagedPolicies members[xmlAttachedPolicy] `xml:"AttachedManagedPolicies"`
		PermissionsBoundary     *xmlBoundary               `xml:"PermissionsBoundary,omitempty"`
		Tags                    members[xmlTag]            `xml:"Tags"`
	}
	xmlGroupDetail struct {
		Path                    string                     `xml:"Path"`
		GroupName               string                     `xml:"GroupName"`
		GroupID                 string                     `xml:"GroupId"`
		Arn                     string                     `xml:"Arn"`
		CreateDate              isoTime                    `xml:"CreateDate"`
		GroupPolicyList         members[xmlPolicyDetail]   `xml:"GroupPolicyList"`
		AttachedManagedPolicies members[xmlAttachedPolicy] `xml:"AttachedManagedPolicies"`
	}
	xmlRoleDetail struct {
		Path                     string                      `xml:"Path"`
		RoleName                 string                      `xml:"RoleName"`
		RoleID                   string                      `xml:"RoleId"`
		Arn                      string                      `xml:"Arn"`
		CreateDate               isoTime                     `xml:"CreateDate"`
		AssumeRolePolicyDocument string                      `xml:"AssumeRolePolicyDocument"`
		InstanceProfileList      members[xmlInstanceProfile] `xml:"InstanceProfileList"`
		RolePolicyList           members[xmlPolicyDetail]    `xml:"RolePolicyList"`
		AttachedManagedPolicies  members[xmlAttachedPolicy]  `xml:"AttachedManagedPolicies"`
		PermissionsBoundary      *xmlBoundary                `xml:"PermissionsBoundary,omitempty"`
		Tags                     members[xmlTag]             `xml:"Tags"`
		RoleLastUsed             xmlRoleLastUsed             `xml:"RoleLastUsed"`
	}
	xmlManagedPolicyDetail struct {
		PolicyName                    string                    `xml:"PolicyName"`
		PolicyID                      string                    `xml:"PolicyId"`
		Arn                           string                    `xml:"Arn"`
		Path                          string                    `xml:"Path"`
		DefaultVersionID              string                    `xml:"DefaultVersionId"`
		AttachmentCount               int                       `xml:"AttachmentCount"`
		PermissionsBoundaryUsageCount int                       `xml:"PermissionsBoundaryUsageCount"`
		IsAttachable                  bool                      `xml:"IsAttachable"`
		Description                   string                    `xml:"Description,omitempty"`
		CreateDate                    isoTime                   `xml:"CreateDate"`
		UpdateDate                    isoTime                   `xml:"UpdateDate"`
		PolicyVersionList             members[xmlPolicyVersion] `xml:"PolicyVersionList"`
	}
	authDetailsResult struct {
		UserDetailList  members[xmlUserDetail]          `xml:"UserDetailList"`
		GroupDetailList members[xmlGroupDetail]         `xml:"GroupDetailList"`
		RoleDetailList  members[xmlRoleDetail]          `xml:"RoleDetailList"`
		Policies        members[xmlManagedPolicyDetail] `xml:"Policies"`
		page
	}
)

// getAccountAuthorizationDetails answers one page of the account's
// snapshot: the same operation, and so the same entities and fields, as
// `console export`.
func getAccountAuthorizationDetails(s *Server, c *call) (any, error) {
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	p, err := s.svc.AuthorizationDetails(c.ctx, c.caller, iam.AuthorizationDetailsInput{Filter: c.p.list("Filter"), Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	return authDetailsXML(p.Page, p.Whole, p.Marker), nil
}

// authDetailsXML shapes a page of the snapshot; whole is the account it
// was cut from, where the roles of instance profiles are found.
func authDetailsXML(a, whole *graph.Account, next string) authDetailsResult {
	out := authDetailsResult{page: pageOf(next)}
	for _, u := range a.Users {
		x := xmlUserDetail{Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: u.ARN, CreateDate: ts(u.CreateDate),
			GroupList: list(u.Groups), AttachedManagedPolicies: attachedXML(u.Attached),
			PermissionsBoundary: boundaryXML(u.Boundary), Tags: tagsXML(u.Tags)}
		if len(u.Inline) > 0 {
			in := inlineXML(u.Inline)
			x.UserPolicyList = &in
		}
		out.UserDetailList.Member = append(out.UserDetailList.Member, x)
	}
	for _, g := range a.Groups {
		out.GroupDetailList.Member = append(out.GroupDetailList.Member, xmlGroupDetail{Path: g.Path, GroupName: g.Name, GroupID: g.ID,
			Arn: g.ARN, CreateDate: ts(g.CreateDate), GroupPolicyList: inlineXML(g.Inline), AttachedManagedPolicies: attachedXML(g.Attached)})
	}
	roles := map[string]*graph.Role{}
	for i := range whole.Roles {
		roles[whole.Roles[i].ARN] = &whole.Roles[i]
	}
	for _, r := range a.Roles {
		x := xmlRoleDetail{Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN, CreateDate: ts(r.CreateDate),
			AssumeRolePolicyDocument: urlDoc(r.Trust), RolePolicyList: inlineXML(r.Inline), AttachedManagedPolicies: attachedXML(r.Attached),
			PermissionsBoundary: boundaryXML(r.Boundary), Tags: tagsXML(r.Tags)}
		if !r.LastUsed.IsZero() {
			x.RoleLastUsed = xmlRoleLastUsed{LastUsedDate: tsp(&r.LastUsed), Region: r.LastUsedRegion}
		}
		for _, ip := range r.InstanceProfiles {
			p := xmlInstanceProfile{Path: ip.Path, InstanceProfileName: ip.Name, InstanceProfileID: ip.ID, Arn: ip.ARN, CreateDate: ts(ip.CreateDate)}
			for _, arn := range ip.Roles {
				p.Roles.Member = append(p.Roles.Member, profileRoleXML(arn, roles[arn]))
			}
			x.InstanceProfileList.Member = append(x.InstanceProfileList.Member, p)
		}
		out.RoleDetailList.Member = append(out.RoleDetailList.Member, x)
	}
	for _, p := range a.Policies {
		x := xmlManagedPolicyDetail{PolicyName: p.Name, PolicyID: p.ID, Arn: p.ARN, Path: p.Path, DefaultVersionID: p.DefaultVersion,
			AttachmentCount: p.AttachmentCount, PermissionsBoundaryUsageCount: p.BoundaryUsageCount, IsAttachable: p.IsAttachable,
			Description: p.Description, CreateDate: ts(p.CreateDate), UpdateDate: ts(p.UpdateDate)}
		for _, v := range p.Versions {
			x.PolicyVersionList.Member = append(x.PolicyVersionList.Member, xmlPolicyVersion{Document: urlDoc(v.Document), VersionID: v.ID,
				IsDefaultVersion: v.IsDefault, CreateDate: ts(v.CreateDate)})
		}
		out.Policies.Member = append(out.Policies.Member, x)
	}
	return out
}

// profileRoleXML is a role as an instance profile lists it (AWS's Role
// shape, without what only GetRole carries); a role not in the account
// (the profile names a deleted one) is its ARN and name.
func profileRoleXML(arn string, r *graph.Role) xmlRole {
	if r == nil {
		return xmlRole{RoleName: arn[strings.LastIndex(arn, "/")+1:], Arn: arn}
	}
	return xmlRole{Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN, CreateDate: ts(r.CreateDate),
		AssumeRolePolicyDocument: urlDoc(r.Trust)}
}

func inlineXML(in []graph.InlinePolicy) members[xmlPolicyDetail] {
	out := members[xmlPolicyDetail]{}
	for _, p := range in {
		out.Member = append(out.Member, xmlPolicyDetail{PolicyName: p.Name, PolicyDocument: urlDoc(p.Document)})
	}
	return out
}

func attachedXML(in []graph.AttachedPolicy) members[xmlAttachedPolicy] {
	out := members[xmlAttachedPolicy]{}
	for _, p := range in {
		out.Member = append(out.Member, xmlAttachedPolicy{PolicyName: p.Name, PolicyArn: p.ARN})
	}
	return out
}

func boundaryXML(b *graph.AttachedPolicy) *xmlBoundary {
	if b == nil {
		return nil
	}
	return boundary(&iam.AttachedPermissionsBoundary{PermissionsBoundaryArn: b.ARN})
}

func tagsXML(in []graph.Tag) members[xmlTag] {
	out := members[xmlTag]{}
	for _, t := range in {
		out.Member = append(out.Member, xmlTag{Key: t.Key, Value: t.Value})
	}
	return out
}

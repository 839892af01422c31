package awsapi

import (
	"context"

	"github.com/iamconsole/console/internal/iam"
)

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

// attachOp is the shape of AttachPolicy and DetachPolicy.
type attachOp func(*iam.Service, context.Context, *iam.Principal, iam.Entity, string, iam.Meta) error

// attach handles Attach/Detach{User,Group,Role}Policy.
func attach(t iam.EntityType, op attachOp) action {
	return func(s *Server, c *call) (any, error) {
		e, err := c.entity(t, "PolicyArn")
		if err != nil {
			return nil, err
		}
		return nil, op(s.svc, c.ctx, c.caller, e, c.p.str("PolicyArn"), c.meta)
	}
}

// listAttached handles ListAttached{User,Group,Role}Policies.
func listAttached(t iam.EntityType) action {
	return func(s *Server, c *call) (any, error) {
		e, page, err := c.entityPage(t)
		if err != nil {
			return nil, err
		}
		ps, next, err := s.svc.ListAttachedPolicies(c.ctx, c.caller, e, iam.ListAttachedPoliciesInput{
			PathPrefix: c.p.str("PathPrefix"), Marker: page.Marker, MaxItems: page.MaxItems}, c.meta)
		if err != nil {
			return nil, err
		}
		out := make([]xmlAttachedPolicy, len(ps))
		for i, p := range ps {
			out[i] = xmlAttachedPolicy{PolicyName: p.PolicyName, PolicyArn: p.PolicyArn}
		}
		return listAttachedPoliciesResult{AttachedPolicies: list(out), page: pageOf(next)}, nil
	}
}

func listEntitiesForPolicy(s *Server, c *call) (any, error) {
	if err := c.p.required("PolicyArn"); err != nil {
		return nil, err
	}
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	es, next, err := s.svc.ListEntitiesForPolicy(c.ctx, c.caller, iam.ListEntitiesForPolicyInput{PolicyArn: c.p.str("PolicyArn"),
		EntityFilter: c.p.str("EntityFilter"), PathPrefix: c.p.str("PathPrefix"), Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	out := listEntitiesForPolicyResult{page: pageOf(next)}
	for _, g := range es.PolicyGroups {
		out.PolicyGroups.Member = append(out.PolicyGroups.Member, xmlPolicyGroup{GroupName: g.GroupName, GroupID: g.GroupId})
	}
	for _, u := range es.PolicyUsers {
		out.PolicyUsers.Member = append(out.PolicyUsers.Member, xmlPolicyUser{UserName: u.UserName, UserID: u.UserId})
	}
	for _, r := range es.PolicyRoles {
		out.PolicyRoles.Member = append(out.PolicyRoles.Member, xmlPolicyRole{RoleName: r.RoleName, RoleID: r.RoleId})
	}
	return out, nil
}

// policyXML shapes a managed policy; full adds what ListPolicies leaves out
// (description, tags).
func policyXML(p *iam.Policy, full bool) xmlPolicy {
	x := xmlPolicy{PolicyName: p.PolicyName, PolicyID: p.PolicyId, Arn: p.Arn, Path: p.Path, DefaultVersionID: p.DefaultVersionId,
		AttachmentCount: p.AttachmentCount, PermissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount,
		IsAttachable: p.IsAttachable, CreateDate: ts(p.CreateDate), UpdateDate: ts(p.UpdateDate)}
	if full {
		x.Description, x.Tags = p.Description, tagList(p.Tags)
	}
	return x
}

// versionXML shapes a policy version; the document only where AWS sends it
// (GetPolicyVersion), URL-encoded.
func versionXML(v *iam.PolicyVersion, withDocument bool) xmlPolicyVersion {
	x := xmlPolicyVersion{VersionID: v.VersionId, IsDefaultVersion: v.IsDefaultVersion, CreateDate: ts(v.CreateDate)}
	if withDocument {
		x.Document = urlDoc(v.Document)
	}
	return x
}

func createPolicy(s *Server, c *call) (any, error) {
	if err := c.p.required("PolicyName", "PolicyDocument"); err != nil {
		return nil, err
	}
	p, err := s.svc.CreatePolicy(c.ctx, c.caller, iam.CreatePolicyInput{PolicyName: c.p.str("PolicyName"), Path: c.p.str("Path"),
		PolicyDocument: c.p.str("PolicyDocument"), Description: c.p.str("Description"), Tags: c.p.tags("Tags")}, c.meta)
	if err != nil {
		return nil, err
	}
	return policyResult{Policy: policyXML(p, true)}, nil
}

func getPolicy(s *Server, c *call) (any, error) {
	if err := c.p.required("PolicyArn"); err != nil {
		return nil, err
	}
	p, err := s.svc.GetPolicy(c.ctx, c.caller, c.p.str("PolicyArn"), c.meta)
	if err != nil {
		return nil, err
	}
	return policyResult{Policy: policyXML(p, true)}, nil
}

// listPolicies lists AWS's built-ins and the account's own (Scope All,
// AWS or Local, as AWS's), OnlyAttached and PolicyUsageFilter choosing by
// their use.
func listPolicies(s *Server, c *call) (any, error) {
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	only, err := c.p.boolean("OnlyAttached", false)
	if err != nil {
		return nil, err
	}
	ps, next, err := s.svc.ListPolicies(c.ctx, c.caller, iam.ListPoliciesInput{Scope: c.p.str("Scope"), OnlyAttached: only,
		PathPrefix: c.p.str("PathPrefix"), PolicyUsageFilter: c.p.str("PolicyUsageFilter"), Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	out := make([]xmlPolicy, len(ps))
	for i := range ps {
		out[i] = policyXML(&ps[i], false)
	}
	return listPoliciesResult{Policies: list(out), page: pageOf(next)}, nil
}

func deletePolicy(s *Server, c *call) (any, error) {
	if err := c.p.required("PolicyArn"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeletePolicy(c.ctx, c.caller, c.p.str("PolicyArn"), c.meta)
}

func createPolicyVersion(s *Server, c *call) (any, error) {
	if err := c.p.required("PolicyArn", "PolicyDocument"); err != nil {
		return nil, err
	}
	def, err := c.p.boolean("SetAsDefault", false)
	if err != nil {
		return nil, err
	}
	v, err := s.svc.CreatePolicyVersion(c.ctx, c.caller, iam.CreatePolicyVersionInput{PolicyArn: c.p.str("PolicyArn"),
		PolicyDocument: c.p.str("PolicyDocument"), SetAsDefault: def}, c.meta)
	if err != nil {
		return nil, err
	}
	return policyVersionResult{PolicyVersion: versionXML(v, false)}, nil
}

func getPolicyVersion(s *Server, c *call) (any, error) {
	if err := c.p.required("PolicyArn", "VersionId"); err != nil {
		return nil, err
	}
	v, err := s.svc.GetPolicyVersion(c.ctx, c.caller, c.p.str("PolicyArn"), c.p.str("VersionId"), c.meta)
	if err != nil {
		return nil, err
	}
	return policyVersionResult{PolicyVersion: versionXML(v, true)}, nil
}

func listPolicyVersions(s *Server, c *call) (any, error) {
	if err := c.p.required("PolicyArn"); err != nil {
		return nil, err
	}
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	vs, next, err := s.svc.ListPolicyVersions(c.ctx, c.caller, c.p.str("PolicyArn"), iam.Page{Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	out := make([]xmlPolicyVersion, len(vs))
	for i := range vs {
		out[i] = versionXML(&vs[i], false)
	}
	return listPolicyVersionsResult{Versions: list(out), page: pageOf(next)}, nil
}

func deletePolicyVersion(s *Server, c *call) (any, error) {
	if err := c.p.required("PolicyArn", "VersionId"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeletePolicyVersion(c.ctx, c.caller, c.p.str("PolicyArn"), c.p.str("VersionId"), c.meta)
}

func setDefaultPolicyVersion(s *Server, c *call) (any, error) {
	if err := c.p.required("PolicyArn", "VersionId"); err != nil {
		return nil, err
	}
	return nil, s.svc.SetDefaultPolicyVersion(c.ctx, c.caller, c.p.str("PolicyArn"), c.p.str("VersionId"), c.meta)
}

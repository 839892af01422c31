package awsapi

import "github.com/iamconsole/console/internal/iam"

// xmlRoleLastUsed is AWS's RoleLastUsed.
type xmlRoleLastUsed struct {
	LastUsedDate *isoTime `xml:"LastUsedDate,omitempty"`
	Region       string   `xml:"Region,omitempty"`
}

// xmlRole is AWS's Role; the trust policy is URL-encoded, as AWS sends it.
type xmlRole struct {
	Path                     string           `xml:"Path"`
	RoleName                 string           `xml:"RoleName"`
	RoleID                   string           `xml:"RoleId"`
	Arn                      string           `xml:"Arn"`
	CreateDate               isoTime          `xml:"CreateDate"`
	AssumeRolePolicyDocument string           `xml:"AssumeRolePolicyDocument,omitempty"`
	Description              string           `xml:"Description,omitempty"`
	MaxSessionDuration       int              `xml:"MaxSessionDuration,omitempty"`
	PermissionsBoundary      *xmlBoundary     `xml:"PermissionsBoundary,omitempty"`
	Tags                     *members[xmlTag] `xml:"Tags,omitempty"`
	RoleLastUsed             *xmlRoleLastUsed `xml:"RoleLastUsed,omitempty"`
}

type roleResult struct {
	Role xmlRole `xml:"Role"`
}

type listRolesResult struct {
	Roles members[xmlRole] `xml:"Roles"`
	page
}

// roleXML shapes a role; full adds what only the single-role answers carry
// (boundary, tags, last use), as AWS's ListRoles leaves them out.
func roleXML(r *iam.Role, full bool) xmlRole {
	x := xmlRole{Path: r.Path, RoleName: r.RoleName, RoleID: r.RoleId, Arn: r.Arn, CreateDate: ts(r.CreateDate),
		AssumeRolePolicyDocument: urlDoc(r.AssumeRolePolicyDocument), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration}
	if full {
		x.PermissionsBoundary, x.Tags = boundary(r.PermissionsBoundary), tagList(r.Tags)
		x.RoleLastUsed = &xmlRoleLastUsed{}
		if r.RoleLastUsed != nil {
			x.RoleLastUsed = &xmlRoleLastUsed{LastUsedDate: tsp(r.RoleLastUsed.LastUsedDate), Region: r.RoleLastUsed.Region}
		}
	}
	return x
}

func createRole(s *Server, c *call) (any, error) {
	if err := c.p.required("RoleName", "AssumeRolePolicyDocument"); err != nil {
		return nil, err
	}
	maxDur, err := c.p.integer("MaxSessionDuration", 0)
	if err != nil {
		return nil, err
	}
	r, err := s.svc.CreateRole(c.ctx, c.caller, iam.CreateRoleInput{RoleName: c.p.str("RoleName"), Path: c.p.str("Path"),
		AssumeRolePolicyDocument: c.p.str("AssumeRolePolicyDocument"), Description: c.p.str("Description"),
		MaxSessionDuration: maxDur, PermissionsBoundary: c.p.str("PermissionsBoundary"), Tags: c.p.tags("Tags")}, c.meta)
	if err != nil {
		return nil, err
	}
	return roleResult{Role: roleXML(r, true)}, nil
}

func getRole(s *Server, c *call) (any, error) {
	if err := c.p.required("RoleName"); err != nil {
		return nil, err
	}
	r, err := s.svc.GetRole(c.ctx, c.caller, c.p.str("RoleName"), c.meta)
	if err != nil {
		return nil, err
	}
	return roleResult{Role: roleXML(r, true)}, nil
}

func listRoles(s *Server, c *call) (any, error) {
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	rs, next, err := s.svc.ListRoles(c.ctx, c.caller, iam.ListInput{PathPrefix: c.p.str("PathPrefix"), Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	out := make([]xmlRole, len(rs))
	for i := range rs {
		out[i] = roleXML(&rs[i], false)
	}
	return listRolesResult{Roles: list(out), page: pageOf(next)}, nil
}

// updateRole answers an empty UpdateRoleResult, as AWS does.
func updateRole(s *Server, c *call) (any, error) {
	if err := c.p.required("RoleName"); err != nil {
		return nil, err
	}
	in := iam.UpdateRoleInput{RoleName: c.p.str("RoleName")}
	if c.p.has("Description") {
		d := c.p.str("Description")
		in.Description = &d
	}
	n, err := c.p.integer("MaxSessionDuration", 0)
	if err != nil {
		return nil, err
	}
	in.MaxSessionDuration = n
	if err := s.svc.UpdateRole(c.ctx, c.caller, in, c.meta); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func deleteRole(s *Server, c *call) (any, error) {
	if err := c.p.required("RoleName"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteRole(c.ctx, c.caller, c.p.str("RoleName"), c.meta)
}

func updateAssumeRolePolicy(s *Server, c *call) (any, error) {
	if err := c.p.required("RoleName", "PolicyDocument"); err != nil {
		return nil, err
	}
	_, err := s.svc.UpdateAssumeRolePolicy(c.ctx, c.caller, c.p.str("RoleName"), c.p.str("PolicyDocument"), c.meta)
	return nil, err
}

func updateRoleDescription(s *Server, c *call) (any, error) {
	if err := c.p.required("RoleName"); err != nil {
		return nil, err
	}
	r, err := s.svc.UpdateRoleDescription(c.ctx, c.caller, c.p.str("RoleName"), c.p.str("Description"), c.meta)
	if err != nil {
		return nil, err
	}
	return roleResult{Role: roleXML(r, true)}, nil
}

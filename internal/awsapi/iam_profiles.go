package awsapi

import "github.com/iamconsole/console/internal/iam"

// xmlInstanceProfile is AWS's InstanceProfile: its one role at most, in a
// Roles list, each as ListRoles shapes a role.
type xmlInstanceProfile struct {
	Path                string           `xml:"Path"`
	InstanceProfileName string           `xml:"InstanceProfileName"`
	InstanceProfileID   string           `xml:"InstanceProfileId"`
	Arn                 string           `xml:"Arn"`
	CreateDate          isoTime          `xml:"CreateDate"`
	Roles               members[xmlRole] `xml:"Roles"`
	Tags                *members[xmlTag] `xml:"Tags,omitempty"`
}

type instanceProfileResult struct {
	InstanceProfile xmlInstanceProfile `xml:"InstanceProfile"`
}

type listInstanceProfilesResult struct {
	InstanceProfiles members[xmlInstanceProfile] `xml:"InstanceProfiles"`
	page
}

// profileXML shapes a profile; full adds its tags, which lists leave out.
func profileXML(p *iam.InstanceProfile, full bool) xmlInstanceProfile {
	x := xmlInstanceProfile{Path: p.Path, InstanceProfileName: p.InstanceProfileName, InstanceProfileID: p.InstanceProfileId,
		Arn: p.Arn, CreateDate: ts(p.CreateDate), Roles: members[xmlRole]{Member: []xmlRole{}}}
	for i := range p.Roles {
		x.Roles.Member = append(x.Roles.Member, roleXML(&p.Roles[i], false))
	}
	if full {
		x.Tags = tagList(p.Tags)
	}
	return x
}

func profilesXML(ps []iam.InstanceProfile, next string) listInstanceProfilesResult {
	out := make([]xmlInstanceProfile, len(ps))
	for i := range ps {
		out[i] = profileXML(&ps[i], false)
	}
	return listInstanceProfilesResult{InstanceProfiles: list(out), page: pageOf(next)}
}

func createInstanceProfile(s *Server, c *call) (any, error) {
	if err := c.p.required("InstanceProfileName"); err != nil {
		return nil, err
	}
	p, err := s.svc.CreateInstanceProfile(c.ctx, c.caller, iam.CreateInstanceProfileInput{InstanceProfileName: c.p.str("InstanceProfileName"),
		Path: c.p.str("Path"), Tags: c.p.tags("Tags")}, c.meta)
	if err != nil {
		return nil, err
	}
	return instanceProfileResult{InstanceProfile: profileXML(p, true)}, nil
}

func getInstanceProfile(s *Server, c *call) (any, error) {
	if err := c.p.required("InstanceProfileName"); err != nil {
		return nil, err
	}
	p, err := s.svc.GetInstanceProfile(c.ctx, c.caller, c.p.str("InstanceProfileName"), c.meta)
	if err != nil {
		return nil, err
	}
	return instanceProfileResult{InstanceProfile: profileXML(p, true)}, nil
}

func deleteInstanceProfile(s *Server, c *call) (any, error) {
	if err := c.p.required("InstanceProfileName"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteInstanceProfile(c.ctx, c.caller, c.p.str("InstanceProfileName"), c.meta)
}

func addRoleToInstanceProfile(s *Server, c *call) (any, error) {
	if err := c.p.required("InstanceProfileName", "RoleName"); err != nil {
		return nil, err
	}
	return nil, s.svc.AddRoleToInstanceProfile(c.ctx, c.caller, c.p.str("InstanceProfileName"), c.p.str("RoleName"), c.meta)
}

func removeRoleFromInstanceProfile(s *Server, c *call) (any, error) {
	if err := c.p.required("InstanceProfileName", "RoleName"); err != nil {
		return nil, err
	}
	return nil, s.svc.RemoveRoleFromInstanceProfile(c.ctx, c.caller, c.p.str("InstanceProfileName"), c.p.str("RoleName"), c.meta)
}

func listInstanceProfiles(s *Server, c *call) (any, error) {
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	ps, next, err := s.svc.ListInstanceProfiles(c.ctx, c.caller, iam.ListInput{PathPrefix: c.p.str("PathPrefix"), Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	return profilesXML(ps, next), nil
}

func listInstanceProfilesForRole(s *Server, c *call) (any, error) {
	e, page, err := c.entityPage(iam.RoleType)
	if err != nil {
		return nil, err
	}
	ps, next, err := s.svc.ListInstanceProfilesForRole(c.ctx, c.caller, e.Name, page, c.meta)
	if err != nil {
		return nil, err
	}
	return profilesXML(ps, next), nil
}

package awsapi

import "github.com/iamconsole/console/internal/iam"

// xmlGroup is AWS's Group.
type xmlGroup struct {
	Path       string  `xml:"Path"`
	GroupName  string  `xml:"GroupName"`
	GroupID    string  `xml:"GroupId"`
	Arn        string  `xml:"Arn"`
	CreateDate isoTime `xml:"CreateDate"`
}

type groupResult struct {
	Group xmlGroup `xml:"Group"`
}

type getGroupResult struct {
	Group xmlGroup         `xml:"Group"`
	Users members[xmlUser] `xml:"Users"`
	page
}

type listGroupsResult struct {
	Groups members[xmlGroup] `xml:"Groups"`
	page
}

func groupXML(g *iam.Group) xmlGroup {
	return xmlGroup{Path: g.Path, GroupName: g.GroupName, GroupID: g.GroupId, Arn: g.Arn, CreateDate: ts(g.CreateDate)}
}

func groupsXML(gs []iam.Group) members[xmlGroup] {
	out := make([]xmlGroup, len(gs))
	for i := range gs {
		out[i] = groupXML(&gs[i])
	}
	return list(out)
}

func createGroup(s *Server, c *call) (any, error) {
	if err := c.p.required("GroupName"); err != nil {
		return nil, err
	}
	g, err := s.svc.CreateGroup(c.ctx, c.caller, iam.CreateGroupInput{GroupName: c.p.str("GroupName"), Path: c.p.str("Path")}, c.meta)
	if err != nil {
		return nil, err
	}
	return groupResult{Group: groupXML(g)}, nil
}

// getGroup describes a group with one page of its users.
func getGroup(s *Server, c *call) (any, error) {
	if err := c.p.required("GroupName"); err != nil {
		return nil, err
	}
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	g, us, next, err := s.svc.GetGroup(c.ctx, c.caller, iam.GetGroupInput{GroupName: c.p.str("GroupName"), Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	return getGroupResult{Group: groupXML(g), Users: usersXML(us), page: pageOf(next)}, nil
}

func listGroups(s *Server, c *call) (any, error) {
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	gs, next, err := s.svc.ListGroups(c.ctx, c.caller, iam.ListInput{PathPrefix: c.p.str("PathPrefix"), Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	return listGroupsResult{Groups: groupsXML(gs), page: pageOf(next)}, nil
}

func updateGroup(s *Server, c *call) (any, error) {
	if err := c.p.required("GroupName"); err != nil {
		return nil, err
	}
	_, err := s.svc.UpdateGroup(c.ctx, c.caller, iam.UpdateGroupInput{GroupName: c.p.str("GroupName"),
		NewGroupName: c.p.str("NewGroupName"), NewPath: c.p.str("NewPath")}, c.meta)
	return nil, err
}

func deleteGroup(s *Server, c *call) (any, error) {
	if err := c.p.required("GroupName"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteGroup(c.ctx, c.caller, c.p.str("GroupName"), c.meta)
}

func addUserToGroup(s *Server, c *call) (any, error) {
	if err := c.p.required("GroupName", "UserName"); err != nil {
		return nil, err
	}
	return nil, s.svc.AddUserToGroup(c.ctx, c.caller, c.p.str("GroupName"), c.p.str("UserName"), c.meta)
}

func removeUserFromGroup(s *Server, c *call) (any, error) {
	if err := c.p.required("GroupName", "UserName"); err != nil {
		return nil, err
	}
	return nil, s.svc.RemoveUserFromGroup(c.ctx, c.caller, c.p.str("GroupName"), c.p.str("UserName"), c.meta)
}

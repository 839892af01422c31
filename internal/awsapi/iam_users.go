package awsapi

import "github.com/iamconsole/console/internal/iam"

// xmlBoundary is a principal's PermissionsBoundary element.
type xmlBoundary struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

// xmlUser is AWS's User. Lists leave Tags and the boundary out, as AWS's do.
type xmlUser struct {
	Path                string           `xml:"Path"`
	UserName            string           `xml:"UserName"`
	UserID              string           `xml:"UserId"`
	Arn                 string           `xml:"Arn"`
	CreateDate          isoTime          `xml:"CreateDate"`
	PasswordLastUsed    *isoTime         `xml:"PasswordLastUsed,omitempty"`
	PermissionsBoundary *xmlBoundary     `xml:"PermissionsBoundary,omitempty"`
	Tags                *members[xmlTag] `xml:"Tags,omitempty"`
}

type userResult struct {
	User xmlUser `xml:"User"`
}

type listUsersResult struct {
	Users members[xmlUser] `xml:"Users"`
	page
}

// userXML shapes a user; full adds what only CreateUser and GetUser return
// (the boundary and the tags).
func userXML(u *iam.User, full bool) xmlUser {
	x := xmlUser{Path: u.Path, UserName: u.UserName, UserID: u.UserId, Arn: u.Arn, CreateDate: ts(u.CreateDate),
		PasswordLastUsed: tsp(u.PasswordLastUsed)}
	if full {
		x.PermissionsBoundary, x.Tags = boundary(u.PermissionsBoundary), tagList(u.Tags)
	}
	return x
}

func usersXML(us []iam.User) members[xmlUser] {
	out := make([]xmlUser, len(us))
	for i := range us {
		out[i] = userXML(&us[i], false)
	}
	return list(out)
}

func createUser(s *Server, c *call) (any, error) {
	if err := c.p.required("UserName"); err != nil {
		return nil, err
	}
	u, err := s.svc.CreateUser(c.ctx, c.caller, iam.CreateUserInput{UserName: c.p.str("UserName"), Path: c.p.str("Path"),
		PermissionsBoundary: c.p.str("PermissionsBoundary"), Tags: c.p.tags("Tags")}, c.meta)
	if err != nil {
		return nil, err
	}
	return userResult{User: userXML(u, true)}, nil
}

// getUser describes the named user, or the caller's own when UserName is
// left out, as AWS's GetUser.
func getUser(s *Server, c *call) (any, error) {
	u, err := s.svc.GetUser(c.ctx, c.caller, c.p.str("UserName"), c.meta)
	if err != nil {
		return nil, err
	}
	return userResult{User: userXML(u, true)}, nil
}

func listUsers(s *Server, c *call) (any, error) {
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	us, next, err := s.svc.ListUsers(c.ctx, c.caller, iam.ListInput{PathPrefix: c.p.str("PathPrefix"), Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	return listUsersResult{Users: usersXML(us), page: pageOf(next)}, nil
}

func updateUser(s *Server, c *call) (any, error) {
	if err := c.p.required("UserName"); err != nil {
		return nil, err
	}
	_, err := s.svc.UpdateUser(c.ctx, c.caller, iam.UpdateUserInput{UserName: c.p.str("UserName"),
		NewUserName: c.p.str("NewUserName"), NewPath: c.p.str("NewPath")}, c.meta)
	return nil, err
}

func deleteUser(s *Server, c *call) (any, error) {
	if err := c.p.required("UserName"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteUser(c.ctx, c.caller, c.p.str("UserName"), c.meta)
}

func listGroupsForUser(s *Server, c *call) (any, error) {
	if err := c.p.required("UserName"); err != nil {
		return nil, err
	}
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	gs, next, err := s.svc.ListGroupsForUser(c.ctx, c.caller, iam.ListGroupsForUserInput{UserName: c.p.str("UserName"),
		Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	return listGroupsResult{Groups: groupsXML(gs), page: pageOf(next)}, nil
}

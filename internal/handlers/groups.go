package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// groupsList shows a page of groups, searched by name and filtered by path.
func (s *Server) groupsList(c echo.Context) error {
	f, marker := listRequest(c, "/groups")
	groups, next, err := s.svc.ListGroups(c.Request().Context(), principal(c), iam.ListInput{
		PathPrefix: f.PathPrefix, Marker: marker, MaxItems: pageSize, NameContains: f.Query, Descending: f.Descending}, meta(c))
	if fe := formErrors(err, "PathPrefix"); fe != nil {
		f.Errors = fe
		return render(c, http.StatusBadRequest, templates.GroupsPage(s.page(c, "User groups", "groups"), templates.GroupsView{Filter: f}))
	}
	if err != nil {
		return err
	}
	listLinks(&f, marker, next)
	v := templates.GroupsView{Filter: f, CanCreate: s.can(c, iam.OpCreate, accountARN(c, "group/*"))}
	for _, g := range groups {
		v.Rows = append(v.Rows, templates.GroupRow{Name: g.GroupName, Path: g.Path, Href: entityURL("groups", g.GroupName, ""),
			Created: when(g.CreateDate)})
	}
	return render(c, http.StatusOK, templates.GroupsPage(s.page(c, "User groups", "groups"), v))
}

// groupNew shows the create-group form.
func (s *Server) groupNew(c echo.Context) error {
	return render(c, http.StatusOK, templates.GroupNewPage(s.page(c, "Create group", "groups"), templates.GroupForm{}))
}

// groupCreate creates a group.
func (s *Server) groupCreate(c echo.Context) error {
	in := iam.CreateGroupInput{GroupName: strings.TrimSpace(c.FormValue("GroupName")), Path: strings.TrimSpace(c.FormValue("Path"))}
	g, err := s.svc.CreateGroup(c.Request().Context(), principal(c), in, meta(c))
	if fe := formErrors(err, "GroupName", iam.AlreadyExists, iam.LimitExceeded); fe != nil {
		f := templates.GroupForm{GroupName: in.GroupName, Path: in.Path, Errors: placed(fe, "GroupName", "Path")}
		return render(c, formStatus, templates.GroupNewPage(s.formPage(c, "Create group", "groups", "/groups/new"), f))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Group "+g.GroupName+" was created.")
	return c.Redirect(http.StatusSeeOther, entityURL("groups", g.GroupName, ""))
}

var groupTabs = []struct{ key, label string }{{"members", "Users"}, {"permissions", "Permissions"}, {"access", "Access"}, {"last-accessed", "Last accessed"}}

// groupShow shows a group on one of its tabs.
func (s *Server) groupShow(c echo.Context) error {
	v, err := s.groupDetail(c, c.Param("name"), c.QueryParam("tab"))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.GroupPage(s.page(c, v.Name, "groups"), v))
}

// groupDetailWithErrors shows a group's tab again with a form's errors.
func (s *Server) groupDetailWithErrors(c echo.Context, tab string, fe templates.FieldErrors, keep func(*templates.GroupDetailView)) error {
	v, err := s.groupDetail(c, c.Param("name"), tab)
	if err != nil {
		return err
	}
	v.Errors = fe
	if keep != nil {
		keep(&v)
	}
	return render(c, formStatus, templates.GroupPage(s.formPage(c, v.Name, "groups", entityURL("groups", v.Name, v.Tab)), v))
}

// groupDetail gathers a group's page: the group, its members (one page),
// and the permissions tab's data when it is active.
func (s *Server) groupDetail(c echo.Context, name, tab string) (templates.GroupDetailView, error) {
	marker := c.QueryParam("marker")
	g, users, next, err := s.svc.GetGroup(c.Request().Context(), principal(c), iam.GetGroupInput{GroupName: name, Marker: marker, MaxItems: pageSize}, meta(c))
	if err != nil {
		return templates.GroupDetailView{}, err
	}
	if tab != "permissions" && tab != "access" && tab != "last-accessed" {
		tab = "members"
	}
	v := templates.GroupDetailView{Name: g.GroupName, Path: g.Path, ARN: g.Arn, ID: g.GroupId, Created: when(g.CreateDate), Tab: tab,
		Can: templates.GroupCan{Delete: s.can(c, iam.OpDelete, g.Arn), AddMember: s.can(c, iam.OpAddMember, g.Arn),
			RemoveMember: s.can(c, iam.OpRemoveMember, g.Arn), Rename: s.can(c, iam.OpUpdate, g.Arn)}}
	for _, t := range groupTabs {
		v.Tabs = append(v.Tabs, templates.TabLink{Key: t.key, Label: t.label, Href: entityURL("groups", g.GroupName, t.key)})
	}
	if tab == "members" {
		for _, u := range users {
			v.Members = append(v.Members, templates.UserRow{Name: u.UserName, Path: u.Path, ARN: u.Arn, Href: entityURL("users", u.UserName, ""),
				Created: when(u.CreateDate), PasswordLastUsed: whenPtr(u.PasswordLastUsed, "Never")})
		}
		if next != "" {
			v.MembersNext = entityURL("groups", g.GroupName, "members") + "&marker=" + urlQuery(next)
		}
		return v, nil
	}
	if tab == "access" {
		v.Access, err = s.accessTab(c, g.Arn)
		return v, err
	}
	if tab == "last-accessed" {
		v.LastAccessed, err = s.lastAccessedTab(c, g.Arn)
		return v, err
	}
	return v, s.groupPermissions(c, g, &v)
}

// groupMemberAdd adds a user to the group.
func (s *Server) groupMemberAdd(c echo.Context) error {
	name, user := c.Param("name"), strings.TrimSpace(c.FormValue("UserName"))
	err := s.svc.AddUserToGroup(c.Request().Context(), principal(c), name, user, meta(c))
	if fe := formErrors(err, "UserName", iam.NotFound, iam.LimitExceeded); fe != nil {
		return s.groupDetailWithErrors(c, "members", fe, func(v *templates.GroupDetailView) { v.MemberValue = user })
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "User "+user+" was added.")
	return c.Redirect(http.StatusSeeOther, entityURL("groups", name, "members"))
}

// groupMemberRemoval is taking a member out, confirmed by a click.
func (s *Server) groupMemberRemoval() destructive {
	return destructive{typed: plainConfirm, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		return s.membershipStep(c, c.FormValue("UserName"), c.Param("name"), "groups")
	}, do: s.groupMemberRemove}
}

// groupMemberRemove removes a user from the group.
func (s *Server) groupMemberRemove(c echo.Context) error {
	name, user := c.Param("name"), c.FormValue("UserName")
	err := s.svc.RemoveUserFromGroup(c.Request().Context(), principal(c), name, user, meta(c))
	if msg, ok := flashable(err); ok {
		s.flash(c, "error", msg)
		return c.Redirect(http.StatusSeeOther, entityURL("groups", name, "members"))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "User "+user+" was removed.")
	return c.Redirect(http.StatusSeeOther, entityURL("groups", name, "members"))
}

// groupDeletion is deleting a group: its name typed back.
func (s *Server) groupDeletion() destructive {
	return destructive{typed: typeName("name"), do: s.groupDelete, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		g, _, _, err := s.svc.GetGroup(c.Request().Context(), principal(c), iam.GetGroupInput{GroupName: c.Param("name"), MaxItems: 1}, meta(c))
		if err != nil {
			return templates.Page{}, templates.ConfirmView{}, err
		}
		href := entityURL("groups", g.GroupName, "")
		v := templates.ConfirmView{Heading: "Delete group " + g.GroupName + "?",
			Consequences: []string{"The group and its inline policies are deleted for good.",
				"A group with members or attached policies cannot be deleted: remove them first."},
			Action: "/groups/" + url.PathEscape(g.GroupName) + "/delete", Button: "Delete group", Cancel: href}
		return s.confirmPage(c, "Delete "+g.GroupName, "groups", "User groups", "/groups", g.GroupName, href), v, nil
	}}
}

// groupDelete deletes an empty group.
func (s *Server) groupDelete(c echo.Context) error {
	name := c.Param("name")
	err := s.svc.DeleteGroup(c.Request().Context(), principal(c), name, meta(c))
	if iam.KindOf(err) == iam.Conflict {
		s.flash(c, "error", err.(*iam.Error).Message)
		return c.Redirect(http.StatusSeeOther, entityURL("groups", name, ""))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Group "+name+" was deleted.")
	return c.Redirect(http.StatusSeeOther, "/groups")
}

// groupPermissions fills the Permissions tab.
func (s *Server) groupPermissions(c echo.Context, g *iam.Group, v *templates.GroupDetailView) error {
	perms, err := s.permissions(c, groupPolicies, g.GroupName, g.Arn)
	v.Perms = perms
	return err
}

package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// usersList shows a page of users, searched by name and filtered by path.
func (s *Server) usersList(c echo.Context) error {
	f := templates.ListFilter{Action: "/users", Query: strings.TrimSpace(c.QueryParam("q")),
		PathPrefix: strings.TrimSpace(c.QueryParam("path"))}
	marker := c.QueryParam("marker")
	users, next, err := s.svc.ListUsers(c.Request().Context(), principal(c), iam.ListUsersInput{
		PathPrefix: f.PathPrefix, Marker: marker, MaxItems: pageSize, NameContains: f.Query}, meta(c))
	if fe := formErrors(err, "PathPrefix"); fe != nil {
		f.Errors = fe
		return render(c, http.StatusBadRequest, templates.UsersPage(s.page(c, "Users", "users"), templates.UsersView{Filter: f}))
	}
	if err != nil {
		return err
	}
	v := templates.UsersView{Filter: f, CanCreate: s.can(c, "iam:CreateUser", accountARN(c, "user/*"))}
	if next != "" {
		v.Filter.NextURL = listURL("/users", f.Query, f.PathPrefix, next)
	}
	if marker != "" {
		v.Filter.FirstURL = listURL("/users", f.Query, f.PathPrefix, "")
	}
	for _, u := range users {
		v.Rows = append(v.Rows, templates.UserRow{Name: u.UserName, Path: u.Path, ARN: u.Arn, Href: entityURL("users", u.UserName, ""),
			Created: when(u.CreateDate), PasswordLastUsed: whenPtr(u.PasswordLastUsed, "Never")})
	}
	return render(c, http.StatusOK, templates.UsersPage(s.page(c, "Users", "users"), v))
}

// policyARNs answers a policy picker with the ARNs it offers (JSON), as the
// caller may list them: AWS's 1,600 and the account's own. Pages send none
// (that would be 100 KB each); the picker fetches them from here when used.
func (s *Server) policyARNs(c echo.Context) error {
	arns, err := s.svc.PolicyARNs(c.Request().Context(), principal(c), meta(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, arns)
}

// userNew shows the create-user form.
func (s *Server) userNew(c echo.Context) error {
	f := templates.UserForm{PasswordResetRequired: true}
	return render(c, http.StatusOK, templates.UserNewPage(s.page(c, "Create user", "users"), f))
}

// userCreate creates a user and, when asked, its console password. The
// password is a second operation: if the policy refuses it, the user exists
// and its page says so, where the password can be set again.
func (s *Server) userCreate(c echo.Context) error {
	in := iam.CreateUserInput{UserName: strings.TrimSpace(c.FormValue("UserName")), Path: strings.TrimSpace(c.FormValue("Path")),
		PermissionsBoundary: strings.TrimSpace(c.FormValue("PermissionsBoundary")), Tags: formTags(c)}
	console := c.FormValue("ConsoleAccess") == "true"
	password := c.FormValue("Password")
	reset := c.FormValue("PasswordResetRequired") == "true"
	fail := func(fe templates.FieldErrors) error {
		fe = placed(fe, "UserName", "Path", "Password", "PermissionsBoundary", "tags")
		f := templates.UserForm{UserName: in.UserName, Path: in.Path, Tags: tagRows(in.Tags), ConsoleAccess: console,
			PasswordResetRequired: reset, PermissionsBoundary: in.PermissionsBoundary, Errors: fe}
		return render(c, http.StatusBadRequest, templates.UserNewPage(s.page(c, "Create user", "users"), f))
	}
	if console && password == "" {
		return fail(templates.FieldErrors{"Password": "Enter a password, or leave console access off."})
	}
	u, err := s.svc.CreateUser(c.Request().Context(), principal(c), in, meta(c))
	if fe := formErrors(err, "UserName", iam.AlreadyExists, iam.LimitExceeded); fe != nil {
		return fail(fe)
	}
	if iam.KindOf(err) == iam.NotFound { // the boundary policy
		return fail(templates.FieldErrors{"PermissionsBoundary": err.(*iam.Error).Message})
	}
	if err != nil {
		return err
	}
	if console {
		_, err := s.svc.CreateLoginProfile(c.Request().Context(), principal(c), iam.CreateLoginProfileInput{
			UserName: u.UserName, Password: password, PasswordResetRequired: reset}, meta(c))
		if msg, ok := flashable(err); ok {
			s.flash(c, "error", "User "+u.UserName+" was created, but its password was refused: "+msg)
			return c.Redirect(http.StatusSeeOther, entityURL("users", u.UserName, "security"))
		}
		if err != nil {
			return err
		}
	}
	s.flash(c, "success", "User "+u.UserName+" was created.")
	return c.Redirect(http.StatusSeeOther, entityURL("users", u.UserName, ""))
}

var userTabs = []struct{ key, label string }{
	{"permissions", "Permissions"}, {"groups", "Groups"}, {"security", "Security credentials"}, {"tags", "Tags"}, {"access", "Access"},
}

// userShow shows a user on one of its tabs.
func (s *Server) userShow(c echo.Context) error {
	v, err := s.userDetail(c, c.Param("name"), c.QueryParam("tab"))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.UserPage(s.page(c, v.Name, "users"), v))
}

// userDetailWithErrors shows a user's tab again with a form's errors and
// what was typed.
func (s *Server) userDetailWithErrors(c echo.Context, tab string, fe templates.FieldErrors, keep func(*templates.UserDetailView)) error {
	v, err := s.userDetail(c, c.Param("name"), tab)
	if err != nil {
		return err
	}
	v.Errors = fe
	if keep != nil {
		keep(&v)
	}
	return render(c, http.StatusBadRequest, templates.UserPage(s.page(c, v.Name, "users"), v))
}

// userDetail gathers a user's page: the user, and the active tab's data.
func (s *Server) userDetail(c echo.Context, name, tab string) (templates.UserDetailView, error) {
	ctx, p, m := c.Request().Context(), principal(c), meta(c)
	u, err := s.svc.GetUser(ctx, p, name, m)
	if err != nil {
		return templates.UserDetailView{}, err
	}
	known := false
	for _, t := range userTabs {
		known = known || t.key == tab
	}
	if !known {
		tab = "permissions"
	}
	v := templates.UserDetailView{Name: u.UserName, Path: u.Path, ARN: u.Arn, ID: u.UserId, Created: when(u.CreateDate),
		PasswordLastUsed: whenPtr(u.PasswordLastUsed, "Never"), Tab: tab, Tags: tagRows(u.Tags)}
	if u.PermissionsBoundary != nil {
		v.Boundary = u.PermissionsBoundary.PermissionsBoundaryArn
		v.BoundaryHref = policyURL(v.Boundary)
	}
	for _, t := range userTabs {
		v.Tabs = append(v.Tabs, templates.TabLink{Key: t.key, Label: t.label, Href: entityURL("users", u.UserName, t.key)})
	}
	v.Can.Delete = s.can(c, "iam:DeleteUser", u.Arn)
	v.Can.Rename = s.can(c, "iam:UpdateUser", u.Arn)
	switch tab {
	case "permissions":
		err = s.userPermissions(c, u, &v)
	case "groups":
		err = s.userGroups(c, u, &v)
	case "security":
		err = s.userCredentials(c, u, &v)
	case "tags":
		v.Can.Tag = s.can(c, "iam:TagUser", u.Arn) && s.can(c, "iam:UntagUser", u.Arn)
	case "access":
		err = s.userAccess(c, u, &v)
	}
	return v, err
}

// userAccess fills the Access tab: what the user can do, by service.
func (s *Server) userAccess(c echo.Context, u *iam.User, v *templates.UserDetailView) error {
	perms, err := s.svc.UserAccess(c.Request().Context(), principal(c), u.UserName, meta(c))
	if err != nil {
		return err
	}
	for _, sp := range perms {
		row := templates.AccessRow{Service: sp.Service}
		for _, p := range sp.Permissions {
			why := ""
			if len(p.Statements) > 0 {
				st := p.Statements[0]
				why = st.PolicyName
				if why == "" {
					why = st.Policy
				}
				if st.Sid != "" {
					why += " (" + st.Sid + ")"
				}
			}
			row.Grants = append(row.Grants, templates.AccessGrant{Action: p.Action, Resource: p.Resource, Why: why})
		}
		v.Access = append(v.Access, row)
	}
	return nil
}

// userGroups fills the Groups tab.
func (s *Server) userGroups(c echo.Context, u *iam.User, v *templates.UserDetailView) error {
	groups, _, err := s.svc.ListGroupsForUser(c.Request().Context(), principal(c), iam.ListGroupsForUserInput{UserName: u.UserName, MaxItems: 1000}, meta(c))
	if err != nil {
		return err
	}
	for _, g := range groups {
		v.Groups = append(v.Groups, templates.UserGroupRow{Name: g.GroupName, ARN: g.Arn, Href: entityURL("groups", g.GroupName, ""),
			CanRemove: s.can(c, "iam:RemoveUserFromGroup", g.Arn)})
	}
	v.Can.AddToGroup = s.can(c, "iam:AddUserToGroup", accountARN(c, "group/*"))
	return nil
}

// userGroupAdd puts the user in a group.
func (s *Server) userGroupAdd(c echo.Context) error {
	name, group := c.Param("name"), strings.TrimSpace(c.FormValue("GroupName"))
	err := s.svc.AddUserToGroup(c.Request().Context(), principal(c), group, name, meta(c))
	if fe := formErrors(err, "GroupName", iam.NotFound, iam.LimitExceeded); fe != nil {
		return s.userDetailWithErrors(c, "groups", fe, func(v *templates.UserDetailView) { v.GroupValue = group })
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Added to group "+group+".")
	return c.Redirect(http.StatusSeeOther, entityURL("users", name, "groups"))
}

// userGroupRemove takes the user out of a group.
func (s *Server) userGroupRemove(c echo.Context) error {
	name, group := c.Param("name"), c.FormValue("GroupName")
	err := s.svc.RemoveUserFromGroup(c.Request().Context(), principal(c), group, name, meta(c))
	if msg, ok := flashable(err); ok {
		s.flash(c, "error", msg)
		return c.Redirect(http.StatusSeeOther, entityURL("users", name, "groups"))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Removed from group "+group+".")
	return c.Redirect(http.StatusSeeOther, entityURL("users", name, "groups"))
}

// userDeleteShow asks for confirmation before deleting a user.
func (s *Server) userDeleteShow(c echo.Context) error {
	u, err := s.svc.GetUser(c.Request().Context(), principal(c), c.Param("name"), meta(c))
	if err != nil {
		return err
	}
	f := templates.UserDeleteForm{Name: u.UserName}
	return render(c, http.StatusOK, templates.UserDeletePage(s.page(c, "Delete "+u.UserName, "users"), f))
}

// userDelete deletes a user; with Everything, what it has goes too.
func (s *Server) userDelete(c echo.Context) error {
	name, confirm := c.Param("name"), c.FormValue("confirm")
	f := templates.UserDeleteForm{Name: name, Confirm: confirm}
	if confirm != name {
		f.Errors = templates.FieldErrors{"confirm": "Type the user name exactly to confirm."}
		return render(c, http.StatusBadRequest, templates.UserDeletePage(s.page(c, "Delete "+name, "users"), f))
	}
	var err error
	if c.FormValue("Everything") == "true" {
		err = s.svc.DeleteUserWithEverything(c.Request().Context(), principal(c), name, meta(c))
	} else {
		err = s.svc.DeleteUser(c.Request().Context(), principal(c), name, meta(c))
	}
	if iam.KindOf(err) == iam.Conflict {
		f.Errors = templates.FieldErrors{"_form": err.(*iam.Error).Message}
		return render(c, http.StatusConflict, templates.UserDeletePage(s.page(c, "Delete "+name, "users"), f))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "User "+name+" was deleted.")
	return c.Redirect(http.StatusSeeOther, "/users")
}

// userPermissions fills the Permissions tab: the user's own policies,
// those it has through its groups, and its boundary.
func (s *Server) userPermissions(c echo.Context, u *iam.User, v *templates.UserDetailView) error {
	perms, err := s.permissions(c, s.userHolder(), u.UserName, u.Arn)
	if err != nil {
		return err
	}
	v.Perms = perms
	if perms.Hidden != "" {
		return nil
	}
	ctx, p, m := c.Request().Context(), principal(c), meta(c)
	groups, err := s.svc.UserGroupPolicies(ctx, p, u.UserName, m)
	if err != nil && !denied(err) {
		return err
	}
	for _, g := range groups {
		gh := entityURL("groups", g.Group.GroupName, "permissions")
		for _, a := range g.Attached {
			v.ViaGroups = append(v.ViaGroups, templates.GroupPolicyRow{Group: g.Group.GroupName, GroupHref: gh, Policy: a.PolicyName, PolicyHref: policyURL(a.PolicyArn)})
		}
		for _, n := range g.Inline {
			v.ViaGroups = append(v.ViaGroups, templates.GroupPolicyRow{Group: g.Group.GroupName, GroupHref: gh, Policy: n, Inline: true})
		}
	}
	v.Can.PutBoundary = s.can(c, "iam:PutUserPermissionsBoundary", u.Arn)
	v.Can.DeleteBoundary = s.can(c, "iam:DeleteUserPermissionsBoundary", u.Arn)
	return nil
}

// userBoundarySave sets the user's permissions boundary.
func (s *Server) userBoundarySave(c echo.Context) error {
	name, arn := c.Param("name"), strings.TrimSpace(c.FormValue("PermissionsBoundary"))
	err := s.svc.PutUserPermissionsBoundary(c.Request().Context(), principal(c), name, arn, meta(c))
	if fe := formErrors(err, "PermissionsBoundary", iam.NotFound); fe != nil {
		return s.userDetailWithErrors(c, "permissions", templates.FieldErrors{"PermissionsBoundary": fe[firstKey(fe)]}, nil)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "The permissions boundary was set.")
	return c.Redirect(http.StatusSeeOther, entityURL("users", name, "permissions"))
}

// userBoundaryDelete removes the user's permissions boundary.
func (s *Server) userBoundaryDelete(c echo.Context) error {
	name := c.Param("name")
	if err := s.svc.DeleteUserPermissionsBoundary(c.Request().Context(), principal(c), name, meta(c)); err != nil {
		return err
	}
	s.flash(c, "success", "The permissions boundary was removed.")
	return c.Redirect(http.StatusSeeOther, entityURL("users", name, "permissions"))
}

// userTagsSave replaces the user's tags with the form's.
func (s *Server) userTagsSave(c echo.Context) error {
	name, tags := c.Param("name"), formTags(c)
	err := s.replaceTags(c, tags, func(ctx context.Context) ([]iam.Tag, error) {
		u, err := s.svc.GetUser(ctx, principal(c), name, meta(c))
		if err != nil {
			return nil, err
		}
		return u.Tags, nil
	}, func(ctx context.Context, t []iam.Tag) error {
		return s.svc.TagUser(ctx, principal(c), name, t, meta(c))
	}, func(ctx context.Context, keys []string) error {
		return s.svc.UntagUser(ctx, principal(c), name, keys, meta(c))
	})
	if fe := formErrors(err, "tags", iam.LimitExceeded); fe != nil {
		return s.userDetailWithErrors(c, "tags", templates.FieldErrors{"tags": fe[firstKey(fe)]}, func(v *templates.UserDetailView) { v.Tags = tagRows(tags) })
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Tags saved.")
	return c.Redirect(http.StatusSeeOther, entityURL("users", name, "tags"))
}

// userMFADevices lists a user's MFA devices.
func (s *Server) userMFADevices(c echo.Context, u *iam.User, v *templates.UserDetailView) error {
	devs, err := s.svc.ListMFADevices(c.Request().Context(), principal(c), u.UserName, meta(c))
	if iam.KindOf(err) == iam.AccessDenied {
		v.MFAUnavailable = true
		return nil
	}
	if err != nil {
		return err
	}
	for _, d := range devs {
		v.MFADevices = append(v.MFADevices, templates.DeviceRow{Name: d.Name, Serial: d.Serial, EnabledAt: d.EnabledAt.Format("2006-01-02 15:04 UTC")})
	}
	return nil
}

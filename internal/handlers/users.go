package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// usersList shows a page of users with AWS's columns (groups, MFA,
// password age, console sign-in, access keys, last activity), searched by
// name, filtered by path, sorted by name either way.
func (s *Server) usersList(c echo.Context) error {
	f, marker := listRequest(c, "/users")
	users, next, err := s.svc.ListUserSummaries(c.Request().Context(), principal(c), iam.ListInput{
		PathPrefix: f.PathPrefix, Marker: marker, MaxItems: pageSize, NameContains: f.Query, Descending: f.Descending}, meta(c))
	if fe := formErrors(err, "PathPrefix"); fe != nil {
		f.Errors = fe
		return render(c, http.StatusBadRequest, templates.UsersPage(s.page(c, "Users", "users"), templates.UsersView{Filter: f}))
	}
	if err != nil {
		return err
	}
	listLinks(&f, marker, next)
	v := templates.UsersView{Filter: f, CanCreate: s.can(c, iam.OpCreate, accountARN(c, "user/*"))}
	now := s.svc.Now()
	for _, u := range users {
		v.Rows = append(v.Rows, userRow(u, now))
	}
	return render(c, http.StatusOK, templates.UsersPage(s.page(c, "Users", "users"), v))
}

// hiddenCell is what a column shows when the caller may not read it.
const hiddenCell = "Not allowed"

// userRow is one line of the users list, in AWS's console's words.
func userRow(u iam.UserSummary, now time.Time) templates.UserRow {
	r := templates.UserRow{Name: u.UserName, Path: u.Path, ARN: u.Arn, Href: entityURL("users", u.UserName, ""),
		Created: when(u.CreateDate), LastActivity: ago(u.LastActivity, now, "Never")}
	switch {
	case u.GroupsHidden:
		r.Groups = hiddenCell
	case len(u.Groups) == 0:
		r.Groups = "None"
	default:
		r.Groups = strings.Join(u.Groups, ", ")
	}
	switch {
	case u.MFAHidden:
		r.MFA = hiddenCell
	case u.MFA:
		r.MFA, r.MFAOn = "Virtual", true
	default:
		r.MFA = "None"
	}
	switch {
	case u.ConsoleHidden:
		r.PasswordAge, r.PasswordLastUsed = hiddenCell, hiddenCell
	case !u.Console:
		r.PasswordAge, r.PasswordLastUsed = "None", "No console password"
	default:
		r.PasswordAge = days(now.Sub(u.PasswordChanged))
		r.PasswordLastUsed = ago(u.PasswordLastUsed, now, "Never")
	}
	switch {
	case u.KeysHidden:
		r.Keys = []templates.KeyCell{{Text: hiddenCell}}
	case len(u.Keys) == 0:
		r.Keys = []templates.KeyCell{{Text: "None"}}
	}
	for _, k := range u.Keys {
		age := days(now.Sub(k.CreateDate)) + " old"
		if age == "Today old" {
			age = "created today"
		}
		r.Keys = append(r.Keys, templates.KeyCell{ID: k.AccessKeyId, Text: k.Status + ", " + age,
			Active: k.Status == "Active"})
	}
	return r
}

// days is an age in whole days, as AWS's console shows it.
func days(d time.Duration) string {
	switch n := int(d.Hours() / 24); {
	case n <= 0:
		return "Today"
	case n == 1:
		return "1 day"
	default:
		return itoa(n) + " days"
	}
}

// ago is how long ago t was ("3 days ago"), or never when it was not.
func ago(t *time.Time, now time.Time, never string) string {
	if t == nil || t.IsZero() {
		return never
	}
	if d := days(now.Sub(*t)); d != "Today" {
		return d + " ago"
	}
	return "Today"
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
	rules, err := s.svc.PasswordRulesText(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	f := templates.UserForm{PasswordResetRequired: true, PasswordRules: rules}
	return render(c, http.StatusOK, templates.UserNewPage(s.page(c, "Create user", "users"), f))
}

// newPasswordErrors checks what only the form knows: a password typed
// twice alike, and (creating a user) typed only with the console box
// ticked, as AWS's console asks for it only then. A password typed without
// the box is an error, never silently dropped. The confirmation is checked
// when the form has the field (the console's forms always do; a script
// posting the password alone has nothing to confirm it with).
func newPasswordErrors(c echo.Context, console bool) templates.FieldErrors {
	password, confirm := c.FormValue("Password"), c.FormValue("PasswordConfirm")
	_, hasConfirm := c.Request().PostForm["PasswordConfirm"]
	switch {
	case !console && password != "":
		return templates.FieldErrors{"Password": "You typed a password but did not tick \"Give this user a console password\": tick it, or clear the password."}
	case !console:
		return nil
	case password == "":
		return templates.FieldErrors{"Password": "Enter a password, or leave console access off."}
	case hasConfirm && password != confirm:
		return templates.FieldErrors{"PasswordConfirm": "The two passwords differ: type the same password twice."}
	}
	return nil
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
		fe = placed(fe, "UserName", "Path", "Password", "PasswordConfirm", "PermissionsBoundary", "tags")
		rules, err := s.svc.PasswordRulesText(c.Request().Context(), principal(c))
		if err != nil {
			return err
		}
		f := templates.UserForm{UserName: in.UserName, Path: in.Path, Tags: tagRows(in.Tags), ConsoleAccess: console,
			PasswordResetRequired: reset, PermissionsBoundary: in.PermissionsBoundary,
			PasswordRules: rules, Errors: fe}
		return render(c, formStatus, templates.UserNewPage(s.formPage(c, "Create user", "users", "/users/new"), f))
	}
	if fe := newPasswordErrors(c, console); fe != nil {
		return fail(fe)
	}
	arn, fe, err := s.boundaryARN(c, in.PermissionsBoundary)
	if fe != nil {
		return fail(fe)
	}
	if err != nil {
		return err
	}
	create := in
	create.PermissionsBoundary = arn
	u, err := s.svc.CreateUser(c.Request().Context(), principal(c), create, meta(c))
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
	{"last-accessed", "Last accessed"},
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
	return render(c, formStatus, templates.UserPage(s.formPage(c, v.Name, "users", entityURL("users", v.Name, v.Tab)), v))
}

// userDetail gathers a user's page: the user, and the active tab's data.
func (s *Server) userDetail(c echo.Context, name, tab string) (templates.UserDetailView, error) {
	known := false
	for _, t := range userTabs {
		known = known || t.key == tab
	}
	if !known {
		tab = "permissions"
	}
	page, err := s.svc.GetUserPage(c.Request().Context(), principal(c), name, tab == "permissions", meta(c))
	if err != nil {
		return templates.UserDetailView{}, err
	}
	u := &page.User
	v := templates.UserDetailView{Name: u.UserName, Path: u.Path, ARN: u.Arn, ID: u.UserId, Created: when(u.CreateDate),
		PasswordLastUsed: whenPtr(u.PasswordLastUsed, "Never"), Tab: tab, Tags: tagRows(u.Tags)}
	// "Never" is for a password never used; a user without one says so.
	if page.LoginProfile == nil && page.LoginProfileErr == nil {
		v.PasswordLastUsed = "No console password"
	}
	if u.PermissionsBoundary != nil {
		v.Boundary = u.PermissionsBoundary.PermissionsBoundaryArn
		v.BoundaryHref = policyURL(v.Boundary)
	}
	for _, t := range userTabs {
		v.Tabs = append(v.Tabs, templates.TabLink{Key: t.key, Label: t.label, Href: entityURL("users", u.UserName, t.key)})
	}
	v.Can.Delete = s.can(c, iam.OpDelete, u.Arn)
	v.Can.Rename = s.can(c, iam.OpUpdate, u.Arn)
	switch tab {
	case "permissions":
		err = s.userPermissions(c, u, page.Permissions, &v)
	case "groups":
		err = s.userGroups(c, u, &v)
	case "security":
		err = s.userCredentials(c, u, &v)
	case "tags":
		v.Can.Tag = s.can(c, iam.OpTag, u.Arn) && s.can(c, iam.OpUntag, u.Arn)
	case "access":
		err = s.userAccess(c, u, &v)
	case "last-accessed":
		v.LastAccessed, err = s.lastAccessedTab(c, u.Arn)
	}
	return v, err
}

// userAccess fills the Access tab: what the user can do, by service and
// access level, and whether it can become admin. Only this tab asks for
// the account's graph; the page's other tabs never build it.
func (s *Server) userAccess(c echo.Context, u *iam.User, v *templates.UserDetailView) error {
	var err error
	v.Access, err = s.accessTab(c, u.Arn)
	return err
}

// userGroups fills the Groups tab.
func (s *Server) userGroups(c echo.Context, u *iam.User, v *templates.UserDetailView) error {
	groups, _, err := s.svc.ListGroupsForUser(c.Request().Context(), principal(c), iam.ListGroupsForUserInput{UserName: u.UserName, MaxItems: 1000}, meta(c))
	if err != nil {
		return err
	}
	for _, g := range groups {
		v.Groups = append(v.Groups, templates.UserGroupRow{Name: g.GroupName, ARN: g.Arn, Href: entityURL("groups", g.GroupName, ""),
			CanRemove: s.can(c, iam.OpRemoveMember, g.Arn)})
	}
	v.Can.AddToGroup = s.can(c, iam.OpAddMember, accountARN(c, "group/*"))
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

// userGroupRemoval is taking the user out of a group, confirmed by a click.
func (s *Server) userGroupRemoval() destructive {
	return destructive{typed: plainConfirm, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		return s.membershipStep(c, c.Param("name"), c.FormValue("GroupName"), "users")
	}, do: s.userGroupRemove}
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

// membershipStep asks before taking user out of group, from the user's
// page (from "users") or the group's ("groups").
func (s *Server) membershipStep(c echo.Context, user, group, from string) (templates.Page, templates.ConfirmView, error) {
	ctx, p, m := c.Request().Context(), principal(c), meta(c)
	var err error
	if from == "users" {
		_, err = s.svc.GetUser(ctx, p, user, m)
	} else {
		_, _, _, err = s.svc.GetGroup(ctx, p, iam.GetGroupInput{GroupName: group, MaxItems: 1}, m)
	}
	if err != nil {
		return templates.Page{}, templates.ConfirmView{}, err
	}
	v := templates.ConfirmView{Heading: "Remove " + user + " from group " + group + "?",
		Consequences: []string{user + " loses the permissions it has through " + group + " at its next request."},
		Button:       "Remove from group"}
	s.withPreview(c, &v, iam.Change{Kind: iam.ChangeRemoveMember, Entity: iam.GroupNamed(group), Name: user})
	var page templates.Page
	if from == "users" {
		v.Action, v.Fields = "/users/"+url.PathEscape(user)+"/groups/remove", []templates.HiddenField{{Name: "GroupName", Value: group}}
		v.Cancel = entityURL("users", user, "groups")
		page = s.confirmPage(c, "Remove from "+group, "users", "Users", "/users", user, v.Cancel)
	} else {
		v.Action, v.Fields = "/groups/"+url.PathEscape(group)+"/members/remove", []templates.HiddenField{{Name: "UserName", Value: user}}
		v.Cancel = entityURL("groups", group, "members")
		page = s.confirmPage(c, "Remove "+user, "groups", "User groups", "/groups", group, v.Cancel)
	}
	return page, v, nil
}

// userDeletion is deleting a user: its name typed back, and the option to
// delete what it has with it.
func (s *Server) userDeletion() destructive {
	return destructive{typed: typeName("name"), step: s.userDeleteStep, do: s.userDelete}
}

func (s *Server) userDeleteStep(c echo.Context) (templates.Page, templates.ConfirmView, error) {
	u, err := s.svc.GetUser(c.Request().Context(), principal(c), c.Param("name"), meta(c))
	if err != nil {
		return templates.Page{}, templates.ConfirmView{}, err
	}
	href := entityURL("users", u.UserName, "")
	v := templates.ConfirmView{Heading: "Delete user " + u.UserName + "?",
		Consequences: []string{"The user is deleted for good: its name can be given to a new user, which gets none of this one's history.",
			"A user with a console password, access keys, signing certificates, SSH public keys, service-specific credentials, " +
				"MFA devices, policies or group memberships cannot simply be deleted. " +
				"With the box ticked these go too: its sessions end and its keys, certificates and credentials stop working at once."},
		Action: "/users/" + url.PathEscape(u.UserName) + "/delete", Button: "Delete user", Cancel: href,
		Option: &templates.ConfirmOption{Name: "Everything", Label: "Also delete its password, access keys, certificates, SSH keys, service credentials, MFA devices, policies and group memberships",
			Checked: c.Request().Method != http.MethodPost || c.FormValue("Everything") == "true"}}
	return s.confirmPage(c, "Delete "+u.UserName, "users", "Users", "/users", u.UserName, href), v, nil
}

// userDelete deletes a user (confirmed); with Everything, what it has goes
// too. A user that still has things is refused on the confirmation step.
func (s *Server) userDelete(c echo.Context) error {
	name := c.Param("name")
	var err error
	if c.FormValue("Everything") == "true" {
		err = s.svc.DeleteUserWithEverything(c.Request().Context(), principal(c), name, meta(c))
	} else {
		err = s.svc.DeleteUser(c.Request().Context(), principal(c), name, meta(c))
	}
	if iam.KindOf(err) == iam.Conflict {
		p, v, serr := s.userDeleteStep(c)
		if serr != nil {
			return serr
		}
		v.Error, v.Typed = err.(*iam.Error).Message, name
		return render(c, http.StatusConflict, templates.ConfirmPage(p, v))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "User "+name+" was deleted.")
	return c.Redirect(http.StatusSeeOther, "/users")
}

// userPermissions fills the Permissions tab: the user's own policies,
// those it has through its groups, and its boundary.
func (s *Server) userPermissions(c echo.Context, u *iam.User, read *iam.UserPermissions, v *templates.UserDetailView) error {
	h := userPolicies
	var inline []templates.InlinePolicyRow
	for _, ip := range read.Inline {
		row := templates.InlinePolicyRow{Name: ip.PolicyName, Document: ip.PolicyDocument}
		if read.DocumentsDenied {
			row.Document = documentDenied(h)
		}
		inline = append(inline, row)
	}
	perms, err := s.permissionsView(c, h, u.UserName, u.Arn, read.Attached, inline, read.Denied)
	if err != nil {
		return err
	}
	v.Perms = perms
	if perms.Hidden != "" {
		return nil
	}
	for _, g := range read.Groups {
		gh := entityURL("groups", g.Group.GroupName, "permissions")
		for _, a := range g.Attached {
			v.ViaGroups = append(v.ViaGroups, templates.GroupPolicyRow{Group: g.Group.GroupName, GroupHref: gh, Policy: a.PolicyName, PolicyHref: policyURL(a.PolicyArn)})
		}
		for _, n := range g.Inline {
			v.ViaGroups = append(v.ViaGroups, templates.GroupPolicyRow{Group: g.Group.GroupName, GroupHref: gh, Policy: n, Inline: true})
		}
	}
	v.Can.PutBoundary = s.can(c, iam.OpPutPermissionsBoundary, u.Arn)
	v.Can.DeleteBoundary = s.can(c, iam.OpDeletePermissionsBoundary, u.Arn)
	return nil
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

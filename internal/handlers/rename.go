package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// renameErrors places an operation's validation error on the rename form.
func renameErrors(err error) templates.FieldErrors {
	var e *iam.Error
	if !asIAMError(err, &e) || (e.Kind != iam.Invalid && e.Kind != iam.AlreadyExists) {
		return nil
	}
	field := "NewName"
	if strings.Contains(strings.ToLower(e.Field), "path") {
		field = "NewPath"
	}
	return templates.FieldErrors{field: e.Message}
}

// userRename renames a user or moves it to another path.
func (s *Server) userRename(c echo.Context) error {
	name := c.Param("name")
	in := iam.UpdateUserInput{UserName: name, NewUserName: strings.TrimSpace(c.FormValue("NewName")), NewPath: strings.TrimSpace(c.FormValue("NewPath"))}
	if in.NewUserName == name {
		in.NewUserName = ""
	}
	u, err := s.svc.UpdateUser(c.Request().Context(), principal(c), in, meta(c))
	if fe := renameErrors(err); fe != nil {
		return s.userDetailWithErrors(c, "permissions", fe, nil)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "User saved as "+u.Arn+".")
	return c.Redirect(http.StatusSeeOther, entityURL("users", u.UserName, ""))
}

// groupRename renames a group or moves it to another path.
func (s *Server) groupRename(c echo.Context) error {
	name := c.Param("name")
	in := iam.UpdateGroupInput{GroupName: name, NewGroupName: strings.TrimSpace(c.FormValue("NewName")), NewPath: strings.TrimSpace(c.FormValue("NewPath"))}
	if in.NewGroupName == name {
		in.NewGroupName = ""
	}
	g, err := s.svc.UpdateGroup(c.Request().Context(), principal(c), in, meta(c))
	if fe := renameErrors(err); fe != nil {
		return s.groupDetailWithErrors(c, "members", fe, nil)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Group saved as "+g.Arn+".")
	return c.Redirect(http.StatusSeeOther, entityURL("groups", g.GroupName, ""))
}

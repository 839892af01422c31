package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// userCredentials fills the Security credentials tab: console password,
// MFA devices and access keys (never a secret).
func (s *Server) userCredentials(c echo.Context, u *iam.User, v *templates.UserDetailView) error {
	ctx, p, m := c.Request().Context(), principal(c), meta(c)
	lp, err := s.svc.GetLoginProfile(ctx, p, u.UserName, m)
	switch {
	case err == nil:
		v.Console = &templates.LoginProfileView{Created: when(lp.CreateDate), ResetRequired: lp.PasswordResetRequired}
	case iam.KindOf(err) != iam.NotFound:
		return err
	}
	keys, err := s.svc.ListAccessKeys(ctx, p, u.UserName, m)
	if err != nil {
		return err
	}
	canUpdate, canDelete := s.can(c, "iam:UpdateAccessKey", u.Arn), s.can(c, "iam:DeleteAccessKey", u.Arn)
	for _, k := range keys {
		row := templates.AccessKeyRow{ID: k.AccessKeyId, Status: k.Status, Created: when(k.CreateDate), LastUsed: "Never",
			CanUpdate: canUpdate, CanDelete: canDelete}
		_, last, err := s.svc.GetAccessKeyLastUsed(ctx, p, k.AccessKeyId, m)
		switch {
		case err == nil:
			row.LastUsed, row.LastService, row.LastRegion = whenPtr(last.LastUsedDate, "Never"), last.ServiceName, last.Region
		case iam.KindOf(err) == iam.AccessDenied:
			row.LastUsed = "Not allowed to see (iam:GetAccessKeyLastUsed)"
		default:
			return err
		}
		v.Keys = append(v.Keys, row)
	}
	if err := s.userMFADevices(c, u, v); err != nil {
		return err
	}
	v.Can.CreateLoginProfile = s.can(c, "iam:CreateLoginProfile", u.Arn)
	v.Can.UpdateLoginProfile = s.can(c, "iam:UpdateLoginProfile", u.Arn)
	v.Can.DeleteLoginProfile = s.can(c, "iam:DeleteLoginProfile", u.Arn)
	v.Can.CreateKey = s.can(c, "iam:CreateAccessKey", u.Arn)
	return nil
}

// loginProfileSave sets a user's console password, or resets it when it
// has one.
func (s *Server) loginProfileSave(c echo.Context) error {
	name, pw := c.Param("name"), c.FormValue("Password")
	reset := c.FormValue("PasswordResetRequired") == "true"
	ctx, p, m := c.Request().Context(), principal(c), meta(c)
	_, err := s.svc.GetLoginProfile(ctx, p, name, m)
	switch {
	case iam.KindOf(err) == iam.NotFound:
		_, err = s.svc.CreateLoginProfile(ctx, p, iam.CreateLoginProfileInput{UserName: name, Password: pw, PasswordResetRequired: reset}, m)
	case err == nil:
		err = s.svc.UpdateLoginProfile(ctx, p, iam.UpdateLoginProfileInput{UserName: name, Password: &pw, PasswordResetRequired: &reset}, m)
	}
	if fe := formErrors(err, "Password"); fe != nil {
		return s.userDetailWithErrors(c, "security", fe, nil)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "The console password was set. The user's other console sessions have ended.")
	return c.Redirect(http.StatusSeeOther, entityURL("users", name, "security"))
}

// loginProfileDelete takes a user's console password away.
func (s *Server) loginProfileDelete(c echo.Context) error {
	name := c.Param("name")
	err := s.svc.DeleteLoginProfile(c.Request().Context(), principal(c), name, meta(c))
	if msg, ok := flashable(err); ok {
		s.flash(c, "error", msg)
		return c.Redirect(http.StatusSeeOther, entityURL("users", name, "security"))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "The console password was removed: the user can no longer sign in to the console.")
	return c.Redirect(http.StatusSeeOther, entityURL("users", name, "security"))
}

// accessKeyCreate makes an access key and shows its secret, this once: the
// answer is the page itself (no redirect, no flash, nothing stored), and
// render marks it no-store.
func (s *Server) accessKeyCreate(c echo.Context) error {
	name := c.Param("name")
	k, err := s.svc.CreateAccessKey(c.Request().Context(), principal(c), name, meta(c))
	if msg, ok := flashable(err); ok && iam.KindOf(err) != iam.NotFound {
		s.flash(c, "error", msg)
		return c.Redirect(http.StatusSeeOther, entityURL("users", name, "security"))
	}
	if err != nil {
		return err
	}
	csv := "Access key ID,Secret access key\n" + k.AccessKeyId + "," + k.SecretAccessKey + "\n"
	v := templates.AccessKeyCreatedView{UserName: k.UserName, UserHref: entityURL("users", k.UserName, "security"),
		AccessKeyID: k.AccessKeyId, Secret: k.SecretAccessKey,
		CSVURL: "data:text/csv;charset=utf-8," + url.PathEscape(csv), CSVName: k.UserName + "_accessKeys.csv"}
	return render(c, http.StatusOK, templates.AccessKeyCreatedPage(s.page(c, "Access key created", "users"), v))
}

// accessKeyStatus activates or deactivates a key.
func (s *Server) accessKeyStatus(c echo.Context) error {
	name, status := c.Param("name"), c.FormValue("Status")
	err := s.svc.UpdateAccessKey(c.Request().Context(), principal(c), iam.UpdateAccessKeyInput{UserName: name,
		AccessKeyId: c.FormValue("AccessKeyId"), Status: status}, meta(c))
	if msg, ok := flashable(err); ok {
		s.flash(c, "error", msg)
		return c.Redirect(http.StatusSeeOther, entityURL("users", name, "security"))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "The access key is now "+status+".")
	return c.Redirect(http.StatusSeeOther, entityURL("users", name, "security"))
}

// accessKeyDelete deletes a key.
func (s *Server) accessKeyDelete(c echo.Context) error {
	name := c.Param("name")
	err := s.svc.DeleteAccessKey(c.Request().Context(), principal(c), name, c.FormValue("AccessKeyId"), meta(c))
	if msg, ok := flashable(err); ok {
		s.flash(c, "error", msg)
		return c.Redirect(http.StatusSeeOther, entityURL("users", name, "security"))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "The access key was deleted.")
	return c.Redirect(http.StatusSeeOther, entityURL("users", name, "security"))
}

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
	canUpdate, canDelete := s.can(c, iam.OpUpdateAccessKey, u.Arn), s.can(c, iam.OpDeleteAccessKey, u.Arn)
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
	if err := s.userOtherCredentials(c, u, v); err != nil {
		return err
	}
	if v.PasswordRules, err = s.svc.PasswordRulesText(ctx, p); err != nil {
		return err
	}
	v.Can.CreateLoginProfile = s.can(c, iam.OpCreateLoginProfile, u.Arn)
	v.Can.UpdateLoginProfile = s.can(c, iam.OpUpdateLoginProfile, u.Arn)
	v.Can.DeleteLoginProfile = s.can(c, iam.OpDeleteLoginProfile, u.Arn)
	v.Can.CreateKey = s.can(c, iam.OpCreateAccessKey, u.Arn)
	return nil
}

// loginProfileSave sets a user's console password, or resets it when it
// has one.
func (s *Server) loginProfileSave(c echo.Context) error {
	name, pw := c.Param("name"), c.FormValue("Password")
	reset := c.FormValue("PasswordResetRequired") == "true"
	if fe := newPasswordErrors(c, true); fe != nil {
		return s.userDetailWithErrors(c, "security", fe, nil)
	}
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

// loginProfileDeletion is removing a console password, confirmed by a click.
func (s *Server) loginProfileDeletion() destructive {
	return destructive{typed: plainConfirm, do: s.loginProfileDelete, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		name := c.Param("name")
		if _, err := s.svc.GetLoginProfile(c.Request().Context(), principal(c), name, meta(c)); err != nil {
			return templates.Page{}, templates.ConfirmView{}, err
		}
		href := entityURL("users", name, "security")
		v := templates.ConfirmView{Heading: "Remove " + name + "'s console password?",
			Consequences: []string{name + " can no longer sign in to the console, and its console sessions end. Its access keys keep working.",
				"You can set a new password later."},
			Action: "/users/" + url.PathEscape(name) + "/login-profile/delete", Button: "Remove console password", Cancel: href}
		s.withPreview(c, &v, iam.Change{Kind: iam.ChangeDeleteLoginProfile, Entity: iam.UserNamed(name)})
		return s.confirmPage(c, "Remove console password", "users", "Users", "/users", name, href), v, nil
	}}
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

// accessKeyStatusChange is deactivating a key (confirmed by a click) or
// activating it again (at once: it takes nothing away).
func (s *Server) accessKeyStatusChange() destructive {
	return destructive{do: s.accessKeyStatus,
		typed: func(c echo.Context) string {
			if c.FormValue("Status") == "Active" {
				return noConfirm
			}
			return confirmYes
		},
		step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
			return s.accessKeyStep(c, "Deactivate", "status",
				"Requests signed with this key fail from now on, until it is activated again.")
		}}
}

// accessKeyDeletion is deleting a key, confirmed by a click.
func (s *Server) accessKeyDeletion() destructive {
	return destructive{typed: plainConfirm, do: s.accessKeyDelete, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		return s.accessKeyStep(c, "Delete", "delete",
			"The key is deleted for good: programs still using it fail, and it cannot be restored (a new key has a new ID and secret).")
	}}
}

// accessKeyStep asks before deactivating or deleting one of the user's
// keys; a key that is not the user's is not found, as on its page.
func (s *Server) accessKeyStep(c echo.Context, verb, sub, consequence string) (templates.Page, templates.ConfirmView, error) {
	name, id := c.Param("name"), c.FormValue("AccessKeyId")
	keys, err := s.svc.ListAccessKeys(c.Request().Context(), principal(c), name, meta(c))
	if err != nil {
		return templates.Page{}, templates.ConfirmView{}, err
	}
	found := false
	for _, k := range keys {
		found = found || k.AccessKeyId == id
	}
	href := entityURL("users", name, "security")
	if !found {
		s.flash(c, "error", "The access key "+id+" is not one of "+name+"'s.")
		return templates.Page{}, templates.ConfirmView{}, elsewhere(href)
	}
	fields := []templates.HiddenField{{Name: "AccessKeyId", Value: id}}
	if sub == "status" {
		fields = append(fields, templates.HiddenField{Name: "Status", Value: "Inactive"})
	}
	v := templates.ConfirmView{Heading: verb + " access key " + id + "?", Consequences: []string{consequence},
		Action: "/users/" + url.PathEscape(name) + "/access-keys/" + sub, Fields: fields, Button: verb + " access key", Cancel: href}
	if sub == "delete" {
		s.withPreview(c, &v, iam.Change{Kind: iam.ChangeDeleteAccessKey, Entity: iam.UserNamed(name), Name: id})
	}
	return s.confirmPage(c, verb+" access key", "users", "Users", "/users", name, href), v, nil
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

package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

const baseSessionCookie = "session_base"

// switchRoleShow shows the switch-role form.
func (s *Server) switchRoleShow(c echo.Context) error {
	f := templates.SwitchRoleForm{Role: c.QueryParam("role")}
	return render(c, http.StatusOK, templates.SwitchRolePage(s.page(c, "Switch role", ""), f))
}

// switchRoleSave switches the browser to a role session, keeping the user's
// own session to switch back to.
func (s *Server) switchRoleSave(c echo.Context) error {
	p := principal(c)
	role := strings.TrimSpace(c.FormValue("role"))
	if !strings.HasPrefix(role, "arn:") && role != "" {
		role = "arn:aws:iam::" + p.AccountID + ":role/" + role
	}
	res, err := s.svc.SwitchRole(c.Request().Context(), p, role, meta(c))
	if k := iam.KindOf(err); err != nil && (k == iam.Invalid || k == iam.AccessDenied) {
		f := templates.SwitchRoleForm{Role: c.FormValue("role"), Errors: templates.FieldErrors{"role": err.(*iam.Error).Message}}
		status := formStatus
		if k == iam.AccessDenied {
			status = http.StatusForbidden
		}
		return render(c, status, templates.SwitchRolePage(s.formPage(c, "Switch role", "", "/switch-role"), f))
	}
	if err != nil {
		return err
	}
	s.setCookie(c, baseSessionCookie, s.cookie(c, sessionCookie), time.Now().Add(12*time.Hour), http.SameSiteLaxMode)
	s.useSession(c, res)
	s.flash(c, "info", "You are now using the role "+res.Principal.ARN+".")
	return c.Redirect(http.StatusSeeOther, "/")
}

// switchBack ends the role session and returns to the user's own.
func (s *Server) switchBack(c echo.Context) error {
	if err := s.svc.EndRoleSession(c.Request().Context(), principal(c), meta(c)); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, s.cookie(c, baseSessionCookie), time.Time{}, http.SameSiteLaxMode)
	s.setCookie(c, baseSessionCookie, "", time.Time{}, http.SameSiteLaxMode)
	s.rotateCSRF(c)
	return c.Redirect(http.StatusSeeOther, "/")
}

package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/web/templates"
)

// dashboardShow shows the account overview.
func (s *Server) dashboardShow(c echo.Context) error {
	d, err := s.svc.Dashboard(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	v := templates.DashboardView{AccountID: d.AccountID, Alias: d.Alias, ActiveSessions: d.ActiveSessions,
		SignInFailures24: d.SignInFailures24, Events24: d.Events24, Warnings: d.Warnings,
		Users: d.Users, Groups: d.Groups, Roles: d.Roles, Policies: d.Policies, Limited: d.Limited}
	return render(c, http.StatusOK, templates.DashboardPage(s.page(c, "Dashboard", "dashboard"), v))
}

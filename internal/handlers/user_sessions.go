package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// userSessionsEnd signs a user out of every console session.
func (s *Server) userSessionsEnd(c echo.Context) error {
	name := c.Param("name")
	n, err := s.svc.EndUserSessions(c.Request().Context(), principal(c), name, meta(c))
	if err != nil {
		return err
	}
	s.flash(c, "success", name+": "+plural(int(n), "session")+" ended.")
	return c.Redirect(http.StatusSeeOther, "/users/"+url.PathEscape(name)+"?tab=security")
}

// userUnlock lifts a brute-force lock on a user's sign-in.
func (s *Server) userUnlock(c echo.Context) error {
	name := c.Param("name")
	had, err := s.svc.UnlockSignIn(c.Request().Context(), principal(c), name, meta(c))
	if err != nil {
		return err
	}
	msg := name + " had no failed sign-ins to forget."
	if had {
		msg = name + " can sign in again."
	}
	s.flash(c, "success", msg)
	return c.Redirect(http.StatusSeeOther, "/users/"+url.PathEscape(name)+"?tab=security")
}

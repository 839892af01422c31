package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/policy"
)

// policyActions answers the policy editor's action lookup (JSON): up to 50
// action names from AWS's reference that start with q ("s3:GetObj"), or the
// service prefixes that do when q has no ':' yet. Public facts, so any
// signed-in principal may ask.
func (s *Server) policyActions(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "private, max-age=3600")
	return c.JSON(http.StatusOK, policy.CompleteAction(c.QueryParam("q"), 50))
}

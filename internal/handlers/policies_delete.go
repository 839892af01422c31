package handlers

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/web/templates"
)

// policyDeletion is deleting a customer managed policy: its name typed
// back (the name is the ARN's last segment, so the confirmation needs no
// read before the operation, which authorizes the delete itself).
func (s *Server) policyDeletion() destructive {
	return destructive{do: s.policyDelete,
		typed: func(c echo.Context) string {
			arn := c.FormValue("arn")
			if i := strings.LastIndex(arn, "/"); i >= 0 && i < len(arn)-1 {
				return arn[i+1:]
			}
			return ""
		},
		step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
			p, err := s.svc.GetPolicy(c.Request().Context(), principal(c), c.FormValue("arn"), meta(c))
			if err != nil {
				return templates.Page{}, templates.ConfirmView{}, err
			}
			href := policyURL(p.Arn)
			v := templates.ConfirmView{Heading: "Delete policy " + p.PolicyName + "?",
				Consequences: []string{"The policy and all its versions are deleted for good.",
					"A policy still attached to a user, group or role cannot be deleted: detach it first."},
				Action: "/policies/delete", Fields: []templates.HiddenField{{Name: "arn", Value: p.Arn}}, Button: "Delete policy", Cancel: href}
			return s.confirmPage(c, "Delete "+p.PolicyName, "policies", "Policies", "/policies", p.PolicyName, href), v, nil
		}}
}

package handlers

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
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

// policyVersionDeletion is deleting a policy version: its document is lost,
// so its ID (v3) is typed back.
func (s *Server) policyVersionDeletion() destructive {
	return destructive{do: s.policyVersionDelete, typed: func(c echo.Context) string { return c.FormValue("VersionId") },
		step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
			ctx, pr, m := c.Request().Context(), principal(c), meta(c)
			arn, id := c.FormValue("arn"), c.FormValue("VersionId")
			p, err := s.svc.GetPolicy(ctx, pr, arn, m)
			if err != nil {
				return templates.Page{}, templates.ConfirmView{}, err
			}
			back := policyTabURL(p.Arn, "versions")
			pv, err := s.svc.GetPolicyVersion(ctx, pr, p.Arn, id, m)
			if k := iam.KindOf(err); k == iam.NotFound || k == iam.Invalid {
				s.flash(c, "error", "The policy "+p.PolicyName+" has no version "+id+".")
				return templates.Page{}, templates.ConfirmView{}, elsewhere(back)
			} else if err != nil {
				return templates.Page{}, templates.ConfirmView{}, err
			}
			if pv.IsDefaultVersion {
				s.flash(c, "error", "Version "+id+" is the default: make another version the default before deleting it.")
				return templates.Page{}, templates.ConfirmView{}, elsewhere(back)
			}
			v := templates.ConfirmView{Heading: "Delete version " + pv.VersionId + " of " + p.PolicyName + "?",
				Consequences: []string{"The version's document is deleted for good; the default version " + p.DefaultVersionId + " stays in force."},
				Action:       "/policies/versions/delete",
				Fields:       []templates.HiddenField{{Name: "arn", Value: p.Arn}, {Name: "VersionId", Value: pv.VersionId}},
				Button:       "Delete version", Cancel: back}
			return s.confirmPage(c, "Delete "+pv.VersionId, "policies", "Policies", "/policies", p.PolicyName, back), v, nil
		}}
}

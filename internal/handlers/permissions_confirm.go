package handlers

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// The confirmation steps of the permission forms of users, groups and
// roles: detaching a managed policy (a click: the policy itself stays)
// and deleting an inline policy (its name typed: the document is lost).

// sections names an entity kind's list page for breadcrumbs.
var sections = map[string]string{"users": "Users", "groups": "User groups", "roles": "Roles"}

// detachment is detaching a managed policy, confirmed by a click.
func (s *Server) detachment(h *policyHolder) destructive {
	return destructive{typed: plainConfirm, do: s.policyDetach(h), step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		name, arn := c.Param("name"), c.FormValue("PolicyArn")
		attached, _, err := s.svc.ListAttachedPolicies(c.Request().Context(), principal(c), h.entity(name), iam.ListAttachedPoliciesInput{MaxItems: 1000}, meta(c))
		if err != nil {
			return templates.Page{}, templates.ConfirmView{}, err
		}
		back := entityURL(h.kind, name, "permissions")
		policyName := ""
		for _, a := range attached {
			if a.PolicyArn == arn {
				policyName = a.PolicyName
			}
		}
		if policyName == "" {
			s.flash(c, "error", "The policy "+arn+" is not attached to "+name+".")
			return templates.Page{}, templates.ConfirmView{}, elsewhere(back)
		}
		v := templates.ConfirmView{Heading: "Detach " + policyName + " from " + name + "?",
			Consequences: []string{name + " loses the permissions " + policyName + " grants it at its next request. The policy itself stays, and can be attached again."},
			Action:       "/" + h.kind + "/" + url.PathEscape(name) + "/policies/detach",
			Fields:       []templates.HiddenField{{Name: "PolicyArn", Value: arn}}, Button: "Detach policy", Cancel: back}
		s.withPreview(c, &v, iam.Change{Kind: iam.ChangeDetach, Entity: h.entity(name), PolicyARN: arn})
		return s.confirmPage(c, "Detach "+policyName, h.kind, sections[h.kind], "/"+h.kind, name, back), v, nil
	}}
}

// inlineDeletion is deleting an inline policy: its name typed back.
func (s *Server) inlineDeletion(h *policyHolder) destructive {
	return destructive{typed: func(c echo.Context) string { return c.FormValue("PolicyName") }, do: s.inlineDelete(h),
		step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
			name, pol := c.Param("name"), c.FormValue("PolicyName")
			back := entityURL(h.kind, name, "permissions")
			if _, err := s.svc.GetInlinePolicy(c.Request().Context(), principal(c), h.entity(name), pol, meta(c)); iam.KindOf(err) == iam.NotFound {
				s.flash(c, "error", "There is no inline policy "+pol+" on "+name+".")
				return templates.Page{}, templates.ConfirmView{}, elsewhere(back)
			} else if err != nil {
				return templates.Page{}, templates.ConfirmView{}, err
			}
			v := templates.ConfirmView{Heading: "Delete inline policy " + pol + " of " + name + "?",
				Consequences: []string{"The policy document is deleted for good, and " + name + " loses what it grants at its next request."},
				Action:       "/" + h.kind + "/" + url.PathEscape(name) + "/inline/delete",
				Fields:       []templates.HiddenField{{Name: "PolicyName", Value: pol}}, Button: "Delete inline policy", Cancel: back}
			s.withPreview(c, &v, iam.Change{Kind: iam.ChangeDeleteInline, Entity: h.entity(name), Name: pol})
			return s.confirmPage(c, "Delete "+pol, h.kind, sections[h.kind], "/"+h.kind, name, back), v, nil
		}}
}

package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// The permissions boundary forms of users and roles. Removing a boundary
// loses nothing (the policy stays) but widens what the entity may do at
// once, so it takes the plain confirmation step.

// boundaryRemoval is removing the permissions boundary of a user or role,
// confirmed by a click.
func (s *Server) boundaryRemoval(h *policyHolder) destructive {
	return destructive{typed: plainConfirm, do: s.boundaryDelete(h), step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		name := c.Param("name")
		_, arn, err := s.entityFacts(c, h.entity(name))
		if err != nil {
			return templates.Page{}, templates.ConfirmView{}, err
		}
		back := entityURL(h.kind, name, "permissions")
		if arn == "" {
			s.flash(c, "info", name+" has no permissions boundary.")
			return templates.Page{}, templates.ConfirmView{}, elsewhere(back)
		}
		v := templates.ConfirmView{Heading: "Remove the permissions boundary of " + name + "?",
			Consequences: []string{"From its next request, " + name + " may do everything its policies allow, no longer limited by " + arn + ".",
				"The boundary policy itself stays, and can be set again."},
			Action: "/" + h.kind + "/" + url.PathEscape(name) + "/boundary/delete", Button: "Remove boundary", Cancel: back}
		s.withPreview(c, &v, iam.Change{Kind: iam.ChangeDeleteBoundary, Entity: h.entity(name)})
		return s.confirmPage(c, "Remove boundary", h.kind, sections[h.kind], "/"+h.kind, name, back), v, nil
	}}
}

// boundarySave sets the permissions boundary of a user or role from the
// form (a policy's name or ARN).
func (s *Server) boundarySave(h *policyHolder) echo.HandlerFunc {
	return func(c echo.Context) error {
		name, typed := c.Param("name"), strings.TrimSpace(c.FormValue("PermissionsBoundary"))
		arn, fe, err := s.boundaryARN(c, typed)
		if err == nil && fe == nil {
			err = s.svc.PutPermissionsBoundary(c.Request().Context(), principal(c), h.entity(name), arn, meta(c))
			fe = formErrors(err, "PermissionsBoundary", iam.NotFound)
		}
		if fe != nil {
			return s.reshowEntity(c, h, "permissions", templates.FieldErrors{"PermissionsBoundary": fe[firstKey(fe)]},
				entityForm{boundary: typed})
		}
		if err != nil {
			return err
		}
		s.flash(c, "success", "The permissions boundary was set.")
		return c.Redirect(http.StatusSeeOther, entityURL(h.kind, name, "permissions"))
	}
}

// boundaryDelete removes the permissions boundary of a user or role.
func (s *Server) boundaryDelete(h *policyHolder) echo.HandlerFunc {
	return func(c echo.Context) error {
		name := c.Param("name")
		if err := s.svc.DeletePermissionsBoundary(c.Request().Context(), principal(c), h.entity(name), meta(c)); err != nil {
			return err
		}
		s.flash(c, "success", "The permissions boundary was removed.")
		return c.Redirect(http.StatusSeeOther, entityURL(h.kind, name, "permissions"))
	}
}

// tagsSave replaces the tags of a user or role with the form's.
func (s *Server) tagsSave(h *policyHolder) echo.HandlerFunc {
	return func(c echo.Context) error {
		name, tags := c.Param("name"), formTags(c)
		err := s.replaceTags(c, h.entity(name), tags)
		if fe := formErrors(err, "tags", iam.LimitExceeded); fe != nil {
			return s.reshowEntity(c, h, "tags", templates.FieldErrors{"tags": fe[firstKey(fe)]}, entityForm{tags: tagRows(tags)})
		}
		if err != nil {
			return err
		}
		s.flash(c, "success", "Tags saved.")
		return c.Redirect(http.StatusSeeOther, entityURL(h.kind, name, "tags"))
	}
}

// entityForm is what a user or role page's forms keep when shown again
// with errors.
type entityForm struct {
	boundary string
	tags     []templates.TagRow
}

// reshowEntity renders a user's or role's tab again, status 400, with
// errors beside the fields and what was typed.
func (s *Server) reshowEntity(c echo.Context, h *policyHolder, tab string, fe templates.FieldErrors, f entityForm) error {
	if h.typ == iam.RoleType {
		return s.roleDetailWithErrors(c, tab, fe, func(v *templates.RoleDetailView) {
			v.BoundaryValue = f.boundary
			if f.tags != nil {
				v.Tags = f.tags
			}
		})
	}
	return s.userDetailWithErrors(c, tab, fe, func(v *templates.UserDetailView) {
		v.BoundaryValue = f.boundary
		if f.tags != nil {
			v.Tags = f.tags
		}
	})
}

// entityFacts reads what the tag and boundary forms change: the tags and
// the boundary ARN ("" for none) of a user, a role or a managed policy,
// authorized as the entity's page reads them (iam:GetUser, iam:GetRole,
// iam:GetPolicy).
func (s *Server) entityFacts(c echo.Context, e iam.Entity) ([]iam.Tag, string, error) {
	ctx, p, m := c.Request().Context(), principal(c), meta(c)
	var boundary *iam.AttachedPermissionsBoundary
	var tags []iam.Tag
	switch e.Type {
	case iam.UserType:
		u, err := s.svc.GetUser(ctx, p, e.Name, m)
		if err != nil {
			return nil, "", err
		}
		tags, boundary = u.Tags, u.PermissionsBoundary
	case iam.RoleType:
		r, err := s.svc.GetRole(ctx, p, e.Name, m)
		if err != nil {
			return nil, "", err
		}
		tags, boundary = r.Tags, r.PermissionsBoundary
	case iam.PolicyType:
		pol, err := s.svc.GetPolicy(ctx, p, e.Name, m)
		if err != nil {
			return nil, "", err
		}
		tags = pol.Tags
	}
	if boundary == nil {
		return tags, "", nil
	}
	return tags, boundary.PermissionsBoundaryArn, nil
}

// replaceTags makes an entity's tags the given set: it tags with the new
// set (which validates it), then untags the keys no longer there. Keys
// compare whatever their case, as AWS's do.
func (s *Server) replaceTags(c echo.Context, e iam.Entity, tags []iam.Tag) error {
	ctx, p, m := c.Request().Context(), principal(c), meta(c)
	old, _, err := s.entityFacts(c, e)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, t := range tags {
		keep[strings.ToLower(t.Key)] = true
	}
	if len(tags) > 0 {
		if err := s.svc.Tag(ctx, p, e, tags, m); err != nil {
			return err
		}
	}
	var gone []string
	for _, t := range old {
		if !keep[strings.ToLower(t.Key)] {
			gone = append(gone, t.Key)
		}
	}
	if len(gone) > 0 {
		return s.svc.Untag(ctx, p, e, gone, m)
	}
	return nil
}

// boundaryARN turns the boundary field of a console form (a policy's name,
// as the attach picker takes, or its ARN) into the ARN the operations
// take: AWS's API takes ARNs only, so the name is resolved here, for the
// console alone. "" stays "" (no boundary). A name that finds no policy is
// the field's error; anything else an error for the error page.
func (s *Server) boundaryARN(c echo.Context, typed string) (string, templates.FieldErrors, error) {
	if typed == "" {
		return "", nil, nil
	}
	arn, err := s.svc.ResolvePolicyARN(c.Request().Context(), principal(c), typed, meta(c))
	if fe := formErrors(err, "PermissionsBoundary", iam.NotFound); fe != nil {
		return "", templates.FieldErrors{"PermissionsBoundary": fe[firstKey(fe)]}, nil
	}
	return arn, nil, err
}

package handlers

import (
	"context"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// The permissions boundary forms of users and roles. Removing a boundary
// loses nothing (the policy stays) but widens what the entity may do at
// once, so it takes the plain confirmation step.

// boundaryOf reads an entity's boundary ARN ("" when it has none),
// authorizing the read as the entity's page does.
type boundaryOf func(ctx context.Context, caller *iam.Principal, name string, m iam.Meta) (string, error)

// userBoundary is a user's boundary, read with iam:GetUser.
func (s *Server) userBoundary(ctx context.Context, caller *iam.Principal, name string, m iam.Meta) (string, error) {
	u, err := s.svc.GetUser(ctx, caller, name, m)
	if err != nil || u.PermissionsBoundary == nil {
		return "", err
	}
	return u.PermissionsBoundary.PermissionsBoundaryArn, nil
}

// roleBoundary is a role's boundary, read with iam:GetRole.
func (s *Server) roleBoundary(ctx context.Context, caller *iam.Principal, name string, m iam.Meta) (string, error) {
	r, err := s.svc.GetRole(ctx, caller, name, m)
	if err != nil || r.PermissionsBoundary == nil {
		return "", err
	}
	return r.PermissionsBoundary.PermissionsBoundaryArn, nil
}

// boundaryRemoval is removing the permissions boundary of a user or role
// (kind "users" or "roles"), confirmed by a click.
func (s *Server) boundaryRemoval(kind string, read boundaryOf, do echo.HandlerFunc) destructive {
	return destructive{typed: plainConfirm, do: do, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		name := c.Param("name")
		arn, err := read(c.Request().Context(), principal(c), name, meta(c))
		if err != nil {
			return templates.Page{}, templates.ConfirmView{}, err
		}
		back := entityURL(kind, name, "permissions")
		if arn == "" {
			s.flash(c, "info", name+" has no permissions boundary.")
			return templates.Page{}, templates.ConfirmView{}, elsewhere(back)
		}
		v := templates.ConfirmView{Heading: "Remove the permissions boundary of " + name + "?",
			Consequences: []string{"From its next request, " + name + " may do everything its policies allow, no longer limited by " + arn + ".",
				"The boundary policy itself stays, and can be set again."},
			Action: "/" + kind + "/" + url.PathEscape(name) + "/boundary/delete", Button: "Remove boundary", Cancel: back}
		return s.confirmPage(c, "Remove boundary", kind, sections[kind], "/"+kind, name, back), v, nil
	}}
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

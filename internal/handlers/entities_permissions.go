package handlers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/policy"
	"github.com/iamconsole/console/web/templates"
)

// policyHolder is a kind of entity the permission pages serve alike:
// users, groups and roles, whose operations are the same over an
// iam.Entity.
type policyHolder struct {
	kind string // "users", "groups", "roles": the URL segment
	typ  iam.EntityType
}

var (
	userPolicies  = &policyHolder{kind: "users", typ: iam.UserType}
	groupPolicies = &policyHolder{kind: "groups", typ: iam.GroupType}
	rolePolicies  = &policyHolder{kind: "roles", typ: iam.RoleType}
)

// entity is the holder's entity of that name.
func (h *policyHolder) entity(name string) iam.Entity { return iam.Entity{Type: h.typ, Name: name} }

// reshowPermissions renders the entity's permissions tab again, status
// 400, with errors beside the fields and what was typed.
func (s *Server) reshowPermissions(c echo.Context, h *policyHolder, fe templates.FieldErrors, keep func(*templates.PermissionsView)) error {
	switch h.typ {
	case iam.GroupType:
		return s.groupDetailWithErrors(c, "permissions", fe, func(v *templates.GroupDetailView) { keep(&v.Perms) })
	case iam.RoleType:
		return s.roleDetailWithErrors(c, "permissions", fe, func(v *templates.RoleDetailView) { keep(&v.Perms) })
	}
	return s.userDetailWithErrors(c, "permissions", fe, func(v *templates.UserDetailView) { keep(&v.Perms) })
}

// permissions fills a PermissionsView for the named entity whose ARN is
// arn. A principal that may not list the policies sees the page without
// them, told which permission it lacks.
func (s *Server) permissions(c echo.Context, h *policyHolder, name, arn string) (templates.PermissionsView, error) {
	ctx, p, m := c.Request().Context(), principal(c), meta(c)
	attached, _, err := s.svc.ListAttachedPolicies(ctx, p, h.entity(name), iam.ListAttachedPoliciesInput{MaxItems: 1000}, m)
	if denied(err) {
		return s.permissionsView(c, h, name, arn, nil, nil, iam.OpListAttachedPolicies.Action(h.typ))
	}
	if err != nil {
		return templates.PermissionsView{}, err
	}
	names, _, err := s.svc.ListInlinePolicies(ctx, p, h.entity(name), iam.Page{MaxItems: 1000}, m)
	if denied(err) {
		return s.permissionsView(c, h, name, arn, nil, nil, iam.OpListInlinePolicies.Action(h.typ))
	}
	if err != nil {
		return templates.PermissionsView{}, err
	}
	var inline []templates.InlinePolicyRow
	for _, n := range names {
		row := templates.InlinePolicyRow{Name: n}
		ip, err := s.svc.GetInlinePolicy(ctx, p, h.entity(name), n, m)
		switch {
		case err == nil:
			row.Document = ip.PolicyDocument
		case denied(err):
			row.Document = documentDenied(h)
		default:
			return templates.PermissionsView{}, err
		}
		inline = append(inline, row)
	}
	return s.permissionsView(c, h, name, arn, attached, inline, "")
}

// documentDenied stands for an inline policy's document the caller may not
// read.
func documentDenied(h *policyHolder) string {
	return "(You are not allowed to read this document: " + iam.OpGetInlinePolicy.Action(h.typ) + ".)"
}

// permissionsView builds the permissions tab from what was read, with the
// buttons the caller may use; hidden names the right whose lack hides the
// lists.
func (s *Server) permissionsView(c echo.Context, h *policyHolder, name, arn string, attached []iam.AttachedPolicy,
	inline []templates.InlinePolicyRow, hidden string) (templates.PermissionsView, error) {
	v := templates.PermissionsView{Base: entityURL(h.kind, name, ""), Hidden: hidden}
	if hidden != "" {
		return v, nil
	}
	canDetach := s.can(c, iam.OpDetachPolicy, arn)
	for _, a := range attached {
		v.Attached = append(v.Attached, templates.AttachedPolicyRow{Name: a.PolicyName, ARN: a.PolicyArn, Href: policyURL(a.PolicyArn),
			AWSManaged: strings.HasPrefix(a.PolicyArn, "arn:aws:iam::aws:"), CanDetach: canDetach})
	}
	canDelete := s.can(c, iam.OpDeleteInlinePolicy, arn)
	for _, row := range inline {
		row.CanDelete = canDelete
		v.Inline = append(v.Inline, row)
	}
	v.CanAttach = s.can(c, iam.OpAttachPolicy, arn)
	v.CanPutInline = s.can(c, iam.OpPutInlinePolicy, arn)
	var err error
	if v.CanAttach {
		v.Search, err = s.policySearch(c, c.QueryParam("pq"), v.Attached)
	}
	return v, err
}

// policySearchMax is how many matches a picker shows; more means "type more".
const policySearchMax = 25

// policySearch finds managed policies, AWS's then the account's, whose names
// contain q (any case), marking those already attached.
func (s *Server) policySearch(c echo.Context, q string, attached []templates.AttachedPolicyRow) (templates.PolicySearch, error) {
	v := templates.PolicySearch{Query: strings.TrimSpace(q)}
	if v.Query == "" {
		return v, nil
	}
	ps, next, err := s.svc.ListPolicies(c.Request().Context(), principal(c),
		iam.ListPoliciesInput{NameContains: v.Query, MaxItems: policySearchMax, WithoutCounts: true}, meta(c))
	if denied(err) {
		v.Hidden = "iam:ListPolicies"
		return v, nil
	}
	if err != nil {
		return v, err
	}
	have := make(map[string]bool, len(attached))
	for _, a := range attached {
		have[a.ARN] = true
	}
	// An exact name comes first, however far down the list it sorts
	// ("ReadOnlyAccess" after every Amazon…ReadOnlyAccess).
	if b := iam.BuiltinByName(v.Query); b != nil && !slices.ContainsFunc(ps, func(p iam.Policy) bool { return p.Arn == b.ARN() }) {
		ps = append([]iam.Policy{{PolicyName: b.Name, Arn: b.ARN(), Path: b.Path, AWSManaged: true}}, ps...)
	}
	for _, p := range ps {
		v.Matches = append(v.Matches, templates.PolicyPick{Name: p.PolicyName, ARN: p.Arn, Path: p.Path,
			AWSManaged: p.AWSManaged, Attached: have[p.Arn]})
	}
	v.More = next != ""
	return v, nil
}

func denied(err error) bool { return iam.KindOf(err) == iam.AccessDenied }

// policyAttach attaches a managed policy.
func (s *Server) policyAttach(h *policyHolder) echo.HandlerFunc {
	return func(c echo.Context) error {
		name, typed := c.Param("name"), strings.TrimSpace(c.FormValue("PolicyArn"))
		ctx, p, m := c.Request().Context(), principal(c), meta(c)
		arn, err := s.svc.ResolvePolicyARN(ctx, p, typed, m)
		if err == nil {
			err = s.svc.AttachPolicy(ctx, p, h.entity(name), arn, m)
		}
		if fe := formErrors(err, "PolicyArn", iam.NotFound, iam.LimitExceeded); fe != nil {
			return s.reshowPermissions(c, h, templates.FieldErrors{"PolicyArn": fe[firstKey(fe)]}, func(v *templates.PermissionsView) { v.AttachValue = typed })
		}
		if err != nil {
			return err
		}
		s.flash(c, "success", "Attached "+arn+".")
		return c.Redirect(http.StatusSeeOther, entityURL(h.kind, name, "permissions"))
	}
}

// policyDetach detaches a managed policy.
func (s *Server) policyDetach(h *policyHolder) echo.HandlerFunc {
	return func(c echo.Context) error {
		name, arn := c.Param("name"), c.FormValue("PolicyArn")
		err := s.svc.DetachPolicy(c.Request().Context(), principal(c), h.entity(name), arn, meta(c))
		if msg, ok := flashable(err); ok {
			s.flash(c, "error", msg)
			return c.Redirect(http.StatusSeeOther, entityURL(h.kind, name, "permissions"))
		}
		if err != nil {
			return err
		}
		s.flash(c, "success", "Detached "+arn+".")
		return c.Redirect(http.StatusSeeOther, entityURL(h.kind, name, "permissions"))
	}
}

// inlinePut adds or replaces an inline policy; the document's problems are
// shown beside it with their line and column, its warnings after saving.
func (s *Server) inlinePut(h *policyHolder) echo.HandlerFunc {
	return func(c echo.Context) error {
		name, pol, doc := c.Param("name"), strings.TrimSpace(c.FormValue("PolicyName")), c.FormValue("PolicyDocument")
		warnings, err := s.svc.PutInlinePolicy(c.Request().Context(), principal(c), h.entity(name), pol, doc, meta(c))
		if fe := formErrors(err, "PolicyDocument", iam.LimitExceeded); fe != nil {
			return s.reshowPermissions(c, h, fe, func(v *templates.PermissionsView) { v.InlineName, v.InlineDoc = pol, doc })
		}
		if err != nil {
			return err
		}
		s.flashSaved(c, "Inline policy "+pol+" was saved.", warnings)
		return c.Redirect(http.StatusSeeOther, entityURL(h.kind, name, "permissions"))
	}
}

// inlineDelete deletes an inline policy.
func (s *Server) inlineDelete(h *policyHolder) echo.HandlerFunc {
	return func(c echo.Context) error {
		name, pol := c.Param("name"), c.FormValue("PolicyName")
		err := s.svc.DeleteInlinePolicy(c.Request().Context(), principal(c), h.entity(name), pol, meta(c))
		if msg, ok := flashable(err); ok {
			s.flash(c, "error", msg)
			return c.Redirect(http.StatusSeeOther, entityURL(h.kind, name, "permissions"))
		}
		if err != nil {
			return err
		}
		s.flash(c, "success", "Inline policy "+pol+" was deleted.")
		return c.Redirect(http.StatusSeeOther, entityURL(h.kind, name, "permissions"))
	}
}

// flashSaved confirms a saved policy document, with its lint warnings when
// it has some (they do not stop the save; they are worth a look).
func (s *Server) flashSaved(c echo.Context, msg string, warnings []policy.Diagnostic) {
	if len(warnings) == 0 {
		s.flash(c, "success", msg)
		return
	}
	parts := make([]string, 0, len(warnings))
	for _, w := range warnings {
		parts = append(parts, diagnosticText(w))
	}
	s.flash(c, "warning", msg+" Warnings: "+strings.Join(parts, "; "))
}

// diagnosticText is a policy problem with where it is.
func diagnosticText(d policy.Diagnostic) string {
	if d.Line > 0 {
		return "line " + itoa(d.Line) + ", column " + itoa(d.Column) + ": " + d.Message
	}
	return d.Message
}

func firstKey(fe templates.FieldErrors) string {
	for k := range fe {
		return k
	}
	return ""
}

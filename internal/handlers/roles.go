package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/policy"
	"github.com/iamconsole/console/web/templates"
)

// rolesList shows a page of roles.
func (s *Server) rolesList(c echo.Context) error {
	f, marker := listRequest(c, "/roles")
	roles, next, err := s.svc.ListRoles(c.Request().Context(), principal(c), iam.ListInput{
		PathPrefix: f.PathPrefix, Marker: marker, MaxItems: pageSize, NameContains: f.Query, Descending: f.Descending}, meta(c))
	if fe := formErrors(err, "PathPrefix"); fe != nil {
		f.Errors = fe
		return render(c, http.StatusBadRequest, templates.RolesPage(s.page(c, "Roles", "roles"), templates.RolesView{Filter: f}))
	}
	if err != nil {
		return err
	}
	listLinks(&f, marker, next)
	v := templates.RolesView{Filter: f, CanCreate: s.can(c, iam.OpCreate, accountARN(c, "role/*"))}
	for _, r := range roles {
		v.Rows = append(v.Rows, templates.RoleRow{Name: r.RoleName, Path: r.Path, Href: entityURL("roles", r.RoleName, ""),
			Description: r.Description, Created: when(r.CreateDate), Trusted: trustedSummary(r.AssumeRolePolicyDocument)})
	}
	return render(c, http.StatusOK, templates.RolesPage(s.page(c, "Roles", "roles"), v))
}

// roleNew shows the create-role form.
func (s *Server) roleNew(c echo.Context) error {
	f := templates.RoleForm{Trust: "account", MaxSessionHours: 1, Service: "ec2.amazonaws.com",
		WebAudience: "sts.amazonaws.com", SAMLConsole: true, AccountID: principal(c).AccountID}
	return render(c, http.StatusOK, templates.RoleNewPage(s.page(c, "Create role", "roles"), f))
}

// roleForm reads the create-role form back, as typed.
func roleForm(c echo.Context) templates.RoleForm {
	hours, err := strconv.Atoi(c.FormValue("MaxSessionHours"))
	switch {
	case c.FormValue("MaxSessionHours") == "":
		hours = 1 // AWS's default
	case err != nil:
		hours = -1 // out of range: the operation names the field
	}
	return templates.RoleForm{RoleName: strings.TrimSpace(c.FormValue("RoleName")), Path: strings.TrimSpace(c.FormValue("Path")),
		Description: c.FormValue("Description"), MaxSessionHours: hours, Trust: c.FormValue("Trust"),
		OtherAccount: strings.TrimSpace(c.FormValue("OtherAccount")), ExternalID: strings.TrimSpace(c.FormValue("ExternalId")),
		RequireMFA: c.FormValue("RequireMFA") == "true", Service: strings.TrimSpace(c.FormValue("Service")),
		WebProvider: strings.TrimSpace(c.FormValue("WebProvider")), WebAudience: strings.TrimSpace(c.FormValue("WebAudience")),
		WebSubject: strings.TrimSpace(c.FormValue("WebSubject")), SAMLProvider: strings.TrimSpace(c.FormValue("SAMLProvider")),
		SAMLConsole: c.FormValue("SAMLConsole") == "true",
		Document:    c.FormValue("AssumeRolePolicyDocument"), PermissionsBoundary: strings.TrimSpace(c.FormValue("PermissionsBoundary")),
		Tags: tagRows(formTags(c)), AccountID: principal(c).AccountID}
}

// trustDocument is the trust policy the form asks for: one of the
// templates, or the document typed.
func trustDocument(f templates.RoleForm) (string, templates.FieldErrors) {
	switch f.Trust {
	case "account":
		return iam.TrustTemplateAccount(f.AccountID), nil
	case "other":
		if f.OtherAccount == "" {
			return "", templates.FieldErrors{"OtherAccount": "Enter the 12-digit ID of the account to trust."}
		}
		return iam.TrustTemplateOtherAccount(f.OtherAccount, f.ExternalID, f.RequireMFA), nil
	case "service":
		if f.Service == "" {
			return "", templates.FieldErrors{"Service": "Enter the service principal, such as ec2.amazonaws.com."}
		}
		return iam.TrustTemplateService(f.Service), nil
	case "webidentity":
		if f.WebProvider == "" {
			return "", templates.FieldErrors{"WebProvider": "Enter the identity provider's issuer URL, such as token.actions.githubusercontent.com."}
		}
		if iam.OIDCProviderHost(f.WebProvider) == iam.GitHubActionsIssuer && f.WebSubject == "" {
			// Any repository's workflow can get a token from GitHub's
			// issuer: a role trusting it without a subject trusts them all.
			return "", templates.FieldErrors{"WebSubject": "Enter the repositories allowed, such as repo:my-org/my-repo:*: without a subject, a workflow of any GitHub repository could assume this role."}
		}
		return iam.TrustTemplateWebIdentity(f.AccountID, iam.WebIdentityTrust{Provider: f.WebProvider, Audience: f.WebAudience, Subject: f.WebSubject}), nil
	case "saml":
		if f.SAMLProvider == "" {
			return "", templates.FieldErrors{"SAMLProvider": "Enter the SAML provider's name or ARN."}
		}
		return iam.TrustTemplateSAML(f.AccountID, f.SAMLProvider, f.SAMLConsole), nil
	case "custom":
		return f.Document, nil
	}
	return "", templates.FieldErrors{"Trust": "Choose who may assume the role."}
}

// roleCreate creates a role with the chosen trust policy.
func (s *Server) roleCreate(c echo.Context) error {
	f := roleForm(c)
	fail := func(fe templates.FieldErrors) error {
		f.Errors = placed(fe, "Trust", "OtherAccount", "Service", "WebProvider", "WebAudience", "WebSubject", "SAMLProvider", "AssumeRolePolicyDocument", "RoleName", "Path", "Description",
			"MaxSessionHours", "PermissionsBoundary", "tags")
		return render(c, formStatus, templates.RoleNewPage(s.formPage(c, "Create role", "roles", "/roles/new"), f))
	}
	doc, fe := trustDocument(f)
	if fe != nil {
		return fail(fe)
	}
	in := iam.CreateRoleInput{RoleName: f.RoleName, Path: f.Path, AssumeRolePolicyDocument: doc, Description: f.Description,
		MaxSessionDuration: f.MaxSessionHours * 3600, PermissionsBoundary: f.PermissionsBoundary, Tags: formTags(c)}
	arn, fe, err := s.boundaryARN(c, f.PermissionsBoundary)
	if fe != nil {
		return fail(fe)
	}
	if err != nil {
		return err
	}
	in.PermissionsBoundary = arn
	r, err := s.svc.CreateRole(c.Request().Context(), principal(c), in, meta(c))
	if fe := formErrors(err, "RoleName", iam.AlreadyExists, iam.LimitExceeded); fe != nil {
		if _, ok := fe["MaxSessionDuration"]; ok {
			fe = templates.FieldErrors{"MaxSessionHours": fe["MaxSessionDuration"]}
		}
		if msg, ok := fe["AssumeRolePolicyDocument"]; ok && f.Trust != "custom" {
			// A template filled with what was typed failed: show the
			// document so it can be fixed by hand.
			f.Trust, f.Document = "custom", doc
			fe = templates.FieldErrors{"AssumeRolePolicyDocument": msg}
		}
		return fail(fe)
	}
	if iam.KindOf(err) == iam.NotFound {
		return fail(templates.FieldErrors{"PermissionsBoundary": err.(*iam.Error).Message})
	}
	if err != nil {
		return err
	}
	s.flashSaved(c, "Role "+r.RoleName+" was created.", r.Warnings)
	return c.Redirect(http.StatusSeeOther, entityURL("roles", r.RoleName, ""))
}

var roleTabs = []struct{ key, label string }{{"permissions", "Permissions"}, {"trust", "Trust relationships"}, {"tags", "Tags"}, {"access", "Access"}, {"last-accessed", "Last accessed"}}

// roleShow shows a role on one of its tabs.
func (s *Server) roleShow(c echo.Context) error {
	v, err := s.roleDetail(c, c.Param("name"), c.QueryParam("tab"))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.RolePage(s.page(c, v.Name, "roles"), v))
}

func (s *Server) roleDetailWithErrors(c echo.Context, tab string, fe templates.FieldErrors, keep func(*templates.RoleDetailView)) error {
	v, err := s.roleDetail(c, c.Param("name"), tab)
	if err != nil {
		return err
	}
	v.Errors = fe
	if keep != nil {
		keep(&v)
	}
	return render(c, formStatus, templates.RolePage(s.formPage(c, v.Name, "roles", entityURL("roles", v.Name, v.Tab)), v))
}

// roleDetail gathers a role's page.
func (s *Server) roleDetail(c echo.Context, name, tab string) (templates.RoleDetailView, error) {
	r, err := s.svc.GetRole(c.Request().Context(), principal(c), name, meta(c))
	if err != nil {
		return templates.RoleDetailView{}, err
	}
	if tab != "trust" && tab != "tags" && tab != "access" {
		tab = "permissions"
	}
	v := templates.RoleDetailView{Name: r.RoleName, Path: r.Path, ARN: r.Arn, ID: r.RoleId, Created: when(r.CreateDate),
		Description: r.Description, MaxSessionHours: r.MaxSessionDuration / 3600, MaxSession: sessionText(r.MaxSessionDuration),
		LastUsed: "Never", Tab: tab, Tags: tagRows(r.Tags), TrustDocument: r.AssumeRolePolicyDocument,
		Trust: trustRows(r.AssumeRolePolicyDocument)}
	if iam.SwitchRoleRefusal(principal(c)) == nil {
		v.SwitchURL = "/switch-role?role=" + urlQuery(r.RoleName)
	}
	if r.RoleLastUsed != nil && r.RoleLastUsed.LastUsedDate != nil {
		v.LastUsed = when(*r.RoleLastUsed.LastUsedDate) + " (" + r.RoleLastUsed.Region + ")"
	}
	if r.PermissionsBoundary != nil {
		v.Boundary = r.PermissionsBoundary.PermissionsBoundaryArn
		v.BoundaryHref = policyURL(v.Boundary)
	}
	for _, t := range roleTabs {
		v.Tabs = append(v.Tabs, templates.TabLink{Key: t.key, Label: t.label, Href: entityURL("roles", r.RoleName, t.key)})
	}
	v.Can = templates.RoleCan{Delete: s.can(c, iam.OpDelete, r.Arn), UpdateTrust: s.can(c, iam.OpUpdateTrust, r.Arn),
		Update: s.can(c, iam.OpUpdate, r.Arn)}
	switch tab {
	case "permissions":
		if v.Perms, err = s.permissions(c, rolePolicies, r.RoleName, r.Arn); err != nil {
			return v, err
		}
		v.Can.PutBoundary = s.can(c, iam.OpPutPermissionsBoundary, r.Arn)
		v.Can.DeleteBoundary = s.can(c, iam.OpDeletePermissionsBoundary, r.Arn)
	case "tags":
		v.Can.Tag = s.can(c, iam.OpTag, r.Arn) && s.can(c, iam.OpUntag, r.Arn)
	case "access":
		v.Access, err = s.accessTab(c, r.Arn)
	case "last-accessed":
		v.LastAccessed, err = s.lastAccessedTab(c, r.Arn)
	}
	return v, err
}

func sessionText(seconds int) string {
	h := seconds / 3600
	if h == 1 {
		return "1 hour"
	}
	return itoa(h) + " hours"
}

// roleTrustSave replaces the role's trust policy.
func (s *Server) roleTrustSave(c echo.Context) error {
	name, doc := c.Param("name"), c.FormValue("AssumeRolePolicyDocument")
	warnings, err := s.svc.UpdateAssumeRolePolicy(c.Request().Context(), principal(c), name, doc, meta(c))
	if fe := formErrors(err, "AssumeRolePolicyDocument", iam.LimitExceeded); fe != nil {
		return s.roleDetailWithErrors(c, "trust", fe, func(v *templates.RoleDetailView) { v.TrustDocument = doc })
	}
	if err != nil {
		return err
	}
	s.flashSaved(c, "The trust policy was saved.", warnings)
	return c.Redirect(http.StatusSeeOther, entityURL("roles", name, "trust"))
}

// roleSettingsSave changes the description and maximum session duration.
func (s *Server) roleSettingsSave(c echo.Context) error {
	name, desc := c.Param("name"), c.FormValue("Description")
	hours, err := strconv.Atoi(c.FormValue("MaxSessionHours"))
	if err != nil {
		hours = -1 // out of range: the operation names the field
	}
	err = s.svc.UpdateRole(c.Request().Context(), principal(c), iam.UpdateRoleInput{RoleName: name, Description: &desc,
		MaxSessionDuration: hours * 3600}, meta(c))
	if fe := formErrors(err, "Description"); fe != nil {
		if msg, ok := fe["MaxSessionDuration"]; ok {
			fe = templates.FieldErrors{"MaxSessionHours": msg}
		}
		return s.roleDetailWithErrors(c, "permissions", fe, func(v *templates.RoleDetailView) { v.Description, v.MaxSessionHours = desc, hours })
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "The role was updated.")
	return c.Redirect(http.StatusSeeOther, entityURL("roles", name, ""))
}

// roleDeletion is deleting a role: its name typed back.
func (s *Server) roleDeletion() destructive {
	return destructive{typed: typeName("name"), do: s.roleDelete, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		r, err := s.svc.GetRole(c.Request().Context(), principal(c), c.Param("name"), meta(c))
		if err != nil {
			return templates.Page{}, templates.ConfirmView{}, err
		}
		href := entityURL("roles", r.RoleName, "")
		v := templates.ConfirmView{Heading: "Delete role " + r.RoleName + "?",
			Consequences: []string{"The role, its trust policy and its inline policies are deleted for good; sessions of the role stop working.",
				"A role with attached managed policies cannot be deleted: detach them first."},
			Action: "/roles/" + url.PathEscape(r.RoleName) + "/delete", Button: "Delete role", Cancel: href}
		s.withPreview(c, &v, iam.Change{Kind: iam.ChangeDeleteRole, Entity: iam.RoleNamed(r.RoleName)})
		return s.confirmPage(c, "Delete "+r.RoleName, "roles", "Roles", "/roles", r.RoleName, href), v, nil
	}}
}

// roleDelete deletes a role with no policies left.
func (s *Server) roleDelete(c echo.Context) error {
	name := c.Param("name")
	err := s.svc.DeleteRole(c.Request().Context(), principal(c), name, meta(c))
	if iam.KindOf(err) == iam.Conflict {
		s.flash(c, "error", err.(*iam.Error).Message)
		return c.Redirect(http.StatusSeeOther, entityURL("roles", name, ""))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Role "+name+" was deleted.")
	return c.Redirect(http.StatusSeeOther, "/roles")
}

// trustRows reads a stored trust policy as "who can assume this role": one
// row per statement, its principals in words. A document that does not
// parse (it was valid when stored) shows no rows; the JSON is beside it.
func trustRows(doc string) []templates.TrustRow {
	d, err := policy.Parse([]byte(doc), policy.Trust)
	if err != nil {
		return nil
	}
	var out []templates.TrustRow
	for _, st := range d.Statements {
		row := templates.TrustRow{Effect: "Allow", Actions: strings.Join(st.Action, ", "), Not: st.NotPrincipal, Sid: st.Sid}
		if st.Effect == policy.Deny {
			row.Effect = "Deny"
		}
		for _, p := range st.Principal {
			row.Principals = append(row.Principals, principalWords(p))
		}
		for _, cond := range st.Condition {
			row.Conditions = append(row.Conditions, cond.Operator+" "+cond.Key+": "+strings.Join(cond.Values, ", "))
		}
		out = append(out, row)
	}
	return out
}

// trustedSummary is the list page's short "trusted entities" column.
func trustedSummary(doc string) string {
	var parts []string
	for _, r := range trustRows(doc) {
		if r.Effect == "Allow" && !r.Not {
			parts = append(parts, r.Principals...)
		}
	}
	if len(parts) > 3 {
		parts = append(parts[:3], "…")
	}
	return strings.Join(parts, "; ")
}

func principalWords(p policy.PrincipalEntry) string {
	switch p.Type {
	case "*":
		return "Anyone (*)"
	case "Service":
		return "AWS service: " + p.Value
	case "Federated":
		return "Federated identity: " + p.Value
	case "AWS":
		if p.Value == "*" {
			return "Any AWS principal (*)"
		}
		if acct, ok := strings.CutSuffix(strings.TrimPrefix(p.Value, "arn:aws:iam::"), ":root"); ok && !strings.Contains(acct, ":") {
			return "Account " + acct + " (its principals whose policies allow it)"
		}
		return p.Value
	}
	return p.Type + ": " + p.Value
}

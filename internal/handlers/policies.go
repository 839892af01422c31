package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/policy"
	"github.com/iamconsole/console/web/templates"
)

// policiesList shows a page of managed policies of one scope, AWS's and
// the account's own merged by name, sorted either way.
func (s *Server) policiesList(c echo.Context) error {
	scope := c.QueryParam("scope")
	if scope != iam.ScopeAWS && scope != iam.ScopeLocal {
		scope = iam.ScopeAll
	}
	f, marker := listRequest(c, "/policies")
	ps, next, err := s.svc.ListPolicies(c.Request().Context(), principal(c), iam.ListPoliciesInput{Scope: scope,
		PathPrefix: f.PathPrefix, Marker: marker, MaxItems: pageSize, NameContains: f.Query, Descending: f.Descending}, meta(c))
	v := templates.PoliciesView{Filter: f, Scope: scope}
	if fe := formErrors(err, "PathPrefix"); fe != nil {
		v.Filter.Errors = fe
		return render(c, http.StatusBadRequest, templates.PoliciesPage(s.page(c, "Policies", "policies"), v))
	}
	if err != nil {
		return err
	}
	v.CanCreate = s.can(c, iam.OpCreate, accountARN(c, "policy/*"))
	listLinks(&v.Filter, marker, next, "scope", scope)
	for _, p := range ps {
		v.Rows = append(v.Rows, templates.PolicyRow{Name: p.PolicyName, ARN: p.Arn, Path: p.Path, Href: policyURL(p.Arn), AWSManaged: p.AWSManaged,
			Description: p.Description, Attachments: p.AttachmentCount, Updated: when(p.UpdateDate)})
	}
	return render(c, http.StatusOK, templates.PoliciesPage(s.page(c, "Policies", "policies"), v))
}

const policySkeleton = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": [],
      "Resource": []
    }
  ]
}`

// policyNew shows the create-policy form with a skeleton document.
func (s *Server) policyNew(c echo.Context) error {
	f := templates.PolicyForm{Document: policySkeleton}
	return render(c, http.StatusOK, templates.PolicyNewPage(s.page(c, "Create policy", "policies"), f))
}

// policyCreate creates a customer managed policy, or (with the Check
// button) only checks its document and shows the problems and warnings.
func (s *Server) policyCreate(c echo.Context) error {
	f := templates.PolicyForm{Name: strings.TrimSpace(c.FormValue("PolicyName")), Path: strings.TrimSpace(c.FormValue("Path")),
		Description: c.FormValue("Description"), Document: c.FormValue("PolicyDocument"), Tags: tagRows(formTags(c))}
	page := s.formPage(c, "Create policy", "policies", "/policies/new")
	if c.FormValue("check") != "" {
		warnings, err := iam.CheckPolicyDocument(f.Document, policy.Identity)
		f.Findings = s.analyzerFindings(c, f.Document)
		f.Errors = formErrors(err, "PolicyDocument", iam.LimitExceeded)
		if err != nil && f.Errors == nil {
			return err
		}
		f.Checked, f.Warnings = err == nil, diagnosticTexts(warnings)
		if f.Checked {
			if sum, err := iam.PolicySummary(f.Document); err == nil {
				f.Summary, f.Notes = summaryRows(sum), sum.Notes
			}
		}
		return render(c, http.StatusOK, templates.PolicyNewPage(page, f))
	}
	p, err := s.svc.CreatePolicy(c.Request().Context(), principal(c), iam.CreatePolicyInput{PolicyName: f.Name, Path: f.Path,
		PolicyDocument: f.Document, Description: f.Description, Tags: formTags(c)}, meta(c))
	if fe := formErrors(err, "PolicyName", iam.AlreadyExists, iam.LimitExceeded); fe != nil {
		f.Errors = fe
		if iam.KindOf(err) == iam.LimitExceeded && err.(*iam.Error).Field == "PolicyDocument" {
			f.Errors = templates.FieldErrors{"PolicyDocument": err.(*iam.Error).Message}
		}
		f.Errors = placed(f.Errors, "PolicyDocument", "PolicyName", "Path", "Description", "tags")
		return render(c, formStatus, templates.PolicyNewPage(page, f))
	}
	if err != nil {
		return err
	}
	s.flashSaved(c, "Policy "+p.PolicyName+" was created.", p.Warnings)
	return c.Redirect(http.StatusSeeOther, policyURL(p.Arn))
}

func diagnosticTexts(ds []policy.Diagnostic) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = diagnosticText(d)
	}
	return out
}

var policyTabs = []struct{ key, label string }{
	{"summary", "Permissions"}, {"json", "JSON"}, {"versions", "Versions"}, {"entities", "Entities attached"},
	{"last-accessed", "Last accessed"},
}

func policyTabURL(arn, tab string) string {
	return "/policies/view?arn=" + url.QueryEscape(arn) + "&tab=" + url.QueryEscape(tab)
}

// policyShow shows a managed policy on one of its tabs.
func (s *Server) policyShow(c echo.Context) error {
	v, err := s.policyDetail(c, c.QueryParam("arn"), c.QueryParam("tab"), c.QueryParam("version"))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.PolicyPage(s.page(c, v.Name, "policies"), v))
}

func (s *Server) policyDetailWithErrors(c echo.Context, arn, tab string, fe templates.FieldErrors, keep func(*templates.PolicyDetailView)) error {
	v, err := s.policyDetail(c, arn, tab, "")
	if err != nil {
		return err
	}
	v.Errors = fe
	if keep != nil {
		keep(&v)
	}
	return render(c, formStatus, templates.PolicyPage(s.formPage(c, v.Name, "policies", policyURL(v.ARN)), v))
}

// policyDetail gathers a policy's page: the policy, and its default (or
// the asked) version's document and summary, versions or entities.
func (s *Server) policyDetail(c echo.Context, arn, tab, version string) (templates.PolicyDetailView, error) {
	ctx, pr, m := c.Request().Context(), principal(c), meta(c)
	p, err := s.svc.GetPolicy(ctx, pr, arn, m)
	if err != nil {
		return templates.PolicyDetailView{}, err
	}
	known := false
	for _, t := range policyTabs {
		known = known || t.key == tab
	}
	if !known {
		tab = "summary"
	}
	v := templates.PolicyDetailView{Name: p.PolicyName, ARN: p.Arn, ID: p.PolicyId, Path: p.Path, Description: p.Description,
		AWSManaged: p.AWSManaged, DefaultVersion: p.DefaultVersionId, Created: when(p.CreateDate), Updated: when(p.UpdateDate),
		Attachments: p.AttachmentCount, BoundaryUses: p.PermissionsBoundaryUsageCount, Tab: tab, Tags: tagRows(p.Tags)}
	for _, t := range policyTabs {
		v.Tabs = append(v.Tabs, templates.TabLink{Key: t.key, Label: t.label, Href: policyTabURL(p.Arn, t.key)})
	}
	if !p.AWSManaged {
		v.Can = templates.PolicyCan{Delete: s.can(c, iam.OpDelete, p.Arn), CreateVersion: s.can(c, iam.OpCreatePolicyVersion, p.Arn),
			SetDefault: s.can(c, iam.OpSetDefaultPolicyVersion, p.Arn), DeleteVersion: s.can(c, iam.OpDeletePolicyVersion, p.Arn),
			Tag: s.can(c, iam.OpTag, p.Arn) && s.can(c, iam.OpUntag, p.Arn)}
	}
	switch tab {
	case "summary", "json":
		if version == "" {
			version = p.DefaultVersionId
		}
		pv, err := s.svc.GetPolicyVersion(ctx, pr, p.Arn, version, m)
		if denied(err) {
			v.Hidden = "iam:GetPolicyVersion"
			return v, nil
		}
		if err != nil {
			return v, err
		}
		v.Version, v.Document = pv.VersionId, pv.Document
		if tab == "summary" {
			sum, err := iam.PolicySummary(pv.Document)
			if err != nil {
				v.SummaryError = err.Error() // shown beside the JSON, which still reads
			} else {
				v.Summary = summaryRows(sum)
				v.Notes, v.Warnings = sum.Notes, diagnosticTexts(sum.Warnings)
			}
		}
		v.NewDoc = pv.Document
	case "versions":
		vs, _, err := s.svc.ListPolicyVersions(ctx, pr, p.Arn, iam.Page{MaxItems: 1000}, m)
		if denied(err) {
			v.Hidden = "iam:ListPolicyVersions"
			return v, nil
		}
		if err != nil {
			return v, err
		}
		for _, pv := range vs {
			v.Versions = append(v.Versions, templates.PolicyVersionRow{ID: pv.VersionId, Default: pv.IsDefaultVersion, Created: when(pv.CreateDate),
				Href: policyTabURL(p.Arn, "json") + "&version=" + url.QueryEscape(pv.VersionId)})
		}
		if len(vs) > 1 {
			v.DiffFrom, v.DiffTo = vs[1].VersionId, vs[0].VersionId
		}
		if v.Can.CreateVersion {
			pv, err := s.svc.GetPolicyVersion(ctx, pr, p.Arn, p.DefaultVersionId, m)
			if err == nil {
				v.NewDoc = pv.Document
			}
		}
	case "last-accessed":
		v.LastAccessed, err = s.lastAccessedTab(c, p.Arn)
		return v, err
	case "entities":
		ents, _, err := s.svc.ListEntitiesForPolicy(ctx, pr, iam.ListEntitiesForPolicyInput{PolicyArn: p.Arn, MaxItems: 1000}, m)
		if denied(err) {
			v.Hidden = "iam:ListEntitiesForPolicy"
			return v, nil
		}
		if err != nil {
			return v, err
		}
		for _, u := range ents.PolicyUsers {
			v.Entities = append(v.Entities, templates.EntityLink{Kind: "User", Name: u.UserName, Href: entityURL("users", u.UserName, "permissions")})
		}
		for _, g := range ents.PolicyGroups {
			v.Entities = append(v.Entities, templates.EntityLink{Kind: "Group", Name: g.GroupName, Href: entityURL("groups", g.GroupName, "permissions")})
		}
		for _, r := range ents.PolicyRoles {
			v.Entities = append(v.Entities, templates.EntityLink{Kind: "Role", Name: r.RoleName, Href: entityURL("roles", r.RoleName, "permissions")})
		}
	}
	return v, nil
}

// summaryActionsShown bounds the actions a summary lists per access level:
// AdministratorAccess covers 22,091, which no page should carry.
const summaryActionsShown = 100

func summaryRows(sum *iam.PolicySummaryView) []templates.SummaryRow {
	var out []templates.SummaryRow
	for _, x := range sum.Allow {
		out = append(out, summaryRow("Allow", x))
	}
	for _, x := range sum.Deny {
		out = append(out, summaryRow("Deny", x))
	}
	return out
}

// summaryRow is one service's row of a summary, its actions listed up to
// summaryActionsShown per level.
func summaryRow(effect string, x iam.ServiceSummary) templates.SummaryRow {
	row := templates.SummaryRow{Effect: effect, Service: x.Service, Name: x.Name, Access: x.Access,
		Resources: x.Resources, NotResource: x.NotResource, Conditions: x.Conditions}
	for _, l := range x.Levels {
		lv := templates.SummaryLevel{Level: l.Level, Full: l.Full, Granted: l.Granted, Total: l.Total}
		if !l.Full {
			lv.Actions = l.Actions[:min(len(l.Actions), summaryActionsShown)]
			lv.More = len(l.Actions) - len(lv.Actions)
		}
		row.Levels = append(row.Levels, lv)
	}
	return row
}

// policyVersionCreate adds a version, the default one when asked.
func (s *Server) policyVersionCreate(c echo.Context) error {
	in := iam.CreatePolicyVersionInput{PolicyArn: c.FormValue("arn"), PolicyDocument: c.FormValue("PolicyDocument"),
		SetAsDefault: c.FormValue("SetAsDefault") == "true"}
	pv, err := s.svc.CreatePolicyVersion(c.Request().Context(), principal(c), in, meta(c))
	if fe := formErrors(err, "PolicyDocument", iam.LimitExceeded); fe != nil {
		return s.policyDetailWithErrors(c, in.PolicyArn, "versions", fe, func(v *templates.PolicyDetailView) {
			v.NewDoc, v.SetAsDefault = in.PolicyDocument, in.SetAsDefault
			v.NewFindings = s.analyzerFindings(c, in.PolicyDocument)
		})
	}
	if err != nil {
		return err
	}
	s.flashSaved(c, "Version "+pv.VersionId+" was created.", pv.Warnings)
	return c.Redirect(http.StatusSeeOther, policyTabURL(in.PolicyArn, "versions"))
}

// policyVersionDefault makes a version the default.
func (s *Server) policyVersionDefault(c echo.Context) error {
	arn, id := c.FormValue("arn"), c.FormValue("VersionId")
	err := s.svc.SetDefaultPolicyVersion(c.Request().Context(), principal(c), arn, id, meta(c))
	if msg, ok := flashable(err); ok {
		s.flash(c, "error", msg)
		return c.Redirect(http.StatusSeeOther, policyTabURL(arn, "versions"))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Version "+id+" is now the default.")
	return c.Redirect(http.StatusSeeOther, policyTabURL(arn, "versions"))
}

// policyVersionDelete deletes a version that is not the default.
func (s *Server) policyVersionDelete(c echo.Context) error {
	arn, id := c.FormValue("arn"), c.FormValue("VersionId")
	err := s.svc.DeletePolicyVersion(c.Request().Context(), principal(c), arn, id, meta(c))
	if msg, ok := flashable(err); ok {
		s.flash(c, "error", msg)
		return c.Redirect(http.StatusSeeOther, policyTabURL(arn, "versions"))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Version "+id+" was deleted.")
	return c.Redirect(http.StatusSeeOther, policyTabURL(arn, "versions"))
}

// policyDelete deletes a customer managed policy that is attached nowhere.
func (s *Server) policyDelete(c echo.Context) error {
	arn := c.FormValue("arn")
	err := s.svc.DeletePolicy(c.Request().Context(), principal(c), arn, meta(c))
	if iam.KindOf(err) == iam.Conflict {
		s.flash(c, "error", err.(*iam.Error).Message)
		return c.Redirect(http.StatusSeeOther, policyURL(arn))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "The policy was deleted.")
	return c.Redirect(http.StatusSeeOther, "/policies?scope=Local")
}

// policyDiff shows the line differences between two versions.
func (s *Server) policyDiff(c echo.Context) error {
	ctx, pr, m := c.Request().Context(), principal(c), meta(c)
	arn, from, to := c.QueryParam("arn"), c.QueryParam("from"), c.QueryParam("to")
	p, err := s.svc.GetPolicy(ctx, pr, arn, m)
	if err != nil {
		return err
	}
	a, err := s.svc.GetPolicyVersion(ctx, pr, arn, from, m)
	if err != nil {
		return err
	}
	b, err := s.svc.GetPolicyVersion(ctx, pr, arn, to, m)
	if err != nil {
		return err
	}
	v := templates.PolicyDiffView{Name: p.PolicyName, Back: policyTabURL(arn, "versions"), From: a.VersionId, To: b.VersionId,
		Lines: lineDiff(a.Document, b.Document)}
	return render(c, http.StatusOK, templates.PolicyDiffPage(s.page(c, p.PolicyName+": "+from+" → "+to, "policies"), v))
}

// policyTagsSave replaces a customer managed policy's tags.
func (s *Server) policyTagsSave(c echo.Context) error {
	arn, tags := c.FormValue("arn"), formTags(c)
	err := s.replaceTags(c, iam.PolicyWithARN(arn), tags)
	if fe := formErrors(err, "tags", iam.LimitExceeded); fe != nil {
		return s.policyDetailWithErrors(c, arn, "summary", templates.FieldErrors{"tags": fe[firstKey(fe)]},
			func(v *templates.PolicyDetailView) { v.Tags = tagRows(tags) })
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Tags saved.")
	return c.Redirect(http.StatusSeeOther, policyURL(arn))
}

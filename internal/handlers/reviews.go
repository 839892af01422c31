package handlers

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// Access review campaigns (issue 15): the list with its create form, a
// campaign's page, decisions, closing, and the report.

// reviewsList shows the account's campaigns and the form to start one.
func (s *Server) reviewsList(c echo.Context) error {
	return s.showReviews(c, http.StatusOK, templates.ReviewForm{Scope: iam.ScopeAllUsers,
		Due: time.Now().AddDate(0, 0, 30).Format(time.DateOnly)})
}

func (s *Server) showReviews(c echo.Context, status int, f templates.ReviewForm) error {
	ctx := c.Request().Context()
	cs, err := s.svc.ListCampaigns(ctx, principal(c), meta(c))
	if err != nil {
		return err
	}
	ok, err := s.svc.Allowed(ctx, principal(c), meta(c), iam.CreateAccessReviewAction, "*")
	if err != nil {
		return err
	}
	v := templates.ReviewsView{CanCreate: ok, Form: f}
	for _, cp := range cs {
		v.Rows = append(v.Rows, templates.ReviewRow{ID: cp.ID, Name: cp.Name, Scope: cp.ScopeText(), Due: cp.Due.Format(time.DateOnly),
			State: cp.State, Reviewers: strings.Join(cp.Reviewers, ", "), Created: when(cp.CreatedAt), Href: "/reviews/" + cp.ID})
	}
	p := s.page(c, "Access reviews", "reviews")
	if status != http.StatusOK {
		p = s.formPage(c, "Access reviews", "reviews", "/reviews")
	}
	return render(c, status, templates.ReviewsPage(p, v))
}

// reviewCreate starts a campaign.
func (s *Server) reviewCreate(c echo.Context) error {
	f := templates.ReviewForm{Name: c.FormValue("Name"), Scope: c.FormValue("Scope"), Group: c.FormValue("Group"),
		Due: c.FormValue("Due"), Reviewers: c.FormValue("Reviewers")}
	in := iam.CreateCampaignInput{Name: f.Name, Scope: f.Scope, Group: f.Group,
		Reviewers: strings.FieldsFunc(f.Reviewers, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' })}
	var err error
	if f.Due != "" {
		if in.Due, err = time.Parse(time.DateOnly, f.Due); err != nil {
			f.Errors = templates.FieldErrors{"Due": "Give the due date as YYYY-MM-DD."}
			return s.showReviews(c, formStatus, f)
		}
	}
	cp, err := s.svc.CreateCampaign(c.Request().Context(), principal(c), in, meta(c))
	if fe := formErrors(err, "_form"); fe != nil {
		f.Errors = fe
		return s.showReviews(c, formStatus, f)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", fmt.Sprintf("Campaign %s started with %d principals to review.", cp.Name, len(cp.Items)))
	return c.Redirect(http.StatusSeeOther, "/reviews/"+cp.ID)
}

// reviewShow shows a campaign; ?filter=undecided shows only the principals
// without a decision.
func (s *Server) reviewShow(c echo.Context) error {
	ctx := c.Request().Context()
	cp, err := s.svc.GetCampaign(ctx, principal(c), c.Param("id"), meta(c))
	if err != nil {
		return err
	}
	decide, closeOK := s.svc.CampaignRights(ctx, principal(c), meta(c), cp)
	v := templates.ReviewView{ID: cp.ID, Name: cp.Name, Scope: cp.ScopeText(), Due: cp.Due.Format(time.DateOnly), State: cp.State,
		Reviewers: strings.Join(cp.Reviewers, ", "), Created: when(cp.CreatedAt) + " by " + cp.CreatedBy, Total: len(cp.Items),
		Undecided: cp.Undecided, OnlyUndecided: c.QueryParam("filter") == "undecided", CanDecide: decide, CanClose: closeOK,
		RevokedRolePolicy: iam.RevokedRolePolicyName(cp.ID)}
	if cp.State == iam.CampaignClosed {
		v.Closed = when(cp.ClosedAt) + " by " + cp.ClosedBy
	}
	for i, it := range cp.Items {
		if v.OnlyUndecided && it.Decided() {
			continue
		}
		v.Items = append(v.Items, reviewItemView(cp.ID, i, it, decide))
	}
	return render(c, http.StatusOK, templates.ReviewPage(s.page(c, cp.Name, "reviews"), v))
}

func reviewItemView(id string, i int, it iam.CampaignItem, decide bool) templates.ReviewItemView {
	sn := it.Snapshot
	decideHref := func(perm string) string {
		q := url.Values{"PrincipalArn": {sn.ARN}, "Decision": {iam.DecisionRevoke}}
		if perm != "" {
			q.Set("Permission", perm)
		}
		return "/reviews/" + id + "/decide?" + q.Encode()
	}
	v := templates.ReviewItemView{ARN: sn.ARN, Name: sn.Name, Kind: sn.Kind, Anchor: fmt.Sprintf("item-%d", i), AdminPath: sn.AdminPath,
		Evidence: sn.Evidence.Summary(), Decision: it.Decision, RevokeHref: decideHref("")}
	for _, a := range sn.Access {
		v.Access = append(v.Access, templates.ReviewAccessLine{Name: a.Name, Access: a.Access})
	}
	for _, sv := range sn.Evidence.ServicesLastAccessed {
		v.ServicesLastAccessed = append(v.ServicesLastAccessed, sv.Service+": "+when(sv.LastAccessed))
	}
	revoked := map[string]bool{}
	for _, d := range it.Decisions {
		if d.Permission != "" && d.Decision == iam.DecisionRevoke {
			revoked[d.Permission] = true
		}
	}
	for j, pm := range sn.Permissions {
		pv := templates.ReviewPermissionView{Label: permissionLabel(pm), ID: fmt.Sprintf("revoke-%s-%d", v.Anchor, j), Revoked: revoked[pm.Key()]}
		if decide {
			pv.RevokeHref = decideHref(pm.Key())
		}
		v.Permissions = append(v.Permissions, pv)
	}
	if it.Decided() {
		v.Reviewer, v.DecidedAt = it.Reviewer, when(it.DecidedAt)
	}
	for _, d := range it.Decisions {
		for _, r := range d.Revocations {
			if r.Gone != "" {
				v.Revocations = append(v.Revocations, r.Operation+" "+r.Target+" (already gone)")
				continue
			}
			v.Revocations = append(v.Revocations, r.Operation+" "+r.Target+" (event "+r.AuditEventID+")")
		}
	}
	return v
}

func permissionLabel(p iam.ReviewPermission) string {
	switch p.Kind {
	case iam.PermissionPolicy:
		return "Managed policy " + p.Name
	case iam.PermissionInline:
		return "Inline policy " + p.Name
	case iam.PermissionGroup:
		return "Member of group " + p.Name
	}
	return p.Key()
}

// reviewDecision is a reviewer's decision: keep goes straight through;
// revoking (a principal or one permission) is confirmed first, with what
// it will change.
func (s *Server) reviewDecision() destructive {
	return destructive{do: s.reviewDecide,
		typed: func(c echo.Context) string {
			if c.FormValue("Decision") == iam.DecisionKeep {
				return noConfirm
			}
			return confirmYes
		},
		step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
			ctx := c.Request().Context()
			cp, err := s.svc.GetCampaign(ctx, principal(c), c.Param("id"), meta(c))
			if err != nil {
				return templates.Page{}, templates.ConfirmView{}, err
			}
			arn, perm := c.FormValue("PrincipalArn"), c.FormValue("Permission")
			name := arn
			for _, it := range cp.Items {
				if it.Snapshot.ARN == arn {
					name = it.Snapshot.Name
				}
			}
			back := "/reviews/" + cp.ID
			v := templates.ConfirmView{Action: back + "/decide", Button: "Revoke", Cancel: back,
				Fields: []templates.HiddenField{{Name: "PrincipalArn", Value: arn}, {Name: "Permission", Value: perm}, {Name: "Decision", Value: iam.DecisionRevoke}}}
			kind, what, _ := strings.Cut(perm, ":")
			switch {
			case perm == "" && strings.Contains(arn, ":role/"):
				v.Heading = "Revoke role " + name + "?"
				v.Consequences = []string{"The inline policy " + iam.RevokedRolePolicyName(cp.ID) + " is attached to the role: it denies every action, so its sessions can do nothing.",
					"Its trust policy is left as it was. Delete that inline policy to undo the revocation."}
			case perm == "":
				v.Heading = "Revoke user " + name + "?"
				v.Consequences = []string{"Its active access keys are deactivated (activate them again to undo).",
					"Its console password is deleted: it can no longer sign in until given a new one."}
			case kind == iam.PermissionPolicy:
				v.Heading = "Detach " + what + " from " + name + "?"
				v.Consequences = []string{"The managed policy is detached; attach it again to undo."}
			case kind == iam.PermissionInline:
				v.Heading = "Delete inline policy " + what + " of " + name + "?"
				v.Consequences = []string{"The inline policy is deleted, its document with it."}
			default:
				v.Heading = "Remove " + name + " from group " + what + "?"
				v.Consequences = []string{name + " loses what the group's policies grant; add it again to undo."}
			}
			v.Consequences = append(v.Consequences, "The change is made with your own permissions, recorded in the audit log and in the campaign's report.")
			return s.confirmPage(c, "Revoke", "reviews", "Access reviews", "/reviews", cp.Name, back), v, nil
		}}
}

// reviewDecide records a decision. The operation's refusal (a reviewer who
// may not detach the policy) is its AccessDenied page.
func (s *Server) reviewDecide(c echo.Context) error {
	id := c.Param("id")
	in := iam.DecideInput{CampaignID: id, PrincipalARN: c.FormValue("PrincipalArn"), Permission: c.FormValue("Permission"), Decision: c.FormValue("Decision")}
	_, err := s.svc.Decide(c.Request().Context(), principal(c), in, meta(c))
	if k := iam.KindOf(err); err != nil && (k == iam.Invalid || k == iam.Conflict) {
		s.flash(c, "error", err.Error())
		return c.Redirect(http.StatusSeeOther, "/reviews/"+id)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Decision recorded: "+in.Decision+" "+in.PrincipalARN+" "+in.Permission+".")
	return c.Redirect(http.StatusSeeOther, "/reviews/"+id)
}

// reviewClose closes a campaign.
func (s *Server) reviewClose(c echo.Context) error {
	id := c.Param("id")
	_, err := s.svc.CloseCampaign(c.Request().Context(), principal(c), id, c.FormValue("Force") == "true", meta(c))
	if iam.KindOf(err) == iam.Conflict {
		s.flash(c, "error", err.Error())
		return c.Redirect(http.StatusSeeOther, "/reviews/"+id)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Campaign closed.")
	return c.Redirect(http.StatusSeeOther, "/reviews/"+id)
}

// reviewReport downloads a campaign's report as CSV or JSON.
func (s *Server) reviewReport(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var b bytes.Buffer
		id := c.Param("id")
		if err := s.svc.CampaignReport(c.Request().Context(), principal(c), id, format, &b, meta(c)); err != nil {
			return err
		}
		ctype := "text/csv; charset=utf-8"
		if format == "json" {
			ctype = "application/json"
		}
		c.Response().Header().Set("Content-Disposition", `attachment; filename="access-review-`+id+"."+format+`"`)
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.Blob(http.StatusOK, ctype, b.Bytes())
	}
}

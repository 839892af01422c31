package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// lastAccessedTab fills an entity's "Last accessed" tab: the services its
// policies grant, latest use first, the never used last (what to remove).
func (s *Server) lastAccessedTab(c echo.Context, arn string) (templates.LastAccessedView, error) {
	rows, err := s.svc.LastAccessed(c.Request().Context(), principal(c), arn, meta(c))
	if denied(err) {
		return templates.LastAccessedView{Hidden: "iam:GenerateServiceLastAccessedDetails"}, nil
	}
	if err != nil {
		return templates.LastAccessedView{}, err
	}
	var v templates.LastAccessedView
	if strings.Contains(arn, ":user/") || strings.Contains(arn, ":role/") {
		v.GenerateHref = "/policies/generate?arn=" + url.QueryEscape(arn)
	}
	var never []templates.LastAccessedRow
	for _, x := range rows {
		r := templates.LastAccessedRow{Service: x.ServiceName, Namespace: x.ServiceNamespace, Entities: x.TotalAuthenticatedEntities}
		if x.LastAuthenticated.IsZero() {
			r.Never, r.LastAccessed = true, "Not accessed in the tracking period"
			never = append(never, r)
			continue
		}
		r.LastAccessed, r.Entity, r.EntityHref = when(x.LastAuthenticated), x.LastAuthenticatedEntity, entityHref(x.LastAuthenticatedEntity)
		for _, a := range x.TrackedActions {
			r.Actions = append(r.Actions, x.ServiceNamespace+":"+a.ActionName+" "+when(a.LastAccessedTime))
		}
		v.Rows = append(v.Rows, r)
	}
	// Latest first (when() sorts as its text), then the never used by name.
	for i := 1; i < len(v.Rows); i++ {
		for j := i; j > 0 && v.Rows[j].LastAccessed > v.Rows[j-1].LastAccessed; j-- {
			v.Rows[j], v.Rows[j-1] = v.Rows[j-1], v.Rows[j]
		}
	}
	v.Rows = append(v.Rows, never...)
	return v, nil
}

// entityHref links a user's or role's ARN to its page, "" for others.
func entityHref(arn string) string {
	_, rest, ok := strings.Cut(arn, ":user/")
	if ok {
		return entityURL("users", rest[strings.LastIndexByte(rest, '/')+1:], "")
	}
	if _, rest, ok = strings.Cut(arn, ":role/"); ok {
		return entityURL("roles", rest[strings.LastIndexByte(rest, '/')+1:], "")
	}
	return ""
}

// policyGenerate shows the policy a user's or role's activity asks for,
// as a difference from what it is granted, in the create-policy form:
// saving it is the normal CreatePolicy.
func (s *Server) policyGenerate(c echo.Context) error {
	arn := c.QueryParam("arn")
	days, err := strconv.Atoi(c.QueryParam("days"))
	if err != nil || c.QueryParam("days") == "" {
		days = iam.DefaultUnusedAccessDays
	}
	ap, err := s.svc.PolicyFromActivity(c.Request().Context(), principal(c), arn, days, meta(c))
	if err != nil {
		return err
	}
	v := templates.ActivityPolicyView{Principal: arn, PrincipalHref: entityHref(arn), Days: days, Since: when(ap.Since),
		Form: templates.PolicyForm{Name: lastPart(arn) + "-from-activity", Document: ap.Document, Tags: nil,
			Description: "What " + lastPart(arn) + " used in the " + strconv.Itoa(days) + " days to " + when(ap.Since.AddDate(0, 0, days))}}
	for _, r := range ap.Services {
		row := templates.ActivityRow{Service: r.Name, Namespace: r.Namespace, Used: r.Used, Change: "kept"}
		switch {
		case r.Removed():
			row.Change = "removed"
		case !r.Granted:
			row.Change = "added"
		}
		v.Rows = append(v.Rows, row)
	}
	return render(c, http.StatusOK, templates.ActivityPolicyPage(s.page(c, "Policy from activity", "policies"), v))
}

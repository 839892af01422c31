package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// accessShow is /access?account=&arn=: one user's, role's or group's
// effective access, in the live account or an imported one (which has no
// entity pages to carry an Access tab).
func (s *Server) accessShow(c echo.Context) error {
	acct, arn := strings.TrimSpace(c.QueryParam("account")), strings.TrimSpace(c.QueryParam("arn"))
	r, err := s.svc.PrincipalAccess(c.Request().Context(), principal(c), acct, arn, meta(c))
	if err != nil {
		return err
	}
	v := accessView(r)
	return render(c, http.StatusOK, templates.AccessPage(s.page(c, "Access of "+v.Name, ""), v))
}

// accessTab fills an entity page's Access tab. A caller that may read the
// entity but not review the whole account sees why the tab is empty, not
// an error page.
func (s *Server) accessTab(c echo.Context, arn string) (templates.AccessView, error) {
	r, err := s.svc.PrincipalAccess(c.Request().Context(), principal(c), "", arn, meta(c))
	var ie *iam.Error
	if iam.KindOf(err) == iam.AccessDenied && errors.As(err, &ie) {
		return templates.AccessView{Denied: ie.Message + " Reviewing access reads the whole account's configuration."}, nil
	}
	if err != nil {
		return templates.AccessView{}, err
	}
	return accessView(r), nil
}

// accessGrantsShown bounds the permissions a service row lists: AWS's
// service-linked roles' policies name thousands of actions, and the access
// levels above them already say what they cover.
const accessGrantsShown = 50

// accessMembersShown bounds the members a group's review links to: a
// group of a large account holds thousands.
const accessMembersShown = 20

// accessView makes the page's view of an access review.
func accessView(r *iam.AccessReview) templates.AccessView {
	account := r.Account
	if r.Live {
		account = "" // the live account's links stay short, as its pages'
	}
	v := templates.AccessView{Account: r.Account, ARN: r.ARN, Name: r.Name, Kind: r.Kind,
		FindingsHref: "/findings?" + url.Values{"account": {account}, "q": {r.ARN}}.Encode(),
		GraphHref:    templates.GraphURL(account, r.ARN)}
	for _, sa := range r.Services {
		row := templates.AccessServiceRow{SummaryRow: summaryRow("Allow", sa.ServiceSummary), Permissions: len(sa.Permissions)}
		for _, p := range sa.Permissions[:min(len(sa.Permissions), accessGrantsShown)] {
			why := ""
			if len(p.Statements) > 0 {
				st := p.Statements[0]
				why = st.PolicyName
				if why == "" {
					why = st.Policy
				}
				if st.Sid != "" {
					why += " (" + st.Sid + ")"
				}
			}
			row.Grants = append(row.Grants, templates.AccessGrant{Action: p.Action, Resource: p.Resource, Why: why})
		}
		v.Services = append(v.Services, row)
	}
	for _, m := range r.Members[:min(len(r.Members), accessMembersShown)] {
		v.Members = append(v.Members, templates.AccessLink{Name: lastPart(m), ARN: m, Href: templates.AccessURL(account, m)})
	}
	v.MoreMembers = len(r.Members) - len(v.Members)
	if r.Admin != nil {
		a := &templates.AccessAdmin{Hidden: r.Admin.Hidden, Href: templates.PathsURL(account, r.Admin.Principal)}
		if r.Kind == "group" {
			a.Via = lastPart(r.Admin.Principal)
		}
		a.Words = []templates.AccessWord{{Name: lastPart(r.Admin.Principal), ARN: r.Admin.Principal}}
		for _, h := range r.AdminHops {
			a.Words = append(a.Words, templates.AccessWord{Verb: h.Verb, Name: h.ToName, ARN: h.To})
		}
		v.Admin = a
	}
	return v
}

// lastPart is an ARN's name: what follows its last slash or colon.
func lastPart(arn string) string {
	if i := strings.LastIndexAny(arn, "/:"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

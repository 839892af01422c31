package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// dashboardShow shows the account overview: counts that open what they
// count, and AWS's security recommendations with where to fix each.
func (s *Server) dashboardShow(c echo.Context) error {
	d, err := s.svc.Dashboard(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	since := s.svc.Now().Add(-24 * 3600e9).UTC().Format("2006-01-02T15:04")
	v := templates.DashboardView{AccountID: d.AccountID, Alias: d.Alias, ActiveSessions: d.ActiveSessions,
		SignInFailures24: d.SignInFailures24, Events24: d.Events24, RootWithoutMFA: d.RootWithoutMFA,
		Users: d.Users, Groups: d.Groups, Roles: d.Roles, Policies: d.Policies, Limited: d.Limited,
		EventsHref:   "/audit?" + url.Values{"since": {since}}.Encode(),
		FailuresHref: "/audit?" + url.Values{"event": {"ConsoleLogin"}, "result": {"Failure"}, "since": {since}}.Encode()}
	root := principal(c).IsRoot()
	for _, r := range d.Recommendations {
		v.Recommendations = append(v.Recommendations, recommendationView(r, root))
	}
	return render(c, http.StatusOK, templates.DashboardPage(s.page(c, "Dashboard", "dashboard"), v))
}

// recommendationView links a recommendation to its fix: each user's
// Security credentials tab, or root's own page (root alone can change it).
func recommendationView(r iam.Recommendation, callerIsRoot bool) templates.RecommendationView {
	v := templates.RecommendationView{Key: r.Key, Title: r.Title, Detail: r.Detail, OK: r.OK, More: r.More}
	for _, u := range r.Users {
		v.Fixes = append(v.Fixes, templates.Crumb{Label: u, Href: entityURL("users", u, "security")})
	}
	if r.RootFix {
		if callerIsRoot {
			v.Fixes = append(v.Fixes, templates.Crumb{Label: "Add MFA to your root user", Href: "/mfa/enroll"})
		} else {
			v.Detail += " Only the root user can: sign in as root."
		}
	}
	return v
}

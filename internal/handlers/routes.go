package handlers

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// group is a route's middleware group: what runs between the server's
// middleware (routes) and the handler.
type group int

const (
	// public routes have no session and no CSRF check: probes, metrics,
	// static files.
	public group = iota
	// visitor routes are the pages before sign-in: the session (loadSession)
	// first, then the CSRF check (csrf), whose token is bound to it.
	visitor
	// signedIn routes are every other page: visitor's middleware, then a
	// signed-in principal (requireSession) kept to what its session may see
	// (confine).
	signedIn
)

// Methods of the route table. confirm is a destructive action's two routes:
// GET shows the confirmation step, POST acts once confirmed (confirm.go).
const (
	get     = http.MethodGet
	post    = http.MethodPost
	confirm = "GET+POST"
)

// route is one line of the route table.
type route struct {
	group   group
	method  string
	path    string
	handler echo.HandlerFunc
	step    destructive // for confirm
	mw      []echo.MiddlewareFunc
}

// table is the console's route table, built in routes.
type table []route

func (t *table) add(g group, method, path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	*t = append(*t, route{group: g, method: method, path: path, handler: h, mw: mw})
}

func (t *table) confirm(g group, path string, d destructive) {
	*t = append(*t, route{group: g, method: confirm, path: path, step: d})
}

// pageRoutes lists every page of the console, top to bottom: method, path,
// handler, middleware group and any middleware of the route's own. A new
// page is its handler plus one line here. Managed policies are named by
// ARN (a query parameter or form field), not in the path: a built-in and a
// customer policy may share a name, and paths contain slashes.
func (s *Server) pageRoutes() table {
	var t table
	// Graph downloads run to megabytes (an overview of 10,000 principals is
	// 13 MB of SVG) and compress tenfold. Pages are not compressed: they
	// carry the CSRF token beside reflected input (BREACH); downloads carry
	// neither.
	zip := middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 32 << 10})
	// The account import takes a whole AWS account's authorization details.
	largeBody := middleware.BodyLimit("64M")

	// Probes, metrics, static files.
	t.add(public, get, "/healthz", s.healthz)
	t.add(public, get, "/readyz", s.readyz)
	t.add(public, get, "/metrics", s.metricsHandler())
	t.add(public, get, "/static/*", staticHandler())

	// Setup and sign-in.
	t.add(visitor, get, "/setup", s.setupShow)
	t.add(visitor, post, "/setup", s.setupSave)
	t.add(visitor, get, "/login", s.loginShow)
	t.add(visitor, post, "/login", s.loginSave)
	t.add(visitor, get, "/login/mfa", s.mfaShow)
	t.add(visitor, post, "/login/mfa", s.mfaSave)
	t.add(visitor, post, "/login/cancel", s.loginCancel)
	t.add(visitor, get, "/login/oidc", s.oidcSignInStart)
	t.add(visitor, get, oidcCallbackPath, s.oidcSignInCallback)
	t.add(signedIn, post, "/logout", s.logout)

	// Dashboard, audit log.
	t.add(signedIn, get, "/", s.dashboardShow)
	t.add(signedIn, get, "/audit", s.auditList)
	t.add(signedIn, get, "/audit.jsonl", s.auditExport)

	// The signed-in principal's own security: MFA, password, sessions.
	t.add(signedIn, get, "/security", s.securityShow)
	t.add(signedIn, get, "/mfa/enroll", s.enrollShow)
	t.add(signedIn, post, "/mfa/enroll", s.enrollStart)
	t.add(signedIn, post, "/mfa/enroll/confirm", s.enrollConfirm)
	t.confirm(signedIn, "/mfa/recovery-codes", s.recoveryRegeneration())
	t.confirm(signedIn, "/mfa/devices/delete", s.deviceRemoval())
	t.add(signedIn, get, "/security/password", s.passwordShow)
	t.add(signedIn, post, "/security/password", s.passwordSave)
	t.add(signedIn, get, "/sessions", s.sessionsList)
	t.confirm(signedIn, "/sessions/:id/delete", s.sessionEnding())

	// Account settings.
	t.add(signedIn, get, "/settings", s.settingsShow)
	t.add(signedIn, post, "/settings/account", s.accountSettingsSave)
	t.add(signedIn, post, "/settings/guardrails", s.guardrailsSave)
	t.add(signedIn, post, "/settings/console-oidc", s.consoleOIDCSave)
	t.add(signedIn, post, "/settings/unused-access", s.unusedAccessSave)
	t.add(signedIn, post, "/settings/password-policy", s.passwordPolicySave)
	t.confirm(signedIn, "/settings/password-policy/delete", s.passwordPolicyDeletion())

	// Access graph, findings, who-can, import, simulator.
	t.add(signedIn, get, "/graph", s.graphShow)
	t.add(signedIn, get, "/graph.dot", s.graphDownload("dot"), zip)
	t.add(signedIn, get, "/graph.svg", s.graphDownload("svg"), zip)
	t.add(signedIn, get, "/graph.json", s.graphDownload("json"), zip)
	t.add(signedIn, get, "/graph/overview", s.graphOverviewStatus)
	t.add(signedIn, get, "/graph/principals", s.graphPrincipals)
	t.add(signedIn, get, "/graph/compare", s.graphCompare)
	t.add(signedIn, post, "/graph/compare/snapshot", s.graphCompareSnapshot)
	t.add(signedIn, get, "/findings", s.findingsList)
	t.add(signedIn, get, "/findings.csv", s.findingsDownload("csv"), zip)
	t.add(signedIn, get, "/findings.json", s.findingsDownload("json"), zip)
	t.add(signedIn, get, "/techniques", s.techniquesList)
	t.add(signedIn, get, "/techniques/:id", s.techniqueShow)
	t.add(signedIn, get, "/who-can", s.whoCan)
	t.add(signedIn, get, "/access", s.accessShow)
	t.add(signedIn, get, "/paths", s.pathsShow)
	t.add(signedIn, get, "/paths.csv", s.pathsShow)
	t.add(signedIn, get, "/who-can.csv", s.whoCan)
	t.add(signedIn, get, "/import", s.importShow)
	t.add(signedIn, post, "/import", s.importSave, largeBody)
	t.add(signedIn, get, "/simulator", s.simulatorShow)
	t.add(signedIn, post, "/simulator", s.simulatorRun)

	// Access review campaigns.
	t.add(signedIn, get, "/reviews", s.reviewsList)
	t.add(signedIn, post, "/reviews", s.reviewCreate)
	t.add(signedIn, get, "/reviews/:id", s.reviewShow)
	t.confirm(signedIn, "/reviews/:id/decide", s.reviewDecision())
	t.add(signedIn, post, "/reviews/:id/close", s.reviewClose)
	t.add(signedIn, get, "/reviews/:id/report.csv", s.reviewReport("csv"))
	t.add(signedIn, get, "/reviews/:id/report.json", s.reviewReport("json"))

	// Switching role.
	t.add(signedIn, get, "/switch-role", s.switchRoleShow)
	t.add(signedIn, post, "/switch-role", s.switchRoleSave)
	t.add(signedIn, post, "/switch-back", s.switchBack)

	// Users.
	t.add(signedIn, get, "/users", s.usersList)
	t.add(signedIn, get, "/users/new", s.userNew)
	t.add(signedIn, post, "/users", s.userCreate)
	t.add(signedIn, get, "/users/:name", s.userShow)
	t.confirm(signedIn, "/users/:name/delete", s.userDeletion())
	t.add(signedIn, post, "/users/:name/rename", s.userRename)
	t.confirm(signedIn, "/users/:name/sessions/end", s.userSessionsEnding())
	t.add(signedIn, post, "/users/:name/unlock", s.userUnlock)
	t.add(signedIn, post, "/users/:name/groups", s.previewed(s.memberPreview(false)))
	t.confirm(signedIn, "/users/:name/groups/remove", s.userGroupRemoval())
	t.add(signedIn, post, "/users/:name/login-profile", s.loginProfileSave)
	t.confirm(signedIn, "/users/:name/login-profile/delete", s.loginProfileDeletion())
	t.add(signedIn, post, "/users/:name/access-keys", s.previewed(s.accessKeyPreview()))
	t.confirm(signedIn, "/users/:name/access-keys/status", s.accessKeyStatusChange())
	t.confirm(signedIn, "/users/:name/access-keys/delete", s.accessKeyDeletion())
	t.confirm(signedIn, "/users/:name/credentials/delete", s.credentialDeletion())
	t.add(signedIn, post, "/users/:name/boundary", s.previewed(s.boundaryPreview(userPolicies)))
	t.confirm(signedIn, "/users/:name/boundary/delete", s.boundaryRemoval(userPolicies))
	t.add(signedIn, post, "/users/:name/tags", s.tagsSave(userPolicies))
	t.add(signedIn, post, "/users/:name/policies", s.previewed(s.attachPreview(userPolicies)))
	t.confirm(signedIn, "/users/:name/policies/detach", s.detachment(userPolicies))
	t.add(signedIn, post, "/users/:name/inline", s.previewed(s.inlinePreview(userPolicies)))
	t.confirm(signedIn, "/users/:name/inline/delete", s.inlineDeletion(userPolicies))

	// Groups.
	t.add(signedIn, get, "/groups", s.groupsList)
	t.add(signedIn, get, "/groups/new", s.groupNew)
	t.add(signedIn, post, "/groups", s.groupCreate)
	t.add(signedIn, get, "/groups/:name", s.groupShow)
	t.confirm(signedIn, "/groups/:name/delete", s.groupDeletion())
	t.add(signedIn, post, "/groups/:name/rename", s.groupRename)
	t.add(signedIn, post, "/groups/:name/members", s.previewed(s.memberPreview(true)))
	t.confirm(signedIn, "/groups/:name/members/remove", s.groupMemberRemoval())
	t.add(signedIn, post, "/groups/:name/policies", s.previewed(s.attachPreview(groupPolicies)))
	t.confirm(signedIn, "/groups/:name/policies/detach", s.detachment(groupPolicies))
	t.add(signedIn, post, "/groups/:name/inline", s.previewed(s.inlinePreview(groupPolicies)))
	t.confirm(signedIn, "/groups/:name/inline/delete", s.inlineDeletion(groupPolicies))

	// Roles.
	t.add(signedIn, get, "/roles", s.rolesList)
	t.add(signedIn, get, "/roles/new", s.roleNew)
	t.add(signedIn, post, "/roles", s.roleCreate)
	t.add(signedIn, get, "/roles/:name", s.roleShow)
	t.confirm(signedIn, "/roles/:name/delete", s.roleDeletion())
	t.add(signedIn, post, "/roles/:name/trust", s.previewed(s.trustPreview()))
	t.add(signedIn, post, "/roles/:name/settings", s.roleSettingsSave)
	t.add(signedIn, post, "/roles/:name/boundary", s.previewed(s.boundaryPreview(rolePolicies)))
	t.confirm(signedIn, "/roles/:name/boundary/delete", s.boundaryRemoval(rolePolicies))
	t.add(signedIn, post, "/roles/:name/tags", s.tagsSave(rolePolicies))
	t.add(signedIn, post, "/roles/:name/policies", s.previewed(s.attachPreview(rolePolicies)))
	t.confirm(signedIn, "/roles/:name/policies/detach", s.detachment(rolePolicies))
	t.add(signedIn, post, "/roles/:name/inline", s.previewed(s.inlinePreview(rolePolicies)))
	t.confirm(signedIn, "/roles/:name/inline/delete", s.inlineDeletion(rolePolicies))

	// Identity providers (OpenID Connect).
	t.add(signedIn, get, "/identity-providers", s.identityProvidersList)
	t.add(signedIn, get, "/identity-providers/new", s.identityProviderNew)
	t.add(signedIn, post, "/identity-providers", s.identityProviderCreate)
	t.confirm(signedIn, "/identity-providers/delete", s.identityProviderDeletion())
	// Identity providers (SAML), and SAML sign-in to the console. The
	// assertion consumer service is public: a cross-site POST from the IdP
	// by design, with no session and no CSRF token; the signed assertion,
	// addressed to this console and used once, is checked instead.
	t.add(signedIn, get, "/identity-providers/saml/new", s.samlProviderNew)
	t.add(signedIn, post, "/identity-providers/saml", s.samlProviderCreate)
	t.confirm(signedIn, "/identity-providers/saml/delete", s.samlProviderDeletion())
	t.add(signedIn, post, "/identity-providers/saml/console", s.samlConsoleSave)
	t.add(public, post, "/saml/acs", s.samlACS)

	// Managed policies.
	t.add(signedIn, get, "/policies", s.policiesList)
	t.add(signedIn, get, "/policies/new", s.policyNew)
	t.add(signedIn, get, "/policies/arns", s.policyARNs)
	t.add(signedIn, get, "/policies/actions", s.policyActions)
	t.add(signedIn, post, "/policies", s.policyCreate)
	t.add(signedIn, get, "/policies/view", s.policyShow)
	t.add(signedIn, get, "/policies/diff", s.policyDiff)
	t.add(signedIn, get, "/policies/generate", s.policyGenerate)
	t.confirm(signedIn, "/policies/delete", s.policyDeletion())
	t.add(signedIn, post, "/policies/tags", s.policyTagsSave)
	t.add(signedIn, post, "/policies/versions", s.previewed(s.versionPreview()))
	t.add(signedIn, post, "/policies/versions/default", s.previewed(s.defaultVersionPreview()))
	t.confirm(signedIn, "/policies/versions/delete", s.policyVersionDeletion())
	return t
}

// routes sets up e: the server's middleware, in the order it runs, then
// the AWS query API (its own front door: SigV4, no cookies, no CSRF), then
// every page of pageRoutes in its middleware group.
func (s *Server) routes(e *echo.Echo) {
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		Generator: uuid.NewString,
		// An ID a client sends is not trusted into our logs.
		TargetHeader: echo.HeaderXRequestID,
	}))
	e.Use(s.recoverPanics)
	e.Use(s.logRequests)
	e.Use(s.metrics.middleware)
	// Every body is capped, the account import more generously than the
	// rest (its route's own limit).
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: s.cfg.BodyLimit,
		Skipper: func(c echo.Context) bool { return c.Path() == "/import" && c.Request().Method == http.MethodPost }}))
	e.Use(s.readBodies)
	e.Use(s.securityHeaders)

	if s.cfg.API != nil {
		s.cfg.API.Register(e)
	}

	// A group with middleware also answers the paths no route takes (Echo's
	// route-not-found), with the middleware of the group made last:
	// signedIn's, so a stranger on an unknown path is sent to sign in.
	page := e.Group("", s.loadSession, s.csrf)
	groups := map[group]interface {
		Add(method, path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) *echo.Route
	}{public: e, visitor: page, signedIn: page.Group("", s.requireSession, s.confine)}
	for _, r := range s.pageRoutes() {
		g := groups[r.group]
		if r.method == confirm {
			g.Add(get, r.path, s.ask(r.step), r.mw...)
			g.Add(post, r.path, s.act(r.step), r.mw...)
			continue
		}
		g.Add(r.method, r.path, r.handler, r.mw...)
	}
}

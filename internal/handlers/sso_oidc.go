package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// oidcBindingCookie binds a sign-in through an OpenID Connect provider to
// the browser that started it. SameSite=Lax: the provider's redirect back
// is a cross-site top-level GET, which Strict cookies would miss.
const oidcBindingCookie = "oidc_signin"

// oidcCallbackPath is the redirect URI registered with the provider.
const oidcCallbackPath = "/login/oidc/callback"

// oidcSignInStart sends the browser to the account's OpenID Connect
// provider (authorization code flow with PKCE, state and nonce). A GET: it
// changes nothing but a one-use row, and a page that starts it for someone
// only sends them to sign in as themselves (the state is bound to their
// browser, so no one else's code can finish it).
func (s *Server) oidcSignInStart(c echo.Context) error {
	res, err := s.svc.StartOIDCSignIn(c.Request().Context(), s.callbackURL(c), safeNext(c.QueryParam("next")), meta(c))
	if err != nil {
		return s.oidcRefused(c, err)
	}
	s.setCookie(c, oidcBindingCookie, res.Binding, time.Now().Add(iam.OIDCSignInLifetime), http.SameSiteLaxMode)
	return c.Redirect(http.StatusSeeOther, res.RedirectURL)
}

// oidcSignInCallback is where the provider sends the browser back: the
// sign-in is finished and the browser lands in its role session.
func (s *Server) oidcSignInCallback(c echo.Context) error {
	cb := iam.OIDCCallback{State: c.QueryParam("state"), Code: c.QueryParam("code"), Error: c.QueryParam("error"),
		ErrorDescription: c.QueryParam("error_description"), Binding: s.cookie(c, oidcBindingCookie)}
	s.setCookie(c, oidcBindingCookie, "", time.Time{}, http.SameSiteLaxMode) // one use, whatever happens
	res, next, err := s.svc.FinishOIDCSignIn(c.Request().Context(), cb, meta(c))
	if err != nil {
		return s.oidcRefused(c, err)
	}
	s.startSession(c, res)
	return c.Redirect(http.StatusSeeOther, safeNext(next))
}

// oidcRefused shows a refused sign-in with its reason (the operation's
// message says what to do): the generic error page would hide it.
func (s *Server) oidcRefused(c echo.Context, err error) error {
	k := iam.KindOf(err)
	if k != iam.Unauthenticated && k != iam.AccessDenied && k != iam.NotFound {
		return err
	}
	view := templates.ErrorView{Status: statusOf(k), Heading: "Sign-in refused", Message: err.(*iam.Error).Message}
	return render(c, view.Status, templates.ErrorPage(s.page(c, view.Heading, ""), view))
}

// callbackURL is the console's redirect URI as the browser reaches it.
// The provider only redirects to URIs registered with it, so a forged Host
// header gains nothing.
func (s *Server) callbackURL(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host + oidcCallbackPath
}

// consoleOIDCForm is the setting as the settings page shows it.
func (s *Server) consoleOIDCForm(c echo.Context) (templates.ConsoleOIDCForm, error) {
	ctx := c.Request().Context()
	st, err := s.svc.GetConsoleOIDC(ctx, principal(c), meta(c))
	if err != nil {
		return templates.ConsoleOIDCForm{}, err
	}
	lines := make([]string, len(st.ClaimRoles))
	for i, cr := range st.ClaimRoles {
		lines[i] = cr.Value + "=" + cr.Role
	}
	f := templates.ConsoleOIDCForm{Enabled: st.Enabled, ProviderARN: st.ProviderARN, ClientID: st.ClientID,
		HasClientSecret: st.HasClientSecret, RoleClaim: st.RoleClaim, ClaimRoles: strings.Join(lines, "\n"), DefaultRole: st.DefaultRole}
	// The choices are a help: a reader who may not list providers types the ARN.
	if ps, err := s.svc.ListOIDCProviders(ctx, principal(c), meta(c)); err == nil {
		for _, p := range ps {
			f.Providers = append(f.Providers, p.Arn)
		}
	}
	return f, nil
}

// parseClaimRoles reads "value=role" lines; the role is after the last
// "=" (claim values may hold one). A line without one is kept whole as a
// value with no role, which the operation refuses by name.
func parseClaimRoles(text string) []iam.ClaimRole {
	var out []iam.ClaimRole
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		i := strings.LastIndex(line, "=")
		if i < 0 {
			out = append(out, iam.ClaimRole{Value: line})
			continue
		}
		out = append(out, iam.ClaimRole{Value: strings.TrimSpace(line[:i]), Role: strings.TrimSpace(line[i+1:])})
	}
	return out
}

// consoleOIDCSave saves the setting; a refusal is shown beside its field.
func (s *Server) consoleOIDCSave(c echo.Context) error {
	in := iam.ConsoleOIDC{Enabled: c.FormValue("OIDCEnabled") == "true", ProviderARN: c.FormValue("OIDCProviderARN"),
		ClientID: c.FormValue("OIDCClientID"), ClientSecret: c.FormValue("OIDCClientSecret"),
		ClearClientSecret: c.FormValue("OIDCClearClientSecret") == "true", RoleClaim: c.FormValue("OIDCRoleClaim"),
		ClaimRoles: parseClaimRoles(c.FormValue("OIDCClaimRoles")), DefaultRole: c.FormValue("OIDCDefaultRole")}
	err := s.svc.PutConsoleOIDC(c.Request().Context(), principal(c), in, meta(c))
	if fe := fieldError(err); fe != nil {
		pol, perr := s.svc.GetPasswordPolicy(c.Request().Context(), principal(c))
		if perr != nil {
			return perr
		}
		f := policyForm(pol)
		f.ConsoleOIDC, perr = s.consoleOIDCForm(c)
		if perr != nil {
			return perr
		}
		f.ConsoleOIDC.Enabled, f.ConsoleOIDC.ProviderARN, f.ConsoleOIDC.ClientID = in.Enabled, in.ProviderARN, in.ClientID
		f.ConsoleOIDC.RoleClaim, f.ConsoleOIDC.ClaimRoles, f.ConsoleOIDC.DefaultRole = in.RoleClaim, c.FormValue("OIDCClaimRoles"), in.DefaultRole
		f.ConsoleOIDC.Errors = fe
		return render(c, formStatus, templates.SettingsPage(s.formPage(c, "Settings", "settings", "/settings"), f))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Sign-in through OpenID Connect saved.")
	return c.Redirect(http.StatusSeeOther, "/settings")
}

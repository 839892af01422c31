package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

func asIAMError(err error, target **iam.Error) bool { return errors.As(err, target) }

// loginShow shows the sign-in form; before setup it sends visitors to
// the setup instructions instead.
// A session confined to a forced step is shown the form too, with where it
// stands, a way on and a way out: sign-in must never loop.
func (s *Server) loginShow(c echo.Context) error {
	p := principal(c)
	if p != nil && p.NextStep() == iam.StepNone {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	f := templates.LoginForm{Next: safeNext(c.QueryParam("next")), Account: strings.TrimSpace(c.QueryParam("account"))}
	var err error
	if f.OIDCProvider, err = s.svc.ConsoleOIDCOffer(c.Request().Context()); err != nil {
		return err
	}
	if p != nil {
		f.Confined = &templates.ConfinedView{Name: p.Name, Step: stepLabel(p.NextStep()), Continue: stepPage(p.NextStep())}
	}
	return render(c, http.StatusOK, templates.LoginPage(s.page(c, "Sign in", ""), f))
}

// loginSave checks the password and opens a session.
func (s *Server) loginSave(c echo.Context) error {
	username, next := c.FormValue("username"), safeNext(c.FormValue("next"))
	m := meta(c)
	m.Account = strings.TrimSpace(c.FormValue("account"))
	res, err := s.svc.SignIn(c.Request().Context(), username, c.FormValue("password"), m)
	if k := iam.KindOf(err); err != nil && (k == iam.Unauthenticated || k == iam.Throttled) {
		f := templates.LoginForm{Username: username, Account: m.Account, Next: next, Error: err.(*iam.Error).Message}
		if f.OIDCProvider, err = s.svc.ConsoleOIDCOffer(c.Request().Context()); err != nil {
			return err
		}
		return render(c, statusOf(k), templates.LoginPage(s.page(c, "Sign in", ""), f))
	}
	if err != nil {
		return err
	}
	if res.MFAChallenge != "" {
		s.setCookie(c, mfaCookie, res.MFAChallenge, time.Now().Add(iam.MFAChallengeLifetime), http.SameSiteStrictMode)
		return c.Redirect(http.StatusSeeOther, "/login/mfa?next="+url.QueryEscape(next))
	}
	s.startSession(c, res)
	return c.Redirect(http.StatusSeeOther, next)
}

// startSession sets the new session's cookie and a fresh CSRF token: both
// change at every sign-in.
func (s *Server) startSession(c echo.Context, res *iam.SignInResult) {
	if old := principal(c); old != nil {
		// The browser's previous session ends with the new sign-in.
		_ = s.svc.SignOut(c.Request().Context(), old, meta(c))
	}
	s.useSession(c, res)
}

// useSession points the browser at a session the operation already made
// (a sign-in, or a rotation at a change of privilege).
func (s *Server) useSession(c echo.Context, res *iam.SignInResult) {
	s.setCookie(c, sessionCookie, res.Token, res.ExpiresAt, http.SameSiteLaxMode)
	c.Set(principalKey, res.Principal)
	s.rotateCSRF(c) // bound to the new session
}

// logout ends the session server-side and clears the cookie.
func (s *Server) logout(c echo.Context) error {
	if err := s.svc.SignOut(c.Request().Context(), principal(c), meta(c)); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, "", time.Time{}, http.SameSiteLaxMode)
	c.Set(principalKey, (*iam.Principal)(nil))
	s.rotateCSRF(c)
	s.flash(c, "info", "You have signed out.")
	return c.Redirect(http.StatusSeeOther, "/login")
}

func itoa(n int) string { return strconv.Itoa(n) }

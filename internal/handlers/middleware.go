package handlers

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/iam"
)

// readBodies reads a request's whole body before any handler, within
// BodyReadTimeout of the headers: a client that announces a body and never
// sends it gets a 400 at once, instead of holding a handler until the
// server's read timeout and then a 500. The body is already capped by the
// body limit; the account import, which may be large, gets ImportReadTimeout
// and is read by its handler.
func (s *Server) readBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			return next(c)
		}
		rc := http.NewResponseController(c.Response().Writer)
		if c.Path() == "/import" {
			_ = rc.SetReadDeadline(time.Now().Add(ImportReadTimeout))
			return next(c)
		}
		// Not every writer supports deadlines (tests' recorders): then the
		// server's own read timeout still applies.
		_ = rc.SetReadDeadline(time.Now().Add(s.cfg.BodyReadTimeout))
		body, err := io.ReadAll(r.Body)
		if err != nil {
			// Nothing may read the connection again (the error page reads
			// no form; the server, finding the body unread, closes): the
			// expired deadline stays.
			r.Body = http.NoBody
			var he *echo.HTTPError
			if errors.As(err, &he) {
				return he // too large
			}
			s.log.Info("request body not read", "request_id", requestID(c), "err", err)
			return echo.NewHTTPError(http.StatusBadRequest, "The request body did not arrive in time. Try again.")
		}
		_ = rc.SetReadDeadline(time.Time{})
		r.Body = io.NopCloser(bytes.NewReader(body))
		return next(c)
	}
}

// ImportReadTimeout bounds the upload of an account import (64 MB).
const ImportReadTimeout = 5 * time.Minute

// recoverPanics turns a panic into a logged 500 instead of a dropped
// connection.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "request_id", requestID(c), "err", err, "stack", string(stack))
			return err
		},
	})(next)
}

// logRequests writes one structured line per request. Values come from the
// request, so they go through slog's quoting: a newline in a path cannot
// forge a log line.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRemoteIP: true,
		LogRequestID: true, LogError: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []slog.Attr{
				slog.String("request_id", v.RequestID), slog.String("method", v.Method),
				slog.String("path", v.URIPath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("ip", v.RemoteIP),
			}
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
				if v.Error != nil {
					attrs = append(attrs, slog.String("err", v.Error.Error()))
				}
			}
			s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})(next)
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// contentSecurityPolicy allows nothing inline and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if c.Request().TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		return next(c)
	}
}

// secure reports whether cookies must be Secure with the __Host- prefix.
func (s *Server) secure(c echo.Context) bool {
	return s.cfg.SecureCookies || c.Request().TLS != nil
}

func (s *Server) cookieName(c echo.Context, base string) string {
	if s.secure(c) {
		return "__Host-" + base
	}
	return base
}

func (s *Server) setCookie(c echo.Context, base, value string, expires time.Time, sameSite http.SameSite) {
	ck := &http.Cookie{
		Name: s.cookieName(c, base), Value: value, Path: "/", HttpOnly: true,
		Secure: s.secure(c), SameSite: sameSite,
	}
	if value == "" {
		ck.MaxAge = -1
	} else if !expires.IsZero() {
		ck.Expires = expires
	}
	c.SetCookie(ck)
}

func (s *Server) cookie(c echo.Context, base string) string {
	ck, err := c.Cookie(s.cookieName(c, base))
	if err != nil {
		return ""
	}
	return ck.Value
}

const (
	csrfCookie    = "csrf"
	sessionCookie = "session"
	csrfKey       = "csrf"
	principalKey  = "principal"
)

// csrf checks the anti-forgery token on every state-changing request. The
// token is a MAC, under a key derived from the master key, of what the
// request belongs to: the session once signed in, else a random
// pre-session cookie. A cookie alone proves nothing: cookies are shared by
// every port of a host, so another site there can plant one, but it cannot
// compute the MAC for it, and a signed-in session's token depends on the
// session cookie only the console sets. (A planted pre-session cookie can
// at most sign the victim in to the planter's own account: login CSRF,
// which the Sec-Fetch-Site check below stops in every current browser.)
//
// The token is taken from the X-CSRF-Token header (scripts) or the form
// body (_csrf), never the query string, which leaks into logs, history and
// Referer headers. Requests a browser marks as coming from another site
// (cross-site) or another origin of this site (same-site: another port or
// subdomain) are refused whatever they carry. A missing or wrong token is a
// 403 before any handler runs.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := s.boundCSRF(c)
		c.Set(csrfKey, token)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		sent := c.Request().Header.Get("X-CSRF-Token")
		if sent == "" {
			sent = c.Request().PostFormValue("_csrf") // the body only
		}
		site := c.Request().Header.Get("Sec-Fetch-Site")
		if site == "cross-site" || site == "same-site" || sent == "" || !auth.TokenEqual(sent, token) {
			return echo.NewHTTPError(http.StatusForbidden, "The form has expired or did not come from this console. Reload the page and try again.")
		}
		return next(c)
	}
}

// boundCSRF is the request's anti-forgery token: bound to the session when
// there is one, else to the pre-session cookie (made here when missing).
func (s *Server) boundCSRF(c echo.Context) string {
	if p := principal(c); p != nil && p.SessionID != "" {
		return s.svc.CSRFToken("session", p.SessionID)
	}
	pre := s.cookie(c, csrfCookie)
	if len(pre) != 43 { // 32 random bytes, base64url
		pre = auth.NewToken(32)
		s.setCookie(c, csrfCookie, pre, time.Time{}, http.SameSiteStrictMode)
	}
	return s.svc.CSRFToken("pre-session", pre)
}

// rotateCSRF issues a new pre-session cookie, at sign-in and sign-out, and
// makes the request's token the one its (new, or no) session takes.
func (s *Server) rotateCSRF(c echo.Context) {
	s.setCookie(c, csrfCookie, auth.NewToken(32), time.Time{}, http.SameSiteStrictMode)
	c.Set(csrfKey, s.boundCSRF(c))
}

func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfKey).(string)
	return t
}

// loadSession resolves the session cookie, if any, to its principal.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if tok := s.cookie(c, sessionCookie); tok != "" {
			p, err := s.svc.Authenticate(c.Request().Context(), tok)
			switch {
			case err == nil:
				c.Set(principalKey, p)
			case iam.KindOf(err) == iam.Unauthenticated:
				s.setCookie(c, sessionCookie, "", time.Time{}, http.SameSiteLaxMode)
			default:
				return err
			}
		}
		return next(c)
	}
}

func principal(c echo.Context) *iam.Principal {
	p, _ := c.Get(principalKey).(*iam.Principal)
	return p
}

// requireSession sends anonymous visitors to sign in, remembering where
// they were going.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if principal(c) == nil {
			target := "/login"
			if c.Request().Method == http.MethodGet && c.Request().URL.Path != "/" {
				target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
			}
			return c.Redirect(http.StatusSeeOther, target)
		}
		return next(c)
	}
}

// safeNext returns next if it is a path on this site, else "/". Anything
// that a browser could read as another origin ("//evil", "/\evil",
// "https://evil", "javascript:") lands on the dashboard.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || len(next) > 2048 {
		return "/"
	}
	if strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

// meta is what the operations learn about the request: with the
// federated identity of a session opened through an identity provider,
// which the audit log records for everything the session does.
func meta(c echo.Context) iam.Meta {
	m := iam.Meta{
		SourceIP:  c.RealIP(),
		UserAgent: c.Request().UserAgent(),
		RequestID: requestID(c),
		Secure:    c.Request().TLS != nil,
		Source:    "console",
	}
	if p := principal(c); p != nil && p.SessionID != "" && p.Session != nil && p.Session.FederatedProvider != "" {
		m.FederatedProvider, m.FederatedSubject = p.Session.FederatedProvider, p.Session.FederatedSubject
	}
	return m
}

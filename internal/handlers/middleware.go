package handlers

import (
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

// csrf checks the double-submit token on every state-changing request: the
// form field _csrf (or the X-CSRF-Token header, for scripts) must equal the
// csrf cookie. A missing or wrong token is a 403 before any handler runs.
// Cross-site requests (Sec-Fetch-Site) are refused whatever they carry.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := s.cookie(c, csrfCookie)
		if len(token) != 43 { // 32 random bytes, base64url
			token = auth.NewToken(32)
			s.setCookie(c, csrfCookie, token, time.Time{}, http.SameSiteStrictMode)
		}
		c.Set(csrfKey, token)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		sent := c.Request().Header.Get("X-CSRF-Token")
		if sent == "" {
			sent = c.FormValue("_csrf")
		}
		if c.Request().Header.Get("Sec-Fetch-Site") == "cross-site" || sent == "" || !auth.TokenEqual(sent, token) {
			return echo.NewHTTPError(http.StatusForbidden, "The form has expired or did not come from this console. Reload the page and try again.")
		}
		return next(c)
	}
}

// rotateCSRF issues a new anti-forgery token, at sign-in and sign-out.
func (s *Server) rotateCSRF(c echo.Context) {
	token := auth.NewToken(32)
	s.setCookie(c, csrfCookie, token, time.Time{}, http.SameSiteStrictMode)
	c.Set(csrfKey, token)
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

// meta is what the operations learn about the request.
func meta(c echo.Context) iam.Meta {
	return iam.Meta{
		SourceIP:  c.RealIP(),
		UserAgent: c.Request().UserAgent(),
		RequestID: requestID(c),
		Secure:    c.Request().TLS != nil,
		Source:    "console",
	}
}

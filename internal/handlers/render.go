package handlers

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// render writes a templ component with status. It renders into a buffer
// first: a template error becomes a clean 500, never half a page with 200.
func render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// formStatus is the status of a form shown again with its errors, on
// every console page: 422, the input was understood and refused. The page
// also carries the form's own address (Page.ReloadAs), so that a reload
// asks for the form again rather than posting it twice.
const formStatus = http.StatusUnprocessableEntity

// formPage is the layout's view for a form shown again with its errors;
// reloadAs is the form's own address.
func (s *Server) formPage(c echo.Context, title, active, reloadAs string) templates.Page {
	p := s.page(c, title, active)
	p.ReloadAs = reloadAs
	return p
}

// page builds the layout's view for the current request.
func (s *Server) page(c echo.Context, title, active string) templates.Page {
	p := templates.Page{Title: title, CSRF: csrfToken(c), Active: active, Flashes: s.takeFlashes(c)}
	if pr := principal(c); pr != nil {
		p.Principal = principalView(pr)
		p.Principal.AccountAlias = s.svc.AccountAlias(c.Request().Context(), pr.AccountID)
		// A confined session sees only its step: no links that bounce.
		p.Confined = pr.NextStep() != iam.StepNone
	}
	return p
}

func principalView(p *iam.Principal) *templates.PrincipalView {
	v := &templates.PrincipalView{Name: p.Name, ARN: p.ARN, Type: p.Type, AccountID: p.AccountID,
		CanSwitchRole: iam.SwitchRoleRefusal(p) == nil}
	if p.Session != nil && p.Session.FederatedProvider != "" && p.SessionID != "" {
		v.FederatedProvider, v.FederatedProviderARN = providerName(p.Session.FederatedProvider), p.Session.FederatedProvider
		v.FederatedSubject = p.Session.FederatedSubject
	}
	return v
}

// flash leaves a one-time message for the next page (after a redirect).
// Only the kind and text travel, and templates escape them like any value.
func (s *Server) flash(c echo.Context, kind, text string) {
	v := base64.RawURLEncoding.EncodeToString([]byte(kind + "\x00" + text))
	s.setCookie(c, "flash", v, time.Now().Add(time.Minute), http.SameSiteLaxMode)
}

func (s *Server) takeFlashes(c echo.Context) []templates.Flash {
	v := s.cookie(c, "flash")
	if v == "" {
		return nil
	}
	s.setCookie(c, "flash", "", time.Time{}, http.SameSiteLaxMode)
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil
	}
	kind, text, ok := bytes.Cut(raw, []byte{0})
	if !ok {
		return nil
	}
	switch k := string(kind); k {
	case "success", "error", "warning", "info":
		return []templates.Flash{{Kind: k, Text: string(text)}}
	}
	return nil
}

// providerName is an identity provider's name as the banner says it: an
// OpenID Connect provider's host and path, a SAML provider's name.
func providerName(arn string) string {
	for _, kind := range []string{":oidc-provider/", ":saml-provider/"} {
		if _, name, ok := strings.Cut(arn, kind); ok {
			return name
		}
	}
	return arn
}

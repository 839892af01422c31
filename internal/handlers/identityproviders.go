package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// identityProvidersList shows the account's OpenID Connect and SAML
// providers.
func (s *Server) identityProvidersList(c echo.Context) error {
	return s.identityProvidersPage(c, http.StatusOK, nil)
}

// identityProvidersPage renders the list with status; edit, when set,
// puts a SAML form's input and errors back (identityproviders_saml.go).
func (s *Server) identityProvidersPage(c echo.Context, status int, edit func(*templates.SAMLProvidersView)) error {
	ps, err := s.svc.ListOIDCProviders(c.Request().Context(), principal(c), meta(c))
	if err != nil {
		return err
	}
	v := templates.IdentityProvidersView{CanCreate: s.can(c, iam.OpCreate, accountARN(c, "oidc-provider/*"))}
	if v.SAML, err = s.samlProvidersView(c); err != nil {
		return err
	}
	if edit != nil {
		edit(&v.SAML)
	}
	for _, p := range ps {
		r := templates.IdentityProviderRow{URL: p.Url, ARN: p.Arn, Type: "OpenID Connect", ClientIDs: strings.Join(p.ClientIDList, ", "),
			Created: when(p.CreateDate)}
		if s.can(c, iam.OpDelete, p.Arn) {
			r.DeleteHref = "/identity-providers/delete?arn=" + url.QueryEscape(p.Arn)
		}
		v.Rows = append(v.Rows, r)
	}
	page := s.page(c, "Identity providers", "identity-providers")
	if status != http.StatusOK {
		page = s.formPage(c, "Identity providers", "identity-providers", "/identity-providers")
	}
	return render(c, status, templates.IdentityProvidersPage(page, v))
}

// identityProviderNew shows the add-provider form.
func (s *Server) identityProviderNew(c echo.Context) error {
	return render(c, http.StatusOK, templates.IdentityProviderNewPage(s.page(c, "Add identity provider", "identity-providers"), templates.IdentityProviderForm{}))
}

// identityProviderCreate adds an OpenID Connect provider.
func (s *Server) identityProviderCreate(c echo.Context) error {
	f := templates.IdentityProviderForm{Url: strings.TrimSpace(c.FormValue("Url")), ClientIDs: c.FormValue("ClientIDList"), Thumbprints: c.FormValue("ThumbprintList")}
	p, err := s.svc.CreateOIDCProvider(c.Request().Context(), principal(c), iam.CreateOIDCProviderInput{Url: f.Url,
		ClientIDList: lines(f.ClientIDs), ThumbprintList: lines(f.Thumbprints)}, meta(c))
	if fe := formErrors(err, "Url", iam.AlreadyExists, iam.LimitExceeded); fe != nil {
		f.Errors = placed(fe, "Url", "ClientIDList", "ThumbprintList")
		return render(c, formStatus, templates.IdentityProviderNewPage(s.formPage(c, "Add identity provider", "identity-providers", "/identity-providers/new"), f))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Identity provider "+p.Url+" was added.")
	return c.Redirect(http.StatusSeeOther, "/identity-providers")
}

// providerURLOf is the provider's URL as its ARN names it: what deleting
// it asks to be typed back.
func providerURLOf(arn string) string {
	if _, rest, ok := strings.Cut(arn, ":oidc-provider/"); ok {
		return rest
	}
	return ""
}

// identityProviderDeletion is deleting a provider: whoever it vouches for
// can no longer assume any role, so its URL is typed back.
func (s *Server) identityProviderDeletion() destructive {
	return destructive{do: s.identityProviderDelete,
		typed: func(c echo.Context) string { return providerURLOf(c.FormValue("arn")) },
		step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
			p, err := s.svc.GetOIDCProvider(c.Request().Context(), principal(c), c.FormValue("arn"), meta(c))
			if err != nil {
				return templates.Page{}, templates.ConfirmView{}, err
			}
			v := templates.ConfirmView{Heading: "Delete identity provider " + p.Url + "?",
				Consequences: []string{"Tokens of this provider are refused from now on: nobody it vouches for can assume a role through it.",
					"Roles that trust it keep their trust policies; a provider added again with the same URL is trusted by them again.",
					"Sessions already issued last until they expire."},
				Action: "/identity-providers/delete", Fields: []templates.HiddenField{{Name: "arn", Value: p.Arn}},
				Button: "Delete provider", Cancel: "/identity-providers"}
			return s.confirmPage(c, "Delete "+p.Url, "identity-providers", "Identity providers", "/identity-providers", p.Url, "/identity-providers"), v, nil
		}}
}

// identityProviderDelete deletes a provider.
func (s *Server) identityProviderDelete(c echo.Context) error {
	arn := c.FormValue("arn")
	if err := s.svc.DeleteOIDCProvider(c.Request().Context(), principal(c), arn, meta(c)); err != nil {
		return err
	}
	s.flash(c, "success", "Identity provider "+providerURLOf(arn)+" was deleted.")
	return c.Redirect(http.StatusSeeOther, "/identity-providers")
}

package handlers

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// samlProvidersView is the SAML half of the identity providers page: the
// providers, and the console sign-in setting for whoever may change it.
func (s *Server) samlProvidersView(c echo.Context) (templates.SAMLProvidersView, error) {
	ctx, p := c.Request().Context(), principal(c)
	ps, err := s.svc.ListSAMLProviders(ctx, p, meta(c))
	if iam.KindOf(err) == iam.AccessDenied {
		// Whoever may list the OpenID Connect providers still sees them.
		return templates.SAMLProvidersView{Denied: true}, nil
	}
	if err != nil {
		return templates.SAMLProvidersView{}, err
	}
	console, err := s.svc.GetSAMLConsoleSignIn(ctx, p, meta(c))
	if err != nil {
		return templates.SAMLProvidersView{}, err
	}
	v := templates.SAMLProvidersView{CanCreate: s.can(c, iam.OpCreate, accountARN(c, "saml-provider/*")),
		Console: templates.SAMLConsoleForm{Provider: console.ProviderArn, ACSURL: console.ACSURL}}
	if v.Console.ACSURL == "" {
		v.Console.ACSURL = s.ownACSURL(c)
	}
	now := time.Now()
	for _, sp := range ps {
		r := templates.SAMLProviderRow{Name: samlProviderNameOf(sp.Arn), ARN: sp.Arn, EntityID: sp.EntityID, CertExpiry: when(sp.SigningCertExpiry),
			CertExpired: !sp.SigningCertExpiry.IsZero() && !now.Before(sp.SigningCertExpiry),
			ValidUntil:  when(sp.ValidUntil), Created: when(sp.CreateDate), ConsoleSignIn: sp.Arn == console.ProviderArn}
		if s.can(c, iam.OpDelete, sp.Arn) {
			r.DeleteHref = "/identity-providers/saml/delete?arn=" + url.QueryEscape(sp.Arn)
		}
		v.Rows = append(v.Rows, r)
		if s.can(c, iam.OpUpdate, sp.Arn) {
			v.Console.CanChange = true
			v.Console.Providers = append(v.Console.Providers, sp.Arn)
		}
	}
	return v, nil
}

// ownACSURL is the console's assertion consumer URL as this request
// reaches it: only a suggestion for the form, never what assertions are
// checked against (that is the saved setting: a Host header is the
// client's to choose).
func (s *Server) ownACSURL(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host + "/saml/acs"
}

// samlProviderNameOf is the provider's name as its ARN ends.
func samlProviderNameOf(arn string) string {
	if _, name, ok := strings.Cut(arn, ":saml-provider/"); ok {
		return name
	}
	return ""
}

// samlProviderNew shows the add-SAML-provider form.
func (s *Server) samlProviderNew(c echo.Context) error {
	return render(c, http.StatusOK, templates.SAMLProviderNewPage(s.page(c, "Add SAML provider", "identity-providers"), templates.SAMLProviderForm{}))
}

// maxMetadataUpload bounds an uploaded metadata file; the request's own
// body limit is the tighter bound in practice.
const maxMetadataUpload = 10 << 20

// samlProviderCreate adds a SAML provider from metadata uploaded as a file
// or pasted.
func (s *Server) samlProviderCreate(c echo.Context) error {
	f := templates.SAMLProviderForm{Name: strings.TrimSpace(c.FormValue("Name")), Metadata: c.FormValue("SAMLMetadataDocument")}
	if fh, err := c.FormFile("MetadataFile"); err == nil {
		file, err := fh.Open()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(io.LimitReader(file, maxMetadataUpload))
		file.Close()
		if err != nil {
			return err
		}
		if len(b) > 0 {
			f.Metadata = string(b)
		}
	}
	p, err := s.svc.CreateSAMLProvider(c.Request().Context(), principal(c), iam.CreateSAMLProviderInput{Name: f.Name, SAMLMetadataDocument: f.Metadata}, meta(c))
	if fe := formErrors(err, "SAMLMetadataDocument", iam.AlreadyExists, iam.LimitExceeded); fe != nil {
		f.Errors = placed(fe, "Name", "SAMLMetadataDocument")
		return render(c, formStatus, templates.SAMLProviderNewPage(s.formPage(c, "Add SAML provider", "identity-providers", "/identity-providers/saml/new"), f))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "SAML provider "+samlProviderNameOf(p.Arn)+" was added.")
	return c.Redirect(http.StatusSeeOther, "/identity-providers")
}

// samlProviderDeletion is deleting a SAML provider: whoever it vouches for
// can no longer assume any role or sign in through it, so its name is
// typed back.
func (s *Server) samlProviderDeletion() destructive {
	return destructive{do: s.samlProviderDelete,
		typed: func(c echo.Context) string { return samlProviderNameOf(c.FormValue("arn")) },
		step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
			p, err := s.svc.GetSAMLProvider(c.Request().Context(), principal(c), c.FormValue("arn"), meta(c))
			if err != nil {
				return templates.Page{}, templates.ConfirmView{}, err
			}
			name := samlProviderNameOf(p.Arn)
			v := templates.ConfirmView{Heading: "Delete SAML provider " + name + "?",
				Consequences: []string{"Its assertions are refused from now on: nobody it vouches for can assume a role or sign in to the console through it.",
					"Roles that trust it keep their trust policies; a provider added again with the same name is trusted by them again.",
					"Sessions already issued last until they expire."},
				Action: "/identity-providers/saml/delete", Fields: []templates.HiddenField{{Name: "arn", Value: p.Arn}},
				Button: "Delete provider", Cancel: "/identity-providers"}
			return s.confirmPage(c, "Delete "+name, "identity-providers", "Identity providers", "/identity-providers", name, "/identity-providers"), v, nil
		}}
}

// samlProviderDelete deletes a SAML provider.
func (s *Server) samlProviderDelete(c echo.Context) error {
	arn := c.FormValue("arn")
	if err := s.svc.DeleteSAMLProvider(c.Request().Context(), principal(c), arn, meta(c)); err != nil {
		return err
	}
	s.flash(c, "success", "SAML provider "+samlProviderNameOf(arn)+" was deleted.")
	return c.Redirect(http.StatusSeeOther, "/identity-providers")
}

// samlConsoleSave saves the account's SAML console sign-in setting.
func (s *Server) samlConsoleSave(c echo.Context) error {
	in := iam.SAMLConsoleSignIn{ProviderArn: c.FormValue("SAMLProviderArn"), ACSURL: c.FormValue("ACSURL")}
	err := s.svc.SetSAMLConsoleSignIn(c.Request().Context(), principal(c), in, meta(c))
	if fe := formErrors(err, "_form"); fe != nil {
		return s.identityProvidersPage(c, formStatus, func(v *templates.SAMLProvidersView) {
			v.Console.Provider, v.Console.ACSURL, v.Console.Errors = in.ProviderArn, in.ACSURL, placed(fe, "ACSURL")
		})
	}
	if err != nil {
		return err
	}
	if in.ProviderArn == "" {
		s.flash(c, "success", "Console sign-in with SAML is off.")
	} else {
		s.flash(c, "success", "People "+samlProviderNameOf(in.ProviderArn)+" vouches for may now sign in to the console at "+in.ACSURL+".")
	}
	return c.Redirect(http.StatusSeeOther, "/identity-providers")
}

// samlACS is the console's SAML assertion consumer service: an identity
// provider's response, posted by the person's browser from the IdP's site
// (so, as AWS's sign-in endpoint, it is exempt from the CSRF check: the
// signed assertion, addressed to this console and used once, is the
// proof). One role: straight into the console as that role; several: the
// page to choose, which posts the same response back with the role.
func (s *Server) samlACS(c echo.Context) error {
	in := iam.SAMLSignInInput{SAMLResponse: c.FormValue("SAMLResponse"), Role: strings.TrimSpace(c.FormValue("roleIndex"))}
	res, err := s.svc.SignInWithSAML(c.Request().Context(), in, meta(c))
	if err != nil {
		return err
	}
	if res.Session == nil {
		v := templates.SAMLRoleChoiceView{Subject: res.Subject, SAMLResponse: in.SAMLResponse}
		for _, ch := range res.Choices {
			v.Roles = append(v.Roles, ch.RoleArn)
		}
		return render(c, http.StatusOK, templates.SAMLRoleChoicePage(s.page(c, "Select a role", ""), v))
	}
	// A browser signed in here before keeps no other session to go back
	// to: the federated session replaces it.
	s.setCookie(c, baseSessionCookie, "", time.Time{}, http.SameSiteLaxMode)
	s.useSession(c, res.Session)
	return c.Redirect(http.StatusSeeOther, "/")
}

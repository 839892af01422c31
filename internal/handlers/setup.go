package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// setupShow shows the root setup form while no root exists; afterwards the
// page is dead and sends visitors to sign in.
func (s *Server) setupShow(c echo.Context) error {
	done, err := s.svc.SetupDone(c.Request().Context())
	if err != nil {
		return err
	}
	if done {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	f := templates.SetupForm{Token: c.QueryParam("token")}
	if f.Token == "" {
		f.Errors = templates.FieldErrors{"token": "Open the setup link printed when the console started: it carries a one-time token."}
	}
	return render(c, http.StatusOK, templates.SetupPage(s.page(c, "Set up", ""), f))
}

// setupSave creates root and signs it in.
func (s *Server) setupSave(c echo.Context) error {
	in := iam.SetupInput{
		Token: c.FormValue("token"), Email: c.FormValue("email"), Password: c.FormValue("password"),
		AccountID: strings.TrimSpace(c.FormValue("AccountId")), CheckToken: true, OpenSession: true,
	}
	if fe := confirmMismatch(c, "password", "password_confirm"); fe != nil {
		f := templates.SetupForm{Token: in.Token, Email: in.Email, AccountID: in.AccountID, Errors: fe}
		return render(c, formStatus, templates.SetupPage(s.formPage(c, "Set up", "", "/setup?token="+url.QueryEscape(in.Token)), f))
	}
	res, err := s.svc.Setup(c.Request().Context(), in, meta(c))
	if err == iam.ErrSetupDone { // audited by Setup
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	if fe := fieldError(err); fe != nil {
		f := templates.SetupForm{Token: in.Token, Email: in.Email, AccountID: in.AccountID, Errors: fe}
		return render(c, formStatus, templates.SetupPage(s.formPage(c, "Set up", "", "/setup?token="+url.QueryEscape(in.Token)), f))
	}
	if err != nil {
		return err
	}
	s.startSession(c, res.Session)
	s.flash(c, "success", "Root user created. Now protect it with an authenticator app.")
	return c.Redirect(http.StatusSeeOther, "/mfa/enroll")
}

// confirmMismatch checks a new password against its confirmation field.
// A client that sends no confirmation (a script, an older form) is not
// asked for one; the console's forms always send it.
func confirmMismatch(c echo.Context, field, confirm string) templates.FieldErrors {
	form, err := c.FormParams()
	if err != nil || !form.Has(confirm) || form.Get(confirm) == form.Get(field) {
		return nil
	}
	return templates.FieldErrors{confirm: "The two passwords do not match. Type the same password twice."}
}

// fieldError turns a validation error into a form's field errors.
func fieldError(err error) templates.FieldErrors {
	var e *iam.Error
	if !asIAMError(err, &e) || e.Kind != iam.Invalid {
		return nil
	}
	field := e.Field
	if field == "" {
		field = "_form"
	}
	return templates.FieldErrors{field: e.Message}
}

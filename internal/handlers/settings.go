package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

func policyForm(p iam.PasswordPolicy) templates.PasswordPolicyForm {
	return templates.PasswordPolicyForm{MinimumPasswordLength: p.MinimumPasswordLength, RequireSymbols: p.RequireSymbols,
		RequireNumbers: p.RequireNumbers, RequireUppercaseCharacters: p.RequireUppercaseCharacters,
		RequireLowercaseCharacters: p.RequireLowercaseCharacters, AllowUsersToChangePassword: p.AllowUsersToChangePassword,
		MaxPasswordAge: p.MaxPasswordAge, PasswordReusePrevention: p.PasswordReusePrevention, HardExpiry: p.HardExpiry, Default: p.Default}
}

// settingsShow shows the account settings: the password policy.
func (s *Server) settingsShow(c echo.Context) error {
	pol, err := s.svc.GetPasswordPolicy(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	st, err := s.svc.GetAccountSettings(c.Request().Context(), principal(c), meta(c))
	if err != nil {
		return err
	}
	f := policyForm(pol)
	f.AllowUsersWithoutMFA = st.AllowUsersWithoutMFA
	g, err := s.svc.GetGuardrails(c.Request().Context(), principal(c), meta(c))
	if err != nil {
		return err
	}
	f.Guardrails = guardrailsForm(g)
	if f.ConsoleOIDC, err = s.consoleOIDCForm(c); err != nil {
		return err
	}
	if f.UnusedAccessDays, err = s.svc.UnusedAccessDays(c.Request().Context(), principal(c), meta(c)); err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.SettingsPage(s.page(c, "Settings", "settings"), f))
}

// unusedAccessSave sets the window of the unused-access findings.
func (s *Server) unusedAccessSave(c echo.Context) error {
	days, err := strconv.Atoi(strings.TrimSpace(c.FormValue("UnusedAccessDays")))
	if err != nil {
		days = -1 // out of range: the operation says why
	}
	err = s.svc.SetUnusedAccessDays(c.Request().Context(), principal(c), days, meta(c))
	if iam.KindOf(err) == iam.Invalid {
		s.flash(c, "error", err.(*iam.Error).Message)
		return c.Redirect(http.StatusSeeOther, "/settings")
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Unused access window saved.")
	return c.Redirect(http.StatusSeeOther, "/settings")
}

func guardrailsForm(g iam.Guardrails) templates.GuardrailsForm {
	return templates.GuardrailsForm{AdminGroup: g.AdminGroup, TrustNeedsCondition: g.TrustNeedsCondition,
		NeverOnStar: strings.Join(g.NeverOnStar, "\n"), Override: iam.OverrideGuardrailAction}
}

// guardrailsSave sets the account's guardrails.
func (s *Server) guardrailsSave(c echo.Context) error {
	g := iam.Guardrails{AdminGroup: strings.TrimSpace(c.FormValue("AdminGroup")), TrustNeedsCondition: c.FormValue("TrustNeedsCondition") == "true",
		NeverOnStar: strings.Fields(c.FormValue("NeverOnStar"))}
	err := s.svc.PutGuardrails(c.Request().Context(), principal(c), g, meta(c))
	if fe := formErrors(err, "AdminGroup"); fe != nil {
		pol, perr := s.svc.GetPasswordPolicy(c.Request().Context(), principal(c))
		if perr != nil {
			return perr
		}
		f := policyForm(pol)
		f.Guardrails = guardrailsForm(g)
		f.Guardrails.NeverOnStar = c.FormValue("NeverOnStar")
		f.Guardrails.Errors = fe
		return render(c, formStatus, templates.SettingsPage(s.formPage(c, "Settings", "settings", "/settings"), f))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Guardrails saved.")
	return c.Redirect(http.StatusSeeOther, "/settings")
}

// accountSettingsSave saves the console's account settings.
func (s *Server) accountSettingsSave(c echo.Context) error {
	in := iam.AccountSettings{AllowUsersWithoutMFA: c.FormValue("AllowUsersWithoutMFA") == "true"}
	if err := s.svc.UpdateAccountSettings(c.Request().Context(), principal(c), in, meta(c)); err != nil {
		return err
	}
	s.flash(c, "success", "Settings saved.")
	return c.Redirect(http.StatusSeeOther, "/settings")
}

// passwordPolicySave sets the password policy.
func (s *Server) passwordPolicySave(c echo.Context) error {
	num := func(name string) int {
		n, err := strconv.Atoi(c.FormValue(name))
		if err != nil {
			return -1 // out of range: Validate names the field
		}
		return n
	}
	pol := iam.PasswordPolicy{
		MinimumPasswordLength: num("MinimumPasswordLength"), RequireSymbols: c.FormValue("RequireSymbols") == "true",
		RequireNumbers: c.FormValue("RequireNumbers") == "true", RequireUppercaseCharacters: c.FormValue("RequireUppercaseCharacters") == "true",
		RequireLowercaseCharacters: c.FormValue("RequireLowercaseCharacters") == "true",
		AllowUsersToChangePassword: c.FormValue("AllowUsersToChangePassword") == "true",
		MaxPasswordAge:             num("MaxPasswordAge"), PasswordReusePrevention: num("PasswordReusePrevention"),
		HardExpiry: c.FormValue("HardExpiry") == "true",
	}
	err := s.svc.UpdatePasswordPolicy(c.Request().Context(), principal(c), pol, meta(c))
	if fe := fieldError(err); fe != nil {
		f := policyForm(pol)
		f.Errors = fe
		return render(c, formStatus, templates.SettingsPage(s.formPage(c, "Settings", "settings", "/settings"), f))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "The password policy was saved.")
	return c.Redirect(http.StatusSeeOther, "/settings")
}

// passwordPolicyDelete removes the password policy.
func (s *Server) passwordPolicyDelete(c echo.Context) error {
	err := s.svc.DeletePasswordPolicy(c.Request().Context(), principal(c), meta(c))
	if err != nil && iam.KindOf(err) != iam.NotFound {
		return err
	}
	s.flash(c, "success", "The password policy was deleted: the defaults apply.")
	return c.Redirect(http.StatusSeeOther, "/settings")
}

// passwordShow shows the change-password form.
func (s *Server) passwordShow(c echo.Context) error {
	return s.passwordPage(c, http.StatusOK, nil)
}

// passwordPage shows the change-password form with the rules to meet.
func (s *Server) passwordPage(c echo.Context, status int, errs templates.FieldErrors) error {
	rules, err := s.svc.MyPasswordRules(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	f := templates.ChangePasswordForm{Forced: principal(c).MustChangePassword, Rules: rules.Describe(), Errors: errs}
	return render(c, status, templates.ChangePasswordPage(s.page(c, "Change password", ""), f))
}

// passwordSave changes the caller's password.
func (s *Server) passwordSave(c echo.Context) error {
	if fe := confirmMismatch(c, "new_password", "new_password_confirm"); fe != nil {
		return s.passwordPage(c, http.StatusBadRequest, fe)
	}
	forced := principal(c).NextStep() == iam.StepChangePassword
	res, err := s.svc.ChangeMyPassword(c.Request().Context(), principal(c), c.FormValue("old_password"), c.FormValue("new_password"), meta(c))
	if fe := fieldError(err); fe != nil {
		return s.passwordPage(c, http.StatusBadRequest, fe)
	}
	if err != nil {
		return err
	}
	if res != nil {
		s.useSession(c, res)
	}
	if forced {
		// On to the next forced step, if any, else the console.
		s.flash(c, "success", "Your password was changed.")
		return c.Redirect(http.StatusSeeOther, "/")
	}
	s.flash(c, "success", "Your password was changed. Your other sessions have ended.")
	return c.Redirect(http.StatusSeeOther, "/security")
}

package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

const mfaCookie = "mfa"

// mfaShow shows the code step of a sign-in.
func (s *Server) mfaShow(c echo.Context) error {
	if s.cookie(c, mfaCookie) == "" {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	f := templates.MFAForm{Next: safeNext(c.QueryParam("next"))}
	return render(c, http.StatusOK, templates.MFAPage(s.page(c, "Multi-factor authentication", ""), f))
}

// mfaSave checks the code and opens the session.
func (s *Server) mfaSave(c echo.Context) error {
	next := safeNext(c.FormValue("next"))
	res, err := s.svc.VerifyMFA(c.Request().Context(), s.cookie(c, mfaCookie), c.FormValue("code"), meta(c))
	switch {
	case err == iam.ErrMFAExpired:
		s.setCookie(c, mfaCookie, "", time.Time{}, http.SameSiteStrictMode)
		s.flash(c, "error", iam.ErrMFAExpired.Message)
		return c.Redirect(http.StatusSeeOther, "/login")
	case iam.KindOf(err) == iam.Unauthenticated || iam.KindOf(err) == iam.Throttled:
		f := templates.MFAForm{Next: next, Error: err.(*iam.Error).Message}
		return render(c, statusOf(iam.KindOf(err)), templates.MFAPage(s.page(c, "Multi-factor authentication", ""), f))
	case err != nil:
		return err
	}
	s.setCookie(c, mfaCookie, "", time.Time{}, http.SameSiteStrictMode)
	s.startSession(c, res)
	if res.RecoveryCodesLeft >= 0 {
		s.flash(c, "warning", "You signed in with a recovery code. "+plural(res.RecoveryCodesLeft, "recovery code")+
			" left: generate new ones on My security credentials.")
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// loginCancel abandons the code step.
func (s *Server) loginCancel(c echo.Context) error {
	s.setCookie(c, mfaCookie, "", time.Time{}, http.SameSiteStrictMode)
	return c.Redirect(http.StatusSeeOther, "/login")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return itoa(n) + " " + what + "s"
}

// confine keeps a session that owes a forced step (iam.ForcedStep: a
// password change, then an MFA enrollment) to the routes that settle it;
// every other page sends it to that step's page. Signing out and the
// sign-in page (which offers both ways) stay open, so no state can loop.
// Completing a step rotates the session and the next request is confined
// to the next step, or to nothing.
func (s *Server) confine(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		step := principal(c).NextStep()
		if step == iam.StepNone || c.Path() == "/logout" || slices.Contains(stepRoutes[step], c.Path()) {
			return next(c)
		}
		return c.Redirect(http.StatusSeeOther, stepPage(step))
	}
}

// stepRoutes are the routes each forced step may use.
var stepRoutes = map[iam.ForcedStep][]string{
	iam.StepChangePassword: {"/security/password"},
	iam.StepEnrollMFA:      {"/mfa/enroll", "/mfa/enroll/confirm"},
}

// stepPage is where a forced step is done.
func stepPage(step iam.ForcedStep) string {
	if step == iam.StepChangePassword {
		return "/security/password"
	}
	return "/mfa/enroll"
}

// stepLabel says what a forced step asks, for the sign-in page.
func stepLabel(step iam.ForcedStep) string {
	if step == iam.StepChangePassword {
		return "set a new password"
	}
	return "set up an MFA device"
}

// enrollShow shows the enrollment in progress, or the form to start one.
func (s *Server) enrollShow(c echo.Context) error {
	p := principal(c)
	e, err := s.svc.PendingEnrollment(c.Request().Context(), p)
	if iam.KindOf(err) == iam.NotFound {
		return render(c, http.StatusOK, templates.EnrollStartPage(s.page(c, "Set up MFA", ""), s.enrollForm(p, "", nil)))
	}
	if err != nil {
		return err
	}
	v := templates.EnrollQRView{Name: e.Name, Serial: e.Serial, Secret: e.Secret, QRDataURL: e.QRDataURL}
	return render(c, http.StatusOK, templates.EnrollQRPage(s.page(c, "Set up MFA", ""), v))
}

// enrollForm is the start form's state: a forced IAM user's device is
// named after it (what its session grant covers); the password is asked
// only when the sign-in is not fresh.
func (s *Server) enrollForm(p *iam.Principal, name string, errs templates.FieldErrors) templates.EnrollStartForm {
	f := templates.EnrollStartForm{Name: name, Forced: p.MustEnrollMFA, Root: p.IsRoot(),
		AskPassword: s.svc.NeedsReauthentication(p), Errors: errs}
	switch {
	case f.Forced && !f.Root:
		f.Name, f.FixedName = iam.MFADeviceNameFor(p), true
	case f.Name == "":
		f.Name = "authenticator"
	}
	return f
}

// enrollStart checks the password and begins an enrollment.
func (s *Server) enrollStart(c echo.Context) error {
	p := principal(c)
	name := c.FormValue("name")
	if p.MustEnrollMFA && !p.IsRoot() {
		name = iam.MFADeviceNameFor(p)
	}
	_, err := s.svc.StartEnrollment(c.Request().Context(), p, name, c.FormValue("password"), meta(c))
	if fe := fieldError(err); fe != nil {
		return render(c, formStatus, templates.EnrollStartPage(s.formPage(c, "Set up MFA", "", "/mfa/enroll"), s.enrollForm(p, name, fe)))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/mfa/enroll")
}

// enrollConfirm checks the two codes, makes the device and shows the
// recovery codes once.
func (s *Server) enrollConfirm(c echo.Context) error {
	res, err := s.svc.ConfirmEnrollment(c.Request().Context(), principal(c), c.FormValue("code1"), c.FormValue("code2"), meta(c))
	if fe := fieldError(err); fe != nil {
		// A wrong pair ends the enrollment: start again with a new secret.
		s.flash(c, "error", fe["code1"])
		return c.Redirect(http.StatusSeeOther, "/mfa/enroll")
	}
	if iam.KindOf(err) == iam.NotFound {
		s.flash(c, "error", err.(*iam.Error).Message)
		return c.Redirect(http.StatusSeeOther, "/mfa/enroll")
	}
	if err != nil {
		return err
	}
	if res.Session != nil {
		s.useSession(c, res.Session)
	}
	return s.showRecoveryCodes(c, res.RecoveryCodes)
}

func (s *Server) showRecoveryCodes(c echo.Context, codes []string) error {
	v := templates.RecoveryCodesView{Codes: codes,
		DownloadURL: "data:text/plain;charset=utf-8," + url.PathEscape(strings.Join(codes, "\r\n")+"\r\n")}
	return render(c, http.StatusOK, templates.RecoveryCodesPage(s.page(c, "Recovery codes", ""), v))
}

// recoveryRegenerate replaces the caller's recovery codes.
func (s *Server) recoveryRegenerate(c echo.Context) error {
	codes, err := s.svc.RegenerateRecoveryCodes(c.Request().Context(), principal(c), c.FormValue("password"), meta(c))
	if fe := fieldError(err); fe != nil {
		for _, msg := range fe {
			s.flash(c, "error", msg)
		}
		return c.Redirect(http.StatusSeeOther, "/security")
	}
	if err != nil {
		return err
	}
	return s.showRecoveryCodes(c, codes)
}

// deviceDelete removes one of the caller's MFA devices.
func (s *Server) deviceDelete(c echo.Context) error {
	res, err := s.svc.RemoveMFADevice(c.Request().Context(), principal(c), c.FormValue("serial"), c.FormValue("password"), meta(c))
	if k := iam.KindOf(err); err != nil && (k == iam.Invalid || k == iam.Conflict || k == iam.NotFound) {
		s.flash(c, "error", err.(*iam.Error).Message)
		return c.Redirect(http.StatusSeeOther, "/security")
	}
	if err != nil {
		return err
	}
	if res != nil {
		s.useSession(c, res)
	}
	s.flash(c, "success", "The MFA device was removed. Your other sessions have ended.")
	return c.Redirect(http.StatusSeeOther, "/security")
}

// securityShow shows the caller's own MFA devices and recovery codes.
func (s *Server) securityShow(c echo.Context) error {
	p := principal(c)
	st, err := s.svc.MyMFA(c.Request().Context(), p)
	if err != nil {
		return err
	}
	v := templates.SecurityView{RecoveryCodesLeft: st.RecoveryCodesLeft, IsRoot: p.IsRoot()}
	for _, d := range st.Devices {
		v.Devices = append(v.Devices, templates.DeviceRow{Name: d.Name, Serial: d.Serial, EnabledAt: d.EnabledAt.Format("2006-01-02 15:04 UTC")})
	}
	return render(c, http.StatusOK, templates.SecurityPage(s.page(c, "My security credentials", ""), v))
}

// sessionsList shows the caller's sessions.
func (s *Server) sessionsList(c echo.Context) error {
	ss, err := s.svc.MySessions(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	rows := make([]templates.SessionRow, len(ss))
	for i, x := range ss {
		rows[i] = templates.SessionRow{ID: x.PublicID, Created: x.CreatedAt.Format("2006-01-02 15:04 UTC"),
			LastSeen: x.LastSeenAt.Format("2006-01-02 15:04 UTC"), SourceIP: x.SourceIP, UserAgent: x.UserAgent,
			MFA: x.MFA, Current: x.Current}
	}
	return render(c, http.StatusOK, templates.SessionsPage(s.page(c, "My sessions", ""), rows))
}

// sessionEnd ends one of the caller's other sessions.
func (s *Server) sessionEnd(c echo.Context) error {
	err := s.svc.EndMySession(c.Request().Context(), principal(c), c.Param("id"), meta(c))
	if iam.KindOf(err) == iam.NotFound {
		s.flash(c, "info", err.(*iam.Error).Message)
		return c.Redirect(http.StatusSeeOther, "/sessions")
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "The session has ended.")
	return c.Redirect(http.StatusSeeOther, "/sessions")
}

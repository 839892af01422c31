package handlers

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// The confirmation steps of the actions on sign-in itself: the account's
// password policy, a user's console sessions, and the caller's own recovery
// codes, MFA devices and sessions. None loses a document, so each takes
// the plain step; the caller's own credentials also ask for the password.

// passwordPolicyDeletion is deleting the account's password policy: the
// defaults apply again.
func (s *Server) passwordPolicyDeletion() destructive {
	return destructive{typed: plainConfirm, do: s.passwordPolicyDelete, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		pol, err := s.svc.GetPasswordPolicy(c.Request().Context(), principal(c))
		if err != nil {
			return templates.Page{}, templates.ConfirmView{}, err
		}
		if pol.Default {
			s.flash(c, "info", "No password policy is set: the defaults already apply.")
			return templates.Page{}, templates.ConfirmView{}, elsewhere("/settings")
		}
		v := templates.ConfirmView{Heading: "Delete the account's password policy?",
			Consequences: []string{"The console's defaults apply to every new password instead: at least 15 characters, no other rule, no expiry."},
			Action:       "/settings/password-policy/delete", Button: "Delete password policy", Cancel: "/settings"}
		p := s.page(c, "Delete password policy", "settings")
		p.Crumbs = []templates.Crumb{{Label: "Settings", Href: "/settings"}, {Label: "Delete password policy"}}
		return p, v, nil
	}}
}

// userSessionsEnding is signing a user out of every console session.
func (s *Server) userSessionsEnding() destructive {
	return destructive{typed: plainConfirm, do: s.userSessionsEnd, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		name := c.Param("name")
		back := entityURL("users", name, "security")
		if _, err := s.svc.GetLoginProfile(c.Request().Context(), principal(c), name, meta(c)); iam.KindOf(err) == iam.NotFound {
			s.flash(c, "info", name+" has no console password, so no console session.")
			return templates.Page{}, templates.ConfirmView{}, elsewhere(back)
		} else if err != nil {
			return templates.Page{}, templates.ConfirmView{}, err
		}
		v := templates.ConfirmView{Heading: "Sign " + name + " out everywhere?",
			Consequences: []string{"Every console session of " + name + " ends now: unsaved work in them is lost. " + name + " can sign in again; access keys keep working."},
			Action:       "/users/" + url.PathEscape(name) + "/sessions/end", Button: "Sign out everywhere", Cancel: back}
		return s.confirmPage(c, "Sign out everywhere", "users", "Users", "/users", name, back), v, nil
	}}
}

// mySecurityPage is the layout's view for a step below the caller's own
// security credentials.
func (s *Server) mySecurityPage(c echo.Context, title string) templates.Page {
	p := s.page(c, title, "")
	p.Crumbs = []templates.Crumb{{Label: "My security credentials", Href: "/security"}, {Label: title}}
	return p
}

// recoveryRegeneration is making new recovery codes: the old ones stop
// working, so it asks once more, with the caller's password.
func (s *Server) recoveryRegeneration() destructive {
	return destructive{typed: plainConfirm, do: s.recoveryRegenerate, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		st, err := s.svc.MyMFA(c.Request().Context(), principal(c))
		if err != nil {
			return templates.Page{}, templates.ConfirmView{}, err
		}
		if len(st.Devices) == 0 {
			s.flash(c, "info", "Recovery codes come with an MFA device: add one first.")
			return templates.Page{}, templates.ConfirmView{}, elsewhere("/security")
		}
		v := templates.ConfirmView{Heading: "Generate new recovery codes?",
			Consequences: []string{"Your " + plural(st.RecoveryCodesLeft, "unused recovery code") + " stop working at once; the new ones are shown once."},
			Action:       "/mfa/recovery-codes", Password: true, Button: "Generate new codes", Cancel: "/security"}
		return s.mySecurityPage(c, "New recovery codes"), v, nil
	}}
}

// deviceRemoval is removing one of the caller's MFA devices.
func (s *Server) deviceRemoval() destructive {
	return destructive{typed: plainConfirm, do: s.deviceDelete, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		st, err := s.svc.MyMFA(c.Request().Context(), principal(c))
		if err != nil {
			return templates.Page{}, templates.ConfirmView{}, err
		}
		serial := c.FormValue("serial")
		for _, d := range st.Devices {
			if d.Serial != serial {
				continue
			}
			v := templates.ConfirmView{Heading: "Remove the MFA device " + d.Name + "?",
				Consequences: []string{"Its codes no longer sign you in, and your other sessions end.",
					"Where the account requires MFA, you will be asked to add a device at your next sign-in."},
				Action: "/mfa/devices/delete", Fields: []templates.HiddenField{{Name: "serial", Value: d.Serial}},
				Password: true, Button: "Remove device", Cancel: "/security"}
			return s.mySecurityPage(c, "Remove "+d.Name), v, nil
		}
		s.flash(c, "error", "You have no MFA device "+serial+".")
		return templates.Page{}, templates.ConfirmView{}, elsewhere("/security")
	}}
}

// sessionEnding is ending one of the caller's other sessions.
func (s *Server) sessionEnding() destructive {
	return destructive{typed: plainConfirm, do: s.sessionEnd, step: func(c echo.Context) (templates.Page, templates.ConfirmView, error) {
		ss, err := s.svc.MySessions(c.Request().Context(), principal(c))
		if err != nil {
			return templates.Page{}, templates.ConfirmView{}, err
		}
		for _, x := range ss {
			if x.PublicID != c.Param("id") || x.Current {
				continue
			}
			v := templates.ConfirmView{Heading: "End this session?",
				Consequences: []string{"The session started " + x.CreatedAt.Format("2006-01-02 15:04 UTC") + " from " + x.SourceIP + " (" + x.UserAgent + ") is signed out at its next request."},
				Action:       "/sessions/" + url.PathEscape(x.PublicID) + "/delete", Button: "End session", Cancel: "/sessions"}
			p := s.page(c, "End session", "")
			p.Crumbs = []templates.Crumb{{Label: "My sessions", Href: "/sessions"}, {Label: "End session"}}
			return p, v, nil
		}
		s.flash(c, "info", "There is no such session of yours to end.")
		return templates.Page{}, templates.ConfirmView{}, elsewhere("/sessions")
	}}
}

package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/web/templates"
)

// The console's one confirmation pattern for destructive actions. Each
// such action's address answers GET with its confirmation step and POST
// with the action, which runs only when the form carries `confirm`: the
// name typed back where data is lost, "yes" for the rest. A POST without
// it changes nothing and shows the step again with 422 and the reason, so
// no one-click button, bookmark or stray form does harm in one go.

// noConfirm is what typed answers for an action that needs no
// confirmation (activating a key again takes nothing away).
const noConfirm = "\x00none"

// confirmYes is the value of `confirm` on the steps without a name to type.
const confirmYes = "yes"

// destructive is a destructive action with its confirmation step.
type destructive struct {
	// typed is what `confirm` must carry: the target's name where data is
	// lost, confirmYes elsewhere. It reads the request alone, so that a
	// confirmed POST goes straight to the operation, which authorizes it.
	typed func(c echo.Context) string
	// step builds the confirmation page; it reads (and so authorizes
	// reading) the target, and fails as the target's page would.
	step func(c echo.Context) (templates.Page, templates.ConfirmView, error)
	// do is the action, run once confirmed.
	do echo.HandlerFunc
}

// elsewhere is a step's answer that there is nothing here to confirm (a
// key that is not the user's): back to the page it names, which shows the
// flash the step left.
type elsewhere string

func (e elsewhere) Error() string { return "nothing to confirm: back to " + string(e) }

// typeName asks for the named path parameter to be typed back.
func typeName(param string) func(echo.Context) string {
	return func(c echo.Context) string { return c.Param(param) }
}

// plainConfirm asks for one more click.
func plainConfirm(echo.Context) string { return confirmYes }

// act is d's POST: it acts when confirmed, and asks again otherwise. The
// route table registers it with ask as the GET (routes.go, confirm).
func (s *Server) act(d destructive) echo.HandlerFunc {
	return func(c echo.Context) error {
		if want := d.typed(c); want == noConfirm || want != "" && c.FormValue("confirm") == want {
			return d.do(c)
		}
		return s.ask(d)(c)
	}
}

// ask shows d's step: 200 when asked for (GET), 422 with why when a POST
// came without its confirmation.
func (s *Server) ask(d destructive) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, v, err := d.step(c)
		var back elsewhere
		if errors.As(err, &back) {
			return c.Redirect(http.StatusSeeOther, string(back))
		}
		if err != nil {
			return err
		}
		if want := d.typed(c); want != confirmYes {
			v.TypeName = want
		}
		if c.Request().Method != http.MethodPost {
			return render(c, http.StatusOK, templates.ConfirmPage(p, v))
		}
		v.Typed = c.FormValue("confirm")
		switch {
		case v.TypeName == "":
			v.Error = "Nothing was changed yet: confirm on this page to go ahead."
		case v.Typed == "":
			v.Error = "Nothing was changed yet: type " + v.TypeName + " to confirm."
		default:
			v.Error = "Nothing was changed: what you typed is not " + v.TypeName + ". Type it exactly."
		}
		return render(c, http.StatusUnprocessableEntity, templates.ConfirmPage(p, v))
	}
}

// confirmPage is the layout's view for a confirmation step below an
// entity's page: Section › entity › step.
func (s *Server) confirmPage(c echo.Context, title, active, section, sectionHref, entity, entityHref string) templates.Page {
	p := s.page(c, title, active)
	p.Crumbs = []templates.Crumb{{Label: section, Href: sectionHref}, {Label: entity, Href: entityHref}, {Label: title}}
	return p
}

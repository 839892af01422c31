package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// importShow shows the upload form for an authorization-details dump.
func (s *Server) importShow(c echo.Context) error {
	return render(c, http.StatusOK, templates.ImportPage(s.page(c, "Import an AWS account", "import"), templates.ImportForm{}))
}

// importSave loads the uploaded dump for review.
func (s *Server) importSave(c echo.Context) error {
	f := templates.ImportForm{Label: strings.TrimSpace(c.FormValue("label"))}
	fh, err := c.FormFile("file")
	if err != nil {
		f.Errors = templates.FieldErrors{"file": "Choose the JSON file that `aws iam get-account-authorization-details` printed."}
		return render(c, formStatus, templates.ImportPage(s.formPage(c, "Import an AWS account", "import", "/import"), f))
	}
	file, err := fh.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	res, err := s.svc.ImportAccount(c.Request().Context(), principal(c), file, f.Label, meta(c))
	if k := iam.KindOf(err); err != nil && k == iam.Invalid {
		f.Errors = fieldError(err)
		return render(c, formStatus, templates.ImportPage(s.formPage(c, "Import an AWS account", "import", "/import"), f))
	}
	if err != nil {
		return err
	}
	msg := "Account " + res.AccountID + " imported for review."
	if n := len(res.Warnings); n > 0 {
		msg += " " + plural(n, "part") + " could not be read: " + strings.Join(res.Warnings[:min(n, 3)], "; ")
	}
	s.flash(c, "success", msg)
	return c.Redirect(http.StatusSeeOther, "/findings?account="+res.AccountID)
}

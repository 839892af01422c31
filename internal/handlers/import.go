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
	ev, closeEv, err := importEvidence(c)
	if err != nil {
		return err
	}
	defer closeEv()
	res, err := s.svc.ImportAccountEvidence(c.Request().Context(), principal(c), file, f.Label, ev, meta(c))
	if k := iam.KindOf(err); err != nil && k == iam.Invalid {
		f.Errors = fieldError(err)
		return render(c, formStatus, templates.ImportPage(s.formPage(c, "Import an AWS account", "import", "/import"), f))
	}
	if err != nil {
		return err
	}
	kind, msg := importFlash(res)
	s.flash(c, kind, msg)
	return c.Redirect(http.StatusSeeOther, "/findings?account="+res.AccountID)
}

// importFlashWarnings bounds the warnings a flash lists: it travels in a
// cookie.
const importFlashWarnings = 3

// importFlash is the import's report as one message: what was read and the
// remarks on it (a success), then the problems, if any (a warning, which
// still reads as done: the account was imported).
func importFlash(res *iam.ImportResult) (kind, msg string) {
	msg = "Account " + res.AccountID + " imported for review: " + res.Summary + "."
	for _, n := range res.Notes {
		msg += " " + n
	}
	n := len(res.Warnings)
	if n == 0 {
		return "success", msg
	}
	msg += " " + plural(n, "problem") + " in the dump, reviewed as stated: " + strings.Join(res.Warnings[:min(n, importFlashWarnings)], "; ")
	if n > importFlashWarnings {
		msg += "; and " + itoa(n-importFlashWarnings) + " more (`console import` lists them all)"
	}
	return "warning", msg + "."
}

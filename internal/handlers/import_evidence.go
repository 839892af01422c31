package handlers

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
)

// importEvidence opens the import form's optional evidence files
// (credential_report, last_accessed); done closes them. A field left empty
// is no evidence.
func importEvidence(c echo.Context) (ev iam.ImportEvidence, done func(), err error) {
	var files []io.Closer
	done = func() {
		for _, f := range files {
			f.Close()
		}
	}
	for _, fld := range []struct {
		name string
		to   *io.Reader
	}{{"credential_report", &ev.CredentialReport}, {"last_accessed", &ev.LastAccessed}} {
		fh, err := c.FormFile(fld.name)
		if errors.Is(err, http.ErrMissingFile) {
			continue
		}
		if err != nil {
			done()
			return ev, nil, err
		}
		f, err := fh.Open()
		if err != nil {
			done()
			return ev, nil, err
		}
		files = append(files, f)
		*fld.to = f
	}
	return ev, done, nil
}

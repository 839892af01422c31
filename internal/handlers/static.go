package handlers

import (
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/web/static"
)

// staticHandler serves the embedded assets: files only, no listings. Names
// must be valid fs paths, so "..", encoded or not, cannot leave the tree.
func staticHandler() echo.HandlerFunc {
	return func(c echo.Context) error {
		name := c.Param("*")
		if !fs.ValidPath(name) {
			return echo.ErrNotFound
		}
		st, err := fs.Stat(static.FS, name)
		if err != nil || st.IsDir() {
			return echo.ErrNotFound
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		http.ServeFileFS(c.Response(), c.Request(), static.FS, name)
		return nil
	}
}

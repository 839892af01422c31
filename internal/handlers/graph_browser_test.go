package handlers_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
)

// TestBrowserLargeDrawing: in Chromium, an overview too large to sit in
// the page is fetched into it by the page's script, with pan and zoom.
func TestBrowserLargeDrawing(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{MaxInlineSVG: 64 << 10, OverviewWait: -1})
	b := e.browser()
	b.setup()
	imp := importVulnerable(t, e)
	url := e.srv.URL
	browserAdmin(t, ctx, e, b)
	// The page polls until the overview is laid out, reloads, then fetches it.
	browsertest.Step(t, ctx, "overview fetched into the page",
		chromedp.Navigate(url+"/graph?account="+imp.AccountID),
		chromedp.WaitReady(`#graph-view[data-loaded="true"] svg g.node`),
	)
	browsertest.Screenshot(t, ctx, "graph-overview-fetched")
}

package handlers_test

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/federation/saml/samltest"
	"github.com/iamconsole/console/internal/handlers"
)

// idpPostPage is the page an IdP answers an IdP-initiated sign-in with:
// the signed response in a form that submits itself to the service
// provider's assertion consumer URL (SAML's HTTP-POST binding).
var idpPostPage = template.Must(template.New("post").Parse(`<!DOCTYPE html>
<html><body onload="document.forms[0].submit()">
<form method="post" action="{{.ACS}}"><input type="hidden" name="SAMLResponse" value="{{.Response}}"><noscript><button>Continue</button></noscript></form>
</body></html>`))

// TestBrowserSAMLSignIn: Chromium opens the IdP's page on another site,
// which posts a signed response to the console's assertion consumer URL
// (a cross-site POST, without the console's CSRF token); the person lands
// on the dashboard in a role session with the banner naming the federated
// identity, and signs out from it.
func TestBrowserSAMLSignIn(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	root := e.browser()
	root.setup()
	s := newSAMLConsole(t, e, root)

	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		enc, err := s.idp.Response(samltest.Assertion{Subject: "alice@example.com", Recipient: s.acsURL, Audience: s.acsURL,
			Attributes: []samltest.Attr{{Name: samltest.RoleAttr, Values: []string{s.roleARN + "," + s.providerARN}},
				{Name: samltest.RoleSessionNameAttr, Values: []string{"alice"}}}}, time.Now())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = idpPostPage.Execute(w, map[string]string{"ACS": s.acsURL, "Response": enc})
	}))
	t.Cleanup(idp.Close)
	// localhost, not 127.0.0.1: another site than the console's.
	idpURL := strings.Replace(idp.URL, "127.0.0.1", "localhost", 1) + "/sso"

	browsertest.Step(t, ctx, "IdP-initiated sign-in",
		chromedp.Navigate(idpURL),
		chromedp.WaitVisible("#federated-banner"),
		chromedp.WaitVisible("#account-id"),
	)
	browsertest.Screenshot(t, ctx, "saml-signed-in")
	if loc := browsertest.Location(t, ctx); !strings.HasPrefix(loc, e.srv.URL+"/") || strings.Contains(strings.TrimPrefix(loc, e.srv.URL), "login") {
		t.Fatalf("landed on %s, want the dashboard", loc)
	}
	banner := browsertest.Text(t, ctx, "#federated-banner")
	for _, want := range []string{"saml-console", "alice@example.com", "signed in through corp"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner %q lacks %q", banner, want)
		}
	}
	browsertest.Step(t, ctx, "sign out",
		chromedp.Click("#federated-sign-out"),
		chromedp.WaitVisible("#username"),
	)
}

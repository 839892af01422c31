package handlers_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
)

// TestConsoleOIDCSignInBrowser: in Chromium, a person clicks "Sign in with
// idp.example" on the sign-in page, goes through the provider's real
// redirects (authorization code with PKCE, back with code and state), and
// lands on the dashboard as the role their groups map to, with the banner
// naming the provider, their subject and the role.
func TestConsoleOIDCSignInBrowser(t *testing.T) {
	e, root, _ := ssoEnv(t)
	acct := mustAccount(t, e)
	res, body := root.ssoSettings("OIDCEnabled", "true", "OIDCProviderARN", "arn:aws:iam::"+acct+":oidc-provider/"+ssoHost,
		"OIDCClientID", ssoClientID, "OIDCClientSecret", ssoSecret, "OIDCRoleClaim", "groups", "OIDCClaimRoles", "console-readers=Reader")
	mustRedirect(t, res, body, "/settings")

	// The provider's certificate is its own CA's, which Chromium does not know.
	ctx := browsertest.New(t, chromedp.Flag("ignore-certificate-errors", true))
	browsertest.Step(t, ctx, "sign in through the provider",
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.WaitVisible("#oidc-sign-in"),
		chromedp.Click("#oidc-sign-in"),
		chromedp.WaitVisible("#federated-banner"),
		chromedp.WaitVisible("#account-id"),
	)
	browsertest.Screenshot(t, ctx, "oidc-sign-in")
	if u, err := url.Parse(browsertest.Location(t, ctx)); err != nil || u.Path != "/" {
		t.Errorf("landed on %s, want the dashboard", browsertest.Location(t, ctx))
	}
	banner := browsertest.Text(t, ctx, "#federated-banner")
	for _, want := range []string{"Reader", "ada@example.com", ssoHost, "user-8d41"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner %q lacks %q", banner, want)
		}
	}
	// Sign out from the banner: back to the sign-in page.
	browsertest.Step(t, ctx, "sign out", chromedp.Click("#federated-sign-out"), chromedp.WaitVisible("#oidc-sign-in"))
}

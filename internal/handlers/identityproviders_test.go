package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
)

// TestIdentityProviderPages: root adds an OpenID Connect provider through
// the form, sees it listed (and in the navigation), and deletes it only
// once its URL is typed back; a bad URL is shown beside its field.
func TestIdentityProviderPages(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()

	res, body := b.get("/identity-providers")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="create-identity-provider"`) || !strings.Contains(body, `id="nav-identity-providers"`) ||
		!strings.Contains(body, "No identity providers.") {
		t.Fatalf("empty list: %d", res.StatusCode)
	}
	res, body = b.form("/identity-providers/new", "/identity-providers", "Url", "http://ci.example")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The URL must begin with https://.") {
		t.Fatalf("bad URL: %d", res.StatusCode)
	}
	res, body = b.form("/identity-providers/new", "/identity-providers", "Url", "https://ci.example/tenant",
		"ClientIDList", "sts.amazonaws.com\r\nmy-app\r\n", "ThumbprintList", strings.Repeat("ab", 20))
	mustRedirect(t, res, body, "/identity-providers")
	arn := "arn:aws:iam::" + mustAccount(t, e) + ":oidc-provider/ci.example/tenant"
	_, body = b.get("/identity-providers")
	if !strings.Contains(body, arn) || !strings.Contains(body, "sts.amazonaws.com, my-app") || !strings.Contains(body, "was added") {
		t.Fatalf("list after create lacks the provider")
	}

	del := "/identity-providers/delete?arn=" + url.QueryEscape(arn)
	res, body = b.get(del)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Delete identity provider ci.example/tenant?") {
		t.Fatalf("confirmation step: %d", res.StatusCode)
	}
	res, _ = b.form(del, "/identity-providers/delete", "arn", arn, "confirm", "ci.example")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrongly typed confirmation: %d", res.StatusCode)
	}
	res, body = b.form(del, "/identity-providers/delete", "arn", arn, "confirm", "ci.example/tenant")
	mustRedirect(t, res, body, "/identity-providers")
	_, body = b.get("/identity-providers")
	if strings.Contains(body, arn) || !strings.Contains(body, "was deleted") {
		t.Fatalf("provider still listed after delete")
	}
}

package handlers_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/federation/oidc/oidctest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
)

const (
	ssoHost     = "idp.example"
	ssoClientID = "console"
	ssoSecret   = "s3cret-of-the-console-client"
)

// ssoTrust trusts the provider for one subject, with the client ID as
// audience, as a web identity trust policy does.
func ssoTrust(acct, sub string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Federated":"arn:aws:iam::` + acct + `:oidc-provider/` + ssoHost + `"},
 "Action":"sts:AssumeRoleWithWebIdentity",
 "Condition":{"StringEquals":{"` + ssoHost + `:aud":"` + ssoClientID + `","` + ssoHost + `:sub":"` + sub + `"}}}]}`
}

// ssoEnv is a console with root set up, an in-process OpenID Connect
// provider registered as an IAM OIDC provider (trusted by thumbprint), a
// role Reader that trusts its user and a role Locked that trusts someone
// else.
func ssoEnv(t *testing.T) (*env, *browser, *oidctest.Issuer) {
	t.Helper()
	is := oidctest.Start(t, ssoHost, ssoClientID)
	is.ClientSecret = ssoSecret
	e := newEnv(t, handlers.Config{}, func(c *iam.Config) { c.OIDC = is.Verifier() })
	root := e.browser()
	root.setup()
	ctx := context.Background()
	acct := mustAccount(t, e)
	if _, err := e.svc.CreateOIDCProvider(ctx, nil, iam.CreateOIDCProviderInput{Url: is.URL, ClientIDList: []string{ssoClientID, "other"},
		ThumbprintList: []string{is.Thumbprint}}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	for role, sub := range map[string]string{"Reader": "user-8d41", "Locked": "someone-else"} {
		if _, err := e.svc.CreateRole(ctx, nil, iam.CreateRoleInput{RoleName: role, AssumeRolePolicyDocument: ssoTrust(acct, sub)}, iam.Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.AttachPolicy(ctx, nil, iam.RoleNamed(role), "arn:aws:iam::aws:policy/IAMReadOnlyAccess", iam.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	return e, root, is
}

// ssoSettings saves the setting through the settings page.
func (b *browser) ssoSettings(fields ...string) (*http.Response, string) {
	b.t.Helper()
	return b.form("/settings", "/settings/console-oidc", fields...)
}

// ssoStart clicks "Sign in with …" and returns where the console sends
// the browser (the provider's authorization endpoint).
func (b *browser) ssoStart() string {
	b.t.Helper()
	_, body := b.get("/login")
	if !strings.Contains(body, "Sign in with "+ssoHost) {
		b.t.Fatalf("the sign-in page does not offer the provider")
	}
	res, body := b.get("/login/oidc?next=%2F")
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("start: %d %s", res.StatusCode, body)
	}
	return res.Header.Get("Location")
}

// authorize visits the provider's authorization endpoint as the browser
// would, and returns the console's callback it redirects to (path and
// query).
func authorize(t *testing.T, to string) string {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // the test provider's private CA
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	u, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil || u.Path != "/login/oidc/callback" {
		t.Fatalf("authorize: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	return u.RequestURI()
}

// ssoSignIn runs the whole flow and returns the callback's answer.
func (b *browser) ssoSignIn() (*http.Response, string) {
	b.t.Helper()
	return b.get(authorize(b.t, b.ssoStart()))
}

func wantRefused(t *testing.T, res *http.Response, body, words string) {
	t.Helper()
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Sign-in refused") || !strings.Contains(body, words) {
		t.Fatalf("want a refusal saying %q, got %d: %s", words, res.StatusCode, body)
	}
}

// TestConsoleOIDCSignIn: with the setting saved on the settings page, a
// person signs in through the provider (code + PKCE, state, nonce) and
// lands in a session as the role their groups claim maps to, named by
// their email, with the banner naming the provider and subject; the audit
// log records who for the sign-in and for what the session does. A state
// that is wrong, used or another browser's, a token for another audience
// or with another sign-in's nonce, a claim no role is mapped to, a trust
// policy that refuses and a provider that refuses are each refused with a
// page saying why, and audited.
func TestConsoleOIDCSignIn(t *testing.T) {
	e, root, is := ssoEnv(t)
	acct := mustAccount(t, e)
	providerARN := "arn:aws:iam::" + acct + ":oidc-provider/" + ssoHost

	// The setting: the client ID must be one of the provider's.
	res, body := root.ssoSettings("OIDCEnabled", "true", "OIDCProviderARN", providerARN, "OIDCClientID", "nope",
		"OIDCRoleClaim", "groups", "OIDCClaimRoles", "console-readers=Reader")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "one of the provider&#39;s client IDs") {
		t.Fatalf("wrong client ID: %d %s", res.StatusCode, fieldErrorsOf(body))
	}
	res, body = root.ssoSettings("OIDCEnabled", "true", "OIDCProviderARN", providerARN, "OIDCClientID", ssoClientID,
		"OIDCClientSecret", ssoSecret, "OIDCRoleClaim", "groups", "OIDCClaimRoles", "console-readers=Reader\r\nlocked=Locked\r\n")
	mustRedirect(t, res, body, "/settings")
	_, body = root.get("/settings")
	if strings.Contains(body, ssoSecret) || !strings.Contains(body, `id="oidc-secret-saved"`) || !strings.Contains(body, "console-readers=Reader") {
		t.Fatalf("settings page shows the secret or lacks the setting")
	}

	// Success: a session as Reader, named by the email.
	b := e.browser()
	res, body = b.ssoSignIn()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("callback: %d %q %s", res.StatusCode, res.Header.Get("Location"), body)
	}
	sessionARN := "arn:aws:sts::" + acct + ":assumed-role/Reader/ada@example.com"
	res, body = b.get("/")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="federated-banner"`) || !strings.Contains(body, "Reader") ||
		!strings.Contains(body, "user-8d41") || !strings.Contains(body, ssoHost) || !strings.Contains(body, "ada@example.com") {
		t.Fatalf("dashboard as the role: %d", res.StatusCode)
	}
	// The session lasts no longer than the role allows (an hour by default).
	if ss, err := e.store.SessionsOf(context.Background(), acct, sessionARN); err != nil || len(ss) != 1 ||
		ss[0].ExpiresAt.Sub(ss[0].CreatedAt) != time.Hour || ss[0].FederatedSubject != "user-8d41" {
		t.Fatalf("session row = %+v, %v", ss, err)
	}
	// The session acts as the role: it reads, it may not change.
	res, _ = b.get("/users")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the role reads users: %d", res.StatusCode)
	}
	res, _ = b.form("/users/new", "/users", "UserName", "mallory")
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("the read-only role created a user: %d", res.StatusCode)
	}
	ctx := context.Background()
	evs, err := e.store.ListAudit(ctx, acct, models.AuditFilter{PrincipalARN: sessionARN, Oldest: true})
	if err != nil || len(evs) < 2 {
		t.Fatalf("session's audit: %d events, %v", len(evs), err)
	}
	if evs[0].EventName != "ConsoleLogin" || !strings.Contains(evs[0].RequestParameters, `"identityProvider":"`+providerARN+`"`) ||
		!strings.Contains(evs[0].RequestParameters, `"subject":"user-8d41"`) || !strings.Contains(evs[0].RequestParameters, `"sessionId":"`) {
		t.Errorf("sign-in event = %s %s", evs[0].EventName, evs[0].RequestParameters)
	}
	last := evs[len(evs)-1]
	if last.Result != models.ResultFailure || !strings.Contains(last.RequestParameters, `"federatedIdentity":{"identityProvider":"`+providerARN+`","subject":"user-8d41"}`) {
		t.Errorf("the session's refused action = %s %s %s", last.EventName, last.Result, last.RequestParameters)
	}

	refusals := func() int {
		t.Helper()
		evs, err := e.store.ListAudit(ctx, acct, models.AuditFilter{EventName: "ConsoleLogin", Result: models.ResultFailure})
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	before := refusals()
	var other *browser
	cases := []struct {
		name  string
		run   func() (*http.Response, string)
		words string
	}{
		{"state mismatch", func() (*http.Response, string) {
			cb := authorize(t, other.ssoStart())
			u, _ := url.Parse(cb)
			q := u.Query()
			q.Set("state", q.Get("state")+"x")
			u.RawQuery = q.Encode()
			return other.get(u.RequestURI())
		}, "has expired, was already used or did not start in this browser"},
		{"callback replayed", func() (*http.Response, string) {
			cb := authorize(t, other.ssoStart())
			if res, body := other.get(cb); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("first use: %d %s", res.StatusCode, body)
			}
			other.get("/login") // a sign-in page again: the binding cookie was used
			return other.get(cb)
		}, "was already used"},
		{"another browser's callback", func() (*http.Response, string) {
			cb := authorize(t, other.ssoStart())
			return e.browser().get(cb)
		}, "did not start in this browser"},
		{"nonce of another sign-in", func() (*http.Response, string) {
			old := is.Grants()[0].Nonce
			is.SetClaims(func(g oidctest.Grant) map[string]any { c := is.DefaultClaims(g); c["nonce"] = old; return c })
			return other.ssoSignIn()
		}, "nonce does not match"},
		{"wrong audience", func() (*http.Response, string) {
			is.SetClaims(func(g oidctest.Grant) map[string]any { c := is.DefaultClaims(g); c["aud"] = "other"; return c })
			return other.ssoSignIn()
		}, "Incorrect token audience"},
		{"unmapped claim", func() (*http.Response, string) {
			is.SetClaims(func(g oidctest.Grant) map[string]any {
				c := is.DefaultClaims(g)
				c["groups"] = []string{"nobody"}
				return c
			})
			return other.ssoSignIn()
		}, "No role is mapped to your identity"},
		{"trust refuses", func() (*http.Response, string) {
			is.SetClaims(func(g oidctest.Grant) map[string]any {
				c := is.DefaultClaims(g)
				c["groups"] = []string{"locked"}
				return c
			})
			return other.ssoSignIn()
		}, "The role Locked does not trust " + ssoHost + " for user-8d41"},
		{"provider refuses", func() (*http.Response, string) {
			is.Deny("access_denied")
			defer is.Deny("")
			return other.ssoSignIn()
		}, "The identity provider refused the sign-in: access_denied"},
		{"wrong client secret", func() (*http.Response, string) {
			is.ClientSecret = "rotated"
			defer func() { is.ClientSecret = ssoSecret }()
			return other.ssoSignIn()
		}, "did not accept the sign-in&#39;s authorization code"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer is.SetClaims(nil)
			other = e.browser()
			res, body := tc.run()
			wantRefused(t, res, body, tc.words)
			if r, _ := other.get("/"); r.StatusCode == http.StatusOK && tc.name != "callback replayed" {
				t.Errorf("a refused sign-in left a session")
			}
		})
	}
	if n := refusals() - before; n < len(cases) {
		t.Errorf("%d refusals audited, want at least %d", n, len(cases))
	}
	// The refusal names who, where the token got that far.
	evs, _ = e.store.ListAudit(ctx, acct, models.AuditFilter{EventName: "ConsoleLogin", Result: models.ResultFailure, Resource: "arn:aws:iam::" + acct + ":role/Locked"})
	if len(evs) != 1 || !strings.Contains(evs[0].RequestParameters, `"subject":"user-8d41"`) {
		t.Errorf("trust refusal's audit = %+v", evs)
	}

	// Its provider deleted, the sign-in is offered no more, and refused.
	if err := e.svc.DeleteOIDCProvider(ctx, nil, providerARN, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	gone := e.browser()
	if _, body := gone.get("/login"); strings.Contains(body, "Sign in with") {
		t.Errorf("the sign-in page offers a deleted provider")
	}
	if res, body := gone.get("/login/oidc"); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "not enabled") {
		t.Errorf("start with the provider deleted: %d", res.StatusCode)
	}

	// Disabled, the sign-in page offers nothing and the route refuses.
	res, body = root.ssoSettings("OIDCProviderARN", providerARN, "OIDCClientID", ssoClientID, "OIDCRoleClaim", "groups",
		"OIDCClaimRoles", "console-readers=Reader")
	mustRedirect(t, res, body, "/settings")
	_, body = e.browser().get("/login")
	if strings.Contains(body, "Sign in with") {
		t.Errorf("disabled, the sign-in page still offers the provider")
	}
}

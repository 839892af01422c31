package handlers_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/federation/saml/samltest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
)

// samlConsole is a console whose account signs people in through a SAML
// provider, with roles that trust it.
type samlConsole struct {
	*env
	idp                  *samltest.IdP
	acct, acsURL         string
	providerARN, roleARN string
}

// samlConsoleTrust lets the provider's users in when the assertion is
// addressed to the console (SAML:aud is its assertion consumer URL).
const samlConsoleTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},
 "Action":["sts:AssumeRoleWithSAML","sts:TagSession"],"Condition":{"StringEquals":{"SAML:aud":%q%s}}}]}`

// newSAMLConsole adds the provider through the page (its metadata
// uploaded as a file), names it for console sign-in through the page's
// form, and makes the roles.
func newSAMLConsole(t *testing.T, e *env, b *browser) *samlConsole {
	t.Helper()
	idp, err := samltest.New("https://idp.example.com/saml", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := &samlConsole{env: e, idp: idp, acct: mustAccount(t, e), acsURL: e.srv.URL + "/saml/acs"}
	s.providerARN = "arn:aws:iam::" + s.acct + ":saml-provider/corp"

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("_csrf", b.csrf("/identity-providers/saml/new"))
	_ = mw.WriteField("Name", "corp")
	fw, _ := mw.CreateFormFile("MetadataFile", "metadata.xml")
	_, _ = fw.Write([]byte(idp.Metadata()))
	mw.Close()
	res, err := b.c.Post(e.srv.URL+"/identity-providers/saml", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	mustRedirect(t, res, "", "/identity-providers")

	_, body := b.get("/identity-providers")
	if !strings.Contains(body, `id="saml-console-form"`) || !strings.Contains(body, `value="`+s.acsURL+`"`) {
		t.Fatalf("the console sign-in form is missing or does not suggest %s", s.acsURL)
	}
	res, body = b.form("/identity-providers", "/identity-providers/saml/console", "SAMLProviderArn", s.providerARN, "ACSURL", s.acsURL)
	mustRedirect(t, res, body, "/identity-providers")

	e.mkRole("saml-console", fmt.Sprintf(samlConsoleTrust, s.providerARN, s.acsURL, ""), "arn:aws:iam::aws:policy/ReadOnlyAccess")
	e.mkRole("saml-other", fmt.Sprintf(samlConsoleTrust, s.providerARN, s.acsURL, ""))
	e.mkRole("saml-bob-only", fmt.Sprintf(samlConsoleTrust, s.providerARN, s.acsURL, `,"saml:sub":"bob@example.com"`))
	e.mkRole("saml-aws-only", fmt.Sprintf(samlConsoleTrust, s.providerARN, "https://signin.aws.amazon.com/saml", ""))
	s.roleARN = s.role("saml-console")
	return s
}

func (s *samlConsole) role(name string) string { return "arn:aws:iam::" + s.acct + ":role/" + name }

// response is a signed response for the console naming the roles.
func (s *samlConsole) response(t *testing.T, a samltest.Assertion, roles ...string) string {
	t.Helper()
	if a.Recipient == "" {
		a.Recipient = s.acsURL
	}
	if a.Audience == "" {
		a.Audience = s.acsURL
	}
	vals := make([]string, len(roles))
	for i, r := range roles {
		vals[i] = r + "," + s.providerARN
	}
	a.Attributes = append([]samltest.Attr{{Name: samltest.RoleAttr, Values: vals},
		{Name: samltest.RoleSessionNameAttr, Values: []string{"alice"}}}, a.Attributes...)
	enc, err := s.idp.Response(a, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

// acs posts a response as the IdP's page does: cross-site, no CSRF token.
func (s *samlConsole) acs(t *testing.T, b *browser, response string, more ...string) (*http.Response, string) {
	t.Helper()
	form := url.Values{"SAMLResponse": {response}}
	for i := 0; i+1 < len(more); i += 2 {
		form.Set(more[i], more[i+1])
	}
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/saml/acs", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://idp.example.com")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

// TestSAMLProvidersPage: the SAML half of the identity providers page
// lists a provider with its entityID, certificate expiry and ValidUntil,
// refuses bad metadata beside its field, and deletes a provider once its
// name is typed back.
func TestSAMLProvidersPage(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	s := newSAMLConsole(t, e, b)
	_, body := b.get("/identity-providers")
	for _, want := range []string{`id="saml-providers"`, s.providerARN, s.idp.EntityID, s.idp.Cert.NotAfter.UTC().Format("2006-01-02 15:04 UTC"), "console sign-in"} {
		if !strings.Contains(body, want) {
			t.Errorf("list lacks %q: %s", want, body)
		}
	}
	// Pasted metadata, unreadable.
	res, body := b.form("/identity-providers/saml/new", "/identity-providers/saml", "Name", "broken", "SAMLMetadataDocument", strings.Repeat("<x/>", 300))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="SAMLMetadataDocument-error"`) {
		t.Fatalf("bad metadata: %d", res.StatusCode)
	}
	// Pasted metadata, good.
	other, err := samltest.New("https://other.example.com/saml", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	res, body = b.form("/identity-providers/saml/new", "/identity-providers/saml", "Name", "other", "SAMLMetadataDocument", other.Metadata())
	mustRedirect(t, res, body, "/identity-providers")
	arn := "arn:aws:iam::" + s.acct + ":saml-provider/other"
	del := "/identity-providers/saml/delete?arn=" + url.QueryEscape(arn)
	res, body = b.get(del)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Delete SAML provider other?") {
		t.Fatalf("confirmation step: %d", res.StatusCode)
	}
	res, _ = b.form(del, "/identity-providers/saml/delete", "arn", arn, "confirm", "othe")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrongly typed confirmation: %d", res.StatusCode)
	}
	res, body = b.form(del, "/identity-providers/saml/delete", "arn", arn, "confirm", "other")
	mustRedirect(t, res, body, "/identity-providers")
	if _, body = b.get("/identity-providers"); strings.Contains(body, arn) || !strings.Contains(body, "was deleted") {
		t.Fatal("provider still listed after delete")
	}
	// Whoever may list only the OpenID Connect providers still sees them.
	e.user("oidc-reader").password(alicePassword, false).inline(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":"iam:ListOpenIDConnectProviders","Resource":"*"}]}`)
	reader := e.browser()
	if res := reader.login("oidc-reader", alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("oidc-reader sign-in: %d", res.StatusCode)
	}
	if res, body := reader.get("/identity-providers"); res.StatusCode != http.StatusOK || !strings.Contains(body, `id="saml-providers-denied"`) ||
		strings.Contains(body, s.providerARN) {
		t.Fatalf("OIDC reader's page: %d", res.StatusCode)
	}
	// A bad assertion consumer URL is shown beside its field.
	res, body = b.form("/identity-providers", "/identity-providers/saml/console", "SAMLProviderArn", s.providerARN, "ACSURL", "not a url")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="ACSURL-error"`) {
		t.Fatalf("bad ACS URL: %d", res.StatusCode)
	}
}

// TestSAMLConsoleSignIn: an IdP-initiated response, signed by the
// provider's key and addressed to the console, lands its subject in a
// console session as the role, with the federated banner; the same
// assertion is refused the second time, and so is one addressed to AWS,
// one naming no role of the provider, and one the trust policy refuses.
// Several roles give a page to choose.
func TestSAMLConsoleSignIn(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	root := e.browser()
	root.setup()
	s := newSAMLConsole(t, e, root)

	b := e.browser()
	ok := s.response(t, samltest.Assertion{Subject: "alice@example.com",
		Attributes: []samltest.Attr{{Name: samltest.PrincipalTagPrefix + "team", Values: []string{"dev"}}}}, s.roleARN)
	res, body := s.acs(t, b, ok)
	mustRedirect(t, res, body, "/")
	res, body = b.get("/")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="federated-banner"`) || !strings.Contains(body, "alice@example.com") ||
		!strings.Contains(body, s.providerARN) || !strings.Contains(body, "saml-console") {
		t.Fatalf("dashboard after SAML sign-in: %d, banner missing", res.StatusCode)
	}
	// The session is the role's: it reads (ReadOnlyAccess) and may not write.
	if res, _ = b.get("/users"); res.StatusCode != http.StatusOK {
		t.Errorf("role session lists users: %d", res.StatusCode)
	}
	if res, _ = b.form("/users/new", "/users", "name", "mallory"); res.StatusCode != http.StatusForbidden {
		t.Errorf("role session created a user: %d", res.StatusCode)
	}

	// Audited: provider, subject, session.
	evs, err := e.store.ListAudit(context.Background(), s.acct, models.AuditFilter{EventName: "ConsoleLogin"})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, ev := range evs {
		var params map[string]any
		_ = json.Unmarshal([]byte(ev.RequestParameters), &params)
		if ev.Result == models.ResultSuccess && ev.PrincipalARN == "arn:aws:sts::"+s.acct+":assumed-role/saml-console/alice" &&
			params["identityProvider"] == s.providerARN && params["subject"] == "alice@example.com" && params["sessionId"] != nil {
			found = true
		}
	}
	if !found {
		t.Errorf("no ConsoleLogin event with provider, subject and session: %+v", evs)
	}

	tests := []struct {
		name     string
		response string
		status   int
		says     string
	}{
		{"replayed", ok, http.StatusBadRequest, "SAML assertion has already been used"},
		{"addressed to AWS", s.response(t, samltest.Assertion{Recipient: "https://signin.aws.amazon.com/saml", Audience: "https://signin.aws.amazon.com/saml"}, s.roleARN),
			http.StatusBadRequest, "recipient is not valid"},
		{"wrong audience", s.response(t, samltest.Assertion{Audience: "https://other.example.com/saml/acs"}, s.roleARN), http.StatusBadRequest, "audience is not valid"},
		{"unmapped role: pairs with another provider", func() string {
			enc, err := s.idp.Response(samltest.Assertion{Recipient: s.acsURL, Audience: s.acsURL, Attributes: []samltest.Attr{
				{Name: samltest.RoleAttr, Values: []string{s.roleARN + ",arn:aws:iam::" + s.acct + ":saml-provider/elsewhere"}},
				{Name: samltest.RoleSessionNameAttr, Values: []string{"alice"}}}}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return enc
		}(), http.StatusBadRequest, "names no role"},
		{"trust refuses the subject", s.response(t, samltest.Assertion{Subject: "alice@example.com"}, s.role("saml-bob-only")), http.StatusForbidden, "sts:AssumeRoleWithSAML"},
		{"trust wants AWS's audience", s.response(t, samltest.Assertion{}, s.role("saml-aws-only")), http.StatusForbidden, "sts:AssumeRoleWithSAML"},
		{"no such role", s.response(t, samltest.Assertion{}, s.role("nope")), http.StatusForbidden, "sts:AssumeRoleWithSAML"},
		{"forged", s.response(t, samltest.Assertion{Unsigned: true}, s.roleARN), http.StatusBadRequest, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nb := e.browser()
			res, body := s.acs(t, nb, tc.response)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.says) {
				t.Fatalf("status %d, want %d saying %q: %s", res.StatusCode, tc.status, tc.says, body)
			}
			if nb.cookie("session") != "" || nb.cookie("__Host-session") != "" {
				t.Fatal("a refused sign-in left a session cookie")
			}
		})
	}
	n, err := e.store.CountAudit(context.Background(), s.acct, models.AuditFilter{EventName: "ConsoleLogin", Result: models.ResultFailure})
	if err != nil {
		t.Fatal(err)
	}
	if int(n) != len(tests) {
		t.Errorf("%d refusals audited, want %d", n, len(tests))
	}

	// Several roles: a page to choose; nothing used until one is chosen.
	// The session keeps the assertion's tags and provider: saml-other lists
	// users only for the dev team, signed in through corp.
	e.inline(iam.RoleNamed("saml-other"), fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*",
		"Condition":{"StringEquals":{"aws:PrincipalTag/team":"dev","aws:FederatedProvider":%q}}}]}`, s.providerARN))
	c := e.browser()
	two := s.response(t, samltest.Assertion{Attributes: []samltest.Attr{{Name: samltest.PrincipalTagPrefix + "team", Values: []string{"dev"}}}},
		s.roleARN, s.role("saml-other"))
	res, body = s.acs(t, c, two)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="saml-role-form"`) || !strings.Contains(body, s.role("saml-other")) {
		t.Fatalf("role page: %d", res.StatusCode)
	}
	// A role the assertion does not name is refused, and uses nothing up.
	res, _ = s.acs(t, c, two, "roleIndex", s.role("saml-bob-only"))
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("unnamed role chosen: %d", res.StatusCode)
	}
	res, body = s.acs(t, c, two, "roleIndex", s.role("saml-other"))
	mustRedirect(t, res, body, "/")
	if _, body = c.get("/"); !regexp.MustCompile(`Using role <strong>saml-other</strong>`).MatchString(body) {
		t.Fatal("not signed in as the chosen role")
	}
	if res, _ = c.get("/users"); res.StatusCode != http.StatusOK {
		t.Errorf("the dev team's session lists users: %d", res.StatusCode)
	}
	untagged := e.browser()
	res, body = s.acs(t, untagged, s.response(t, samltest.Assertion{}, s.role("saml-other")))
	mustRedirect(t, res, body, "/")
	if res, _ = untagged.get("/users"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a session without the tag lists users: %d", res.StatusCode)
	}

	// Off: nobody signs in.
	if err := e.svc.SetSAMLConsoleSignIn(context.Background(), nil, iam.SAMLConsoleSignIn{}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if res, _ = s.acs(t, e.browser(), s.response(t, samltest.Assertion{}, s.roleARN)); res.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in while off: %d", res.StatusCode)
	}
}

// TestSAMLConsoleSignInEncrypted: once the provider has a private key and
// requires encryption, an assertion encrypted to that key signs in at the
// console's assertion consumer URL and a plain one is refused, saying why.
func TestSAMLConsoleSignInEncrypted(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	root := e.browser()
	root.setup()
	s := newSAMLConsole(t, e, root)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateSAMLProvider(context.Background(), nil, iam.UpdateSAMLProviderInput{SAMLProviderArn: s.providerARN,
		AssertionEncryptionMode: "Required", AddPrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	res, body := s.acs(t, b, s.response(t, samltest.Assertion{}, s.roleARN))
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "requires encrypted assertions") {
		t.Fatalf("plain assertion to a provider requiring encryption: %d", res.StatusCode)
	}
	res, body = s.acs(t, b, s.response(t, samltest.Assertion{EncryptTo: &key.PublicKey}, s.roleARN))
	mustRedirect(t, res, body, "/")
	if res, body = b.get("/"); res.StatusCode != http.StatusOK || !strings.Contains(body, `id="federated-banner"`) {
		t.Fatalf("dashboard after an encrypted SAML sign-in: %d", res.StatusCode)
	}
}

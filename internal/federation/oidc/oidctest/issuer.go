// Package oidctest runs a real OpenID Connect provider in-process, for
// tests of the code that trusts one: an HTTPS server with its own CA (the
// chain it presents is leaf + CA, so AWS's thumbprint is the CA's),
// serving discovery, a JWKS of a key made here, an authorization endpoint
// that redirects back with a code (authorization code flow with PKCE), and
// a token endpoint that returns an ID token signed with that key.
//
// The issuer's URL is https://HOST for a public name HOST that resolves
// nowhere: a verifier reaches it through Dial (see Verifier). The
// authorization endpoint, which browsers visit, is on 127.0.0.1 with the
// server's port.
package oidctest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/iamconsole/console/internal/federation/oidc"
)

// Grant is one authorization the provider gave: what /authorize was asked.
type Grant struct {
	ClientID, RedirectURI, State, Nonce, Challenge string
}

// Issuer is the provider. Change Claims, Deny or ClientSecret before a
// flow to make the provider misbehave as a test needs.
type Issuer struct {
	t          testing.TB
	Server     *httptest.Server
	Host       string
	URL        string // https://Host
	Thumbprint string // SHA-1 of the CA certificate
	Key        *rsa.PrivateKey
	ClientID   string
	// ClientSecret, when set, is required at the token endpoint (HTTP
	// Basic or the form's client_secret).
	ClientSecret string

	mu     sync.Mutex
	claims func(Grant) map[string]any
	deny   string
	codes  map[string]Grant
	grants []Grant
}

// Start runs a provider for host with one client, clientID.
func Start(t testing.TB, host, clientID string) *Issuer {
	t.Helper()
	caKey := mustKey(t)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "oidctest Root CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leafKey := mustKey(t)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is := &Issuer{t: t, Host: host, URL: "https://" + host, Thumbprint: oidc.Thumbprint(caDER), Key: key, ClientID: clientID,
		codes: map[string]Grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", is.discovery)
	mux.HandleFunc("GET /.well-known/jwks", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: key.Public(), KeyID: "rsa-1", Algorithm: string(jose.RS256), Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", is.authorize)
	mux.HandleFunc("POST /token", is.token)
	is.Server = httptest.NewUnstartedServer(mux)
	is.Server.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey}}}
	is.Server.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are some tests' point
	is.Server.StartTLS()
	t.Cleanup(is.Server.Close)
	return is
}

func mustKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// AuthorizeURL is the authorization endpoint, on 127.0.0.1.
func (is *Issuer) AuthorizeURL() string {
	return "https://" + is.Server.Listener.Addr().String() + "/authorize"
}

// Dial sends connections for the issuer's host to the server, and any
// other name nowhere (a connection refused).
func (is *Issuer) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, _ := net.SplitHostPort(addr)
	target := "127.0.0.1:1" // nothing listens there
	if host == is.Host || host == "127.0.0.1" {
		target = is.Server.Listener.Addr().String()
	}
	var d net.Dialer
	return d.DialContext(ctx, network, target)
}

// Verifier is a verifier that reaches the issuer through Dial.
func (is *Issuer) Verifier() *oidc.Verifier {
	v := oidc.NewVerifier()
	v.Dial, v.MinRefresh = is.Dial, 0
	return v
}

// SetClaims makes the ID tokens' claims from a grant; nil restores
// DefaultClaims.
func (is *Issuer) SetClaims(f func(Grant) map[string]any) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.claims = f
}

// Deny makes /authorize answer with OAuth's error parameter instead of a
// code ("" to stop).
func (is *Issuer) Deny(oauthError string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.deny = oauthError
}

// Grants are the authorizations given so far, oldest first.
func (is *Issuer) Grants() []Grant {
	is.mu.Lock()
	defer is.mu.Unlock()
	return append([]Grant(nil), is.grants...)
}

// DefaultClaims are a person's: sub, email and groups, for the grant's
// client and nonce, valid five minutes.
func (is *Issuer) DefaultClaims(g Grant) map[string]any {
	now := time.Now()
	return map[string]any{"iss": is.URL, "sub": "user-8d41", "aud": g.ClientID, "nonce": g.Nonce,
		"exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix(), "email": "ada@example.com", "email_verified": true,
		"groups": []string{"staff", "console-readers"}}
}

// Sign signs claims with the issuer's key (RS256, kid rsa-1).
func (is *Issuer) Sign(claims map[string]any) string {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: is.Key, KeyID: "rsa-1"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		is.t.Fatal(err)
	}
	raw, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		is.t.Fatal(err)
	}
	return raw
}

func (is *Issuer) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"issuer": is.URL, "jwks_uri": is.URL + "/.well-known/jwks",
		"authorization_endpoint": is.AuthorizeURL(), "token_endpoint": is.URL + "/token",
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"}})
}

// authorize signs the person in at once (there is one) and redirects back
// with a code, as a provider does after its own login page.
func (is *Issuer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	g := Grant{ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"), State: q.Get("state"), Nonce: q.Get("nonce"),
		Challenge: q.Get("code_challenge")}
	back, err := url.Parse(g.RedirectURI)
	if err != nil || back.Scheme == "" || g.ClientID != is.ClientID || q.Get("response_type") != "code" {
		http.Error(w, "invalid_request", http.StatusBadRequest)
		return
	}
	v := back.Query()
	v.Set("state", g.State)
	is.mu.Lock()
	switch {
	case is.deny != "":
		v.Set("error", is.deny)
		v.Set("error_description", "The user refused.")
	case q.Get("code_challenge_method") != "S256" || g.Challenge == "":
		v.Set("error", "invalid_request")
		v.Set("error_description", "PKCE with S256 is required.")
	default:
		code := rand.Text()
		is.codes[code] = g
		is.grants = append(is.grants, g)
		v.Set("code", code)
	}
	is.mu.Unlock()
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token exchanges a code, once, for an ID token: the client must
// authenticate (when it has a secret), name the same redirect URI, and
// prove the PKCE verifier.
func (is *Issuer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != is.ClientID || is.ClientSecret != "" && secret != is.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	is.mu.Lock()
	code := r.PostForm.Get("code")
	g, found := is.codes[code]
	delete(is.codes, code)
	claims := is.claims
	is.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !found || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != g.RedirectURI ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.Challenge {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	if claims == nil {
		claims = is.DefaultClaims
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 300,
		"id_token": is.Sign(claims(g))})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

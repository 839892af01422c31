package awsapi_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/iamconsole/console/internal/federation/oidc"
	"github.com/iamconsole/console/internal/iam"
)

// testIssuer is a real OpenID Connect issuer in-process: an HTTPS server
// with its own CA (the chain it presents is leaf + CA, so AWS's
// thumbprint is the CA's), serving discovery and a JWKS of keys made
// here. host is the public name it answers for (the verifier's dialer
// sends that name to the server).
type testIssuer struct {
	t      *testing.T
	srv    *httptest.Server
	host   string
	url    string
	thumb  string // SHA-1 of the CA certificate
	rsaKey *rsa.PrivateKey
	ecKey  *ecdsa.PrivateKey
	mu     sync.Mutex
	keys   []jose.JSONWebKey // served
	// keyFetches counts JWKS requests.
	keyFetches atomic.Int32
}

func startIssuer(t *testing.T, host string) *testIssuer {
	t.Helper()
	caKey := mustKey(t)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Issuer Root CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leafKey := mustKey(t)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is := &testIssuer{t: t, host: host, url: "https://" + host, thumb: oidc.Thumbprint(caDER), rsaKey: rsaKey, ecKey: mustKey(t)}
	is.keys = []jose.JSONWebKey{
		{Key: rsaKey.Public(), KeyID: "rsa-1", Algorithm: string(jose.RS256), Use: "sig"},
		{Key: is.ecKey.Public(), KeyID: "ec-1", Algorithm: string(jose.ES256), Use: "sig"},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": is.url, "jwks_uri": is.url + "/.well-known/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"}})
	})
	mux.HandleFunc("/.well-known/jwks", func(w http.ResponseWriter, _ *http.Request) {
		is.keyFetches.Add(1)
		is.mu.Lock()
		defer is.mu.Unlock()
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: is.keys})
	})
	is.srv = httptest.NewUnstartedServer(mux)
	is.srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey}}}
	is.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are some tests' point
	is.srv.StartTLS()
	t.Cleanup(is.srv.Close)
	return is
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// issuerNet routes the issuers' public names to their servers, and any
// other name nowhere (a connection refused), for the verifier.
type issuerNet map[string]*testIssuer

func (n issuerNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, _ := net.SplitHostPort(addr)
	target := "127.0.0.1:1" // nothing listens there
	if is := n[host]; is != nil {
		target = is.srv.Listener.Addr().String()
	}
	var d net.Dialer
	return d.DialContext(ctx, network, target)
}

// config makes the service verify tokens through n, with no wait between
// key refreshes unless minRefresh says otherwise.
func (n issuerNet) config(minRefresh time.Duration) func(*iam.Config) {
	return func(cfg *iam.Config) {
		v := oidc.NewVerifier()
		v.Dial, v.MinRefresh = n.dial, minRefresh
		cfg.OIDC = v
	}
}

// claims are a GitHub Actions-like token's claims, valid for five minutes.
func (is *testIssuer) claims() map[string]any {
	now := time.Now()
	return map[string]any{"iss": is.url, "sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "aud": "sts.amazonaws.com",
		"exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix(), "nbf": now.Unix(), "repository": "octo-org/octo-repo"}
}

// token signs claims with the issuer's RSA key (RS256, kid rsa-1).
func (is *testIssuer) token(claims map[string]any) string {
	return signToken(is.t, jose.RS256, jose.JSONWebKey{Key: is.rsaKey, KeyID: "rsa-1"}, claims)
}

func signToken(t *testing.T, alg jose.SignatureAlgorithm, key any, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// rotate replaces the served keys with a new RSA key under kid, and
// returns it.
func (is *testIssuer) rotate(kid string) crypto.Signer {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		is.t.Fatal(err)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys = []jose.JSONWebKey{{Key: k.Public(), KeyID: kid, Algorithm: string(jose.RS256), Use: "sig"}}
	return k
}

package oidc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

func sign(t testing.TB, alg jose.SignatureAlgorithm, key any, claims any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestIssuer reads iss from tokens the verifier would look at, and refuses
// what it would refuse before any key is fetched.
func TestIssuer(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	b64 := base64.RawURLEncoding.EncodeToString
	for _, tc := range []struct {
		name, raw, want string
	}{
		{"ES256", sign(t, jose.ES256, k, map[string]any{"iss": "https://a.example", "sub": "x"}), "https://a.example"},
		{"no iss", sign(t, jose.ES256, k, map[string]any{"sub": "x"}), ""},
		{"alg none", b64([]byte(`{"alg":"none"}`)) + "." + b64([]byte(`{"iss":"https://a.example"}`)) + ".", ""},
		{"HS256", sign(t, jose.HS256, []byte("0123456789abcdef0123456789abcdef"), map[string]any{"iss": "https://a.example"}), ""},
		{"two parts", "a.b", ""},
		{"JSON serialization", `{"payload":"e30","signatures":[]}`, ""},
		{"aud of the wrong type", sign(t, jose.ES256, k, map[string]any{"iss": "https://a.example", "aud": 7}), ""},
		{"too large", strings.Repeat("a", MaxTokenSize+1), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Issuer(tc.raw)
			var e *Error
			if got != tc.want || (tc.want == "") != (err != nil) || err != nil && (!errors.As(err, &e) || e.Kind != Invalid) {
				t.Errorf("Issuer = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// FuzzIssuer: any input is read or refused as Invalid, never a panic.
func FuzzIssuer(f *testing.F) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	f.Add(sign(f, jose.ES256, k, map[string]any{"iss": "https://a.example", "sub": "x", "aud": []string{"a", "b"},
		"https://aws.amazon.com/tags": map[string]any{"principal_tags": map[string]any{"k": []string{"v"}}}}))
	f.Add("eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2EifQ.")
	f.Add("..")
	f.Fuzz(func(t *testing.T, raw string) {
		iss, err := Issuer(raw)
		var e *Error
		if err != nil && (!errors.As(err, &e) || e.Kind != Invalid) {
			t.Fatalf("error %v is not Invalid", err)
		}
		if err == nil && iss == "" {
			t.Fatal("no issuer and no error")
		}
		if p, err := parse(raw); err == nil {
			_, _ = claimsOf(p)
		}
	})
}

// TestVerifyChain: the system's roots (here a pool) first, else the
// thumbprint of the chain's top certificate, and the host's name always.
func TestVerifyChain(t *testing.T) {
	ca, caKey := cert(t, nil, nil, "Root", nil, true)
	leaf, _ := cert(t, ca, caKey, "idp.example", []string{"idp.example"}, false)
	self, _ := cert(t, nil, nil, "self.example", []string{"self.example"}, false)
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, tc := range []struct {
		name        string
		chain       []*x509.Certificate
		host        string
		roots       *x509.CertPool
		thumbprints []string
		ok          bool
	}{
		{"chains to a trusted root", []*x509.Certificate{leaf, ca}, "idp.example", roots, nil, true},
		{"leaf alone, root trusted", []*x509.Certificate{leaf}, "idp.example", roots, nil, true},
		{"root untrusted, CA thumbprint", []*x509.Certificate{leaf, ca}, "idp.example", x509.NewCertPool(), []string{Thumbprint(ca.Raw)}, true},
		{"root untrusted, leaf thumbprint is not the top", []*x509.Certificate{leaf, ca}, "idp.example", x509.NewCertPool(), []string{Thumbprint(leaf.Raw)}, false},
		{"root untrusted, no thumbprint", []*x509.Certificate{leaf, ca}, "idp.example", x509.NewCertPool(), nil, false},
		{"thumbprint right, name wrong", []*x509.Certificate{leaf, ca}, "other.example", x509.NewCertPool(), []string{Thumbprint(ca.Raw)}, false},
		{"self-signed leaf by its thumbprint", []*x509.Certificate{self}, "self.example", x509.NewCertPool(), []string{Thumbprint(self.Raw)}, true},
		{"no certificate", nil, "idp.example", roots, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := verifyChain(tc.chain, tc.host, tc.roots, tc.thumbprints)
			if (err == nil) != tc.ok || err != nil && !errors.Is(err, errUntrusted) {
				t.Errorf("verifyChain = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// cert makes a certificate signed by parent (self-signed when nil).
func cert(t *testing.T, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, cn string, names []string, isCA bool) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	n, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: n, Subject: pkix.Name{CommonName: cn}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: isCA, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	if parent == nil {
		parent, parentKey = tmpl, k
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &k.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c, k
}

package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// tlsIssuer is an issuer on httptest's TLS server (its self-signed
// certificate is the whole chain, so its thumbprint is the leaf's).
type tlsIssuer struct {
	srv     *httptest.Server
	key     *ecdsa.PrivateKey
	fetches atomic.Int32
	// pad makes the JWKS larger than it needs to be, in bytes.
	pad atomic.Int64
}

func newTLSIssuer(t *testing.T) *tlsIssuer {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	is := &tlsIssuer{key: k}
	mux := http.NewServeMux()
	is.srv = httptest.NewUnstartedServer(mux)
	is.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(discovery{Issuer: is.srv.URL, JWKSURI: is.srv.URL + "/jwks"})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, _ *http.Request) {
		is.fetches.Add(1)
		b, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: k.Public(), KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
		_, _ = w.Write(append(b[:len(b)-1], []byte(`,"pad":"`+strings.Repeat("x", int(is.pad.Load()))+`"}`)...))
	})
	is.srv.StartTLS()
	t.Cleanup(is.srv.Close)
	return is
}

func (is *tlsIssuer) provider() Provider {
	return Provider{URL: is.srv.URL, ClientIDs: []string{"app"}, Thumbprints: []string{Thumbprint(is.srv.Certificate().Raw)}}
}

func (is *tlsIssuer) token(t *testing.T, aud string, exp time.Time) string {
	return sign(t, jose.ES256, jose.JSONWebKey{Key: is.key, KeyID: "k1"},
		map[string]any{"iss": is.srv.URL, "sub": "system:serviceaccount:default:app", "aud": aud, "exp": exp.Unix(), "amr": "pwd"})
}

func kindOf(err error) (Kind, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind, true
	}
	return 0, false
}

// TestVerifierTLSIssuer runs the verifier against httptest's TLS server,
// its self-signed certificate trusted by thumbprint only.
func TestVerifierTLSIssuer(t *testing.T) {
	is := newTLSIssuer(t)
	v := NewVerifier()
	ctx := context.Background()
	c, err := v.Verify(ctx, is.provider(), is.token(t, "app", time.Now().Add(time.Minute)))
	if err != nil || c.Subject != "system:serviceaccount:default:app" || c.MatchedAudience([]string{"app"}) != "app" || len(c.AMR) != 1 {
		t.Fatalf("Verify = %+v, %v", c, err)
	}
	// Kept: a second token fetches nothing.
	if _, err := v.Verify(ctx, is.provider(), is.token(t, "app", time.Now().Add(time.Minute))); err != nil || is.fetches.Load() != 1 {
		t.Fatalf("second Verify: %v, %d fetches", err, is.fetches.Load())
	}

	// Without the thumbprint, the self-signed certificate is not trusted.
	p := is.provider()
	p.Thumbprints = []string{strings.Repeat("0", 40)}
	_, err = NewVerifier().Verify(ctx, p, is.token(t, "app", time.Now().Add(time.Minute)))
	if k, ok := kindOf(err); !ok || k != Untrusted {
		t.Errorf("wrong thumbprint: %v", err)
	}

	// A key set past MaxBody is refused.
	is.pad.Store(2 << 20)
	_, err = NewVerifier().Verify(ctx, is.provider(), is.token(t, "app", time.Now().Add(time.Minute)))
	if k, ok := kindOf(err); !ok || k != Communication {
		t.Errorf("oversized JWKS: %v", err)
	}
	is.pad.Store(0)

	// Expired beyond the skew; wrong audience.
	_, err = v.Verify(ctx, is.provider(), is.token(t, "app", time.Now().Add(-2*time.Minute)))
	if k, ok := kindOf(err); !ok || k != Expired {
		t.Errorf("expired: %v", err)
	}
	_, err = v.Verify(ctx, is.provider(), is.token(t, "other", time.Now().Add(time.Minute)))
	if k, ok := kindOf(err); !ok || k != Invalid || err.(*Error).Message != "Incorrect token audience" {
		t.Errorf("wrong aud: %v", err)
	}

	// The issuer down: the keys already read still verify.
	is.srv.Close()
	if _, err := v.Verify(ctx, is.provider(), is.token(t, "app", time.Now().Add(time.Minute))); err != nil {
		t.Errorf("issuer down, keys cached: %v", err)
	}
	_, err = NewVerifier().Verify(ctx, is.provider(), is.token(t, "app", time.Now().Add(time.Minute)))
	if k, ok := kindOf(err); !ok || k != Communication {
		t.Errorf("issuer down, nothing cached: %v", err)
	}
}

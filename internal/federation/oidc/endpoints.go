package oidc

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// Endpoints are an issuer's OAuth 2.0 endpoints, for a relying party that
// signs people in with the authorization code flow (the console's sign-in
// through an OpenID Connect provider).
type Endpoints struct {
	Authorization string
	Token         string
}

// Endpoints reads the issuer's discovery document, trusted as the key
// fetches are (the system's roots, else the provider's thumbprints), and
// returns its authorization and token endpoints. Both must be HTTPS.
// Errors are *Error (Communication or Untrusted).
func (v *Verifier) Endpoints(ctx context.Context, p Provider) (*Endpoints, error) {
	client, done := v.client(p)
	defer done()
	var d struct {
		Issuer        string `json:"issuer"`
		Authorization string `json:"authorization_endpoint"`
		Token         string `json:"token_endpoint"`
	}
	if err := v.getJSON(ctx, client, strings.TrimSuffix(p.URL, "/")+"/.well-known/openid-configuration", &d); err != nil {
		return nil, err
	}
	if d.Issuer != p.URL || !isHTTPS(d.Authorization) || !isHTTPS(d.Token) {
		return nil, refuse(Communication, fmt.Errorf("discovery: issuer %q authorization_endpoint %q token_endpoint %q",
			d.Issuer, d.Authorization, d.Token), "The identity provider's discovery document names no HTTPS authorization and token endpoints.")
	}
	return &Endpoints{Authorization: d.Authorization, Token: d.Token}, nil
}

// Client is an HTTP client that trusts the issuer p's certificate as the
// verifier does, with the verifier's timeouts, for calls to the issuer's
// other endpoints (the token endpoint). done closes its connections.
func (v *Verifier) Client(p Provider) (c *http.Client, done func()) {
	return v.client(p)
}

package oidc

import (
	"context"
	"crypto/sha1" //nolint:gosec // thumbprints are SHA-1 by AWS's definition, compared not trusted for collision resistance
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Verifier verifies tokens and keeps each issuer's keys. The zero value
// is not usable: make one with NewVerifier.
type Verifier struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Skew is the clock difference tolerated on exp, nbf and iat.
	Skew time.Duration
	// RootCAs are the roots an issuer's certificate may chain to; nil for
	// the system's.
	RootCAs *x509.CertPool
	// Timeout bounds each fetch (connect, TLS, response).
	Timeout time.Duration
	// MaxBody bounds a discovery document or key set.
	MaxBody int64
	// TTL is how long a key set is used before it is fetched again.
	TTL time.Duration
	// MinRefresh is the least time between two fetches for one issuer
	// when tokens name unknown keys: a stream of forged key IDs must not
	// become a stream of requests to the issuer.
	MinRefresh time.Duration
	// Dial opens connections; a net.Dialer's with Timeout when nil. Tests
	// point an issuer's public name at an in-process server with it.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)

	mu   sync.Mutex
	sets map[string]*keySet
}

// NewVerifier makes a verifier with AWS-like bounds: 5 s per fetch, 1 MB
// per document, keys kept an hour and fetched again at most every 10 s,
// one minute of clock skew.
func NewVerifier() *Verifier {
	return &Verifier{Skew: time.Minute, Timeout: 5 * time.Second, MaxBody: 1 << 20, TTL: time.Hour, MinRefresh: 10 * time.Second}
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) skew() time.Duration { return v.Skew }

// keySet is one issuer's keys, as fetched under one trust (thumbprints).
type keySet struct {
	mu      sync.Mutex // held while fetching: one fetch per issuer at a time
	keys    jose.JSONWebKeySet
	fetched time.Time // zero: never fetched successfully
	tried   time.Time // last fetch attempt
	lastErr error
}

// keysFor returns the issuer's keys that kid names (every key when kid is
// ""), fetching the set when it is missing, stale, or lacks kid.
func (v *Verifier) keysFor(ctx context.Context, p Provider, kid string) ([]jose.JSONWebKey, error) {
	id := p.URL + "\n" + strings.Join(p.Thumbprints, ",")
	v.mu.Lock()
	if v.sets == nil {
		v.sets = map[string]*keySet{}
	}
	ks := v.sets[id]
	if ks == nil {
		v.evict()
		ks = &keySet{}
		v.sets[id] = ks
	}
	v.mu.Unlock()

	ks.mu.Lock()
	defer ks.mu.Unlock()
	now := v.now()
	stale := ks.fetched.IsZero() || now.Sub(ks.fetched) >= v.TTL
	found := matching(&ks.keys, kid)
	if stale || len(found) == 0 {
		if !ks.tried.IsZero() && now.Sub(ks.tried) < v.MinRefresh {
			if ks.fetched.IsZero() {
				return nil, ks.lastErr
			}
			return found, nil
		}
		ks.tried = now
		keys, err := v.fetchKeys(ctx, p)
		if err != nil {
			ks.lastErr = err
			if ks.fetched.IsZero() || stale && now.Sub(ks.fetched) >= 2*v.TTL {
				return nil, err
			}
			return found, nil // the issuer is down: the keys we have still verify
		}
		ks.keys, ks.fetched, ks.lastErr = *keys, now, nil
		found = matching(&ks.keys, kid)
	}
	return found, nil
}

// maxSets bounds the key sets kept: a provider's thumbprints changed, or
// providers deleted, leave sets nobody asks for.
const maxSets = 256

// evict drops, when maxSets are kept, the sets not used for a TTL (all of
// them if none is that old). The caller holds v.mu.
func (v *Verifier) evict() {
	if len(v.sets) < maxSets {
		return
	}
	now := v.now()
	for id, ks := range v.sets {
		if ks.mu.TryLock() {
			if now.Sub(ks.tried) >= v.TTL {
				delete(v.sets, id)
			}
			ks.mu.Unlock()
		}
	}
	if len(v.sets) >= maxSets {
		clear(v.sets) // in use or not, they are fetched again when asked for
	}
}

// matching are the public signing keys that kid names.
func matching(set *jose.JSONWebKeySet, kid string) []jose.JSONWebKey {
	var out []jose.JSONWebKey
	for _, k := range set.Keys {
		if (kid == "" || k.KeyID == kid) && (k.Use == "" || k.Use == "sig") && k.IsPublic() && k.Valid() {
			out = append(out, k)
		}
	}
	return out
}

// discovery is the part of the OpenID Provider Metadata read here.
type discovery struct {
	Issuer  string `json:"issuer"`
	JWKSURI string `json:"jwks_uri"`
}

// fetchKeys reads the issuer's discovery document and then its key set.
func (v *Verifier) fetchKeys(ctx context.Context, p Provider) (*jose.JSONWebKeySet, error) {
	client, done := v.client(p)
	defer done()
	var d discovery
	if err := v.getJSON(ctx, client, strings.TrimSuffix(p.URL, "/")+"/.well-known/openid-configuration", &d); err != nil {
		return nil, err
	}
	if d.Issuer != p.URL || !isHTTPS(d.JWKSURI) {
		return nil, refuse(Communication, fmt.Errorf("discovery: issuer %q jwks_uri %q", d.Issuer, d.JWKSURI), msgCommunication)
	}
	var set jose.JSONWebKeySet
	if err := v.getJSON(ctx, client, d.JWKSURI, &set); err != nil {
		return nil, err
	}
	return &set, nil
}

// getJSON fetches one document of at most MaxBody bytes.
func (v *Verifier) getJSON(ctx context.Context, client *http.Client, u string, into any) error {
	if !isHTTPS(u) {
		return refuse(Communication, fmt.Errorf("not https: %s", u), msgCommunication)
	}
	ctx, cancel := context.WithTimeout(ctx, v.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return refuse(Communication, err, msgCommunication)
	}
	req.Header.Set("Accept", "application/json")
	res, err := client.Do(req)
	if err != nil {
		if errors.Is(err, errUntrusted) {
			return refuse(Untrusted, err, msgThumbprint)
		}
		return refuse(Communication, err, msgCommunication)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return refuse(Communication, fmt.Errorf("%s: %s", u, res.Status), msgCommunication)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, v.MaxBody+1))
	if err != nil {
		return refuse(Communication, err, msgCommunication)
	}
	if int64(len(body)) > v.MaxBody {
		return refuse(Communication, fmt.Errorf("%s: larger than %d bytes", u, v.MaxBody), msgCommunication)
	}
	if err := json.Unmarshal(body, into); err != nil {
		return refuse(Communication, fmt.Errorf("%s: %w", u, err), msgCommunication)
	}
	return nil
}

// errUntrusted is a server certificate neither the roots nor the
// thumbprints vouch for.
var errUntrusted = errors.New("oidc: issuer certificate not trusted")

// client is an HTTP client that trusts the issuer's certificate as AWS
// does (see the package comment), follows no redirects, and keeps no
// connection once done is called. The name a certificate must be valid
// for is the host dialled (an IP address is checked against IP SANs).
func (v *Verifier) client(p Provider) (*http.Client, func()) {
	dial := v.Dial
	if dial == nil {
		dial = (&net.Dialer{Timeout: v.Timeout}).DialContext
	}
	tr := &http.Transport{
		DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			raw, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			conn := tls.Client(raw, &tls.Config{
				ServerName: host,
				MinVersion: tls.VersionTLS12,
				// Verification is VerifyConnection's: the roots first,
				// the thumbprints after.
				InsecureSkipVerify: true, //nolint:gosec // verified in VerifyConnection
				VerifyConnection: func(cs tls.ConnectionState) error {
					return verifyChain(cs.PeerCertificates, host, v.RootCAs, p.Thumbprints)
				},
			})
			if err := conn.HandshakeContext(ctx); err != nil {
				raw.Close()
				return nil, err
			}
			return conn, nil
		},
		ResponseHeaderTimeout:  v.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
	}
	c := &http.Client{Transport: tr, Timeout: v.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return c, tr.CloseIdleConnections
}

// verifyChain trusts the chain the server presented when it verifies for
// the server's name against roots (nil: the system's), or else when the
// thumbprint of its last certificate is one of thumbprints and the chain
// verifies for the name up to that certificate.
func verifyChain(certs []*x509.Certificate, name string, roots *x509.CertPool, thumbprints []string) error {
	if len(certs) == 0 {
		return errUntrusted
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	opts := x509.VerifyOptions{DNSName: name, Roots: roots, Intermediates: inter}
	if _, err := certs[0].Verify(opts); err == nil {
		return nil
	}
	top := certs[len(certs)-1]
	sum := sha1.Sum(top.Raw) //nolint:gosec // AWS's thumbprint
	if !slices.Contains(thumbprints, hex.EncodeToString(sum[:])) {
		return fmt.Errorf("%w: thumbprint %x", errUntrusted, sum)
	}
	pinned := x509.NewCertPool()
	pinned.AddCert(top)
	opts.Roots = pinned
	if _, err := certs[0].Verify(opts); err != nil {
		return fmt.Errorf("%w: %v", errUntrusted, err)
	}
	return nil
}

// Thumbprint is the hex SHA-1 of a DER certificate, as AWS's thumbprints.
func Thumbprint(der []byte) string {
	sum := sha1.Sum(der) //nolint:gosec // AWS's thumbprint
	return hex.EncodeToString(sum[:])
}

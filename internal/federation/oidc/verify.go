package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Kind classifies a refusal; each maps to one of STS's error codes.
type Kind uint8

// Kinds of refusal.
const (
	// Invalid is a token that is malformed, wrongly signed, for another
	// issuer or audience, or not yet valid (InvalidIdentityToken).
	Invalid Kind = iota
	// Expired is a token past its exp (ExpiredTokenException).
	Expired
	// Communication is an issuer whose discovery document or keys could
	// not be fetched (IDPCommunicationError).
	Communication
	// Untrusted is an issuer whose certificate neither chains to a trusted
	// root nor matches a thumbprint (InvalidIdentityToken).
	Untrusted
)

// Error is a refused token: a Kind, a message safe to show the caller
// (AWS's words where AWS has them), and the cause, for logs.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

func refuse(k Kind, err error, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...), Err: err}
}

// msgInvalid is AWS's description of InvalidIdentityToken, said for any
// token whose fault AWS does not name more precisely.
const msgInvalid = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."

// msgCommunication is AWS's words for an issuer it could not fetch keys
// from (the double space is AWS's).
const msgCommunication = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"

// msgThumbprint is AWS's words for an issuer certificate it does not trust.
const msgThumbprint = "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"

// Algorithms are the signature algorithms accepted: public-key ones only.
var Algorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512}

// MaxTokenSize is the largest token read (AWS's WebIdentityToken limit).
const MaxTokenSize = 20000

// Provider is what the verifier needs of an IAM OIDC provider.
type Provider struct {
	// URL is the issuer: "https://" and the provider's URL.
	URL string
	// ClientIDs are the audiences accepted.
	ClientIDs []string
	// Thumbprints are lower-case hex SHA-1 thumbprints of certificates
	// trusted at the top of the issuer's chain.
	Thumbprints []string
}

// Claims are the verified claims the caller acts on.
type Claims struct {
	Issuer   string
	Subject  string
	Audience []string
	// AuthorizedParty is azp, "" when absent.
	AuthorizedParty string
	AMR             []string
	Expiry          time.Time
	IssuedAt        time.Time
	// PrincipalTags and TransitiveTagKeys come from the
	// https://aws.amazon.com/tags claim.
	PrincipalTags     map[string]string
	TransitiveTagKeys []string
	// HasTags says the token carried the tags claim.
	HasTags bool
	// SourceIdentity is the https://aws.amazon.com/source_identity claim.
	SourceIdentity string
	// Nonce is the nonce claim (OpenID Connect's replay guard for a sign-in
	// the relying party started), "" when absent.
	Nonce string
	// All are every claim of the verified token, for relying parties that
	// read their own (email, groups, a custom claim).
	All map[string]any
}

// MatchedAudience is the client ID the token was accepted for: azp when
// it is one, else the first aud that is (AWS's <provider>:aud key).
func (c *Claims) MatchedAudience(clientIDs []string) string {
	if c.AuthorizedParty != "" && slices.Contains(clientIDs, c.AuthorizedParty) {
		return c.AuthorizedParty
	}
	for _, a := range c.Audience {
		if slices.Contains(clientIDs, a) {
			return a
		}
	}
	return ""
}

// extra are the claims go-jose's jwt.Claims does not read.
type extra struct {
	AZP  string          `json:"azp"`
	AMR  json.RawMessage `json:"amr"`
	Tags *struct {
		PrincipalTags     map[string]json.RawMessage `json:"principal_tags"`
		TransitiveTagKeys []string                   `json:"transitive_tag_keys"`
	} `json:"https://aws.amazon.com/tags"`
	SourceIdentity string `json:"https://aws.amazon.com/source_identity"`
	Nonce          string `json:"nonce"`
}

// parsed is a token read but not yet verified.
type parsed struct {
	tok   *jwt.JSONWebToken
	std   jwt.Claims
	extra extra
	all   map[string]any
}

// parse reads a compact JWS without verifying it: the algorithm must be
// one of Algorithms, there must be one signature, and the claims must be
// JSON of the expected types.
func parse(raw string) (*parsed, error) {
	if len(raw) > MaxTokenSize {
		return nil, refuse(Invalid, nil, msgInvalid)
	}
	tok, err := jwt.ParseSigned(raw, Algorithms)
	if err != nil {
		return nil, refuse(Invalid, err, msgInvalid)
	}
	if len(tok.Headers) != 1 {
		return nil, refuse(Invalid, errors.New("not one signature"), msgInvalid)
	}
	p := &parsed{tok: tok}
	if err := tok.UnsafeClaimsWithoutVerification(&p.std, &p.extra); err != nil {
		return nil, refuse(Invalid, err, msgInvalid)
	}
	return p, nil
}

// Issuer reads a token's iss without verifying anything else, to find the
// provider that must verify it. Invalid when the token cannot be read or
// names no issuer.
func Issuer(raw string) (string, error) {
	p, err := parse(raw)
	if err != nil {
		return "", err
	}
	if p.std.Issuer == "" {
		return "", refuse(Invalid, errors.New("no iss"), msgInvalid)
	}
	return p.std.Issuer, nil
}

// Verify checks raw as an ID token of provider p at time now and returns
// its claims. Errors are *Error.
func (v *Verifier) Verify(ctx context.Context, p Provider, raw string) (*Claims, error) {
	t, err := parse(raw)
	if err != nil {
		return nil, err
	}
	if t.std.Issuer != p.URL {
		return nil, refuse(Invalid, fmt.Errorf("iss %q", t.std.Issuer), msgInvalid)
	}
	hdr := t.tok.Headers[0]
	keys, err := v.keysFor(ctx, p, hdr.KeyID)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, refuse(Invalid, fmt.Errorf("no key %q", hdr.KeyID), msgInvalid)
	}
	var verr error
	verified := false
	for _, k := range keys {
		if k.Algorithm != "" && k.Algorithm != hdr.Algorithm {
			continue
		}
		var std jwt.Claims
		var ex extra
		var all map[string]any
		if verr = t.tok.Claims(k.Key, &std, &ex, &all); verr == nil {
			t.std, t.extra, t.all, verified = std, ex, all, true
			break
		}
	}
	if !verified {
		return nil, refuse(Invalid, fmt.Errorf("signature: %v", verr), msgInvalid)
	}
	c, err := claimsOf(t)
	if err != nil {
		return nil, err
	}
	if c.MatchedAudience(p.ClientIDs) == "" {
		return nil, refuse(Invalid, fmt.Errorf("aud %q azp %q", c.Audience, c.AuthorizedParty), "Incorrect token audience")
	}
	return c, v.checkTimes(&t.std)
}

// checkTimes checks exp (required), nbf and iat, Skew either way.
func (v *Verifier) checkTimes(std *jwt.Claims) error {
	now := v.now()
	if std.Expiry == nil {
		return refuse(Invalid, errors.New("no exp"), msgInvalid)
	}
	exp := std.Expiry.Time()
	if !now.Before(exp.Add(v.skew())) {
		return refuse(Expired, nil, "Token expired: current date/time %d must be before the expiration date/time %d",
			now.Unix(), exp.Unix())
	}
	if std.NotBefore != nil && now.Add(v.skew()).Before(std.NotBefore.Time()) {
		return refuse(Invalid, errors.New("nbf in the future"), msgInvalid)
	}
	if std.IssuedAt != nil && now.Add(v.skew()).Before(std.IssuedAt.Time()) {
		return refuse(Invalid, errors.New("iat in the future"), msgInvalid)
	}
	return nil
}

func claimsOf(t *parsed) (*Claims, error) {
	c := &Claims{Issuer: t.std.Issuer, Subject: t.std.Subject, Audience: t.std.Audience, AuthorizedParty: t.extra.AZP,
		SourceIdentity: t.extra.SourceIdentity, Nonce: t.extra.Nonce, All: t.all}
	if t.std.Subject == "" {
		return nil, refuse(Invalid, errors.New("no sub"), msgInvalid)
	}
	if t.std.Expiry != nil {
		c.Expiry = t.std.Expiry.Time()
	}
	if t.std.IssuedAt != nil {
		c.IssuedAt = t.std.IssuedAt.Time()
	}
	if len(t.extra.AMR) > 0 {
		var one string
		if json.Unmarshal(t.extra.AMR, &one) == nil {
			c.AMR = []string{one}
		} else if err := json.Unmarshal(t.extra.AMR, &c.AMR); err != nil {
			return nil, refuse(Invalid, fmt.Errorf("amr: %w", err), msgInvalid)
		}
	}
	if tg := t.extra.Tags; tg != nil {
		c.HasTags = true
		c.TransitiveTagKeys = tg.TransitiveTagKeys
		c.PrincipalTags = make(map[string]string, len(tg.PrincipalTags))
		for k, raw := range tg.PrincipalTags {
			// AWS's shape is a list of one value; a bare string is read too.
			var vals []string
			var one string
			switch {
			case json.Unmarshal(raw, &vals) == nil && len(vals) == 1:
				c.PrincipalTags[k] = vals[0]
			case json.Unmarshal(raw, &one) == nil:
				c.PrincipalTags[k] = one
			default:
				return nil, refuse(Invalid, fmt.Errorf("principal tag %q", k), msgInvalid)
			}
		}
	}
	return c, nil
}

// isHTTPS is a URL that must be fetched over TLS.
func isHTTPS(u string) bool { return strings.HasPrefix(u, "https://") }

package iam

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/iamconsole/console/internal/models"
)

// Outbound web identity federation (AWS, 2025): once an account enables
// it, its principals get JSON Web Tokens from STS GetWebIdentityToken, to
// prove who they are to services outside AWS. The console is the issuer:
// its URL with a random issuer ID (AWS makes one per account), the
// discovery documents under it (/.well-known/openid-configuration and
// /.well-known/jwks.json, internal/awsapi), and a signing key per
// algorithm (RS256, ES384) held sealed under the master key.

// Errors AWS documents for the feature's state (IAM and STS API
// references), in its words.
var (
	errFeatureEnabled = &Error{Kind: Conflict, Code: "FeatureEnabled",
		Message: "The request failed because outbound identity federation is already enabled for your AWS account. You cannot enable the feature multiple times. To fetch the current configuration (including the unique issuer URL), use the GetOutboundWebIdentityFederationInfo operation."}
	errFeatureDisabled = &Error{Kind: NotFound, Code: "FeatureDisabled",
		Message: "The request failed because outbound identity federation is already disabled for your AWS account. You cannot disable the feature multiple times"}
	errSessionEscalation = &Error{Kind: Invalid, Code: "SessionDurationEscalationException",
		Message: "The requested token duration would extend the session beyond its original expiration time."}
	errOutboundDisabled = &Error{Kind: Invalid, Code: "OutboundWebIdentityFederationDisabledException",
		Message: "The outbound web identity federation feature is not enabled for this account. To use this feature, you must first enable it through the AWS Management Console or API."}
)

// OutboundFederationInfo is GetOutboundWebIdentityFederationInfo's answer.
type OutboundFederationInfo struct {
	IssuerIdentifier  string
	JwtVendingEnabled bool
}

// EnableOutboundWebIdentityFederation turns the feature on for the
// caller's account and returns its issuer URL. The first time, it makes
// the issuer (baseURL, the console's URL as the caller reached it, with
// /aws/oidc/ and a random ID) and its signing keys; later times reuse them,
// so that verifiers configured once keep working. FeatureEnabled when it
// is on. The caller needs iam:EnableOutboundWebIdentityFederation.
func (s *Service) EnableOutboundWebIdentityFederation(ctx context.Context, caller *Principal, baseURL string, m Meta) (string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return "", err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:EnableOutboundWebIdentityFederation", "*"); err != nil {
		return "", err
	}
	var issuer string
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		st, err := tx.AccountSTSSettings(ctx, acct)
		if err != nil {
			return err
		}
		if st.OutboundFederationEnabled {
			e := *errFeatureEnabled
			return &e
		}
		if st.OutboundIssuerID == "" {
			if err := s.newIssuer(st, baseURL); err != nil {
				return err
			}
		}
		st.OutboundFederationEnabled, st.UpdatedAt = true, s.now()
		if err := tx.PutAccountSTSSettings(ctx, st); err != nil {
			return err
		}
		issuer = st.OutboundIssuer
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "EnableOutboundWebIdentityFederation",
			resource: "arn:aws:iam::" + acct + ":root", params: map[string]any{"issuerIdentifier": issuer}}, nil)
	})
	if err != nil {
		return "", asInternal(err, "enable outbound federation")
	}
	return issuer, nil
}

// newIssuer makes st's issuer: its ID and URL, and a signing key for each
// algorithm, sealed.
func (s *Service) newIssuer(st *models.AccountSTSSettings, baseURL string) error {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return err
	}
	for _, k := range []struct {
		alg  string
		key  any
		dest *string
	}{{"RS256", rsaKey, &st.SealedRS256Key}, {"ES384", ecKey, &st.SealedES384Key}} {
		der, err := x509.MarshalPKCS8PrivateKey(k.key)
		if err != nil {
			return err
		}
		*k.dest = s.cfg.Sealer.Seal(der, issuerKeyAD(st.AccountID, k.alg))
	}
	st.OutboundIssuerID = uuid.NewString()
	st.OutboundIssuer = strings.TrimRight(baseURL, "/") + "/aws/oidc/" + st.OutboundIssuerID
	return nil
}

func issuerKeyAD(account, alg string) []byte { return []byte("oidc-key:" + account + ":" + alg) }

// DisableOutboundWebIdentityFederation turns the feature off: no new
// tokens; those issued stay verifiable (the issuer's keys stay published),
// as AWS's do. FeatureDisabled when it is off. The caller needs
// iam:DisableOutboundWebIdentityFederation.
func (s *Service) DisableOutboundWebIdentityFederation(ctx context.Context, caller *Principal, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:DisableOutboundWebIdentityFederation", "*"); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		st, err := tx.AccountSTSSettings(ctx, acct)
		if err != nil {
			return err
		}
		if !st.OutboundFederationEnabled {
			e := *errFeatureDisabled
			return &e
		}
		st.OutboundFederationEnabled, st.UpdatedAt = false, s.now()
		if err := tx.PutAccountSTSSettings(ctx, st); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DisableOutboundWebIdentityFederation",
			resource: "arn:aws:iam::" + acct + ":root"}, nil)
	})
	return asInternal(err, "disable outbound federation")
}

// GetOutboundWebIdentityFederationInfo returns the account's issuer and
// whether tokens are vended; FeatureDisabled when the account never
// enabled the feature (it has no issuer). The caller needs
// iam:GetOutboundWebIdentityFederationInfo.
func (s *Service) GetOutboundWebIdentityFederationInfo(ctx context.Context, caller *Principal, m Meta) (*OutboundFederationInfo, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetOutboundWebIdentityFederationInfo", "*"); err != nil {
		return nil, err
	}
	st, err := s.store.AccountSTSSettings(ctx, acct)
	if err != nil {
		return nil, internal(err, "outbound federation")
	}
	if st.OutboundIssuer == "" {
		e := *errFeatureDisabled
		return nil, &e
	}
	return &OutboundFederationInfo{IssuerIdentifier: st.OutboundIssuer, JwtVendingEnabled: st.OutboundFederationEnabled}, nil
}

// GetWebIdentityTokenInput is STS GetWebIdentityToken's input.
type GetWebIdentityTokenInput struct {
	Audience         []string
	SigningAlgorithm string
	DurationSeconds  int // 0 = 300
	Tags             []Tag
}

// WebIdentityToken is a signed JWT and when it expires.
type WebIdentityToken struct {
	Token      string
	Expiration time.Time
}

// GetWebIdentityToken signs a JWT for the caller, as AWS's "Understanding
// token claims" describes it: iss (the account's issuer), sub (the
// caller's ARN; a role session's role), aud, iat, exp, jti, and under
// "https://sts.amazonaws.com/" the account, the Region, the caller's
// principal tags and the request's tags. The caller needs
// sts:GetWebIdentityToken, with sts:IdentityTokenAudience,
// sts:DurationSeconds, sts:SigningAlgorithm and the request tags as
// condition keys. A caller with temporary credentials gets no token that
// outlives them (SessionDurationEscalationException).
func (s *Service) GetWebIdentityToken(ctx context.Context, caller *Principal, in GetWebIdentityTokenInput, m Meta) (*WebIdentityToken, error) {
	dur, err := checkWebIdentityTokenInput(&in)
	if err != nil {
		return nil, err
	}
	keys := tagRequestKeys(in.Tags)
	if keys == nil {
		keys = map[string][]string{}
	}
	keys["sts:IdentityTokenAudience"] = in.Audience
	keys["sts:DurationSeconds"] = []string{strconv.Itoa(dur)}
	keys["sts:SigningAlgorithm"] = []string{in.SigningAlgorithm}
	if err := s.authorizeMeta(ctx, withRequestContext(caller, keys), m, "sts:GetWebIdentityToken", "*"); err != nil {
		return nil, err
	}
	acct := callerAccount(caller)
	st, err := s.store.AccountSTSSettings(ctx, acct)
	if err != nil {
		return nil, internal(err, "outbound federation")
	}
	if !st.OutboundFederationEnabled {
		e := *errOutboundDisabled
		return nil, &e
	}
	signer, err := s.issuerKey(st, in.SigningAlgorithm)
	if err != nil {
		return nil, internal(err, "issuer key")
	}
	now := s.now().Truncate(time.Second)
	exp := now.Add(time.Duration(dur) * time.Second)
	if caller != nil && caller.Session != nil && !caller.Session.Expiration.IsZero() && exp.After(caller.Session.Expiration) {
		e := *errSessionEscalation
		return nil, &e
	}
	tok, err := signJWT(signer, in.SigningAlgorithm, webIdentityClaims(caller, st.OutboundIssuer, in, now, exp))
	if err != nil {
		return nil, internal(err, "sign token")
	}
	if err := s.audit(ctx, s.store, m, acct, callerARN(caller), event{name: "GetWebIdentityToken", resource: st.OutboundIssuer,
		params: map[string]any{"audience": in.Audience, "signingAlgorithm": in.SigningAlgorithm, "durationSeconds": dur}}, nil); err != nil {
		return nil, err
	}
	return &WebIdentityToken{Token: tok, Expiration: exp}, nil
}

// checkWebIdentityTokenInput checks GetWebIdentityToken's parameters as
// the STS API Reference constrains them, and returns the duration.
func checkWebIdentityTokenInput(in *GetWebIdentityTokenInput) (int, error) {
	const at = "1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: "
	if len(in.Audience) < 1 || len(in.Audience) > 10 {
		return 0, newErr(Invalid, at+"Member must have length between 1 and 10", in.Audience, "audience")
	}
	for _, a := range in.Audience {
		if n := utf8.RuneCountInString(a); n < 1 || n > 1000 {
			return 0, newErr(Invalid, at+"Member must have length between 1 and 1000", a, "audience")
		}
	}
	if in.SigningAlgorithm != "RS256" && in.SigningAlgorithm != "ES384" {
		return 0, newErr(Invalid, at+"Member must satisfy enum value set: [RS256, ES384]", in.SigningAlgorithm, "signingAlgorithm")
	}
	dur := in.DurationSeconds
	if dur == 0 {
		dur = 300
	}
	if dur < 60 || dur > 3600 {
		return 0, newErr(Invalid, at+"Member must have value between 60 and 3600", dur, "durationSeconds")
	}
	return dur, validateTags(in.Tags)
}

// webIdentityClaims are the token's claims.
func webIdentityClaims(caller *Principal, issuer string, in GetWebIdentityTokenInput, now, exp time.Time) map[string]any {
	sub := callerARN(caller)
	if caller != nil && caller.Session != nil && caller.Session.RoleARN != "" {
		sub = caller.Session.RoleARN // AWS names the role, not the session
	}
	var aud any = in.Audience
	if len(in.Audience) == 1 {
		aud = in.Audience[0]
	}
	awsClaims := map[string]any{"aws_account": callerAccount(caller), "source_region": "us-east-1"}
	if caller != nil && len(caller.Tags) > 0 {
		awsClaims["principal_tags"] = caller.Tags
	}
	if len(in.Tags) > 0 {
		tags := map[string]string{}
		for _, t := range in.Tags {
			tags[t.Key] = t.Value
		}
		awsClaims["request_tags"] = tags
	}
	return map[string]any{"iss": issuer, "sub": sub, "aud": aud, "iat": now.Unix(), "exp": exp.Unix(),
		"jti": uuid.NewString(), "https://sts.amazonaws.com/": awsClaims}
}

// issuerKey unseals the account's signing key for alg.
func (s *Service) issuerKey(st *models.AccountSTSSettings, alg string) (crypto.Signer, error) {
	sealed := st.SealedRS256Key
	if alg == "ES384" {
		sealed = st.SealedES384Key
	}
	der, err := s.cfg.Sealer.Open(sealed, issuerKeyAD(st.AccountID, alg))
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("issuer key is not a signer")
	}
	return signer, nil
}

// IssuerDocuments are an issuer's public discovery documents, JSON.
type IssuerDocuments struct {
	OpenIDConfiguration []byte
	JWKS                []byte
}

// OutboundIssuerDocuments returns the discovery documents of the issuer
// with ID id, for anyone (verifiers fetch them unauthenticated). NotFound
// for an ID no account has.
func (s *Service) OutboundIssuerDocuments(ctx context.Context, id string) (*IssuerDocuments, error) {
	st, err := s.store.AccountSTSSettingsByIssuer(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, newErr(NotFound, "No issuer %s.", id)
	}
	if err != nil {
		return nil, internal(err, "issuer")
	}
	type jwk struct {
		Kty string `json:"kty"`
		Use string `json:"use"`
		Alg string `json:"alg"`
		Kid string `json:"kid"`
		N   string `json:"n,omitempty"`
		E   string `json:"e,omitempty"`
		Crv string `json:"crv,omitempty"`
		X   string `json:"x,omitempty"`
		Y   string `json:"y,omitempty"`
	}
	var keys []jwk
	for _, alg := range []string{"RS256", "ES384"} {
		k, err := s.issuerKey(st, alg)
		if err != nil {
			return nil, internal(err, "issuer key")
		}
		j := jwk{Use: "sig", Alg: alg, Kid: keyID(k.Public())}
		switch pub := k.Public().(type) {
		case *rsa.PublicKey:
			j.Kty, j.N, j.E = "RSA", b64.EncodeToString(pub.N.Bytes()), b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes())
		case *ecdsa.PublicKey:
			x, y := make([]byte, 48), make([]byte, 48)
			pub.X.FillBytes(x)
			pub.Y.FillBytes(y)
			j.Kty, j.Crv, j.X, j.Y = "EC", "P-384", b64.EncodeToString(x), b64.EncodeToString(y)
		}
		keys = append(keys, j)
	}
	jwks, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		return nil, internal(err, "jwks")
	}
	conf, err := json.Marshal(map[string]any{"issuer": st.OutboundIssuer, "jwks_uri": st.OutboundIssuer + "/.well-known/jwks.json",
		"response_types_supported": []string{"id_token"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256", "ES384"}})
	if err != nil {
		return nil, internal(err, "openid configuration")
	}
	return &IssuerDocuments{OpenIDConfiguration: conf, JWKS: jwks}, nil
}

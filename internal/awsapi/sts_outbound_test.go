package awsapi_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// getJSON fetches url (unauthenticated, as a token verifier does) into v.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	ok(t, err)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	ok(t, json.NewDecoder(res.Body).Decode(v))
}

type jwks struct {
	Keys []struct{ Kty, Alg, Kid, N, E, Crv, X, Y string }
}

// verifyJWT checks tok's signature against the issuer's published keys,
// as a verifier would, and returns its claims.
func verifyJWT(t *testing.T, tok string, keys jwks) map[string]any {
	t.Helper()
	b64 := base64.RawURLEncoding
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a compact JWS", tok)
	}
	var header struct{ Alg, Kid, Typ string }
	h, err := b64.DecodeString(parts[0])
	ok(t, err)
	ok(t, json.Unmarshal(h, &header))
	sig, err := b64.DecodeString(parts[2])
	ok(t, err)
	input := []byte(parts[0] + "." + parts[1])
	verified := false
	for _, k := range keys.Keys {
		if k.Kid != header.Kid || k.Alg != header.Alg {
			continue
		}
		num := func(s string) *big.Int {
			b, err := b64.DecodeString(s)
			ok(t, err)
			return new(big.Int).SetBytes(b)
		}
		switch header.Alg {
		case "RS256":
			sum := sha256.Sum256(input)
			pub := &rsa.PublicKey{N: num(k.N), E: int(num(k.E).Int64())}
			verified = rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) == nil
		case "ES384":
			sum := sha512.Sum384(input)
			pub := &ecdsa.PublicKey{Curve: elliptic.P384(), X: num(k.X), Y: num(k.Y)}
			verified = len(sig) == 96 && ecdsa.Verify(pub, sum[:], new(big.Int).SetBytes(sig[:48]), new(big.Int).SetBytes(sig[48:]))
		}
	}
	if !verified {
		t.Fatalf("token signed %s by key %s does not verify", header.Alg, header.Kid)
	}
	var claims map[string]any
	p, err := b64.DecodeString(parts[1])
	ok(t, err)
	ok(t, json.Unmarshal(p, &claims))
	return claims
}

// TestOutboundWebIdentityFederation: enabling makes the account's issuer;
// GetWebIdentityToken then signs JWTs (RS256 and ES384) that verify with
// the keys the issuer publishes, with AWS's claims; disabling stops new
// tokens and keeps the keys published.
func TestOutboundWebIdentityFederation(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		get := func() (*iamsdk.GetOutboundWebIdentityFederationInfoOutput, error) {
			return e.iam.GetOutboundWebIdentityFederationInfo(e.ctx, &iamsdk.GetOutboundWebIdentityFederationInfoInput{})
		}
		token := func(alg string, aud ...string) (*stssdk.GetWebIdentityTokenOutput, error) {
			return e.sts.GetWebIdentityToken(e.ctx, &stssdk.GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: aws.String(alg),
				Tags: []ststypes.Tag{{Key: aws.String("job"), Value: aws.String("nightly")}}})
		}
		_, err := get()
		wantCode(t, err, "FeatureDisabled")
		_, err = token("RS256", "https://api.example.com")
		wantCode(t, err, "OutboundWebIdentityFederationDisabledException")
		_, err = e.iam.DisableOutboundWebIdentityFederation(e.ctx, &iamsdk.DisableOutboundWebIdentityFederationInput{})
		wantCode(t, err, "FeatureDisabled")

		en := must[*iamsdk.EnableOutboundWebIdentityFederationOutput](t)(e.iam.EnableOutboundWebIdentityFederation(e.ctx, &iamsdk.EnableOutboundWebIdentityFederationInput{}))
		issuer := aws.ToString(en.IssuerIdentifier)
		if !strings.HasPrefix(issuer, e.srv.URL+"/aws/oidc/") {
			t.Fatalf("issuer = %q", issuer)
		}
		_, err = e.iam.EnableOutboundWebIdentityFederation(e.ctx, &iamsdk.EnableOutboundWebIdentityFederationInput{})
		wantCode(t, err, "FeatureEnabled")
		info := must[*iamsdk.GetOutboundWebIdentityFederationInfoOutput](t)(get())
		if aws.ToString(info.IssuerIdentifier) != issuer || !info.JwtVendingEnabled {
			t.Errorf("info = %s %v", aws.ToString(info.IssuerIdentifier), info.JwtVendingEnabled)
		}

		var conf struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwks_uri"`
		}
		getJSON(t, issuer+"/.well-known/openid-configuration", &conf)
		if conf.Issuer != issuer || conf.JWKSURI != issuer+"/.well-known/jwks.json" {
			t.Errorf("openid-configuration = %+v", conf)
		}
		var keys jwks
		getJSON(t, conf.JWKSURI, &keys)

		for _, alg := range []string{"RS256", "ES384"} {
			out := must[*stssdk.GetWebIdentityTokenOutput](t)(token(alg, "https://api.example.com"))
			claims := verifyJWT(t, aws.ToString(out.WebIdentityToken), keys)
			exp := aws.ToTime(out.Expiration)
			if claims["iss"] != issuer || claims["sub"] != e.userARN("admin") || claims["aud"] != "https://api.example.com" ||
				int64(claims["exp"].(float64)) != exp.Unix() || time.Until(exp) > 301*time.Second || time.Until(exp) < 290*time.Second {
				t.Errorf("%s claims = %v, expiration %v", alg, claims, exp)
			}
			ns, _ := claims["https://sts.amazonaws.com/"].(map[string]any)
			tags, _ := ns["request_tags"].(map[string]any)
			if ns["aws_account"] != e.acct.ID || tags["job"] != "nightly" {
				t.Errorf("%s AWS claims = %v", alg, ns)
			}
		}
		t.Run("validation", func(t *testing.T) {
			_, err := token("HS256", "x")
			wantCode(t, err, "ValidationError")
			_, err = e.sts.GetWebIdentityToken(e.ctx, &stssdk.GetWebIdentityTokenInput{Audience: []string{"x"}, SigningAlgorithm: aws.String("ES384"), DurationSeconds: aws.Int32(59)})
			wantCode(t, err, "ValidationError")
		})
		t.Run("conditions on the audience", func(t *testing.T) {
			k, s := e.user("limited")
			e.seedInline("limited", "tokens", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetWebIdentityToken","Resource":"*",
"Condition":{"ForAllValues:StringEquals":{"sts:IdentityTokenAudience":"https://ok.example.com"}}}]}`)
			c := e.stsClient(k, s, "")
			_, err := c.GetWebIdentityToken(e.ctx, &stssdk.GetWebIdentityTokenInput{Audience: []string{"https://ok.example.com"}, SigningAlgorithm: aws.String("ES384")})
			ok(t, err)
			_, err = c.GetWebIdentityToken(e.ctx, &stssdk.GetWebIdentityTokenInput{Audience: []string{"https://evil.example.com"}, SigningAlgorithm: aws.String("ES384")})
			wantCode(t, err, "AccessDenied")
		})

		t.Run("no token outlives the caller's session", func(t *testing.T) {
			sess := must[*stssdk.GetSessionTokenOutput](t)(e.sts.GetSessionToken(e.ctx, &stssdk.GetSessionTokenInput{DurationSeconds: aws.Int32(900)}))
			c := sess.Credentials
			tmp := e.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
			_, err := tmp.GetWebIdentityToken(e.ctx, &stssdk.GetWebIdentityTokenInput{Audience: []string{"x"}, SigningAlgorithm: aws.String("RS256"), DurationSeconds: aws.Int32(3600)})
			wantCode(t, err, "SessionDurationEscalationException")
			_, err = tmp.GetWebIdentityToken(e.ctx, &stssdk.GetWebIdentityTokenInput{Audience: []string{"x"}, SigningAlgorithm: aws.String("RS256")})
			ok(t, err)
		})

		_, err = e.iam.DisableOutboundWebIdentityFederation(e.ctx, &iamsdk.DisableOutboundWebIdentityFederationInput{})
		ok(t, err)
		_, err = token("RS256", "https://api.example.com")
		wantCode(t, err, "OutboundWebIdentityFederationDisabledException")
		if info := must[*iamsdk.GetOutboundWebIdentityFederationInfoOutput](t)(get()); info.JwtVendingEnabled {
			t.Error("JwtVendingEnabled after disabling")
		}
		var after jwks
		getJSON(t, issuer+"/.well-known/jwks.json", &after)
		if len(after.Keys) != 2 {
			t.Errorf("keys after disabling = %+v", after)
		}
		// Enabled again: the same issuer, the same keys.
		again := must[*iamsdk.EnableOutboundWebIdentityFederationOutput](t)(e.iam.EnableOutboundWebIdentityFederation(e.ctx, &iamsdk.EnableOutboundWebIdentityFederationInput{}))
		if aws.ToString(again.IssuerIdentifier) != issuer {
			t.Errorf("issuer changed: %s", aws.ToString(again.IssuerIdentifier))
		}
		res, err := http.Get(e.srv.URL + "/aws/oidc/00000000-0000-0000-0000-000000000000/.well-known/jwks.json")
		ok(t, err)
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown issuer: %d", res.StatusCode)
		}
	})
}

// TestWebIdentityTokenCLI: the aws command line enables outbound federation
// and gets a token from the console. (The audience is no URL: the aws CLI
// v1 would fetch it as a parameter file.)
func TestWebIdentityTokenCLI(t *testing.T) {
	e := sqlite(t)
	var en struct{ IssuerIdentifier string }
	e.awsCLI(t, &en, "iam", "enable-outbound-web-identity-federation")
	var tok struct{ WebIdentityToken, Expiration string }
	e.awsCLI(t, &tok, "sts", "get-web-identity-token", "--audience", "api.example.com", "--signing-algorithm", "ES384")
	var keys jwks
	getJSON(t, en.IssuerIdentifier+"/.well-known/jwks.json", &keys)
	if claims := verifyJWT(t, tok.WebIdentityToken, keys); claims["iss"] != en.IssuerIdentifier {
		t.Errorf("claims = %v", claims)
	}
}

package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxSkew is how far X-Amz-Date may be from the server's clock, either way,
// when Verifier.MaxSkew is zero: AWS's 15 minutes.
const DefaultMaxSkew = 15 * time.Minute

// maxPresignSeconds is the longest X-Amz-Expires: 7 days, as AWS.
const maxPresignSeconds = 604800

// Credential is what a Lookup function returns for an access key: the secret that
// signs with it, and what the caller wants back in Result so it needs no second
// lookup. Sign and Presign use AccessKeyID, Secret and SessionToken.
type Credential struct {
	// AccessKeyID is the key ID (AKIA… or ASIA…).
	AccessKeyID string
	// Secret is the secret access key.
	Secret string
	// SessionToken is set for temporary credentials: Verify then requires the
	// request's X-Amz-Security-Token to equal it. When empty, a request carrying a
	// token is refused.
	SessionToken string
	// Expiration, when not zero, is when temporary credentials stop working:
	// Verify answers ExpiredToken from then on.
	Expiration time.Time
	// AccountID and PrincipalARN identify the owner; this package only carries them.
	AccountID    string
	PrincipalARN string
}

// Verifier checks SigV4 signatures. Its fields are read-only once in use; one
// Verifier serves concurrent requests.
type Verifier struct {
	// Services are the credential-scope services accepted (for us "iam" and "sts").
	// A request scoped to any other service is refused; an empty list refuses all.
	Services []string
	// MaxSkew is how far X-Amz-Date may be from now either way; zero means
	// DefaultMaxSkew.
	MaxSkew time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Lookup returns the credential of an access key ID, or ErrUnknownKey. Any other
	// error is an internal failure and is returned wrapped. It is called only for
	// requests that are well-formed and in time, with the request's context.
	Lookup func(ctx context.Context, accessKeyID string) (Credential, error)
	// DisablePathNormalization canonicalizes the path as sent, S3 style, instead of
	// removing dot-segments and repeated slashes as IAM and STS do.
	DisablePathNormalization bool
	// UnsignedPresignedToken leaves a presigned X-Amz-Security-Token out of the
	// canonical query string, for presigners that append it after signing. The
	// token is still checked against the credential.
	UnsignedPresignedToken bool
}

// Result describes a request whose signature Verify accepted.
type Result struct {
	// AccessKeyID is the key that signed.
	AccessKeyID string
	// Service and Region are from the credential scope; Service is one of
	// Verifier.Services, for routing.
	Service string
	Region  string
	// Date is X-Amz-Date, in UTC.
	Date time.Time
	// SecurityToken is X-Amz-Security-Token, empty for long-term keys.
	SecurityToken string
	// SignedHeaders are the lower-case names the signature covers.
	SignedHeaders []string
	// Presigned is true for the query form.
	Presigned bool
	// Credential is what Lookup returned.
	Credential Credential
}

// auth is the signature information of a request, as claimed by the client.
type auth struct {
	presigned     bool
	accessKeyID   string
	scopeDate     string
	region        string
	service       string
	signedHeaders []string
	signature     string
	amzDate       string
	date          time.Time
	expires       int64 // presigned only
	token         string
}

// Verify authenticates r, whose body the server has already read into body. It
// returns the result, or an *Error for a request that must be refused (its Code and
// HTTPStatus are what the API answers), or another error if Lookup failed. It never
// panics, whatever the request.
func (v *Verifier) Verify(r *http.Request, body []byte) (*Result, error) {
	if r == nil {
		return nil, newError(CodeMissingAuthenticationToken, msgMissingAuth)
	}
	pairs, err := parseQuery(requestURL(r).RawQuery)
	if err != nil {
		return nil, err
	}
	a, err := parseAuth(r, pairs)
	if err != nil {
		return nil, err
	}
	if err := v.checkScope(a); err != nil {
		return nil, err
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	if err := v.checkTime(a, now); err != nil {
		return nil, err
	}
	payloads, err := payloadHashes(r, a, body)
	if err != nil {
		return nil, err
	}
	wantSig, err := hex.DecodeString(a.signature)
	if err != nil || len(wantSig) != 32 {
		return nil, newError(CodeSignatureDoesNotMatch, msgSignatureDiff)
	}
	if !validAccessKeyID(a.accessKeyID) {
		return nil, newError(CodeInvalidClientTokenId, msgInvalidKey)
	}
	if v.Lookup == nil {
		return nil, errors.New("sigv4: Verifier has no Lookup function")
	}
	cred, err := v.Lookup(r.Context(), a.accessKeyID)
	if errors.Is(err, ErrUnknownKey) {
		return nil, newError(CodeInvalidClientTokenId, msgInvalidKey)
	}
	if err != nil {
		return nil, fmt.Errorf("sigv4: looking up access key: %w", err)
	}

	opts := CanonicalOptions{
		DisablePathNormalization: v.DisablePathNormalization,
		Presigned:                a.presigned,
		OmitSecurityToken:        a.presigned && v.UnsignedPresignedToken,
	}
	key := SigningKey(cred.Secret, a.date, a.region, a.service)
	scope := a.scopeDate + "/" + a.region + "/" + a.service + "/aws4_request"
	match := false
	for _, p := range payloads {
		cr, err := canonicalRequest(r, pairs, a.signedHeaders, p, opts)
		if err != nil {
			return nil, err
		}
		got := hmacSHA256(key, StringToSign(a.date, scope, cr))
		if hmac.Equal(got, wantSig) {
			match = true
			break
		}
	}
	if !match {
		return nil, newError(CodeSignatureDoesNotMatch, msgSignatureDiff)
	}

	// The signature is good; now the credential must be usable.
	if cred.SessionToken != "" || a.token != "" {
		if subtle.ConstantTimeCompare([]byte(a.token), []byte(cred.SessionToken)) != 1 {
			return nil, newError(CodeInvalidClientTokenId, msgInvalidKey)
		}
	}
	if !cred.Expiration.IsZero() && !now.Before(cred.Expiration) {
		return nil, newError(CodeExpiredToken, msgExpiredToken)
	}
	return &Result{
		AccessKeyID:   a.accessKeyID,
		Service:       a.service,
		Region:        a.region,
		Date:          a.date,
		SecurityToken: a.token,
		SignedHeaders: a.signedHeaders,
		Presigned:     a.presigned,
		Credential:    cred,
	}, nil
}

// parseAuth finds the form of authentication and parses it, checking that every
// piece is present and well-formed.
func parseAuth(r *http.Request, pairs []queryPair) (*auth, error) {
	headers := r.Header.Values("Authorization")
	presigned := false
	for _, p := range pairs {
		if p.key == paramAlgorithm || p.key == paramCredential || p.key == paramSignature {
			presigned = true
			break
		}
	}
	switch {
	case len(headers) > 0 && presigned:
		return nil, newError(CodeIncompleteSignature, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.")
	case len(headers) > 1:
		return nil, newError(CodeIncompleteSignature, "Only one Authorization header is allowed.")
	case len(headers) == 1 && strings.TrimSpace(headers[0]) != "":
		return parseHeaderAuth(r, headers[0])
	case presigned:
		return parsePresigned(pairs)
	}
	return nil, newError(CodeMissingAuthenticationToken, msgMissingAuth)
}

func parseHeaderAuth(r *http.Request, header string) (*auth, error) {
	h := strings.Trim(header, " \t")
	alg, rest, _ := strings.Cut(h, " ")
	a := &auth{}
	var haveCred, haveHeaders, haveSig bool
	if alg == Algorithm {
		for part := range strings.SplitSeq(rest, ",") {
			part = strings.Trim(part, " \t")
			if part == "" {
				continue
			}
			k, val, ok := strings.Cut(part, "=")
			if !ok {
				return nil, newError(CodeIncompleteSignature, fmt.Sprintf("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", truncate(part, 128), truncate(h, 512)))
			}
			var seen *bool
			switch k {
			case "Credential":
				seen = &haveCred
				if err := a.parseCredential(val); err != nil {
					return nil, err
				}
			case "SignedHeaders":
				seen = &haveHeaders
				a.signedHeaders = splitSignedHeaders(val)
			case "Signature":
				seen = &haveSig
				a.signature = val
			default:
				continue // unknown parameters are ignored, as by AWS
			}
			if *seen {
				return nil, newError(CodeIncompleteSignature, fmt.Sprintf("Authorization header has more than one '%s' parameter.", k))
			}
			*seen = true
		}
	} else if strings.HasPrefix(alg, "AWS4-") {
		return nil, newError(CodeIncompleteSignature, fmt.Sprintf("Unsupported AWS 'algorithm': '%s'.", truncate(alg, 64)))
	}
	a.amzDate = r.Header.Get("X-Amz-Date")
	var missing []string
	if !haveCred {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if !haveSig {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	if !haveHeaders {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if a.amzDate == "" {
		missing = append(missing, "Authorization header requires existence of an 'X-Amz-Date' header.")
	}
	if len(missing) > 0 {
		return nil, newError(CodeIncompleteSignature, strings.Join(missing, " ")+" Authorization="+truncate(h, 512))
	}
	a.token = r.Header.Get("X-Amz-Security-Token")
	return a, a.parseDate()
}

func parsePresigned(pairs []queryPair) (*auth, error) {
	vals := map[string]string{}
	for _, p := range pairs {
		if !isAuthParam(p.key) {
			continue
		}
		if _, dup := vals[p.key]; dup {
			return nil, newError(CodeIncompleteSignature, fmt.Sprintf("The query-string parameter '%s' must appear only once.", p.key))
		}
		vals[p.key] = p.value
	}
	var missing []string
	for _, k := range []string{paramAlgorithm, paramCredential, paramSignature, paramSignedHeaders, paramDate, paramExpires} {
		if vals[k] == "" {
			missing = append(missing, fmt.Sprintf("AWS query-string parameters must include '%s'.", k))
		}
	}
	if len(missing) > 0 {
		return nil, newError(CodeIncompleteSignature, strings.Join(missing, " ")+" Re-examine the query-string parameters.")
	}
	if alg := vals[paramAlgorithm]; alg != Algorithm {
		return nil, newError(CodeIncompleteSignature, fmt.Sprintf("Unsupported AWS 'algorithm': '%s'.", truncate(alg, 64)))
	}
	a := &auth{
		presigned:     true,
		signedHeaders: splitSignedHeaders(vals[paramSignedHeaders]),
		signature:     vals[paramSignature],
		amzDate:       vals[paramDate],
		token:         vals[paramSecurityToken],
	}
	if err := a.parseCredential(vals[paramCredential]); err != nil {
		return nil, err
	}
	exp := vals[paramExpires]
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !isDigits(exp) || n < 1 || n > maxPresignSeconds {
		return nil, newError(CodeIncompleteSignature, fmt.Sprintf("X-Amz-Expires must be a whole number of seconds from 1 to %d (a week), not '%s'.", maxPresignSeconds, truncate(exp, 32)))
	}
	a.expires = n
	return a, a.parseDate()
}

func (a *auth) parseCredential(val string) error {
	parts := strings.Split(val, "/")
	if len(parts) != 5 {
		return newError(CodeIncompleteSignature, fmt.Sprintf("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'.", truncate(val, 256)))
	}
	if parts[4] != "aws4_request" {
		return newError(CodeSignatureDoesNotMatch, fmt.Sprintf("Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", truncate(parts[4], 64)))
	}
	a.accessKeyID, a.scopeDate, a.region, a.service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

func (a *auth) parseDate() error {
	t, err := time.Parse(amzDateLayout, a.amzDate)
	if err != nil || t.Format(amzDateLayout) != a.amzDate {
		return newError(CodeIncompleteSignature, fmt.Sprintf("X-Amz-Date must be in the ISO8601 basic format YYYYMMDD'T'HHMMSS'Z', got '%s'.", truncate(a.amzDate, 64)))
	}
	a.date = t
	return nil
}

func splitSignedHeaders(val string) []string {
	if val == "" {
		return nil
	}
	names := strings.Split(val, ";")
	for i, n := range names {
		names[i] = strings.ToLower(n)
	}
	return names
}

// checkScope checks the credential scope against the request and the services
// served, and the signed header list.
func (v *Verifier) checkScope(a *auth) error {
	if a.scopeDate != a.amzDate[:8] {
		return newError(CodeSignatureDoesNotMatch, fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", truncate(a.scopeDate, 32), a.amzDate[:8], a.amzDate))
	}
	if !validRegion(a.region) {
		if a.region == "" {
			return newError(CodeSignatureDoesNotMatch, "Credential should be scoped to a valid region.")
		}
		return newError(CodeSignatureDoesNotMatch, fmt.Sprintf("Credential should be scoped to a valid region, not '%s'.", truncate(a.region, 64)))
	}
	if !slices.Contains(v.Services, a.service) {
		quoted := make([]string, len(v.Services))
		for i, s := range v.Services {
			quoted[i] = "'" + s + "'"
		}
		return newError(CodeSignatureDoesNotMatch, fmt.Sprintf("Credential should be scoped to correct service: %s.", strings.Join(quoted, " or ")))
	}
	for _, h := range a.signedHeaders {
		if !isToken(h) {
			return newError(CodeIncompleteSignature, "SignedHeaders contains an invalid header name '"+truncate(h, 64)+"'.")
		}
	}
	if !slices.Contains(a.signedHeaders, "host") {
		return newError(CodeIncompleteSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization.")
	}
	return nil
}

// checkTime bounds how long a signed request can be replayed.
func (v *Verifier) checkTime(a *auth, now time.Time) error {
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	now = now.UTC()
	f := func(t time.Time) string { return t.Format(amzDateLayout) }
	if earliest := now.Add(-skew); !a.presigned && a.date.Before(earliest) {
		return newError(CodeRequestExpired, fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %s.)", a.amzDate, f(earliest), f(now), skewText(skew)))
	}
	if latest := now.Add(skew); a.date.After(latest) {
		return newError(CodeRequestExpired, fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %s.)", a.amzDate, f(latest), f(now), skewText(skew)))
	}
	if end := a.date.Add(time.Duration(a.expires) * time.Second); a.presigned && now.After(end) {
		return newError(CodeRequestExpired, fmt.Sprintf("Request has expired: it was valid until %s (X-Amz-Date %s + X-Amz-Expires %d s), it is now %s.", f(end), a.amzDate, a.expires, f(now)))
	}
	return nil
}

func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
	}
	return d.String()
}

// payloadHashes returns the payload hashes the signature may have used, in the
// order to try: the body's hash, and for presigned GETs, which have no body,
// UNSIGNED-PAYLOAD as S3-style presigners write it.
func payloadHashes(r *http.Request, a *auth, body []byte) ([]string, error) {
	sum := HashPayload(body)
	presignedGet := a.presigned && (r.Method == http.MethodGet || r.Method == "")
	switch declared := r.Header.Get("X-Amz-Content-Sha256"); {
	case declared == UnsignedPayload:
		if !presignedGet {
			return nil, newError(CodeIncompleteSignature, "The payload must be signed: x-amz-content-sha256 UNSIGNED-PAYLOAD is accepted only on presigned GET requests.")
		}
		return []string{UnsignedPayload}, nil
	case declared != "":
		if !strings.EqualFold(declared, sum) {
			return nil, newError(CodeSignatureDoesNotMatch, "The provided 'x-amz-content-sha256' header does not match what was computed.")
		}
		return []string{declared}, nil
	case presignedGet:
		return []string{sum, UnsignedPayload}, nil
	}
	return []string{sum}, nil
}

// validRegion accepts any region-shaped name: the region is part of the signing
// key, so accepting any does not weaken the signature.
func validRegion(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validAccessKeyID rejects, without a lookup, IDs no key can have: key IDs are
// letters and digits (AWS's are 16 to 128 long, the test suite's 11).
func validAccessKeyID(s string) bool {
	if len(s) < 1 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

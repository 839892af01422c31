package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Scope returns the credential scope "YYYYMMDD/region/service/aws4_request" for t
// (taken in UTC).
func Scope(t time.Time, region, service string) string {
	return t.UTC().Format("20060102") + "/" + region + "/" + service + "/aws4_request"
}

// StringToSign returns the string to sign: the algorithm, t as X-Amz-Date, the
// credential scope and the hex SHA-256 of the canonical request, one per line.
func StringToSign(t time.Time, scope, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return Algorithm + "\n" + t.UTC().Format(amzDateLayout) + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

// SigningKey derives the signing key from the secret access key and the scope's
// date, region and service. It depends on the day, not the time, so a caller may
// cache it per key and scope.
func SigningKey(secret string, t time.Time, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), t.UTC().Format("20060102"))
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

// Signature returns the hex HMAC-SHA256 of stringToSign under signingKey.
func Signature(signingKey []byte, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(signingKey, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// unsignedHeaders are never signed by Sign: proxies add or rewrite them, as the
// AWS SDKs assume.
var unsignedHeaders = []string{"authorization", "user-agent", "x-amzn-trace-id", "expect", "transfer-encoding", "connection"}

// headersToSign lists host and every header of r but unsignedHeaders, lower-case
// and sorted, plus content-length when net/http keeps it out of r.Header.
func headersToSign(r *http.Request) []string {
	names := []string{"host"}
	for k := range r.Header {
		l := strings.ToLower(k)
		if l != "host" && !slices.Contains(unsignedHeaders, l) && isToken(l) {
			names = append(names, l)
		}
	}
	if r.ContentLength > 0 {
		names = append(names, "content-length")
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Sign signs r in the header form as the AWS SDKs do, for tests and tools: it sets
// X-Amz-Date to t, X-Amz-Security-Token when cred.SessionToken is set, and
// Authorization, signing host and every header present but Authorization,
// User-Agent, X-Amzn-Trace-Id, Expect, Transfer-Encoding and Connection. body is the
// payload (the caller keeps r.Body and body in agreement); an X-Amz-Content-Sha256
// header already set is used as the payload hash. The path is normalized, as for
// IAM and STS. It fails only if r's query string is not validly percent-encoded.
func Sign(r *http.Request, body []byte, cred Credential, region, service string, t time.Time) error {
	if r.Header == nil {
		r.Header = http.Header{}
	}
	t = t.UTC()
	r.Header.Del("Authorization")
	r.Header.Set("X-Amz-Date", t.Format(amzDateLayout))
	if cred.SessionToken != "" {
		r.Header.Set("X-Amz-Security-Token", cred.SessionToken)
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		payload = HashPayload(body)
	}
	signed := headersToSign(r)
	cr, err := CanonicalRequest(r, signed, payload, CanonicalOptions{})
	if err != nil {
		return err
	}
	scope := Scope(t, region, service)
	sig := Signature(SigningKey(cred.Secret, t, region, service), StringToSign(t, scope, cr))
	r.Header.Set("Authorization", Algorithm+" Credential="+cred.AccessKeyID+"/"+scope+
		", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
	return nil
}

// Presign signs r in the query form, valid from t for expires (1 s to 7 days): it
// appends X-Amz-Algorithm, -Credential, -Date, -SignedHeaders, -Expires,
// -Security-Token (when cred.SessionToken is set, signed) and -Signature to
// r.URL.RawQuery, signing the headers Sign would sign except X-Amz-Date and the
// token, which travel in the query. The payload hash is that of body.
func Presign(r *http.Request, body []byte, cred Credential, region, service string, t time.Time, expires time.Duration) error {
	secs := int64(expires / time.Second)
	if secs < 1 || secs > maxPresignSeconds {
		return errors.New("sigv4: presign expiry must be from 1 second to 7 days")
	}
	if r.URL == nil {
		return errors.New("sigv4: presign: request has no URL")
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	pairs, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if isAuthParam(p.key) {
			return errors.New("sigv4: presign: query already has " + p.key)
		}
	}
	t = t.UTC()
	scope := Scope(t, region, service)
	signed := headersToSign(r)
	add := []queryPair{
		{paramAlgorithm, Algorithm},
		{paramCredential, cred.AccessKeyID + "/" + scope},
		{paramDate, t.Format(amzDateLayout)},
		{paramSignedHeaders, strings.Join(signed, ";")},
		{paramExpires, strconv.FormatInt(secs, 10)},
	}
	if cred.SessionToken != "" {
		add = append(add, queryPair{paramSecurityToken, cred.SessionToken})
	}
	raw := r.URL.RawQuery
	for _, p := range add {
		if raw != "" {
			raw += "&"
		}
		raw += uriEncode(p.key, true) + "=" + uriEncode(p.value, true)
	}
	r.URL.RawQuery = raw
	cr, err := CanonicalRequest(r, signed, HashPayload(body), CanonicalOptions{Presigned: true})
	if err != nil {
		return err
	}
	sig := Signature(SigningKey(cred.Secret, t, region, service), StringToSign(t, scope, cr))
	r.URL.RawQuery += "&" + paramSignature + "=" + sig
	return nil
}

func isAuthParam(key string) bool {
	switch key {
	case paramAlgorithm, paramCredential, paramDate, paramExpires, paramSignedHeaders, paramSignature, paramSecurityToken:
		return true
	}
	return false
}

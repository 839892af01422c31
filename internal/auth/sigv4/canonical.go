package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Algorithm is the only signing algorithm accepted.
const Algorithm = "AWS4-HMAC-SHA256"

// UnsignedPayload stands for the payload hash when the body is not signed; Verify
// accepts it for presigned GET requests only.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// EmptyPayloadHash is the hex SHA-256 of an empty body.
const EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

const amzDateLayout = "20060102T150405Z"

// Query parameters of the presigned form.
const (
	paramAlgorithm     = "X-Amz-Algorithm"
	paramCredential    = "X-Amz-Credential"
	paramDate          = "X-Amz-Date"
	paramExpires       = "X-Amz-Expires"
	paramSignedHeaders = "X-Amz-SignedHeaders"
	paramSignature     = "X-Amz-Signature"
	paramSecurityToken = "X-Amz-Security-Token"
)

// CanonicalOptions selects the variant of the canonical request. The zero value is
// the header form as IAM and STS compute it.
type CanonicalOptions struct {
	// DisablePathNormalization keeps the path as sent ("/a/./b//" stays so) instead
	// of removing dot-segments and repeated slashes. S3 signs paths this way; the
	// vectors' "normalize": false.
	DisablePathNormalization bool
	// Presigned leaves the X-Amz-Signature query parameter out of the canonical
	// query string: it carries the signature, so it cannot be signed.
	Presigned bool
	// OmitSecurityToken also leaves X-Amz-Security-Token out, for presigners that
	// append the token after signing (the vectors' "omit_session_token").
	OmitSecurityToken bool
}

// HashPayload returns the hex SHA-256 of body, the payload hash of a signed body.
func HashPayload(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// CanonicalRequest returns the canonical request of r: method, canonical URI,
// canonical query string, the canonical headers named in signedHeaders, the signed
// header list and payloadHash, one per line (see the package comment). It reads
// r.Method, r.URL.Path, r.URL.RawQuery, r.Host (or r.URL.Host) and r.Header, never
// r.Body.
//
// It returns an *Error with CodeMalformedQueryString if the query string is not
// validly percent-encoded, and CodeIncompleteSignature if a signed header name is
// not an HTTP token.
func CanonicalRequest(r *http.Request, signedHeaders []string, payloadHash string, opts CanonicalOptions) (string, error) {
	pairs, err := parseQuery(requestURL(r).RawQuery)
	if err != nil {
		return "", err
	}
	return canonicalRequest(r, pairs, signedHeaders, payloadHash, opts)
}

func canonicalRequest(r *http.Request, pairs []queryPair, signedHeaders []string, payloadHash string, opts CanonicalOptions) (string, error) {
	var b strings.Builder
	method := r.Method
	if method == "" {
		method = http.MethodGet // as net/http sends it
	}
	b.WriteString(method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(requestURL(r).Path, !opts.DisablePathNormalization))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(pairs, opts))
	b.WriteByte('\n')
	if err := writeCanonicalHeaders(&b, r, signedHeaders); err != nil {
		return "", err
	}
	b.WriteByte('\n')
	for i, name := range signedHeaders {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strings.ToLower(name))
	}
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String(), nil
}

func requestURL(r *http.Request) *url.URL {
	if r.URL == nil {
		return &url.URL{}
	}
	return r.URL
}

// canonicalURI encodes the decoded path once: the server routes on the decoded
// path, so that is what the signature must cover.
func canonicalURI(path string, normalize bool) string {
	if normalize {
		path = normalizePath(path)
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return uriEncode(path, false)
}

// normalizePath removes "." and ".." segments and empty segments (repeated
// slashes), keeping a trailing slash, as AWS does for every service but S3.
func normalizePath(p string) string {
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return "/"
	}
	res := "/" + strings.Join(out, "/")
	if last := segs[len(segs)-1]; last == "" || last == "." || last == ".." {
		res += "/"
	}
	return res
}

// uriEncode is AWS's UriEncode: every byte but A-Z a-z 0-9 - _ . ~ becomes %XX
// (upper-case hex); "/" is kept unless encodeSlash.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// queryPair is one decoded query parameter, in the order sent.
type queryPair struct{ key, value string }

// parseQuery decodes a raw query string the way net/url does ("+" is a space),
// so the signature covers what the server's form parsing will see, but refuses a
// bad escape instead of dropping the parameter silently.
func parseQuery(raw string) ([]queryPair, error) {
	var pairs []queryPair
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, newError(CodeMalformedQueryString, "The query string is not validly percent-encoded near '"+truncate(part, 64)+"'.")
		}
		pairs = append(pairs, queryPair{dk, dv})
	}
	return pairs, nil
}

func canonicalQuery(pairs []queryPair, opts CanonicalOptions) string {
	enc := make([]queryPair, 0, len(pairs))
	for _, p := range pairs {
		if opts.Presigned && p.key == paramSignature {
			continue
		}
		if opts.OmitSecurityToken && p.key == paramSecurityToken {
			continue
		}
		enc = append(enc, queryPair{uriEncode(p.key, true), uriEncode(p.value, true)})
	}
	// Sorted on the encoded forms, as the AWS test suite requires.
	slices.SortFunc(enc, func(a, b queryPair) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	var b strings.Builder
	for i, p := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// headerValues returns the values of the header named lower (lower-case), in the
// order received. Server requests have canonical keys; a hand-built header map may
// not, so other spellings are gathered too, in sorted key order for determinism.
func headerValues(r *http.Request, lower string) []string {
	if lower == "host" {
		host := r.Host
		if host == "" {
			host = requestURL(r).Host
		}
		if host == "" {
			return r.Header.Values("Host")
		}
		return []string{host}
	}
	canon := http.CanonicalHeaderKey(lower)
	vals := r.Header[canon]
	if len(r.Header) > len(vals) {
		var other []string
		for k := range r.Header {
			if k != canon && strings.EqualFold(k, lower) {
				other = append(other, k)
			}
		}
		if len(other) > 0 {
			slices.Sort(other)
			vals = slices.Clone(vals)
			for _, k := range other {
				vals = append(vals, r.Header[k]...)
			}
		}
	}
	if len(vals) == 0 {
		switch {
		case lower == "content-length" && r.ContentLength > 0:
			// net/http keeps the length in r.ContentLength on client requests.
			return []string{strconv.FormatInt(r.ContentLength, 10)}
		case lower == "transfer-encoding" && len(r.TransferEncoding) > 0:
			// and moves Transfer-Encoding out of the header on server requests.
			return []string{strings.Join(r.TransferEncoding, ",")}
		}
	}
	return vals
}

func writeCanonicalHeaders(b *strings.Builder, r *http.Request, signedHeaders []string) error {
	for _, name := range signedHeaders {
		lower := strings.ToLower(name)
		if !isToken(lower) {
			return newError(CodeIncompleteSignature, "SignedHeaders contains an invalid header name '"+truncate(name, 64)+"'.")
		}
		b.WriteString(lower)
		b.WriteByte(':')
		for i, v := range headerValues(r, lower) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(canonicalHeaderValue(v))
		}
		b.WriteByte('\n')
	}
	return nil
}

// canonicalHeaderValue trims the value and collapses runs of spaces to one, and
// folded lines (obs-fold) to one space.
func canonicalHeaderValue(v string) string {
	v = strings.Trim(v, " \t\r\n")
	if !strings.Contains(v, "  ") && !strings.ContainsAny(v, "\r\n") {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\r' || c == '\n' {
			// A folded line: the newline and the indentation become one space.
			for i+1 < len(v) && (v[i+1] == ' ' || v[i+1] == '\t' || v[i+1] == '\r' || v[i+1] == '\n') {
				i++
			}
			c = ' '
		}
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// isToken reports whether s is a non-empty HTTP token (RFC 9110), so a signed
// header name cannot smuggle ":" or a newline into the canonical request.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

// truncate makes client-supplied text fit for an error message: at most n bytes,
// anything but printable ASCII replaced by "?".
func truncate(s string, n int) string {
	more := len(s) > n
	if more {
		s = s[:n]
	}
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	if more {
		return string(b) + "..."
	}
	return string(b)
}

package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The AWS SigV4 test suite (testdata/v4, from awslabs/aws-c-auth, Apache 2.0; see
// testdata/README.md): per case a context.json, the unsigned request.txt, and for
// the header and the query (presigned) forms the expected canonical request, string
// to sign, signature and signed request.

type vectorContext struct {
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		Token           string `json:"token"`
	} `json:"credentials"`
	ExpirationInSeconds int       `json:"expiration_in_seconds"`
	Normalize           bool      `json:"normalize"`
	Region              string    `json:"region"`
	Service             string    `json:"service"`
	SignBody            bool      `json:"sign_body"`
	Timestamp           time.Time `json:"timestamp"`
	OmitSessionToken    bool      `json:"omit_session_token"`
}

type vector struct {
	name string
	dir  string
	ctx  vectorContext
}

func (v vector) read(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(v.dir, file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (v vector) credential() Credential {
	c := v.ctx.Credentials
	return Credential{AccessKeyID: c.AccessKeyID, Secret: c.SecretAccessKey, SessionToken: c.Token}
}

// verifier returns the Verifier configured as the vector was signed.
func (v vector) verifier() *Verifier {
	cred := v.credential()
	return &Verifier{
		Services:                 []string{v.ctx.Service},
		Now:                      func() time.Time { return v.ctx.Timestamp },
		DisablePathNormalization: !v.ctx.Normalize,
		UnsignedPresignedToken:   v.ctx.OmitSessionToken,
		Lookup: func(_ context.Context, akid string) (Credential, error) {
			if akid != cred.AccessKeyID {
				return Credential{}, ErrUnknownKey
			}
			return cred, nil
		},
	}
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	dirs, err := filepath.Glob("testdata/v4/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no test vectors under testdata/v4")
	}
	var vs []vector
	for _, d := range dirs {
		v := vector{name: filepath.Base(d), dir: d}
		if err := json.Unmarshal(v.read(t, "context.json"), &v.ctx); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		vs = append(vs, v)
	}
	return vs
}

// rawRequest is a request file split into the parts a test may change one byte of.
// Paths in the files are written unescaped ("/example space/"), which is what
// net/http puts in URL.Path, so path is used as URL.Path as is.
type rawRequest struct {
	method string
	path   string
	query  string
	header []rawHeader // in file order, folded lines joined by one space
	body   []byte
}

type rawHeader struct{ name, value string }

func parseRawRequest(t *testing.T, data []byte) rawRequest {
	t.Helper()
	head, body, _ := bytes.Cut(data, []byte("\n\n"))
	lines := strings.Split(string(head), "\n")
	first := lines[0]
	sp1, sp2 := strings.Index(first, " "), strings.LastIndex(first, " ")
	if sp1 < 0 || sp2 <= sp1 {
		t.Fatalf("bad request line %q", first)
	}
	rr := rawRequest{method: first[:sp1], body: body}
	rr.path, rr.query, _ = strings.Cut(first[sp1+1:sp2], "?")
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		if l[0] == ' ' || l[0] == '\t' { // obs-fold, unfolded as net/textproto does
			rr.header[len(rr.header)-1].value += " " + strings.Trim(l, " \t")
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("bad header line %q", l)
		}
		rr.header = append(rr.header, rawHeader{name, strings.Trim(value, " \t")})
	}
	return rr
}

// request builds the *http.Request a Go server would hand to a handler.
func (rr rawRequest) request() *http.Request {
	r := &http.Request{
		Method:        rr.method,
		URL:           &url.URL{Path: rr.path, RawQuery: rr.query},
		RequestURI:    rr.path,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{},
		ContentLength: int64(len(rr.body)),
		Body:          io.NopCloser(bytes.NewReader(rr.body)),
	}
	if rr.query != "" {
		r.RequestURI += "?" + rr.query
	}
	for _, h := range rr.header {
		if strings.EqualFold(h.name, "host") {
			r.Host = h.value
			continue
		}
		k := http.CanonicalHeaderKey(h.name)
		r.Header[k] = append(r.Header[k], h.value)
	}
	return r.WithContext(context.Background())
}

func (rr rawRequest) clone() rawRequest {
	c := rr
	c.header = slices.Clone(rr.header)
	c.body = slices.Clone(rr.body)
	return c
}

// signedHeadersOf returns the SignedHeaders of a signed request, either form.
func signedHeadersOf(t *testing.T, r *http.Request) []string {
	t.Helper()
	pairs, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		t.Fatal(err)
	}
	a, err := parseAuth(r, pairs)
	if err != nil {
		t.Fatal(err)
	}
	return a.signedHeaders
}

var forms = []struct {
	name      string
	presigned bool
}{{"header", false}, {"query", true}}

// TestVectorsCanonical computes, for every vector and both forms, the canonical
// request, string to sign and signature, and compares them with the expected files.
func TestVectorsCanonical(t *testing.T) {
	for _, v := range loadVectors(t) {
		for _, f := range forms {
			t.Run(v.name+"/"+f.name, func(t *testing.T) {
				rr := parseRawRequest(t, v.read(t, f.name+"-signed-request.txt"))
				r := rr.request()
				opts := CanonicalOptions{
					DisablePathNormalization: !v.ctx.Normalize,
					Presigned:                f.presigned,
					OmitSecurityToken:        f.presigned && v.ctx.OmitSessionToken,
				}
				cr, err := CanonicalRequest(r, signedHeadersOf(t, r), HashPayload(rr.body), opts)
				if err != nil {
					t.Fatal(err)
				}
				if want := string(v.read(t, f.name+"-canonical-request.txt")); cr != want {
					t.Fatalf("canonical request:\n%s\nwant:\n%s", cr, want)
				}
				ts := v.ctx.Timestamp
				sts := StringToSign(ts, Scope(ts, v.ctx.Region, v.ctx.Service), cr)
				if want := string(v.read(t, f.name+"-string-to-sign.txt")); sts != want {
					t.Fatalf("string to sign:\n%s\nwant:\n%s", sts, want)
				}
				sig := Signature(SigningKey(v.ctx.Credentials.SecretAccessKey, ts, v.ctx.Region, v.ctx.Service), sts)
				if want := strings.TrimSpace(string(v.read(t, f.name+"-signature.txt"))); sig != want {
					t.Fatalf("signature %s, want %s", sig, want)
				}
			})
		}
	}
}

// TestVectorsVerify: Verify accepts every signed request at the vector's time.
func TestVectorsVerify(t *testing.T) {
	for _, v := range loadVectors(t) {
		for _, f := range forms {
			t.Run(v.name+"/"+f.name, func(t *testing.T) {
				rr := parseRawRequest(t, v.read(t, f.name+"-signed-request.txt"))
				res, err := v.verifier().Verify(rr.request(), rr.body)
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				want := Result{
					AccessKeyID:   v.ctx.Credentials.AccessKeyID,
					Service:       v.ctx.Service,
					Region:        v.ctx.Region,
					Date:          v.ctx.Timestamp,
					SecurityToken: v.ctx.Credentials.Token,
					Presigned:     f.presigned,
				}
				got := *res
				got.SignedHeaders, got.Credential = nil, Credential{}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("result %+v, want %+v", got, want)
				}
			})
		}
	}
}

// TestVectorsReadRequest feeds the signed requests through net/http's own parser,
// as the server will see them, where the request line is valid HTTP.
func TestVectorsReadRequest(t *testing.T) {
	parsed := 0
	for _, v := range loadVectors(t) {
		for _, f := range forms {
			wire := strings.ReplaceAll(string(v.read(t, f.name+"-signed-request.txt")), "\n", "\r\n")
			r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(wire)))
			if err != nil {
				t.Logf("%s/%s: not valid HTTP/1.1, skipped: %v", v.name, f.name, err)
				continue
			}
			body, err := io.ReadAll(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			parsed++
			if _, err := v.verifier().Verify(r, body); err != nil {
				t.Errorf("%s/%s: Verify: %v", v.name, f.name, err)
			}
		}
	}
	if parsed < 60 {
		t.Fatalf("only %d requests parsed by net/http", parsed)
	}
}

// TestVectorsSign: Sign and Presign, given the unsigned request.txt, produce the
// vectors' signed requests.
func TestVectorsSign(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.ctx.OmitSessionToken || !v.ctx.Normalize {
			continue // Sign always signs the token, and normalizes as IAM and STS
		}
		t.Run(v.name, func(t *testing.T) {
			rr := parseRawRequest(t, v.read(t, "request.txt"))
			cred := v.credential()
			ts := v.ctx.Timestamp

			r := rr.request()
			if v.ctx.SignBody {
				r.Header.Set("X-Amz-Content-Sha256", HashPayload(rr.body))
			}
			if err := Sign(r, rr.body, cred, v.ctx.Region, v.ctx.Service, ts); err != nil {
				t.Fatal(err)
			}
			want := parseRawRequest(t, v.read(t, "header-signed-request.txt")).request()
			if got, want := r.Header.Get("Authorization"), want.Header.Get("Authorization"); got != want {
				t.Errorf("Sign: Authorization\n%s\nwant\n%s", got, want)
			}

			r = rr.request()
			if err := Presign(r, rr.body, cred, v.ctx.Region, v.ctx.Service, ts, time.Duration(v.ctx.ExpirationInSeconds)*time.Second); err != nil {
				t.Fatal(err)
			}
			wantQuery := parseRawRequest(t, v.read(t, "query-signed-request.txt")).query
			if r.URL.RawQuery != wantQuery {
				t.Errorf("Presign: query\n%s\nwant\n%s", r.URL.RawQuery, wantQuery)
			}
		})
	}
}

// mutateByte returns a different byte of the same class, so that a hex digit stays
// a hex digit (a %XX escape stays valid) and a letter a letter; anything else
// becomes 'x'.
func mutateByte(b byte) byte {
	cycle := func(lo, hi byte) byte {
		if b == hi {
			return lo
		}
		return b + 1
	}
	switch {
	case '0' <= b && b <= '9':
		return cycle('0', '9')
	case 'a' <= b && b <= 'f':
		return cycle('a', 'f')
	case 'g' <= b && b <= 'z':
		return cycle('g', 'z')
	case 'A' <= b && b <= 'F':
		return cycle('A', 'F')
	case 'G' <= b && b <= 'Z':
		return cycle('G', 'Z')
	}
	return 'x'
}

func mutateAt(s string, i int) string {
	b := []byte(s)
	b[i] = mutateByte(b[i])
	return string(b)
}

// anyRefusal stands for "any *Error": the byte changed is not signed itself but
// drives verification (the scope, the date, the expiry, the signed header list).
const anyRefusal = "*"

type tamper struct {
	what   string
	rr     rawRequest
	want   []string // acceptable codes, or anyRefusal
	isPath bool
}

// tampers lists every single-byte change to rr, signed with signedHeaders, with
// the refusal each must meet.
func tampers(rr rawRequest, signedHeaders []string, presigned bool, tokenSigned bool) []tamper {
	sdnm := []string{CodeSignatureDoesNotMatch}
	var ts []tamper
	add := func(what string, want []string, isPath bool, change func(*rawRequest)) {
		c := rr.clone()
		change(&c)
		ts = append(ts, tamper{what, c, want, isPath})
	}
	for i := range rr.method {
		add("method["+strconv.Itoa(i)+"]", sdnm, false, func(c *rawRequest) { c.method = mutateAt(c.method, i) })
	}
	for i := range rr.path {
		add("path["+strconv.Itoa(i)+"]", sdnm, true, func(c *rawRequest) { c.path = mutateAt(c.path, i) })
	}
	// The query, one parameter at a time so each byte knows what it belongs to.
	off := 0
	for part := range strings.SplitSeq(rr.query, "&") {
		k, _, _ := strings.Cut(part, "=")
		key, _ := url.QueryUnescape(k)
		want := sdnm
		switch {
		case !presigned || key == paramSignature:
		case key == paramSecurityToken && !tokenSigned:
			want = []string{CodeInvalidClientTokenId}
		case key == paramSecurityToken:
		case isAuthParam(key):
			want = []string{anyRefusal}
		}
		for j := range part {
			i, w := off+j, want
			if presigned && isAuthParam(key) && j <= len(k) {
				w = []string{anyRefusal} // the name of an auth parameter: it goes missing
			}
			add("query["+strconv.Itoa(i)+"] in "+key, w, false, func(c *rawRequest) { c.query = mutateAt(c.query, i) })
		}
		off += len(part) + 1
	}
	for hi, h := range rr.header {
		name := strings.ToLower(h.name)
		want := sdnm
		switch {
		case name == "authorization":
			want = []string{anyRefusal}
		case !slices.Contains(signedHeaders, name):
			continue
		case name == "x-amz-date" && !presigned:
			want = []string{CodeSignatureDoesNotMatch, CodeRequestExpired, CodeIncompleteSignature}
		}
		for i := range h.value {
			add("header "+h.name+"["+strconv.Itoa(i)+"]", want, false, func(c *rawRequest) {
				c.header[hi].value = mutateAt(c.header[hi].value, i)
			})
		}
	}
	for i := range rr.body {
		add("body["+strconv.Itoa(i)+"]", sdnm, false, func(c *rawRequest) { c.body[i] = mutateByte(c.body[i]) })
	}
	add("body+1", sdnm, false, func(c *rawRequest) { c.body = append(c.body, 'x') })
	return ts
}

// TestVectorsTamper changes each byte of every signed part of every signed request
// (method, path, query, signed header values, body) and expects a refusal:
// SignatureDoesNotMatch for signed content, some *Error for bytes of the
// signature information itself.
func TestVectorsTamper(t *testing.T) {
	total, equivalent := 0, 0
	for _, v := range loadVectors(t) {
		for _, f := range forms {
			t.Run(v.name+"/"+f.name, func(t *testing.T) {
				rr := parseRawRequest(t, v.read(t, f.name+"-signed-request.txt"))
				signed := signedHeadersOf(t, rr.request())
				tokenSigned := !(f.presigned && v.ctx.OmitSessionToken)
				vf := v.verifier()
				for _, tc := range tampers(rr, signed, f.presigned, tokenSigned) {
					total++
					if tc.isPath && v.ctx.Normalize && canonicalURI(tc.rr.path, true) == canonicalURI(rr.path, true) {
						// "/example/.." and "/xxample/.." are the same resource once
						// normalized: not a change to what is signed.
						equivalent++
						continue
					}
					res, err := vf.Verify(tc.rr.request(), tc.rr.body)
					var e *Error
					switch {
					case err == nil:
						t.Errorf("%s: accepted (%+v)", tc.what, res)
					case !errors.As(err, &e):
						t.Errorf("%s: non-refusal error %v", tc.what, err)
					case tc.want[0] != anyRefusal && !slices.Contains(tc.want, e.Code):
						t.Errorf("%s: %v, want %v", tc.what, e, tc.want)
					}
				}
			})
		}
	}
	t.Logf("%d single-byte changes refused, %d path changes equivalent after normalization skipped", total-equivalent, equivalent)
	if total < 10000 {
		t.Fatalf("only %d changes tried", total)
	}
}

package sigv4

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestCanonicalURI(t *testing.T) {
	cases := []struct {
		path      string
		normalize bool
		want      string
	}{
		{"", true, "/"},
		{"/", true, "/"},
		{"/aws", true, "/aws"},
		{"/aws/", true, "/aws/"},
		{"//aws//", true, "/aws/"},
		{"/a/./b/../c", true, "/a/c"},
		{"/a/b/..", true, "/a/"},
		{"/a/b/.", true, "/a/b/"},
		{"/../..", true, "/"},
		{"/..a/.b", true, "/..a/.b"},
		{"aws", true, "/aws"},
		{"/a b/ሴ", true, "/a%20b/%E1%88%B4"},
		{"/a%2Fb", true, "/a%252Fb"}, // URL.Path is decoded: a literal % is encoded
		{"/!$&'()*+,;=:@", true, "/%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40"},
		{"//a/./", false, "//a/./"},
		{"", false, "/"},
		{"aws", false, "/aws"},
	}
	for _, tc := range cases {
		if got := canonicalURI(tc.path, tc.normalize); got != tc.want {
			t.Errorf("canonicalURI(%q, %v) = %q, want %q", tc.path, tc.normalize, got, tc.want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	cases := []struct {
		raw  string
		opts CanonicalOptions
		want string
	}{
		{"", CanonicalOptions{}, ""},
		{"b=2&a=1", CanonicalOptions{}, "a=1&b=2"},
		{"a=2&a=1&a=10", CanonicalOptions{}, "a=1&a=10&a=2"},
		{"a&b=", CanonicalOptions{}, "a=&b="},
		{"a=1&&b=2&", CanonicalOptions{}, "a=1&b=2"},
		{"k=a+b&s=a%20b&p=a%2Bb", CanonicalOptions{}, "k=a%20b&p=a%2Bb&s=a%20b"},
		{"%e1%88%b4=%7e~", CanonicalOptions{}, "%E1%88%B4=~~"},
		{"_=1&%60=2&~=3", CanonicalOptions{}, "%60=2&_=1&~=3"}, // sorted after encoding
		{"X-Amz-Signature=abc&a=1", CanonicalOptions{}, "X-Amz-Signature=abc&a=1"},
		{"X-Amz-Signature=abc&a=1", CanonicalOptions{Presigned: true}, "a=1"},
		{"X-Amz-Security-Token=t&a=1", CanonicalOptions{Presigned: true}, "X-Amz-Security-Token=t&a=1"},
		{"X-Amz-Security-Token=t&a=1", CanonicalOptions{Presigned: true, OmitSecurityToken: true}, "a=1"},
	}
	for _, tc := range cases {
		pairs, err := parseQuery(tc.raw)
		if err != nil {
			t.Fatalf("parseQuery(%q): %v", tc.raw, err)
		}
		if got := canonicalQuery(pairs, tc.opts); got != tc.want {
			t.Errorf("canonicalQuery(%q, %+v) = %q, want %q", tc.raw, tc.opts, got, tc.want)
		}
	}
	for _, raw := range []string{"a=%", "a=%zz", "%g0=1", "a=1&b=%E"} {
		if _, err := parseQuery(raw); !isCode(err, CodeMalformedQueryString) {
			t.Errorf("parseQuery(%q) = %v, want MalformedQueryString", raw, err)
		}
	}
}

func TestCanonicalHeaderValue(t *testing.T) {
	cases := []struct{ in, want string }{
		{"value", "value"},
		{"  value \t", "value"},
		{`"a   b   c"`, `"a b c"`},
		{"a \t b", "a \t b"}, // only runs of spaces collapse, as the AWS SDKs do
		{"value1\n  value2\r\n\tvalue3", "value1 value2 value3"},
		{"", ""},
		{"   ", ""},
	}
	for _, tc := range cases {
		if got := canonicalHeaderValue(tc.in); got != tc.want {
			t.Errorf("canonicalHeaderValue(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCanonicalHeaders(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "http://iam.example:8080/aws", strings.NewReader("12345"))
	r.Header["x-lower"] = []string{"b"} // a hand-built map may hold other spellings
	r.Header["X-Lower"] = []string{"a"}
	r.Header["X-LOWER"] = []string{"c"}
	r.Header.Set("X-Empty", "")
	cr, err := CanonicalRequest(r, []string{"Content-Length", "host", "x-absent", "x-empty", "x-lower"}, "h", CanonicalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "POST\n/aws\n\ncontent-length:5\nhost:iam.example:8080\nx-absent:\nx-empty:\nx-lower:a,c,b\n\ncontent-length;host;x-absent;x-empty;x-lower\nh"
	if cr != want {
		t.Fatalf("canonical request:\n%s\nwant:\n%s", cr, want)
	}
	r.TransferEncoding = []string{"chunked"}
	if cr, _ := CanonicalRequest(r, []string{"transfer-encoding"}, "h", CanonicalOptions{}); !strings.Contains(cr, "\ntransfer-encoding:chunked\n") {
		t.Fatalf("transfer-encoding not taken from r.TransferEncoding:\n%s", cr)
	}
	if _, err := CanonicalRequest(r, []string{"host", "bad\nname"}, "h", CanonicalOptions{}); !isCode(err, CodeIncompleteSignature) {
		t.Fatalf("bad header name: %v", err)
	}
}

func TestErrorString(t *testing.T) {
	e := newError(CodeRequestExpired, "Signature expired")
	if e.Error() != "RequestExpired: Signature expired" || e.HTTPStatus != http.StatusBadRequest {
		t.Fatalf("%q %d", e.Error(), e.HTTPStatus)
	}
	if got := truncate("ab\x00\xffcd", 4); got != "ab??..." {
		t.Fatalf("truncate = %q", got)
	}
}

func TestPresignRefuses(t *testing.T) {
	for _, d := range []time.Duration{0, time.Millisecond, 7*24*time.Hour + time.Second} {
		if err := Presign(stsPresignGET(), nil, longTerm, "us-east-1", "sts", t0, d); err == nil {
			t.Errorf("Presign expires %v accepted", d)
		}
	}
	r := stsPresignGET()
	r.URL.RawQuery += "&X-Amz-Date=20260314T120000Z"
	if err := Presign(r, nil, longTerm, "us-east-1", "sts", t0, time.Minute); err == nil {
		t.Error("Presign of a presigned request accepted")
	}
	r.URL.RawQuery = "%zz"
	if err := Presign(r, nil, longTerm, "us-east-1", "sts", t0, time.Minute); !isCode(err, CodeMalformedQueryString) {
		t.Errorf("Presign with a malformed query: %v", err)
	}
	if err := Sign(r, nil, longTerm, "us-east-1", "sts", t0); !isCode(err, CodeMalformedQueryString) {
		t.Errorf("Sign with a malformed query: %v", err)
	}
}

// Example shows the server side: the body is read once (the handler needs it for
// the form), Verify routes on the scope's service, and a refusal carries the AWS
// code and status to answer with.
func Example() {
	keys := map[string]Credential{
		"AKIAIOSFODNN7EXAMPLE": {AccessKeyID: "AKIAIOSFODNN7EXAMPLE", Secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
	}
	v := &Verifier{
		Services: []string{"iam", "sts"},
		Lookup: func(ctx context.Context, akid string) (Credential, error) {
			c, ok := keys[akid]
			if !ok {
				return Credential{}, ErrUnknownKey
			}
			return c, nil
		},
	}

	body := "Action=GetCallerIdentity&Version=2011-06-15"
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/aws", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if err := Sign(r, []byte(body), keys["AKIAIOSFODNN7EXAMPLE"], "us-east-1", "sts", time.Now()); err != nil {
		panic(err)
	}

	res, err := v.Verify(r, []byte(body))
	fmt.Println(res.Service, res.AccessKeyID, err)

	_, err = v.Verify(r, []byte(body+"&x=1"))
	var e *Error
	if errors.As(err, &e) {
		fmt.Println(e.HTTPStatus, e.Code)
	}
	// Output:
	// sts AKIAIOSFODNN7EXAMPLE <nil>
	// 403 SignatureDoesNotMatch
}

func BenchmarkVerify(b *testing.B) {
	r := newPOST(testBody)
	if err := Sign(r, []byte(testBody), longTerm, "us-east-1", "iam", t0); err != nil {
		b.Fatal(err)
	}
	v := testVerifier(t0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r, []byte(testBody)); err != nil {
			b.Fatal(err)
		}
	}
}

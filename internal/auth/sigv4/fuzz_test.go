package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fuzzRequest is the request FuzzVerify verifies: an IAM API call whose
// Authorization header, query string and body come from the fuzzer.
func fuzzRequest(authorization, query string) *http.Request {
	r := newPOST("")
	r.ContentLength = -1
	r.URL.RawQuery = query
	r.Header.Set("X-Amz-Date", t0.Format(amzDateLayout))
	if authorization != "" {
		r.Header["Authorization"] = []string{authorization}
	}
	return r
}

// fuzzSeeds are valid requests of each form and a few near misses; the fuzzer
// mutates them into everything else.
func fuzzSeeds(t testing.TB) [][3]string {
	signed := func(cred Credential, query, body string) string {
		r := fuzzRequest("", query)
		if err := Sign(r, []byte(body), cred, "us-east-1", "iam", t0); err != nil {
			t.Fatal(err)
		}
		return r.Header.Get("Authorization")
	}
	presigned := func(cred Credential, query, body string) string {
		r := fuzzRequest("", query)
		r.Header.Del("X-Amz-Date")
		if err := Presign(r, []byte(body), cred, "us-east-1", "sts", t0, time.Hour); err != nil {
			t.Fatal(err)
		}
		return r.URL.RawQuery
	}
	return [][3]string{
		{signed(longTerm, "", testBody), "", testBody},
		{signed(longTerm, "Action=ListUsers&Marker=a%2Fb+c", ""), "Action=ListUsers&Marker=a%2Fb+c", ""},
		{"", presigned(longTerm, "Action=GetCallerIdentity&Version=2011-06-15", ""), ""},
		{"", presigned(temp, "", testBody), testBody},
		{"", presigned(expired, "", testBody), testBody},
		{"", "", ""},
		{"Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig", "", ""},
		{"AWS4-HMAC-SHA256 Credential=" + testAKID + "/20260314/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00", "", ""},
		{"AWS4-HMAC-SHA256 Credential=" + failingAKID + "/20260314/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=" + EmptyPayloadHash, "", ""},
		{"AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=;;, Signature=", "X-Amz-Algorithm=x&%zz", "\x00\xff"},
		{"", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=0&X-Amz-Date=20260314T120000Z&X-Amz-Credential=%2F%2F%2F%2F&X-Amz-SignedHeaders=host&X-Amz-Signature=00", ""},
	}
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzVerify from fuzzSeeds:
// SIGV4_WRITE_SEEDS=1 go test -run TestWriteFuzzSeeds ./internal/auth/sigv4
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("SIGV4_WRITE_SEEDS") == "" {
		t.Skip("set SIGV4_WRITE_SEEDS=1 to rewrite the seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzVerify")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range fuzzSeeds(t) {
		data := fmt.Sprintf("go test fuzz v1\nstring(%q)\nstring(%q)\n[]byte(%q)\n", s[0], s[1], s[2])
		sum := sha256.Sum256([]byte(data))
		name := "seed-" + hex.EncodeToString(sum[:8])
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzVerify: whatever the Authorization header, query string and body, Verify
// does not panic; it accepts only with a known key and an allowed service, and
// otherwise refuses with an AWS code, the right status and a printable message,
// or returns the lookup's own failure.
func FuzzVerify(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s[0], s[1], []byte(s[2]))
	}
	known := []string{testAKID, tempAKID, expiredAKID}
	f.Fuzz(func(t *testing.T, authorization, query string, body []byte) {
		v := testVerifier(t0)
		res, err := v.Verify(fuzzRequest(authorization, query), body)
		var e *Error
		switch {
		case err == nil:
			if res == nil || !slices.Contains(known, res.AccessKeyID) || !slices.Contains(v.Services, res.Service) ||
				!slices.Contains(res.SignedHeaders, "host") || res.Credential.AccessKeyID != res.AccessKeyID {
				t.Fatalf("accepted with result %+v", res)
			}
		case errors.As(err, &e):
			if res != nil {
				t.Fatalf("result %+v with error %v", res, err)
			}
			checkError(t, e)
		case !errors.Is(err, errDown):
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// FuzzSignVerify: any request Sign can sign, Verify accepts, and the canonical
// request stays one line per part.
func FuzzSignVerify(f *testing.F) {
	f.Add("/aws", "Action=ListUsers", "a  b", []byte(testBody))
	f.Add("/a/./b/../c//d/", "k=v&k=u&%E1%88%B4=x+y", " folded\n  value ", []byte{})
	f.Add("/ሴ space/%", "", "", []byte{0})
	f.Fuzz(func(t *testing.T, path, query, value string, body []byte) {
		r := &http.Request{Method: http.MethodPost, Host: "127.0.0.1:8080", URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{}}
		r.Header["X-Custom"] = []string{value}
		if err := Sign(r, body, longTerm, "us-east-1", "iam", t0); err != nil {
			if !isCode(err, CodeMalformedQueryString) {
				t.Fatalf("Sign: %v", err)
			}
			return
		}
		if _, err := testVerifier(t0).Verify(r, body); err != nil {
			t.Fatalf("Verify of a signed request: %v", err)
		}
		cr, err := CanonicalRequest(r, headersToSign(r), HashPayload(body), CanonicalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if lines := strings.Count(cr, "\n"); lines != 5+len(headersToSign(r)) {
			t.Fatalf("canonical request has %d lines:\n%q", lines, cr)
		}
	})
}

// TestFuzzSeeds: the seed corpus starts the fuzzer from accepted requests.
func TestFuzzSeeds(t *testing.T) {
	want := []string{"", "", "", "", CodeExpiredToken}
	seeds := fuzzSeeds(t)
	for i, code := range want {
		_, err := testVerifier(t0).Verify(fuzzRequest(seeds[i][0], seeds[i][1]), []byte(seeds[i][2]))
		if (code == "" && err != nil) || (code != "" && !isCode(err, code)) {
			t.Errorf("seed %d: %v, want %q", i, err, code)
		}
	}
}

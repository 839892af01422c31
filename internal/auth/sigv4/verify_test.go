package sigv4

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var t0 = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

const (
	testAKID     = "AKIAIOSFODNN7EXAMPLE"
	testSecret   = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	tempAKID     = "ASIAIOSFODNN7EXAMPLE"
	tempToken    = "IQoJb3JpZ2luX2VjEXAMPLETOKEN/+=="
	expiredAKID  = "ASIAEXPIREDEXAMPLE00"
	failingAKID  = "AKIAFAILINGLOOKUP000"
	unknownAKID  = "AKIAUNKNOWNKEY000000"
	testBody     = "Action=ListUsers&Version=2010-05-08"
	testEndpoint = "http://127.0.0.1:8080/aws"
)

var (
	longTerm = Credential{AccessKeyID: testAKID, Secret: testSecret, AccountID: "123456789012", PrincipalARN: "arn:aws:iam::123456789012:user/alice"}
	temp     = Credential{AccessKeyID: tempAKID, Secret: "tempsecretEXAMPLE", SessionToken: tempToken, Expiration: t0.Add(time.Hour)}
	expired  = Credential{AccessKeyID: expiredAKID, Secret: "expiredsecretEXAMPLE", SessionToken: "tok", Expiration: t0.Add(-time.Second)}
	errDown  = errors.New("database is down")
)

func testLookup(_ context.Context, akid string) (Credential, error) {
	for _, c := range []Credential{longTerm, temp, expired} {
		if c.AccessKeyID == akid {
			return c, nil
		}
	}
	if akid == failingAKID {
		return Credential{}, errDown
	}
	return Credential{}, ErrUnknownKey
}

func testVerifier(now time.Time) *Verifier {
	return &Verifier{Services: []string{"iam", "sts"}, Now: func() time.Time { return now }, Lookup: testLookup}
}

// newPOST is an IAM query API call as a server receives it.
func newPOST(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, testEndpoint, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return r
}

func mustSign(t *testing.T, r *http.Request, body string, cred Credential, region, service string, at time.Time) {
	t.Helper()
	if err := Sign(r, []byte(body), cred, region, service, at); err != nil {
		t.Fatal(err)
	}
}

func mustPresign(t *testing.T, r *http.Request, body string, cred Credential, service string, at time.Time, expires time.Duration) {
	t.Helper()
	if err := Presign(r, []byte(body), cred, "us-east-1", service, at, expires); err != nil {
		t.Fatal(err)
	}
}

// signWith signs r in the header form with exactly the given signed headers and
// payload hash, for requests Sign would not make.
func signWith(t *testing.T, r *http.Request, cred Credential, at time.Time, signed []string, payload string) {
	t.Helper()
	r.Header.Set("X-Amz-Date", at.Format(amzDateLayout))
	cr, err := CanonicalRequest(r, signed, payload, CanonicalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	scope := Scope(at, "us-east-1", "iam")
	sig := Signature(SigningKey(cred.Secret, at, "us-east-1", "iam"), StringToSign(at, scope, cr))
	r.Header.Set("Authorization", Algorithm+" Credential="+cred.AccessKeyID+"/"+scope+", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
}

// presignWithPayload presigns a GET for STS with the given payload hash, as S3-style
// presigners do with UNSIGNED-PAYLOAD.
func presignWithPayload(t *testing.T, r *http.Request, at time.Time, payload string) {
	t.Helper()
	scope := Scope(at, "us-east-1", "sts")
	r.URL.RawQuery += "&X-Amz-Algorithm=" + Algorithm + "&X-Amz-Credential=" + uriEncode(testAKID+"/"+scope, true) +
		"&X-Amz-Date=" + at.Format(amzDateLayout) + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
	cr, err := CanonicalRequest(r, []string{"host"}, payload, CanonicalOptions{Presigned: true})
	if err != nil {
		t.Fatal(err)
	}
	r.URL.RawQuery += "&X-Amz-Signature=" + Signature(SigningKey(testSecret, at, "us-east-1", "sts"), StringToSign(at, scope, cr))
}

func stsPresignGET() *http.Request {
	return httptest.NewRequest(http.MethodGet, testEndpoint+"?Action=GetCallerIdentity&Version=2011-06-15", nil)
}

// replaceQueryParam sets a presigned parameter to a new raw value.
func replaceQueryParam(r *http.Request, key, raw string) {
	var parts []string
	for p := range strings.SplitSeq(r.URL.RawQuery, "&") {
		if strings.HasPrefix(p, key+"=") {
			p = key + "=" + raw
		}
		parts = append(parts, p)
	}
	r.URL.RawQuery = strings.Join(parts, "&")
}

type verifyCase struct {
	name  string
	build func(t *testing.T) (*http.Request, string)
	now   time.Time // t0 when zero
	code  string    // "" for accepted
	msg   string    // substring of the message
	check func(t *testing.T, res *Result)
}

func runVerifyCases(t *testing.T, cases []verifyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, body := tc.build(t)
			now := tc.now
			if now.IsZero() {
				now = t0
			}
			res, err := testVerifier(now).Verify(r, []byte(body))
			if tc.code == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if tc.check != nil {
					tc.check(t, res)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Verify = %+v, %v; want %s", res, err, tc.code)
			}
			if e.Code != tc.code || !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("Verify: %v; want %s containing %q", e, tc.code, tc.msg)
			}
			checkError(t, e)
		})
	}
}

// checkError holds every refusal to the contract the API relies on.
func checkError(t *testing.T, e *Error) {
	t.Helper()
	want := map[string]int{
		CodeMissingAuthenticationToken: 403, CodeIncompleteSignature: 400, CodeInvalidClientTokenId: 403,
		CodeSignatureDoesNotMatch: 403, CodeRequestExpired: 400, CodeExpiredToken: 400, CodeMalformedQueryString: 400,
	}
	if status, ok := want[e.Code]; !ok || e.HTTPStatus != status {
		t.Errorf("error %q has status %d, want %d", e.Code, e.HTTPStatus, status)
	}
	if e.Message == "" || !utf8.ValidString(e.Message) || len(e.Message) > 2048 {
		t.Errorf("bad message %q", e.Message)
	}
	for _, c := range e.Message {
		if c < 0x20 || c == 0x7f {
			t.Errorf("control character in message %q", e.Message)
			break
		}
	}
}

func signedPOST(cred Credential, region, service string, at time.Time) func(t *testing.T) (*http.Request, string) {
	return func(t *testing.T) (*http.Request, string) {
		r := newPOST(testBody)
		mustSign(t, r, testBody, cred, region, service, at)
		return r, testBody
	}
}

func TestVerifyHeaderForm(t *testing.T) {
	wrongSecret := longTerm
	wrongSecret.Secret += "x"
	unknown := longTerm
	unknown.AccessKeyID = unknownAKID
	runVerifyCases(t, []verifyCase{
		{name: "accepted", build: signedPOST(longTerm, "us-east-1", "iam", t0), check: func(t *testing.T, res *Result) {
			if res.AccessKeyID != testAKID || res.Service != "iam" || res.Region != "us-east-1" || !res.Date.Equal(t0) ||
				res.Presigned || res.SecurityToken != "" || res.Credential.PrincipalARN != longTerm.PrincipalARN {
				t.Errorf("result %+v", res)
			}
			if want := []string{"content-length", "content-type", "host", "x-amz-date"}; !slices.Equal(res.SignedHeaders, want) {
				t.Errorf("signed headers %v, want %v", res.SignedHeaders, want)
			}
		}},
		{name: "sts is routed", build: signedPOST(longTerm, "us-east-1", "sts", t0), check: func(t *testing.T, res *Result) {
			if res.Service != "sts" {
				t.Errorf("service %q", res.Service)
			}
		}},
		{name: "other region accepted", build: signedPOST(longTerm, "eu-west-3", "iam", t0), check: func(t *testing.T, res *Result) {
			if res.Region != "eu-west-3" {
				t.Errorf("region %q", res.Region)
			}
		}},
		{name: "region is signed", build: func(t *testing.T) (*http.Request, string) {
			r, body := signedPOST(longTerm, "eu-west-3", "iam", t0)(t)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/eu-west-3/", "/us-east-1/", 1))
			return r, body
		}, code: CodeSignatureDoesNotMatch, msg: "does not match"},
		{name: "wrong secret", build: signedPOST(wrongSecret, "us-east-1", "iam", t0), code: CodeSignatureDoesNotMatch, msg: "Check your AWS Secret Access Key"},
		{name: "unknown key", build: signedPOST(unknown, "us-east-1", "iam", t0), code: CodeInvalidClientTokenId, msg: "security token included in the request is invalid"},
		{name: "service not allowed", build: signedPOST(longTerm, "us-east-1", "ec2", t0), code: CodeSignatureDoesNotMatch, msg: "Credential should be scoped to correct service: 'iam' or 'sts'."},
		{name: "scope date is not X-Amz-Date's", build: func(t *testing.T) (*http.Request, string) {
			r, body := signedPOST(longTerm, "us-east-1", "iam", t0)(t)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20260314/", "/20260313/", 1))
			return r, body
		}, code: CodeSignatureDoesNotMatch, msg: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260313' != '20260314', from '20260314T120000Z'."},
		{name: "host not signed", build: func(t *testing.T) (*http.Request, string) {
			r := newPOST(testBody)
			signWith(t, r, longTerm, t0, []string{"content-type", "x-amz-date"}, HashPayload([]byte(testBody)))
			return r, testBody
		}, code: CodeIncompleteSignature, msg: "'Host' must be a 'SignedHeader'"},
		{name: "minimal signed headers", build: func(t *testing.T) (*http.Request, string) {
			r := newPOST(testBody)
			signWith(t, r, longTerm, t0, []string{"host"}, HashPayload([]byte(testBody)))
			return r, testBody
		}},
		{name: "body changed", build: func(t *testing.T) (*http.Request, string) {
			r, _ := signedPOST(longTerm, "us-east-1", "iam", t0)(t)
			return r, "Action=DeleteUser&Version=2010-05-08"
		}, code: CodeSignatureDoesNotMatch},
		{name: "signed header changed", build: func(t *testing.T) (*http.Request, string) {
			r, body := signedPOST(longTerm, "us-east-1", "iam", t0)(t)
			r.Header.Set("Content-Type", "application/json")
			return r, body
		}, code: CodeSignatureDoesNotMatch},
		{name: "unsigned header added", build: func(t *testing.T) (*http.Request, string) {
			r, body := signedPOST(longTerm, "us-east-1", "iam", t0)(t)
			r.Header.Set("User-Agent", "proxy/1.0")
			return r, body
		}},
		{name: "query added", build: func(t *testing.T) (*http.Request, string) {
			r, body := signedPOST(longTerm, "us-east-1", "iam", t0)(t)
			r.URL.RawQuery = "Action=DeleteUser"
			return r, body
		}, code: CodeSignatureDoesNotMatch},
		{name: "path changed", build: func(t *testing.T) (*http.Request, string) {
			r, body := signedPOST(longTerm, "us-east-1", "iam", t0)(t)
			r.URL.Path = "/aws/x"
			return r, body
		}, code: CodeSignatureDoesNotMatch},
		{name: "host changed", build: func(t *testing.T) (*http.Request, string) {
			r, body := signedPOST(longTerm, "us-east-1", "iam", t0)(t)
			r.Host = "127.0.0.1:8081"
			return r, body
		}, code: CodeSignatureDoesNotMatch},
		{name: "x-amz-content-sha256 signed and right", build: func(t *testing.T) (*http.Request, string) {
			r := newPOST(testBody)
			r.Header.Set("X-Amz-Content-Sha256", HashPayload([]byte(testBody)))
			mustSign(t, r, testBody, longTerm, "us-east-1", "iam", t0)
			return r, testBody
		}},
		{name: "x-amz-content-sha256 not the body's", build: func(t *testing.T) (*http.Request, string) {
			r := newPOST(testBody)
			r.Header.Set("X-Amz-Content-Sha256", EmptyPayloadHash)
			mustSign(t, r, testBody, longTerm, "us-east-1", "iam", t0)
			return r, testBody
		}, code: CodeSignatureDoesNotMatch, msg: "x-amz-content-sha256"},
		{name: "UNSIGNED-PAYLOAD on POST", build: func(t *testing.T) (*http.Request, string) {
			r := newPOST(testBody)
			r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
			mustSign(t, r, testBody, longTerm, "us-east-1", "iam", t0)
			return r, testBody
		}, code: CodeIncompleteSignature, msg: "UNSIGNED-PAYLOAD"},
		{name: "UNSIGNED-PAYLOAD on header-signed GET", build: func(t *testing.T) (*http.Request, string) {
			r := stsPresignGET()
			r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
			mustSign(t, r, "", longTerm, "us-east-1", "sts", t0)
			return r, ""
		}, code: CodeIncompleteSignature, msg: "UNSIGNED-PAYLOAD"},
	})
}

func TestVerifyLookupFailureIsInternal(t *testing.T) {
	c := longTerm
	c.AccessKeyID = failingAKID
	r, body := signedPOST(c, "us-east-1", "iam", t0)(t)
	_, err := testVerifier(t0).Verify(r, []byte(body))
	var e *Error
	if !errors.Is(err, errDown) || errors.As(err, &e) {
		t.Fatalf("Verify: %v, want the wrapped lookup error and no *Error", err)
	}
	if _, err := (&Verifier{Services: []string{"iam"}, Now: func() time.Time { return t0 }}).Verify(r, []byte(body)); err == nil || errors.As(err, &e) {
		t.Fatalf("Verify without Lookup: %v, want an internal error", err)
	}
}

func TestVerifyClockSkew(t *testing.T) {
	var cases []verifyCase
	for _, c := range []struct {
		name string
		off  time.Duration
		code string
		msg  string
	}{
		{"16 min behind", -16 * time.Minute, CodeRequestExpired, "Signature expired: 20260314T114400Z is now earlier than 20260314T114500Z (20260314T120000Z - 15 min.)"},
		{"16 min ahead", 16 * time.Minute, CodeRequestExpired, "Signature not yet current: 20260314T121600Z is still later than 20260314T121500Z (20260314T120000Z + 15 min.)"},
		{"15 min behind", -15 * time.Minute, "", ""},
		{"15 min ahead", 15 * time.Minute, "", ""},
		{"15 min 1 s behind", -15*time.Minute - time.Second, CodeRequestExpired, "Signature expired"},
		{"a day behind", -24 * time.Hour, CodeRequestExpired, "Signature expired"},
	} {
		cases = append(cases, verifyCase{name: c.name, build: signedPOST(longTerm, "us-east-1", "iam", t0.Add(c.off)), code: c.code, msg: c.msg})
	}
	runVerifyCases(t, cases)

	// MaxSkew is configurable.
	r, body := signedPOST(longTerm, "us-east-1", "iam", t0.Add(-2*time.Minute))(t)
	v := testVerifier(t0)
	v.MaxSkew = time.Minute
	if _, err := v.Verify(r, []byte(body)); err == nil || !strings.Contains(err.Error(), "- 1 min.") {
		t.Fatalf("MaxSkew 1 min: %v", err)
	}
}

func TestVerifyPresigned(t *testing.T) {
	presigned := func(expires time.Duration) func(t *testing.T) (*http.Request, string) {
		return func(t *testing.T) (*http.Request, string) {
			r := stsPresignGET()
			mustPresign(t, r, "", longTerm, "sts", t0, expires)
			return r, ""
		}
	}
	withExpires := func(raw string) func(t *testing.T) (*http.Request, string) {
		return func(t *testing.T) (*http.Request, string) {
			r, body := presigned(900 * time.Second)(t)
			replaceQueryParam(r, "X-Amz-Expires", raw)
			return r, body
		}
	}
	cases := []verifyCase{
		{name: "accepted", build: presigned(900 * time.Second), now: t0.Add(899 * time.Second), check: func(t *testing.T, res *Result) {
			if !res.Presigned || res.Service != "sts" || res.AccessKeyID != testAKID || !slices.Equal(res.SignedHeaders, []string{"host"}) {
				t.Errorf("result %+v", res)
			}
		}},
		{name: "last second", build: presigned(900 * time.Second), now: t0.Add(900 * time.Second)},
		{name: "expired", build: presigned(900 * time.Second), now: t0.Add(901 * time.Second), code: CodeRequestExpired, msg: "Request has expired"},
		{name: "a week", build: presigned(7 * 24 * time.Hour), now: t0.Add(7*24*time.Hour - time.Second)},
		{name: "not yet valid", build: presigned(900 * time.Second), now: t0.Add(-16 * time.Minute), code: CodeRequestExpired, msg: "not yet current"},
		{name: "clock slightly behind", build: presigned(900 * time.Second), now: t0.Add(-14 * time.Minute)},
		{name: "parameter changed", build: func(t *testing.T) (*http.Request, string) {
			r, body := presigned(900 * time.Second)(t)
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "GetCallerIdentity", "GetSessionToken", 1)
			return r, body
		}, code: CodeSignatureDoesNotMatch},
		{name: "expiry lengthened", build: withExpires("3600"), code: CodeSignatureDoesNotMatch},
		{name: "parameter added", build: func(t *testing.T) (*http.Request, string) {
			r, body := presigned(900 * time.Second)(t)
			r.URL.RawQuery += "&DurationSeconds=129600"
			return r, body
		}, code: CodeSignatureDoesNotMatch},
		{name: "S3-style UNSIGNED-PAYLOAD", build: func(t *testing.T) (*http.Request, string) {
			r := stsPresignGET()
			presignWithPayload(t, r, t0, UnsignedPayload)
			return r, ""
		}},
		{name: "UNSIGNED-PAYLOAD declared on GET", build: func(t *testing.T) (*http.Request, string) {
			r := stsPresignGET()
			r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
			presignWithPayload(t, r, t0, UnsignedPayload)
			return r, ""
		}},
		{name: "UNSIGNED-PAYLOAD on presigned POST", build: func(t *testing.T) (*http.Request, string) {
			r := newPOST(testBody)
			r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
			mustPresign(t, r, testBody, longTerm, "iam", t0, time.Minute)
			return r, testBody
		}, code: CodeIncompleteSignature, msg: "UNSIGNED-PAYLOAD"},
		{name: "presigned POST signs the body", build: func(t *testing.T) (*http.Request, string) {
			r := newPOST(testBody)
			mustPresign(t, r, testBody, longTerm, "iam", t0, time.Minute)
			return r, testBody
		}},
		{name: "presigned POST body changed", build: func(t *testing.T) (*http.Request, string) {
			r := newPOST(testBody)
			mustPresign(t, r, testBody, longTerm, "iam", t0, time.Minute)
			return r, testBody + "&UserName=mallory"
		}, code: CodeSignatureDoesNotMatch},
		{name: "signature twice", build: func(t *testing.T) (*http.Request, string) {
			r, body := presigned(900 * time.Second)(t)
			r.URL.RawQuery += "&X-Amz-Signature=00"
			return r, body
		}, code: CodeIncompleteSignature, msg: "'X-Amz-Signature' must appear only once"},
		{name: "missing pieces", build: func(t *testing.T) (*http.Request, string) {
			return httptest.NewRequest(http.MethodGet, testEndpoint+"?X-Amz-Algorithm=AWS4-HMAC-SHA256", nil), ""
		}, code: CodeIncompleteSignature, msg: "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'."},
		{name: "unsupported algorithm", build: func(t *testing.T) (*http.Request, string) {
			r, body := presigned(900 * time.Second)(t)
			replaceQueryParam(r, "X-Amz-Algorithm", "AWS4-ECDSA-P256-SHA256")
			return r, body
		}, code: CodeIncompleteSignature, msg: "Unsupported AWS 'algorithm'"},
		{name: "and an Authorization header", build: func(t *testing.T) (*http.Request, string) {
			r, body := presigned(900 * time.Second)(t)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
			return r, body
		}, code: CodeIncompleteSignature, msg: "Only one auth mechanism allowed"},
		{name: "token", build: func(t *testing.T) (*http.Request, string) {
			r := stsPresignGET()
			mustPresign(t, r, "", temp, "sts", t0, time.Minute)
			return r, ""
		}, check: func(t *testing.T, res *Result) {
			if res.SecurityToken != tempToken {
				t.Errorf("token %q", res.SecurityToken)
			}
		}},
	}
	for _, raw := range []string{"0", "604801", "-1", "+60", "1e3", "%2060", "abc", "99999999999999999999", "60.5"} {
		cases = append(cases, verifyCase{name: "X-Amz-Expires=" + raw, build: withExpires(raw), code: CodeIncompleteSignature, msg: "X-Amz-Expires must be"})
	}
	cases = append(cases, verifyCase{name: "X-Amz-Expires empty", build: withExpires(""), code: CodeIncompleteSignature, msg: "must include 'X-Amz-Expires'"})
	runVerifyCases(t, cases)
}

func TestVerifySessionToken(t *testing.T) {
	withToken := func(c Credential, token string) Credential {
		c.SessionToken = token
		return c
	}
	runVerifyCases(t, []verifyCase{
		{name: "temporary credentials", build: signedPOST(temp, "us-east-1", "sts", t0), check: func(t *testing.T, res *Result) {
			if res.SecurityToken != tempToken || res.AccessKeyID != tempAKID || !slices.Contains(res.SignedHeaders, "x-amz-security-token") {
				t.Errorf("result %+v", res)
			}
		}},
		{name: "wrong token", build: signedPOST(withToken(temp, "forged"), "us-east-1", "sts", t0), code: CodeInvalidClientTokenId},
		{name: "no token", build: signedPOST(withToken(temp, ""), "us-east-1", "sts", t0), code: CodeInvalidClientTokenId},
		{name: "token with a long-term key", build: signedPOST(withToken(longTerm, "anything"), "us-east-1", "iam", t0), code: CodeInvalidClientTokenId},
		{name: "expired", build: signedPOST(expired, "us-east-1", "sts", t0), code: CodeExpiredToken, msg: "expired"},
		{name: "token replaced, not signed", build: func(t *testing.T) (*http.Request, string) {
			r := newPOST(testBody)
			signWith(t, r, temp, t0, []string{"host", "x-amz-date"}, HashPayload([]byte(testBody)))
			r.Header.Set("X-Amz-Security-Token", "forged")
			return r, testBody
		}, code: CodeInvalidClientTokenId},
		{name: "token not signed but right", build: func(t *testing.T) (*http.Request, string) {
			r := newPOST(testBody)
			signWith(t, r, temp, t0, []string{"host", "x-amz-date"}, HashPayload([]byte(testBody)))
			r.Header.Set("X-Amz-Security-Token", tempToken)
			return r, testBody
		}},
	})
}

func TestVerifyMissingAuthentication(t *testing.T) {
	runVerifyCases(t, []verifyCase{
		{name: "nothing", build: func(t *testing.T) (*http.Request, string) { return newPOST(testBody), testBody },
			code: CodeMissingAuthenticationToken, msg: "Request is missing Authentication Token"},
		{name: "empty Authorization", build: func(t *testing.T) (*http.Request, string) {
			r := newPOST(testBody)
			r.Header.Set("Authorization", " ")
			return r, testBody
		}, code: CodeMissingAuthenticationToken},
		{name: "X-Amz-Date in query only", build: func(t *testing.T) (*http.Request, string) {
			return httptest.NewRequest(http.MethodGet, testEndpoint+"?X-Amz-Date=20260314T120000Z", nil), ""
		}, code: CodeMissingAuthenticationToken},
		{name: "two Authorization headers", build: func(t *testing.T) (*http.Request, string) {
			r, body := signedPOST(longTerm, "us-east-1", "iam", t0)(t)
			r.Header.Add("Authorization", r.Header.Get("Authorization"))
			return r, body
		}, code: CodeIncompleteSignature, msg: "Only one Authorization header"},
	})
	r, body := signedPOST(longTerm, "us-east-1", "iam", t0)(t)
	r.URL.RawQuery = "Action=%zz"
	if _, err := testVerifier(t0).Verify(r, []byte(body)); !isCode(err, CodeMalformedQueryString) {
		t.Fatalf("malformed query: %v", err)
	}
	if _, err := testVerifier(t0).Verify(nil, nil); !isCode(err, CodeMissingAuthenticationToken) {
		t.Fatalf("nil request: %v", err)
	}
	if _, err := testVerifier(t0).Verify(&http.Request{}, nil); !isCode(err, CodeMissingAuthenticationToken) {
		t.Fatalf("empty request: %v", err)
	}
}

func isCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// TestVerifyMalformedAuthorization: garbage Authorization headers get AWS's codes
// and a message, never a panic or an internal error.
func TestVerifyMalformedAuthorization(t *testing.T) {
	const cred = "Credential=" + testAKID + "/20260314/us-east-1/iam/aws4_request"
	const rest = ", SignedHeaders=host;x-amz-date, Signature=" + EmptyPayloadHash
	cases := []struct {
		name, header, code, msg string
	}{
		{"bearer token", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig", CodeIncompleteSignature, "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer"},
		{"basic", "Basic Zm9vOmJhcg==", CodeIncompleteSignature, "requires 'Credential' parameter"},
		{"signature version 2", "AWS " + testAKID + ":frJIUN8DYpKDtOLCwo//yllqDzg=", CodeIncompleteSignature, "requires 'Credential' parameter"},
		{"algorithm only", "AWS4-HMAC-SHA256", CodeIncompleteSignature, "requires 'Credential' parameter"},
		{"other algorithm", "AWS4-HMAC-SHA512 " + cred + rest, CodeIncompleteSignature, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'."},
		{"lower-case algorithm", "aws4-hmac-sha256 " + cred + rest, CodeIncompleteSignature, "requires 'Credential' parameter"},
		{"credential only", "AWS4-HMAC-SHA256 " + cred, CodeIncompleteSignature, "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."},
		{"missing equal sign", "AWS4-HMAC-SHA256 Credential " + testAKID + rest, CodeIncompleteSignature, "not a valid key=value pair (missing equal-sign) in Authorization header"},
		{"commas only", "AWS4-HMAC-SHA256 ,,, , ,", CodeIncompleteSignature, "requires 'Credential' parameter"},
		{"empty keys", "AWS4-HMAC-SHA256 =, =x, ==", CodeIncompleteSignature, "requires 'Credential' parameter"},
		{"credential with 4 parts", "AWS4-HMAC-SHA256 Credential=" + testAKID + "/20260314/us-east-1/iam" + rest, CodeIncompleteSignature, "Credential must have exactly 5 slash-delimited elements"},
		{"credential with 6 parts", "AWS4-HMAC-SHA256 " + cred + "/x" + rest, CodeIncompleteSignature, "exactly 5 slash-delimited elements"},
		{"bad terminator", "AWS4-HMAC-SHA256 Credential=" + testAKID + "/20260314/us-east-1/iam/aws4_reqest" + rest, CodeSignatureDoesNotMatch, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reqest'."},
		{"empty region", "AWS4-HMAC-SHA256 Credential=" + testAKID + "/20260314//iam/aws4_request" + rest, CodeSignatureDoesNotMatch, "Credential should be scoped to a valid region."},
		{"upper-case region", "AWS4-HMAC-SHA256 Credential=" + testAKID + "/20260314/US-EAST-1/iam/aws4_request" + rest, CodeSignatureDoesNotMatch, "valid region, not 'US-EAST-1'"},
		{"empty service", "AWS4-HMAC-SHA256 Credential=" + testAKID + "/20260314/us-east-1//aws4_request" + rest, CodeSignatureDoesNotMatch, "correct service"},
		{"bad scope date", "AWS4-HMAC-SHA256 Credential=" + testAKID + "/2026-03-14/us-east-1/iam/aws4_request" + rest, CodeSignatureDoesNotMatch, "Date in Credential scope"},
		{"duplicate credential", "AWS4-HMAC-SHA256 " + cred + ", " + cred + rest, CodeIncompleteSignature, "more than one 'Credential'"},
		{"empty signed headers", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=, Signature=" + EmptyPayloadHash, CodeIncompleteSignature, "'Host' must be a 'SignedHeader'"},
		{"header name with space", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;x amz, Signature=" + EmptyPayloadHash, CodeIncompleteSignature, "invalid header name"},
		{"header name with colon", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;a:b, Signature=" + EmptyPayloadHash, CodeIncompleteSignature, "invalid header name"},
		{"empty header name", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;;x-amz-date, Signature=" + EmptyPayloadHash, CodeIncompleteSignature, "invalid header name"},
		{"signature not hex", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=zz", CodeSignatureDoesNotMatch, "does not match"},
		{"signature too short", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=" + EmptyPayloadHash[:62], CodeSignatureDoesNotMatch, "does not match"},
		{"signature empty", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=", CodeSignatureDoesNotMatch, "does not match"},
		{"wrong signature, no spaces", "AWS4-HMAC-SHA256 " + cred + ",SignedHeaders=host;x-amz-date,Signature=" + EmptyPayloadHash, CodeSignatureDoesNotMatch, "does not match"},
		{"non-ASCII key id", "AWS4-HMAC-SHA256 Credential=AKIA\u00e9\u00e9/20260314/us-east-1/iam/aws4_request" + rest, CodeInvalidClientTokenId, "invalid"},
		{"empty key id", "AWS4-HMAC-SHA256 Credential=/20260314/us-east-1/iam/aws4_request" + rest, CodeInvalidClientTokenId, "invalid"},
		{"binary garbage", "\x00\xff\xfe\x01 \x7f=\x80", CodeIncompleteSignature, "Authorization=??"},
		{"huge", "AWS4-HMAC-SHA256 " + strings.Repeat("A", 1<<20), CodeIncompleteSignature, "not a valid key=value pair"},
		{"huge credential", "AWS4-HMAC-SHA256 Credential=" + strings.Repeat("/", 1<<20) + rest, CodeIncompleteSignature, "exactly 5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newPOST(testBody)
			r.Header.Set("X-Amz-Date", "20260314T120000Z")
			r.Header.Set("Authorization", tc.header)
			res, err := testVerifier(t0).Verify(r, []byte(testBody))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Verify = %+v, %v; want %s", res, err, tc.code)
			}
			if e.Code != tc.code || !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("Verify: %.300v\nwant %s containing %q", e, tc.code, tc.msg)
			}
			checkError(t, e)
		})
	}
}

func TestVerifyBadDate(t *testing.T) {
	for _, d := range []string{"", "2026-03-14T12:00:00Z", "20260314T120000", "20261314T120000Z", "20260314T1200000Z", "20260314t120000z", "Sat, 14 Mar 2026 12:00:00 GMT", "20260314T25000Z", " 20260314T120000Z"} {
		t.Run(d, func(t *testing.T) {
			r, body := signedPOST(longTerm, "us-east-1", "iam", t0)(t)
			r.Header.Set("X-Amz-Date", d)
			_, err := testVerifier(t0).Verify(r, []byte(body))
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeIncompleteSignature || !strings.Contains(e.Message, "X-Amz-Date") {
				t.Fatalf("Verify: %v, want IncompleteSignature about X-Amz-Date", err)
			}
			checkError(t, e)
		})
	}
}

// TestOverHTTP signs with a real net/http client and verifies in a real server, so
// what net/http does to requests in between (Host, Content-Length, header
// canonicalization) is covered.
func TestOverHTTP(t *testing.T) {
	v := &Verifier{Services: []string{"iam", "sts"}, Lookup: testLookup}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		res, err := v.Verify(r, body)
		var e *Error
		switch {
		case errors.As(err, &e):
			http.Error(w, e.Code, e.HTTPStatus)
		case err != nil:
			http.Error(w, "InternalFailure", 500)
		default:
			io.WriteString(w, res.Service+" "+res.Region)
		}
	}))
	defer srv.Close()

	do := func(r *http.Request) (int, string) {
		t.Helper()
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}
	now := time.Now()

	r, _ := http.NewRequest(http.MethodPost, srv.URL+"/aws/", strings.NewReader(testBody))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("X-Custom", "  a   b  ")
	r.Header.Add("X-Custom", "c")
	mustSign(t, r, testBody, longTerm, "eu-central-1", "iam", now)
	if code, got := do(r); code != 200 || got != "iam eu-central-1" {
		t.Fatalf("header form: %d %s", code, got)
	}

	r, _ = http.NewRequest(http.MethodGet, srv.URL+"/aws?Action=GetCallerIdentity&Version=2011-06-15&Tag.1=a+b%2Fc", nil)
	mustPresign(t, r, "", temp, "sts", now, time.Minute)
	v.Lookup = func(ctx context.Context, akid string) (Credential, error) {
		c, err := testLookup(ctx, akid)
		c.Expiration = time.Time{}
		return c, err
	}
	if code, got := do(r); code != 200 || got != "sts us-east-1" {
		t.Fatalf("presigned: %d %s", code, got)
	}

	r, _ = http.NewRequest(http.MethodPost, srv.URL+"/aws", strings.NewReader(testBody))
	mustSign(t, r, testBody, longTerm, "us-east-1", "iam", now)
	r.Body = io.NopCloser(strings.NewReader(strings.ToUpper(testBody)))
	if code, got := do(r); code != 403 || got != CodeSignatureDoesNotMatch {
		t.Fatalf("body changed in transit: %d %s", code, got)
	}
}

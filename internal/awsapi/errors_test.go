package awsapi

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/auth/sigv4"
	"github.com/iamconsole/console/internal/iam"
)

// TestErrorFor is the one mapping, for every error kind on each service:
// AWS's code, HTTP status and the service's namespace.
func TestErrorFor(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		status int
		code   string // the same on both services unless codeSTS is set
		// codeSTS is STS's code where it differs from IAM's.
		codeSTS  string
		internal bool
	}{
		{"not found", &iam.Error{Kind: iam.NotFound, Message: "m"}, 404, "NoSuchEntity", "", false},
		{"already exists", &iam.Error{Kind: iam.AlreadyExists, Message: "m"}, 409, "EntityAlreadyExists", "", false},
		{"conflict", &iam.Error{Kind: iam.Conflict, Message: "m"}, 409, "DeleteConflict", "", false},
		{"limit", &iam.Error{Kind: iam.LimitExceeded, Message: "m"}, 409, "LimitExceeded", "", false},
		{"malformed", &iam.Error{Kind: iam.Malformed, Message: "m"}, 400, "MalformedPolicyDocument", "", false},
		{"invalid", &iam.Error{Kind: iam.Invalid, Message: "m"}, 400, "ValidationError", "", false},
		{"denied", &iam.Error{Kind: iam.AccessDenied, Message: "m"}, 403, "AccessDenied", "", false},
		{"unauthenticated", &iam.Error{Kind: iam.Unauthenticated, Message: "m"}, 403, "InvalidClientTokenId", "", false},
		{"throttled: 400, as AWS's query APIs answer", iam.ErrThrottled, 400, "Throttling", "", false},
		{"the operation's own code wins", &iam.Error{Kind: iam.Invalid, Code: "InvalidInput", Message: "m"}, 400, "InvalidInput", "", false},
		{"wrapped", fmt.Errorf("op: %w", &iam.Error{Kind: iam.NotFound, Message: "m"}), 404, "NoSuchEntity", "", false},
		{"iam internal", &iam.Error{Kind: iam.Internal, Message: "Internal error.", Err: errors.New("db down")}, 500, "ServiceFailure", "InternalFailure", true},
		{"any other error", errors.New("boom"), 500, "ServiceFailure", "InternalFailure", true},
		{"a panic's error", fmt.Errorf("[PANIC RECOVER] %w", errors.New("nil map")), 500, "ServiceFailure", "InternalFailure", true},
		{"signature", &sigv4.Error{HTTPStatus: 403, Code: "SignatureDoesNotMatch", Message: "m"}, 403, "SignatureDoesNotMatch", "", false},
		{"request decoding", &apiError{Status: 400, Code: "MalformedQueryString", Message: "m"}, 400, "MalformedQueryString", "", false},
		{"unknown path", echo.ErrNotFound, 404, "NotFound", "", false},
		{"wrong method", echo.ErrMethodNotAllowed, 405, "MethodNotAllowed", "", false},
		{"body limit", echo.ErrStatusRequestEntityTooLarge, 413, "RequestEntityTooLarge", "", false},
		{"slow body", echo.NewHTTPError(400, "The request body did not arrive in time. Try again."), 400, "BadRequest", "", false},
		{"server's 5xx", echo.NewHTTPError(503, "down"), 500, "ServiceFailure", "InternalFailure", true},
	}
	for _, svc := range []*service{iamService, stsService} {
		for _, c := range cases {
			t.Run(svc.name+"/"+c.name, func(t *testing.T) {
				want := c.code
				if svc == stsService && c.codeSTS != "" {
					want = c.codeSTS
				}
				ae, internal := svc.errorFor(c.err)
				if ae.Status != c.status || ae.Code != want || internal != c.internal {
					t.Errorf("errorFor = %d %s internal=%v, want %d %s internal=%v", ae.Status, ae.Code, internal, c.status, want, c.internal)
				}
				if internal && ae.Message != "Internal error." {
					t.Errorf("internal message = %q, shows the cause", ae.Message)
				}
			})
		}
	}
}

// TestKindErrorsCoverKinds keeps the mapping whole: a kind added to iam
// without a line in kindStatus would answer 500, and one without its own
// AWS code would be named ServiceFailure.
func TestKindErrorsCoverKinds(t *testing.T) {
	for k := iam.Internal + 1; k.String() != fmt.Sprintf("Kind(%d)", k); k++ {
		if _, ok := kindStatus[k]; !ok {
			t.Errorf("kind %s has no HTTP status", k)
		}
		if k.AWSCode() == iam.Internal.AWSCode() || k.AWSCode() == "" {
			t.Errorf("kind %s has no AWS code of its own", k)
		}
	}
}

// TestFailNamespace: the ErrorResponse carries the namespace of the service
// the request was for, named by its credential scope even before the
// signature is checked.
func TestFailNamespace(t *testing.T) {
	cases := []struct {
		auth, query string
		want        *service
	}{
		{"", "", iamService},
		{"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00", "", iamService},
		{"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00", "", stsService},
		{"", "X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fsts%2Faws4_request", stsService},
		{"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request", "", iamService},
		{"garbage", "", iamService},
	}
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodPost, "/aws?"+c.query, nil)
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		if got := serviceOf(r); got != c.want {
			t.Errorf("serviceOf(%q %q) = %s, want %s", c.auth, c.query, got.name, c.want.name)
		}
		rec := httptest.NewRecorder()
		s.WriteError(echo.New().NewContext(r, rec), iam.ErrThrottled)
		body := rec.Body.String()
		if rec.Code != 400 || !strings.Contains(body, `xmlns="`+c.want.ns+`"`) || !strings.Contains(body, "<Code>Throttling</Code>") {
			t.Errorf("%q: %d %s", c.auth, rec.Code, body)
		}
	}
}

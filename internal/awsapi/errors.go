package awsapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/auth/sigv4"
	"github.com/iamconsole/console/internal/iam"
)

// apiError is an error answered in AWS's ErrorResponse shape.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func validation(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "ValidationError", Message: fmt.Sprintf(format, args...)}
}

func missing(name string) *apiError {
	return validation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
}

// kindErrors are AWS's answer for each of iam's error kinds, as the IAM API
// reference lists them per action: NoSuchEntity 404; EntityAlreadyExists,
// DeleteConflict and LimitExceeded 409; MalformedPolicyDocument and
// InvalidInput/ValidationError 400; AccessDenied and InvalidClientTokenId
// 403. Throttling is 400, not 429: AWS's Common Errors for the query APIs
// document throttling as HTTP 400; IAM and STS spell the code
// "Throttling", which the SDKs retry on by its code (aws-sdk-go-v2
// aws/retry standard.go lists "Throttling"), whatever the status. The
// console's pages answer 429 (internal/handlers statusOf): they are for
// people and browsers, not SDKs.
// The code an operation sets (iam.Error.Code: DeleteConflict,
// ExpiredToken, ...) wins; these codes are for errors that carry none.
// Internal is not here: its code is the service's (service.internalCode).
var kindErrors = map[iam.Kind]struct {
	status int
	code   string
}{
	iam.NotFound:        {http.StatusNotFound, "NoSuchEntity"},
	iam.AlreadyExists:   {http.StatusConflict, "EntityAlreadyExists"},
	iam.Conflict:        {http.StatusConflict, "DeleteConflict"},
	iam.LimitExceeded:   {http.StatusConflict, "LimitExceeded"},
	iam.Malformed:       {http.StatusBadRequest, "MalformedPolicyDocument"},
	iam.Invalid:         {http.StatusBadRequest, "ValidationError"},
	iam.AccessDenied:    {http.StatusForbidden, "AccessDenied"},
	iam.Unauthenticated: {http.StatusForbidden, "InvalidClientTokenId"},
	iam.Throttled:       {http.StatusBadRequest, "Throttling"},
}

// errorFor maps any error to the error svc answers for it: the one place
// that does for /aws, whether the error comes from an operation, the
// signature check, the request's decoding, or the server around the API
// (an unknown path, a wrong method, a body too large, a panic). Internal
// errors say only "Internal error." and report true, for the caller to log
// the cause.
func (svc *service) errorFor(err error) (*apiError, bool) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae, false
	}
	var se *sigv4.Error
	if errors.As(err, &se) {
		return &apiError{Status: se.HTTPStatus, Code: se.Code, Message: se.Message}, false
	}
	var ie *iam.Error
	if errors.As(err, &ie) {
		if ke, ok := kindErrors[ie.Kind]; ok {
			code := ie.Code
			if code == "" {
				code = ke.code
			}
			return &apiError{Status: ke.status, Code: code, Message: ie.Message}, false
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code < http.StatusInternalServerError {
		// The server's own refusals: AWS's codes are words without spaces
		// (RequestEntityTooLarge, as handle answers a large body itself).
		msg, ok := he.Message.(string)
		if !ok {
			msg = http.StatusText(he.Code) + "."
		}
		return &apiError{Status: he.Code, Code: strings.ReplaceAll(http.StatusText(he.Code), " ", ""), Message: msg}, false
	}
	return &apiError{Status: http.StatusInternalServerError, Code: svc.internalCode, Message: "Internal error."}, true
}

// serviceOf is the API a request is addressed to, by the service its SigV4
// credential scope names (AKID/date/region/service/aws4_request), for the
// errors written before or without the signature's check: the scope is
// only a claim then, but it chooses nothing more than the namespace and the
// internal error's code. IAM when there is none.
func serviceOf(r *http.Request) *service {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if a := r.Header.Get("Authorization"); a != "" {
		if _, rest, ok := strings.Cut(a, "Credential="); ok {
			cred, _, _ = strings.Cut(rest, ",")
		}
	}
	if cred == "" {
		return iamService
	}
	if u, err := url.PathUnescape(cred); err == nil {
		cred = u
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) == 5 {
		if svc := services[parts[3]]; svc != nil {
			return svc
		}
	}
	return iamService
}

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

// kindStatus is the HTTP status of each of iam's error kinds, as the IAM
// API reference lists them per action (the code is the kind's own,
// iam.Kind.AWSCode, unless the operation set a more specific one):
// NoSuchEntity 404; EntityAlreadyExists, DeleteConflict and LimitExceeded
// 409; MalformedPolicyDocument and ValidationError 400; AccessDenied and
// InvalidClientTokenId 403. Throttling is 400, not 429: AWS's Common
// Errors for the query APIs document throttling as HTTP 400, and the SDKs
// retry on the code "Throttling" (aws-sdk-go-v2 aws/retry standard.go),
// whatever the status. The console's pages answer 429 (internal/handlers
// statusOf): they are for people and browsers, not SDKs. Internal is not
// here: its code is the service's (service.internalCode).
var kindStatus = map[iam.Kind]int{
	iam.NotFound:        http.StatusNotFound,
	iam.AlreadyExists:   http.StatusConflict,
	iam.Conflict:        http.StatusConflict,
	iam.LimitExceeded:   http.StatusConflict,
	iam.Malformed:       http.StatusBadRequest,
	iam.Invalid:         http.StatusBadRequest,
	iam.AccessDenied:    http.StatusForbidden,
	iam.Unauthenticated: http.StatusForbidden,
	iam.Throttled:       http.StatusBadRequest,
}

// codeStatus is the HTTP status of the codes AWS answers with another
// status than their kind's: the credential report's absence and expiry are
// 410 Gone in the API reference (GetCredentialReport's Errors).
var codeStatus = map[string]int{
	"ReportNotPresent": http.StatusGone,
	"ReportExpired":    http.StatusGone,
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
		if status, ok := kindStatus[ie.Kind]; ok {
			code := ie.Code
			if code == "" {
				code = ie.Kind.AWSCode()
			}
			if st, ok := codeStatus[code]; ok {
				status = st
			}
			msg := ie.Message
			switch {
			case len(ie.Violations) > 0:
				msg = iam.ValidationMessage(ie.Violations) // AWS's words; Message is the console's
			case ie.APIMessage != "":
				msg = ie.APIMessage
			}
			if ie.Kind == iam.AccessDenied && ie.AuthorizationMessage != "" {
				// AWS's form, as its services that encode the reason write it.
				msg += " Encoded authorization failure message: " + ie.AuthorizationMessage
			}
			return &apiError{Status: status, Code: code, Message: msg}, false
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

package awsapi

import (
	"errors"
	"fmt"
	"net/http"

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

// errorFor maps any error to AWS's code and status: the one place that does
// for the API. Internal errors say only "Internal error." (the cause is
// logged by the caller).
func errorFor(err error) (*apiError, bool) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae, false
	}
	var se *sigv4.Error
	if errors.As(err, &se) {
		return &apiError{Status: se.HTTPStatus, Code: se.Code, Message: se.Message}, false
	}
	var ie *iam.Error
	if errors.As(err, &ie) && ie.Kind != iam.Internal {
		code := ie.Code
		status := http.StatusBadRequest
		switch ie.Kind {
		case iam.NotFound:
			status = http.StatusNotFound
		case iam.AlreadyExists, iam.Conflict, iam.LimitExceeded:
			status = http.StatusConflict
		case iam.AccessDenied, iam.Unauthenticated:
			status = http.StatusForbidden
		case iam.Throttled:
			status = http.StatusBadRequest
		}
		if code == "" {
			code = "ValidationError"
		}
		return &apiError{Status: status, Code: code, Message: ie.Message}, false
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "ServiceFailure", Message: "Internal error."}, true
}

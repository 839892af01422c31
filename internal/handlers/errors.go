package handlers

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// statusOf maps an operation's error kind to an HTTP status: the one place
// that does.
func statusOf(k iam.Kind) int {
	switch k {
	case iam.NotFound:
		return http.StatusNotFound
	case iam.AlreadyExists, iam.Conflict, iam.LimitExceeded:
		return http.StatusConflict
	case iam.Malformed, iam.Invalid:
		return http.StatusBadRequest
	case iam.AccessDenied, iam.Unauthenticated:
		return http.StatusForbidden
	case iam.Throttled:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

var statusHeadings = map[int]string{
	http.StatusBadRequest:            "That request could not be understood",
	http.StatusForbidden:             "Access denied",
	http.StatusNotFound:              "Page not found",
	http.StatusMethodNotAllowed:      "Method not allowed",
	http.StatusConflict:              "Conflict",
	http.StatusRequestEntityTooLarge: "Request too large",
	http.StatusTooManyRequests:       "Too many requests",
	http.StatusInternalServerError:   "Something went wrong",
	http.StatusServiceUnavailable:    "Service unavailable",
}

// handleError replaces Echo's JSON error handler: console requests get an
// HTML page, /aws requests an AWS ErrorResponse. Internal errors are logged
// and shown only as "Internal error.".
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, code, msg := http.StatusInternalServerError, "InternalFailure", "Internal error."
	var ie *iam.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ie) && ie.Kind != iam.Internal:
		status, code, msg = statusOf(ie.Kind), ie.Code, ie.Message
	case errors.As(err, &he):
		status = he.Code
		code = http.StatusText(status)
		if m, ok := he.Message.(string); ok && status < 500 {
			msg = m
		} else if status < 500 {
			msg = http.StatusText(status) + "."
		}
	}
	if status >= 500 {
		s.log.Error("request failed", "request_id", requestID(c), "path", c.Request().URL.Path, "err", err)
	}
	if strings.HasPrefix(c.Request().URL.Path, "/aws") {
		writeAWSError(c, status, code, msg)
		return
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	heading := statusHeadings[status]
	if heading == "" {
		heading = http.StatusText(status)
	}
	if status == http.StatusNotFound && ie == nil {
		msg = "There is nothing at this address."
	}
	view := templates.ErrorView{Status: status, Heading: heading, Message: msg}
	if ie != nil && ie.Kind == iam.AccessDenied {
		// As AWS's console does: name what was denied.
		view.Action, view.Resource = ie.Action, ie.Resource
		view.Message = "You are not allowed to do this. Ask an administrator for the permission below."
	}
	if rerr := render(c, status, templates.ErrorPage(s.page(c, heading, ""), view)); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		_ = c.String(status, msg)
	}
}

// awsErrorResponse is AWS's query-protocol error shape.
type awsErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Error     awsError `xml:"Error"`
	RequestID string   `xml:"RequestId"`
}

type awsError struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

func writeAWSError(c echo.Context, status int, code, msg string) {
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	c.Response().Header().Set("x-amzn-RequestId", requestID(c))
	_ = c.XML(status, awsErrorResponse{
		Xmlns: "https://iam.amazonaws.com/doc/2010-05-08/",
		Error: awsError{Type: typ, Code: code, Message: msg}, RequestID: requestID(c),
	})
}

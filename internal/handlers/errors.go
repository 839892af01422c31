package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// statusOf maps an operation's error kind to the console's HTTP status: the
// one place that does, for the error page (errorPage) and for the forms
// shown again with a refusal (sign-in, MFA). Throttled is 429 here, a page
// for people; the AWS API answers AWS's 400 (internal/awsapi).
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

// handleError replaces Echo's JSON error handler: the API's requests get
// the API's own error (Config.API), console requests the error page
// errorPage chooses. Internal errors are logged and shown only as
// "Internal error.".
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if s.cfg.API != nil && s.cfg.API.Owns(c.Request()) {
		s.cfg.API.WriteError(c, err)
		return
	}
	view := errorPage(err)
	if view.Status >= 500 {
		s.log.Error("request failed", "request_id", requestID(c), "path", c.Request().URL.Path, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(view.Status)
		return
	}
	if rerr := render(c, view.Status, templates.ErrorPage(s.page(c, view.Heading, ""), view)); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		_ = c.String(view.Status, view.Message)
	}
}

// errorPage maps any error to the console's error page, status included:
// the one place that does. An operation's error shows its kind's status
// (statusOf) and its message, and for AccessDenied what was denied; Echo's
// refusals (no such route, a body too large) their status; anything else
// is internal, a 500 saying only "Internal error.".
func errorPage(err error) templates.ErrorView {
	status, msg := http.StatusInternalServerError, "Internal error."
	var ie *iam.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ie) && ie.Kind != iam.Internal:
		status, msg = statusOf(ie.Kind), ie.Message
	case errors.As(err, &he):
		status = he.Code
		if m, ok := he.Message.(string); ok && status < 500 {
			msg = m
		} else if status < 500 {
			msg = http.StatusText(status) + "."
		}
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
	return view
}

package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
)

// TestErrorPage is the console's one error mapping: every iam error kind
// and the server's own refusals, to a status, a heading and a message.
func TestErrorPage(t *testing.T) {
	denied := &iam.Error{Kind: iam.AccessDenied, Message: "m", Action: "iam:DeleteUser", Resource: "arn:aws:iam::123456789012:user/bob"}
	cases := []struct {
		name    string
		err     error
		status  int
		heading string
		message string
	}{
		{"not found", &iam.Error{Kind: iam.NotFound, Message: "The user bob cannot be found."}, 404, "Page not found", "The user bob cannot be found."},
		{"already exists", &iam.Error{Kind: iam.AlreadyExists, Message: "m"}, 409, "Conflict", "m"},
		{"conflict", &iam.Error{Kind: iam.Conflict, Message: "m"}, 409, "Conflict", "m"},
		{"limit", &iam.Error{Kind: iam.LimitExceeded, Message: "m"}, 409, "Conflict", "m"},
		{"malformed", &iam.Error{Kind: iam.Malformed, Message: "m"}, 400, "That request could not be understood", "m"},
		{"invalid", &iam.Error{Kind: iam.Invalid, Message: "m"}, 400, "That request could not be understood", "m"},
		{"denied names what", denied, 403, "Access denied", "You are not allowed to do this. Ask an administrator for the permission below."},
		{"unauthenticated", &iam.Error{Kind: iam.Unauthenticated, Message: "m"}, 403, "Access denied", "m"},
		{"throttled: 429 for people", iam.ErrThrottled, 429, "Too many requests", iam.ErrThrottled.Message},
		{"wrapped", fmt.Errorf("x: %w", &iam.Error{Kind: iam.Conflict, Message: "m"}), 409, "Conflict", "m"},
		{"iam internal hides its cause", &iam.Error{Kind: iam.Internal, Message: "db down"}, 500, "Something went wrong", "Internal error."},
		{"any other error", errors.New("boom"), 500, "Something went wrong", "Internal error."},
		{"no such route", echo.ErrNotFound, 404, "Page not found", "There is nothing at this address."},
		{"wrong method", echo.ErrMethodNotAllowed, 405, "Method not allowed", "Method Not Allowed"},
		{"body too large", echo.ErrStatusRequestEntityTooLarge, 413, "Request too large", "Request Entity Too Large"},
		{"slow body", echo.NewHTTPError(400, "The request body did not arrive in time. Try again."), 400, "That request could not be understood", "The request body did not arrive in time. Try again."},
		{"server's 503 hides its message", echo.NewHTTPError(503, "db pool"), 503, "Service unavailable", "Internal error."},
	}
	for _, c := range cases {
		v := errorPage(c.err)
		if v.Status != c.status || v.Heading != c.heading || v.Message != c.message {
			t.Errorf("%s: %d %q %q, want %d %q %q", c.name, v.Status, v.Heading, v.Message, c.status, c.heading, c.message)
		}
	}
	if v := errorPage(denied); v.Action != denied.Action || v.Resource != denied.Resource {
		t.Errorf("denied page names %q on %q", v.Action, v.Resource)
	}
	if statusOf(iam.Kind(200)) != http.StatusInternalServerError {
		t.Error("an unknown kind is not internal")
	}
}

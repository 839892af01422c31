package iam

import (
	"errors"
	"fmt"
	"testing"
)

// TestAuditErrorCode: the audit log names a failure by the operation's own
// AWS code where it set one, else by its kind's AWS code, as it always has.
func TestAuditErrorCode(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"a kind alone", newErr(NotFound, "gone"), "NoSuchEntity"},
		{"denied", newErr(AccessDenied, "no"), "AccessDenied"},
		{"the operation's code", ErrPasswordExpired, "PasswordExpired"},
		{"wrapped", fmt.Errorf("op: %w", newErr(Conflict, "in use")), "DeleteConflict"},
		{"internal", internal(errors.New("db down"), "read"), "ServiceFailure"},
		{"not an iam error", errors.New("boom"), "ServiceFailure"},
	} {
		if got := auditErrorCode(c.err); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if e := newErr(Invalid, "bad"); e.Code != "" {
		t.Errorf("newErr fills Code %q: the front doors map the kind", e.Code)
	}
}

// TestJoinInvalid: violations of several inputs become one error in AWS's
// "N validation errors detected" form; without violations the first error
// stands.
func TestJoinInvalid(t *testing.T) {
	name := validName("user", "UserName", "a b")
	_, path := normalizePath("Path", "x")
	other := newErr(NotFound, "gone")
	cases := []struct {
		name string
		errs []error
		want string // ValidationMessage, or the error's text when it has no violations
	}{
		{"none", []error{nil, nil}, ""},
		{"one", []error{nil, name}, `1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"two", []error{name, path}, `2 validation errors detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; ` +
			`Value 'x' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
		{"violations first", []error{other, path}, `1 validation error detected: Value 'x' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
		{"no violations", []error{nil, other}, "gone"},
	}
	for _, c := range cases {
		err := joinInvalid(c.errs...)
		got := ""
		var e *Error
		switch {
		case err == nil:
		case asError(err, &e) && len(e.Violations) > 0:
			got = ValidationMessage(e.Violations)
		default:
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	// Joining leaves the parts as they were.
	if len(name.(*Error).Violations) != 1 {
		t.Error("joinInvalid changed its first error")
	}
}

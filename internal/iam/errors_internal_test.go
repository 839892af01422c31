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

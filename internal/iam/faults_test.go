package iam_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/glebarez/go-sqlite" // to break the audit table from outside

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
)

// TestAuditFailureRefusesTheChange: when the audit event cannot be written,
// the change it records does not happen (fail closed).
func TestAuditFailureRefusesTheChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "console.db")
	svc, store, _ := newService(t, "sqlite:"+path)
	ctx := context.Background()
	mustSetup(t, svc)

	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TRIGGER audit_broken BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
		t.Fatal(err)
	}
	acct, _ := store.LiveAccount(ctx)
	before, _ := store.CountSessions(ctx, acct.ID)
	if _, err := svc.SignIn(ctx, "root@example.com", goodPassword, iam.Meta{}); iam.KindOf(err) != iam.Internal {
		t.Fatalf("sign-in with a broken audit log: %v", err)
	}
	if after, _ := store.CountSessions(ctx, acct.ID); after != before {
		t.Fatal("a session was created without its audit event")
	}
	root := &iam.Principal{Type: iam.TypeRoot, AccountID: acct.ID, ARN: acct.RootARN()}
	err = svc.UpdatePasswordPolicy(ctx, root, iam.PasswordPolicy{MinimumPasswordLength: 20}, iam.Meta{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("policy change with a broken audit log: %v", err)
	}
	if _, err := store.PasswordPolicy(ctx, acct.ID); err == nil {
		t.Fatal("the password policy changed without its audit event")
	} else if !strings.Contains(err.Error(), models.ErrNotFound.Error()) {
		t.Fatal(err)
	}
}

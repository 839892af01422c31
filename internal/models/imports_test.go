package models_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// TestKeptImports: an account keeps its newest imports only, numbered in
// the order made, apart from other accounts'; an import is read by its
// account and number alone.
func TestKeptImports(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, dsn string) {
		ctx := context.Background()
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var ids []uint64
		for i := 0; i < 4; i++ {
			for _, acct := range []string{"111122223333", "444455556666"} {
				a := &models.AccountImport{AccountID: acct, Label: fmt.Sprint(acct[:1], i), Document: "{}", ImportedAt: at.Add(time.Duration(i) * time.Hour)}
				if err := s.KeepImport(ctx, a, 3); err != nil {
					t.Fatal(err)
				}
				if acct == "111122223333" {
					ids = append(ids, a.ID)
				}
			}
		}
		kept, err := s.AccountImports(ctx, "111122223333")
		if err != nil {
			t.Fatal(err)
		}
		var labels []string
		for _, k := range kept {
			labels = append(labels, k.Label)
			if k.Document != "" {
				t.Error("the list carries documents")
			}
		}
		if fmt.Sprint(labels) != "[13 12 11]" {
			t.Fatalf("kept %v, want the newest 3, newest first", labels)
		}
		if a, err := s.AccountImport(ctx, "111122223333", ids[3]); err != nil || a.Document != "{}" {
			t.Fatalf("newest import: %+v, %v", a, err)
		}
		if _, err := s.AccountImport(ctx, "111122223333", ids[0]); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("a forgotten import: %v", err)
		}
		if _, err := s.AccountImport(ctx, "444455556666", ids[3]); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("another account's import: %v", err)
		}
		// Migration 0010 keeps the imports made before it: run it again on
		// an imported account with no kept import.
		if err := s.PutImportedAccount(ctx, &models.ImportedAccount{ID: "777788889999", Label: "old", Document: "{}", ImportedAt: at}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"DROP TABLE account_imports", "DELETE FROM schema_migrations WHERE id = '0010_account_imports'"} {
			if err := s.RawExecForTest(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		s2 := mustOpenStore(t, dsn)
		kept, err = s2.AccountImports(ctx, "777788889999")
		if err != nil || len(kept) != 1 || kept[0].Label != "old" {
			t.Fatalf("after migration 0010: %+v, %v", kept, err)
		}
	})
}

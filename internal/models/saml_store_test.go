package models_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// TestSAMLProviderStore: providers by exact name per account, tags under
// the 13-character entity type, lock and delete.
func TestSAMLProviderStore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		p := &models.SAMLProvider{ProviderID: "0123456789abcdef0123456789abcdef", UUID: "01234567-89ab-cdef-0123-456789abcdef",
			Name: "Okta", EntityID: "https://idp", MetadataDocument: "<md/>", CreatedAt: time.Now()}
		entMust(t, s.CreateSAMLProvider(entCtx, entAcct, p))
		dup := *p
		dup.ProviderID = "ffffffffffffffffffffffffffffffff"
		if err := s.CreateSAMLProvider(entCtx, entAcct, &dup); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("same name: %v, want ErrConflict", err)
		}
		other := dup
		other.ProviderID = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
		entMust(t, s.CreateSAMLProvider(entCtx, entOther, &other)) // another account's
		if _, err := s.SAMLProvider(entCtx, entAcct, "okta"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("names compare exactly: %v", err)
		}
		got, err := s.SAMLProvider(entCtx, entAcct, "Okta")
		if err != nil || got.UUID != p.UUID {
			t.Fatalf("SAMLProvider = %+v, %v", got, err)
		}
		got.EntityID = "https://idp2"
		entMust(t, s.UpdateSAMLProvider(entCtx, entAcct, got))
		entMust(t, s.SetTags(entCtx, entAcct, models.EntitySAMLProvider, p.ProviderID, []models.Tag{{Key: "a", Value: "b"}}))
		err = s.Tx(entCtx, func(tx *models.Store) error {
			if err := tx.LockSAMLProvider(entCtx, entAcct, p.ProviderID); err != nil {
				return err
			}
			if err := tx.DeleteTagsOf(entCtx, entAcct, models.EntitySAMLProvider, p.ProviderID); err != nil {
				return err
			}
			return tx.DeleteSAMLProvider(entCtx, entAcct, p.ProviderID)
		})
		entMust(t, err)
		if ps, err := s.ListSAMLProviders(entCtx, entAcct); err != nil || len(ps) != 0 {
			t.Fatalf("after delete: %+v, %v", ps, err)
		}
		if err := s.LockSAMLProvider(entCtx, entAcct, p.ProviderID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("lock a deleted provider: %v", err)
		}
	})
}

// TestSAMLAssertionOnce: an assertion key is fresh once, whichever process
// (store handle on the same database) asks, even concurrently; it is
// forgotten once expired.
func TestSAMLAssertionOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, dsn string) {
		s2 := mustOpenStore(t, dsn)
		now := time.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		fresh := 0
		for i := range 8 {
			st := s
			if i%2 == 1 {
				st = s2
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := st.UseSAMLAssertion(entCtx, "k1", now.Add(time.Minute), now)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					fresh++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if fresh != 1 {
			t.Fatalf("fresh %d times, want once", fresh)
		}
		// Later, once k1 has expired, the key is forgotten.
		later := now.Add(2 * time.Minute)
		if ok, err := s2.UseSAMLAssertion(entCtx, "k1", later.Add(time.Minute), later); err != nil || !ok {
			t.Fatalf("after expiry: %v, %v", ok, err)
		}
	})
}

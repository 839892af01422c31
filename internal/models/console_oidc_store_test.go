package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// TestOIDCSignInStates: a sign-in under way is taken once, not after it
// expires, and the setting is saved whole and read back.
func TestOIDCSignInStates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		for _, h := range []string{"fresh", "stale"} {
			exp := now.Add(time.Minute)
			if h == "stale" {
				exp = now.Add(-time.Second)
			}
			if err := s.CreateOIDCSignInState(ctx, &models.OIDCSignInState{StateHash: h, AccountID: "123456789012", Nonce: "n-" + h,
				CreatedAt: now, ExpiresAt: exp}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.TakeOIDCSignInState(ctx, "fresh", now)
		if err != nil || got.Nonce != "n-fresh" {
			t.Fatalf("take = %+v, %v", got, err)
		}
		for _, h := range []string{"fresh", "stale", "unknown"} {
			if _, err := s.TakeOIDCSignInState(ctx, h, now); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("take %s again = %v, want ErrNotFound", h, err)
			}
		}

		st, err := s.ConsoleOIDCSettings(ctx, "123456789012")
		if err != nil || st.Enabled {
			t.Fatalf("defaults = %+v, %v", st, err)
		}
		for _, client := range []string{"a", "b"} {
			st.Enabled, st.ClientID, st.UpdatedAt = true, client, now
			if err := s.PutConsoleOIDCSettings(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		if st, err = s.ConsoleOIDCSettings(ctx, "123456789012"); err != nil || !st.Enabled || st.ClientID != "b" {
			t.Errorf("saved = %+v, %v", st, err)
		}
	})
}

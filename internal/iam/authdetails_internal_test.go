package iam

import (
	"context"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestDetailsSnapshotKept: paging reads the account once while its state
// stands, again after a change or once the kept read is detailsKeep old.
func TestDetailsSnapshotKept(t *testing.T) {
	s, root := newInternalService(t, dbtest.SQLite(t))
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s.cfg.Now = func() time.Time { return now }
	page := func() *AuthorizationDetailsPage {
		t.Helper()
		// A fresh principal a request: the state stamp is read per request.
		caller := *root
		p, err := s.AuthorizationDetails(ctx, &caller, AuthorizationDetailsInput{MaxItems: 1}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := page()
	if again := page(); again.Whole != first.Whole {
		t.Error("the second page read the account again under the same state")
	}
	if _, err := s.CreateUser(ctx, root, CreateUserInput{UserName: "carol"}, Meta{}); err != nil {
		t.Fatal(err)
	}
	changed := page()
	if changed.Whole == first.Whole || len(changed.Whole.Users) != 1 {
		t.Errorf("after a change: the kept snapshot (users %d)", len(changed.Whole.Users))
	}
	now = now.Add(detailsKeep)
	if old := page(); old.Whole == changed.Whole {
		t.Error("a snapshot detailsKeep old was kept")
	}
}

// FuzzDetailMarker: any Marker is refused or read without a panic, and a
// marker the service wrote reads back as its key.
func FuzzDetailMarker(f *testing.F) {
	f.Add("", 0, "alice")
	f.Add("NDphcm46YXdzOmlhbTo6YXdzOnBvbGljeS9SZWFkT25seUFjY2Vzcw", 4, "arn:aws:iam::aws:policy/ReadOnlyAccess")
	f.Add("%%%", 9, "")
	f.Fuzz(func(t *testing.T, m string, list int, name string) {
		_, _ = decodeDetailMarker(m)
		if list < 0 || list >= len(detailKinds) {
			return
		}
		k := detailKey{list: list, name: name}
		got, err := decodeDetailMarker(k.marker())
		if len(k.marker()) > 320 {
			return // refused: no name of an IAM entity is that long
		}
		if err != nil || got == nil || *got != k {
			t.Fatalf("marker of %+v reads back as %+v, %v", k, got, err)
		}
	})
}

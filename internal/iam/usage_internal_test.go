package iam

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// BenchmarkRecordUse is what recording adds to every authorized request:
// one map update under a mutex (the flush is off the request path). Run
// in parallel, as requests are.
func BenchmarkRecordUse(b *testing.B) {
	store, err := models.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "c.db"), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	s := New(store, Config{})
	defer s.Close(context.Background())
	users := make([]*Principal, 1000)
	for i := range users {
		users[i] = &Principal{Type: TypeUser, AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:user/user-" + strconv.Itoa(i)}
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			s.recordUse(users[i%len(users)], "iam:GetUser", true)
			i++
		}
	})
}

// TestUsageBounded: past the cap, new keys are dropped and counted (and
// the flusher asked for an early flush that makes room again); every use
// is either stored or counted as dropped.
func TestUsageBounded(t *testing.T) {
	store, err := models.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "c.db"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	s := New(store, Config{})
	p := func(i int) *Principal {
		return &Principal{Type: TypeUser, AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:user/u" + strconv.Itoa(i)}
	}
	const n = usageMaxEntries + 10
	for i := range n {
		s.recordUse(p(i), "iam:GetUser", true)
	}
	s.usage.mu.Lock()
	held := len(s.usage.pending)
	s.usage.mu.Unlock()
	if held > usageMaxEntries {
		t.Errorf("%d aggregates held, cap %d", held, usageMaxEntries)
	}
	dropped := s.UsageDropped() // some, unless a timed flush came first
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	uses, err := store.UsageOfAccount(context.Background(), "123456789012", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var stored int64
	for _, u := range uses {
		stored += u.Count
	}
	if stored+dropped != n {
		t.Errorf("stored %d + dropped %d, want %d", stored, dropped, n)
	}
}

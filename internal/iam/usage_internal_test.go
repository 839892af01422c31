package iam

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

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

// TestUsageBounded: past the cap, new keys are dropped and counted, known
// keys still count, and a flush makes room again.
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
	for i := range usageMaxEntries + 10 {
		s.recordUse(p(i), "iam:GetUser", true)
	}
	s.recordUse(p(0), "iam:GetUser", true)
	if got := s.UsageDropped(); got != 10 {
		t.Errorf("dropped = %d, want 10", got)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	uses, err := store.UsageOf(context.Background(), "123456789012", []string{p(0).ARN}, models.ActionUsage{}.LastUsed)
	if err != nil || len(uses) != 1 || uses[0].Count != 2 {
		t.Errorf("u0 = %+v, %v", uses, err)
	}
}

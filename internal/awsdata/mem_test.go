package awsdata

import (
	"runtime"
	"testing"
)

// TestRetainedMemory reports (go test -v -run TestRetainedMemory) the heap
// the snapshot keeps once read: the numbers in BENCHMARKS.md.
func TestRetainedMemory(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	h0 := heap()
	ps := ManagedPolicies()
	_ = ps[0].Document()
	h1 := heap()
	if Services().ActionCount() == 0 {
		t.Fatal("no actions")
	}
	h2 := heap()
	runtime.KeepAlive(ps)
	t.Logf("managed policy documents unpacked: %.1f MB; service reference: %.1f MB", float64(h1-h0)/1e6, float64(h2-h1)/1e6)
}

package awsapi

import (
	"net/url"
	"testing"
)

// FuzzMapEntries feeds the query protocol's map decoding
// (PutAccountProperties' Properties.entry.N.key/value) arbitrary bodies: it
// must never panic, and returns no more entries than keys were sent.
func FuzzMapEntries(f *testing.F) {
	for _, seed := range []string{
		"Properties.entry.1.key=RoleManager%2FEnabled&Properties.entry.1.value=true",
		"Properties.entry.1.key=a&Properties.entry.2.value=b&Properties.entry.3.key=c",
		"Properties.entry.1.key=&Properties.entry.1.value=x",
		"Properties.entry.0.key=a&Properties.entry.-1.key=b",
		"Properties.entry.1.key=a&Properties.entry.1.key=b&Properties.entry.1.value=%00",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		if got := mapEntries(params(v), "Properties"); len(got) > len(v) {
			t.Fatalf("%d entries from %d parameters: %q", len(got), len(v), body)
		}
	})
}

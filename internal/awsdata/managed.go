package awsdata

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

//go:embed managed-documents.gz
var managedDocumentsGz []byte

// managedEntry is one AWS managed policy of the generated index; its document
// is docs[off:off+n] of the unpacked managed-documents.gz.
type managedEntry struct {
	name, path, version string
	created, updated    int64
	off, n              int
}

// ManagedPolicy is one AWS managed policy of the snapshot: its ARN is
// arn:aws:iam::aws:policy + Path + Name.
type ManagedPolicy struct {
	Name      string
	Path      string // "/", "/service-role/", "/job-function/", ...
	VersionID string // the default version, e.g. "v4"
	Created   time.Time
	Updated   time.Time
	index     int
}

// ManagedPolicies lists every AWS managed policy of the snapshot, by name.
// The list comes from generated code: it costs no parsing.
func ManagedPolicies() []ManagedPolicy {
	out := make([]ManagedPolicy, len(managedIndex))
	for i, e := range managedIndex {
		out[i] = ManagedPolicy{Name: e.name, Path: e.path, VersionID: e.version,
			Created: time.Unix(e.created, 0).UTC(), Updated: time.Unix(e.updated, 0).UTC(), index: i}
	}
	return out
}

// ManagedPolicyByName returns the AWS managed policy with this exact name.
func ManagedPolicyByName(name string) (ManagedPolicy, bool) {
	i := sort.Search(len(managedIndex), func(i int) bool { return managedIndex[i].name >= name })
	if i == len(managedIndex) || managedIndex[i].name != name {
		return ManagedPolicy{}, false
	}
	e := managedIndex[i]
	return ManagedPolicy{Name: e.name, Path: e.path, VersionID: e.version,
		Created: time.Unix(e.created, 0).UTC(), Updated: time.Unix(e.updated, 0).UTC(), index: i}, true
}

var managedDocs = sync.OnceValues(unpackManagedDocuments)

func unpackManagedDocuments() (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(managedDocumentsGz))
	if err != nil {
		return "", fmt.Errorf("awsdata: managed policy documents: %w", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return "", fmt.Errorf("awsdata: managed policy documents: %w", err)
	}
	return string(b), nil
}

// Document returns the policy's default version document, compact JSON as
// AWS publishes it. The first call unpacks every document (about 3.5 MB);
// later calls share that text.
func (p ManagedPolicy) Document() string {
	docs, err := managedDocs()
	if err != nil {
		// The blob is embedded and checked by TestManagedDocuments: failing to
		// read it means a broken build, not bad input.
		panic(err)
	}
	e := managedIndex[p.index]
	return docs[e.off : e.off+e.n]
}

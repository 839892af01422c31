package awsdata

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestManagedPolicies(t *testing.T) {
	ps := ManagedPolicies()
	if len(ps) != 1594 {
		t.Fatalf("got %d managed policies, want the snapshot's 1,594", len(ps))
	}
	for _, p := range ps {
		var doc struct {
			Version   string
			Statement json.RawMessage
		}
		if err := json.Unmarshal([]byte(p.Document()), &doc); err != nil || doc.Statement == nil {
			t.Fatalf("%s: document is not a policy (%v): %.80s", p.Name, err, p.Document())
		}
		if !strings.HasPrefix(p.Path, "/") || !strings.HasSuffix(p.Path, "/") || !strings.HasPrefix(p.VersionID, "v") {
			t.Fatalf("%s: path %q version %q", p.Name, p.Path, p.VersionID)
		}
	}
	tests := []struct{ name, path, version, created, doc string }{
		{"IAMReadOnlyAccess", "/", "v4", "2015-02-06T18:40:39Z", `"iam:GenerateCredentialReport"`},
		{"ViewOnlyAccess", "/job-function/", "", "", `"Allow"`},
		{"AmazonS3ReadOnlyAccess", "/", "", "", `"s3:Get*"`},
	}
	for _, tt := range tests {
		p, ok := ManagedPolicyByName(tt.name)
		if !ok {
			t.Fatalf("%s: not found", tt.name)
		}
		if p.Path != tt.path || (tt.version != "" && p.VersionID != tt.version) ||
			(tt.created != "" && p.Created.Format("2006-01-02T15:04:05Z07:00") != tt.created) || !strings.Contains(p.Document(), tt.doc) {
			t.Errorf("%s: got path %q version %q created %v doc %.100s", tt.name, p.Path, p.VersionID, p.Created, p.Document())
		}
	}
	if _, ok := ManagedPolicyByName("NoSuchPolicy"); ok {
		t.Error("NoSuchPolicy found")
	}
}

func TestServices(t *testing.T) {
	r := Services()
	if len(r.Prefixes()) != 456 || r.ActionCount() != 22091 {
		t.Fatalf("got %d services, %d actions; want the snapshot's 456 and 22,091", len(r.Prefixes()), r.ActionCount())
	}
	a, ok := r.Service("STS").Action("assumerole")
	if !ok || a.Name != "AssumeRole" || a.Level != Write {
		t.Errorf("sts:AssumeRole = %+v, %v", a, ok)
	}
	if _, ok := r.Service("sts").Action("AssumeRol"); ok {
		t.Error("sts:AssumeRol found")
	}
	if a, _ := r.Service("s3").Action("PutBucketTagging"); a.Level != Tagging {
		t.Errorf("s3:PutBucketTagging level %v, want Tagging", a.Level)
	}
	if a, _ := r.Service("iam").Action("AttachUserPolicy"); a.Level != PermissionsManagement {
		t.Errorf("iam:AttachUserPolicy level %v, want Permissions management", a.Level)
	}
	keys := []struct {
		svc, key string
		want     bool
	}{
		{"s3", "s3:ExistingObjectTag/Project", true},
		{"s3", "s3:ExistingObjectTag/", false},
		{"s3", "S3:PREFIX", true},
		{"s3", "s3:Prefixx", false},
		{"iam", "iam:PassedToService", true},
		{"ec2", "aws:ResourceTag/team", true},
		{"secretsmanager", "secretsmanager:ResourceTag/aws:secretsmanager:owningService", true},
	}
	for _, k := range keys {
		if got := r.Service(k.svc).HasConditionKey(k.key); got != k.want {
			t.Errorf("%s has %s = %v, want %v", k.svc, k.key, got, k.want)
		}
	}
	if !r.KnownKeyPrefix("accounts.google.com") || !r.KnownKeyPrefix("token.actions.githubusercontent.com") || r.KnownKeyPrefix("example.com") {
		t.Error("identity-provider key prefixes wrong")
	}
	if len(r.ARNFormats("s3")) == 0 || len(r.ARNFormats("iam")) == 0 {
		t.Error("no ARN formats for s3 or iam")
	}
}

func BenchmarkServicesLoad(b *testing.B) {
	for b.Loop() {
		if _, err := parseServicesGz(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkManagedPolicies(b *testing.B) {
	for b.Loop() {
		if len(ManagedPolicies()) != 1594 {
			b.Fatal("wrong count")
		}
	}
}

// BenchmarkManagedDocumentsUnpack is the one-time cost of the first
// document read: unpacking all 1,594 documents.
func BenchmarkManagedDocumentsUnpack(b *testing.B) {
	for b.Loop() {
		if _, err := unpackManagedDocuments(); err != nil {
			b.Fatal(err)
		}
	}
}

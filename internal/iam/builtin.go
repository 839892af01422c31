package iam

import (
	"crypto/sha256"
	"encoding/base32"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/iamconsole/console/internal/awsdata"
)

// BuiltinPolicy is an AWS managed policy (arn:aws:iam::aws:policy/PATH/NAME).
// Every one of AWS's (the snapshot in internal/awsdata) exists in every
// account, as AWS's do, and cannot be edited. The document is read on first
// use; compiling it is the policy cache's job.
type BuiltinPolicy struct {
	Name        string
	ID          string
	Description string
	Path        string
	Created     time.Time
	Updated     time.Time
	data        awsdata.ManagedPolicy
}

// ARN is the policy's ARN.
func (b *BuiltinPolicy) ARN() string { return "arn:aws:iam::aws:policy" + b.Path + b.Name }

// VersionID is AWS's default version of the policy ("v4").
func (b *BuiltinPolicy) VersionID() string { return b.data.VersionID }

// Document is the default version's document, as AWS publishes it.
func (b *BuiltinPolicy) Document() string { return b.data.Document() }

// builtinDescriptions are AWS's descriptions of the policies the console's own
// pages and docs name; the snapshot carries no descriptions.
var builtinDescriptions = map[string]string{
	"AdministratorAccess":    "Provides full access to AWS services and resources.",
	"PowerUserAccess":        "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
	"ReadOnlyAccess":         "Provides read-only access to AWS services and resources.",
	"IAMFullAccess":          "Provides full access to IAM via the AWS Management Console.",
	"IAMReadOnlyAccess":      "Provides read only access to IAM via the AWS Management Console.",
	"IAMUserChangePassword":  "Provides the ability for an IAM user to change their own password.",
	"AmazonS3ReadOnlyAccess": "Provides read only access to all buckets via the AWS Management Console.",
	"AmazonS3FullAccess":     "Provides full access to all buckets via the AWS Management Console.",
}

type builtinSet struct {
	list   []*BuiltinPolicy // by name
	byARN  map[string]*BuiltinPolicy
	byName map[string]*BuiltinPolicy
}

// builtinIndex builds the lookup tables on first use (about 1,600 small
// structs; documents stay packed until read).
var builtinIndex = sync.OnceValue(func() *builtinSet {
	ps := awsdata.ManagedPolicies()
	s := &builtinSet{list: make([]*BuiltinPolicy, len(ps)),
		byARN: make(map[string]*BuiltinPolicy, len(ps)), byName: make(map[string]*BuiltinPolicy, len(ps))}
	for i, p := range ps {
		b := &BuiltinPolicy{Name: p.Name, Path: p.Path, Created: p.Created, Updated: p.Updated,
			Description: builtinDescriptions[p.Name], data: p}
		b.ID = builtinID(b.ARN())
		s.list[i] = b
		s.byARN[b.ARN()] = b
		s.byName[b.Name] = b
	}
	// Listed by name in any case, as ListPolicies' markers compare them.
	sort.SliceStable(s.list, func(i, j int) bool {
		return strings.ToLower(s.list[i].Name) < strings.ToLower(s.list[j].Name)
	})
	return s
})

// builtinID derives a stable policy ID (ANPA + 17 characters, AWS's shape)
// from the ARN: the snapshot does not carry AWS's IDs, and every account must
// show the same ID for the same policy.
func builtinID(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return "ANPA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

// Builtin returns the AWS managed policy with the given ARN, or nil.
func Builtin(arn string) *BuiltinPolicy {
	if len(arn) < len("arn:aws:iam::aws:policy/") || arn[:len("arn:aws:iam::aws:")] != "arn:aws:iam::aws:" {
		return nil // the common case, a customer policy, without building the index
	}
	return builtinIndex().byARN[arn]
}

// BuiltinByName returns the AWS managed policy with the given name (whatever
// its path), or nil.
func BuiltinByName(name string) *BuiltinPolicy { return builtinIndex().byName[name] }

// Builtins lists the AWS managed policies by name (in any case). The slice is shared: do
// not modify it.
func Builtins() []*BuiltinPolicy { return builtinIndex().list }

// BuiltinARNs lists the AWS managed policies' ARNs, by name.
func BuiltinARNs() []string {
	out := make([]string, 0, len(Builtins()))
	for _, b := range Builtins() {
		out = append(out, b.ARN())
	}
	return out
}

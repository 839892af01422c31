package iam

import (
	"testing"

	"github.com/iamconsole/console/internal/awsdata"
)

// Every action the operations table names is one of AWS's IAM actions: a
// typo would make a button and its operation agree on a permission nobody
// can grant.
func TestOperationsTableNamesAWSActions(t *testing.T) {
	ref := awsdata.Services().Service("iam")
	if ref == nil {
		t.Fatal("no iam service in the reference")
	}
	for op, byType := range operations {
		for typ, name := range byType {
			if _, ok := ref.Action(name); !ok {
				t.Errorf("%s on a %s: %s is not an IAM action", op, typ, name)
			}
		}
	}
}

func TestTypeOfARN(t *testing.T) {
	for _, c := range []struct {
		arn  string
		want EntityType
		ok   bool
	}{
		{"arn:aws:iam::123456789012:user/eng/alice", UserType, true},
		{"arn:aws:iam::123456789012:user/*", UserType, true},
		{"arn:aws:iam::123456789012:group/devs", GroupType, true},
		{"arn:aws:iam::123456789012:role/service-role/app", RoleType, true},
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", PolicyType, true},
		{"arn:aws:iam::123456789012:root", "", false},
		{"arn:aws:s3:::bucket/user/x", "", false},
		{"user/alice", "", false},
		{"", "", false},
	} {
		got, ok := typeOfARN(c.arn)
		if got != c.want || ok != c.ok {
			t.Errorf("typeOfARN(%q) = %q, %v; want %q, %v", c.arn, got, ok, c.want, c.ok)
		}
	}
}

package iam_test

import (
	"context"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestCanOnServiceLinkedRole: the console shows no button for what a
// service-linked role refuses, even to root, and keeps those it allows.
func TestCanOnServiceLinkedRole(t *testing.T) {
	svc, _, _ := newService(t, dbtest.SQLite(t))
	root := rootOf(mustSetup(t, svc))
	r, err := svc.CreateServiceLinkedRole(context.Background(), root, iam.CreateServiceLinkedRoleInput{AWSServiceName: "ecs.amazonaws.com"}, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if r.RoleName != "AWSServiceRoleForECS" {
		t.Errorf("role name %q", r.RoleName)
	}
	for _, c := range []struct {
		op   iam.Op
		want bool
	}{{iam.OpDelete, false}, {iam.OpUpdateTrust, false}, {iam.OpAttachPolicy, false}, {iam.OpPutInlinePolicy, false},
		{iam.OpPutPermissionsBoundary, false}, {iam.OpUpdate, true}, {iam.OpTag, true}} {
		if got := svc.Can(context.Background(), root, iam.Meta{}, c.op, r.Arn); got != c.want {
			t.Errorf("Can(%s) on %s = %v, want %v", c.op, r.Arn, got, c.want)
		}
	}
}

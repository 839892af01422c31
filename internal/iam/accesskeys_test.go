package iam_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/auth/sigv4"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

var secretRE = regexp.MustCompile(`^[A-Za-z0-9/+]{40}$`)

func TestAccessKeys(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			acct := root.AccountID
			u := mustCreateUser(t, svc, root, "frank")
			var keys []*iam.AccessKey
			for range 2 {
				k, err := svc.CreateAccessKey(ctx, root, "frank", iam.Meta{})
				if err != nil {
					t.Fatal(err)
				}
				if len(k.AccessKeyId) != 20 || !strings.HasPrefix(k.AccessKeyId, "AKIA") || !secretRE.MatchString(k.SecretAccessKey) ||
					k.Status != "Active" || k.UserName != "frank" {
					t.Fatalf("key %+v", k)
				}
				keys = append(keys, k)
			}
			_, err := svc.CreateAccessKey(ctx, root, "frank", iam.Meta{})
			if e := wantKind(t, err, iam.LimitExceeded, "third key"); e.Message != "Cannot exceed quota for AccessKeysPerUser: 2" {
				t.Fatal(e.Message)
			}
			if _, err := svc.CreateAccessKey(ctx, root, "nobody", iam.Meta{}); iam.KindOf(err) != iam.NotFound {
				t.Fatalf("key for unknown user: %v", err)
			}
			if _, err := svc.CreateAccessKey(ctx, root, "", iam.Meta{}); iam.KindOf(err) != iam.Invalid {
				t.Fatalf("root without a user name: %v", err)
			}
			// Sealed at rest, readable by the verifier.
			row, err := store.AccessKey(ctx, acct, keys[0].AccessKeyId)
			if err != nil || strings.Contains(row.SealedSecret, keys[0].SecretAccessKey) || row.SealedSecret == "" {
				t.Fatalf("stored secret %q (%v)", row.SealedSecret, err)
			}
			cred, err := svc.APICredential(ctx, keys[0].AccessKeyId)
			if err != nil || cred.Secret != keys[0].SecretAccessKey || cred.AccountID != acct {
				t.Fatalf("APICredential: %+v %v", cred.AccountID, err)
			}
			// Listed without secrets; the secret is nowhere in the metadata.
			ks, err := svc.ListAccessKeys(ctx, root, "frank", iam.Meta{})
			if err != nil || len(ks) != 2 {
				t.Fatalf("list: %v %v", ks, err)
			}
			for _, k := range ks {
				for _, full := range keys {
					if strings.Contains(k.AccessKeyId+k.Status+k.UserName, full.SecretAccessKey) {
						t.Fatal("secret listed")
					}
				}
			}
			// Inactive keys do not authenticate.
			if err := svc.UpdateAccessKey(ctx, root, iam.UpdateAccessKeyInput{UserName: "frank", AccessKeyId: keys[0].AccessKeyId, Status: "Inactive"}, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.APICredential(ctx, keys[0].AccessKeyId); !errors.Is(err, sigv4.ErrUnknownKey) {
				t.Fatalf("inactive key: %v", err)
			}
			if err := svc.UpdateAccessKey(ctx, root, iam.UpdateAccessKeyInput{UserName: "frank", AccessKeyId: keys[0].AccessKeyId, Status: "Off"}, iam.Meta{}); iam.KindOf(err) != iam.Invalid {
				t.Fatalf("bad status: %v", err)
			}
			// Last used: N/A, then what was recorded.
			name, lu, err := svc.GetAccessKeyLastUsed(ctx, root, keys[1].AccessKeyId, iam.Meta{})
			if err != nil || name != "frank" || lu.LastUsedDate != nil || lu.ServiceName != "N/A" || lu.Region != "N/A" {
				t.Fatalf("never used: %q %+v %v", name, lu, err)
			}
			if err := svc.RecordAccessKeyUse(ctx, keys[1].AccessKeyId, "iam", "eu-west-1"); err != nil {
				t.Fatal(err)
			}
			_, lu, _ = svc.GetAccessKeyLastUsed(ctx, root, keys[1].AccessKeyId, iam.Meta{})
			if lu.LastUsedDate == nil || lu.ServiceName != "iam" || lu.Region != "eu-west-1" {
				t.Fatalf("used: %+v", lu)
			}
			p, err := svc.PrincipalForAccessKey(ctx, keys[1].AccessKeyId)
			if err != nil || p.Type != iam.TypeUser || p.ID != u.UserId || p.ARN != u.Arn || p.AccountID != acct || p.Name != "frank" {
				t.Fatalf("principal %+v %v", p, err)
			}
			if _, err := svc.PrincipalForAccessKey(ctx, "AKIANOSUCHKEY0000000"); iam.KindOf(err) != iam.NotFound {
				t.Fatalf("unknown key: %v", err)
			}
			// Delete; deleting again is NotFound with AWS's message.
			if err := svc.DeleteAccessKey(ctx, root, "frank", keys[0].AccessKeyId, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			err = svc.DeleteAccessKey(ctx, root, "frank", keys[0].AccessKeyId, iam.Meta{})
			if e := wantKind(t, err, iam.NotFound, "second delete"); e.Message != "The Access Key with id "+keys[0].AccessKeyId+" cannot be found." {
				t.Fatal(e.Message)
			}
			frankKey := keys[1]
			if err := svc.DeleteUserWithEverything(ctx, root, "frank", iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.PrincipalForAccessKey(ctx, frankKey.AccessKeyId); iam.KindOf(err) != iam.NotFound {
				t.Fatalf("key of a deleted user: %v", err)
			}
		})
	}
}

package iam_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// compareDump is a small account: user a, and user b with AdministratorAccess
// when admin is true.
func compareDump(admin bool) string {
	attached := ""
	if admin {
		attached = `,"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]`
	}
	return `{"UserDetailList":[{"UserName":"a","UserId":"AIDA1","Arn":"arn:aws:iam::111122223333:user/a","Path":"/"},
		{"UserName":"b","UserId":"AIDA2","Arn":"arn:aws:iam::111122223333:user/b","Path":"/"` + attached + `}],
		"Policies":[{"PolicyName":"AdministratorAccess","PolicyId":"ANPA1","Arn":"arn:aws:iam::aws:policy/AdministratorAccess","Path":"/",
		"DefaultVersionId":"v1","AttachmentCount":1,"IsAttachable":true,"PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":true,
		"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}]}]}`
}

// TestImportTwiceKeepsTheFirst: a second import of an account becomes its
// review and keeps the first to compare with; past KeptImports the oldest
// are forgotten; an import not kept is NotFound.
func TestImportTwiceKeepsTheFirst(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, _, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			const acct = "111122223333"
			for i, admin := range []bool{false, true} {
				if _, err := svc.ImportAccount(ctx, root, strings.NewReader(compareDump(admin)), fmt.Sprint("import ", i+1), iam.Meta{}); err != nil {
					t.Fatal(err)
				}
			}
			c, err := svc.CompareAccount(ctx, root, acct, iam.CompareRef{}, iam.CompareRef{}, iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Imports) != 2 || !c.Imports[0].Current || c.Imports[1].Current || c.Imports[1].Label != "import 1" {
				t.Fatalf("kept imports %+v", c.Imports)
			}
			if c.Diff == nil || c.Before.Label != "import 1" || !c.After.Current || c.After.Label != "import 2" {
				t.Fatalf("compared %+v with %+v", c.Before, c.After)
			}
			if len(c.Diff.AdminsAdded) != 1 || !strings.HasSuffix(c.Diff.AdminsAdded[0].Principal, ":user/b") {
				t.Errorf("new admins %+v; %s", c.Diff.AdminsAdded, c.Diff.Summary())
			}
			// The same import on both sides: nothing changed.
			same, err := svc.CompareAccount(ctx, root, acct, iam.CompareRef{Import: c.Imports[1].ID}, iam.CompareRef{Import: c.Imports[1].ID}, iam.Meta{})
			if err != nil || !same.Diff.Empty() {
				t.Fatalf("an import against itself: %v %+v", err, same)
			}
			// Import five more: only the newest KeptImports stay.
			for i := 0; i < 5; i++ {
				if _, err := svc.ImportAccount(ctx, root, strings.NewReader(compareDump(i%2 == 0)), fmt.Sprint("again ", i), iam.Meta{}); err != nil {
					t.Fatal(err)
				}
			}
			c2, err := svc.CompareAccount(ctx, root, acct, iam.CompareRef{}, iam.CompareRef{}, iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if len(c2.Imports) != iam.KeptImports || c2.Imports[0].Label != "again 4" || c2.Imports[iam.KeptImports-1].Label != "again 0" {
				t.Fatalf("kept %+v", c2.Imports)
			}
			_, err = svc.CompareAccount(ctx, root, acct, iam.CompareRef{Import: c.Imports[1].ID}, iam.CompareRef{}, iam.Meta{})
			if iam.KindOf(err) != iam.NotFound {
				t.Fatalf("a forgotten import: %v", err)
			}
			// The live account has no imports: nothing to compare yet.
			lc, err := svc.CompareAccount(ctx, root, "", iam.CompareRef{}, iam.CompareRef{}, iam.Meta{})
			if err != nil || lc.Diff != nil || !lc.Live {
				t.Fatalf("live account: %v %+v", err, lc)
			}
		})
	}
}

func TestParseCompareRef(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{{"", 0, true}, {"live", 0, true}, {"current", 0, true}, {"12", 12, true}, {"0", 0, false}, {"x", 0, false}, {"-1", 0, false}} {
		r, err := iam.ParseCompareRef("before", tc.in)
		if (err == nil) != tc.ok || r.Import != tc.want {
			t.Errorf("ParseCompareRef(%q) = %+v, %v", tc.in, r, err)
		}
		if err != nil && iam.KindOf(err) != iam.Invalid {
			t.Errorf("ParseCompareRef(%q): %v is not Invalid", tc.in, err)
		}
	}
}

// TestKeepSnapshot: the live account kept now compares as unchanged, then
// shows a change; keeping one is refused to a reader.
func TestKeepSnapshot(t *testing.T) {
	svc, store, _ := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	root := rootOf(mustSetup(t, svc))
	k, err := svc.KeepSnapshot(ctx, root, "", iam.Meta{})
	if err != nil || k.ID == 0 || !strings.HasPrefix(k.Label, "Snapshot of ") {
		t.Fatalf("keep: %+v, %v", k, err)
	}
	c, err := svc.CompareAccount(ctx, root, "", iam.CompareRef{}, iam.CompareRef{}, iam.Meta{})
	if err != nil || c.Diff == nil || !c.Diff.Empty() || c.Before.Import != k.ID || !c.After.Current {
		t.Fatalf("just kept: %v %+v", err, c)
	}
	if _, err := svc.CreatePolicy(ctx, root, iam.CreatePolicyInput{PolicyName: "read", PolicyDocument: `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:GetAccountAuthorizationDetails","Resource":"*"}]}`}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	reader := signedInUser(t, svc, store, root, "reader", "arn:aws:iam::"+root.AccountID+":policy/read")
	c, err = svc.CompareAccount(ctx, reader, "", iam.CompareRef{}, iam.CompareRef{}, iam.Meta{})
	if err != nil || len(c.Diff.PrincipalsAdded) != 1 {
		t.Fatalf("after a user was made: %v %+v", err, c.Diff)
	}
	if _, err := svc.KeepSnapshot(ctx, reader, "", iam.Meta{}); iam.KindOf(err) != iam.AccessDenied {
		t.Fatalf("a reader kept a snapshot: %v", err)
	}
	if _, err := svc.KeepSnapshot(ctx, root, strings.Repeat("x", 129), iam.Meta{}); iam.KindOf(err) != iam.Invalid {
		t.Fatalf("a long label: %v", err)
	}
}

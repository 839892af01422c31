package iam_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

func mustCreatePolicy(t *testing.T, svc *iam.Service, root *iam.Principal, name, doc string) *iam.Policy {
	t.Helper()
	p, err := svc.CreatePolicy(context.Background(), root, iam.CreatePolicyInput{PolicyName: name, PolicyDocument: doc}, iam.Meta{})
	if err != nil {
		t.Fatalf("create policy %s: %v", name, err)
	}
	return p
}

func TestPolicyVersionsAndConflicts(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			acct := root.AccountID
			p, err := svc.CreatePolicy(ctx, root, iam.CreatePolicyInput{PolicyName: "S3Read", Path: "/team/", PolicyDocument: s3Read,
				Description: "read objects", Tags: []iam.Tag{{Key: "owner", Value: "data"}}}, iam.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			arn := "arn:aws:iam::" + acct + ":policy/team/S3Read"
			if p.Arn != arn || p.DefaultVersionId != "v1" || !strings.HasPrefix(p.PolicyId, "ANPA") || p.AWSManaged || !p.IsAttachable {
				t.Fatalf("created %+v", p)
			}
			_, err = svc.CreatePolicy(ctx, root, iam.CreatePolicyInput{PolicyName: "s3read", PolicyDocument: s3Read}, iam.Meta{})
			if e := wantKind(t, err, iam.AlreadyExists, "duplicate name"); e.Message != "A policy called s3read already exists. Duplicate names are not allowed." {
				t.Errorf("message %q", e.Message)
			}
			_, err = svc.CreatePolicy(ctx, root, iam.CreatePolicyInput{PolicyName: "bad name!", PolicyDocument: s3Read}, iam.Meta{})
			wantKind(t, err, iam.Invalid, "bad name")

			// Up to 5 versions.
			for i := 2; i <= 5; i++ {
				v, err := svc.CreatePolicyVersion(ctx, root, iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: s3Read, SetAsDefault: i == 3}, iam.Meta{})
				if err != nil || v.VersionId != "v"+string(rune('0'+i)) || v.IsDefaultVersion != (i == 3) {
					t.Fatalf("version %d: %v %+v", i, err, v)
				}
			}
			_, err = svc.CreatePolicyVersion(ctx, root, iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: s3Read}, iam.Meta{})
			e := wantKind(t, err, iam.LimitExceeded, "sixth version")
			if e.Message != "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version." {
				t.Errorf("message %q", e.Message)
			}
			got, err := svc.GetPolicy(ctx, root, arn, iam.Meta{})
			if err != nil || got.DefaultVersionId != "v3" || len(got.Tags) != 1 || got.Description != "read objects" {
				t.Fatalf("get: %v %+v", err, got)
			}
			vs, next, err := svc.ListPolicyVersions(ctx, root, arn, iam.Page{MaxItems: 2}, iam.Meta{})
			if err != nil || len(vs) != 2 || vs[0].VersionId != "v5" || next != "v4" || vs[0].Document != "" {
				t.Fatalf("versions: %v %+v %q", err, vs, next)
			}
			vs, next, _ = svc.ListPolicyVersions(ctx, root, arn, iam.Page{Marker: next}, iam.Meta{})
			if len(vs) != 3 || next != "" || !vs[0].IsDefaultVersion {
				t.Fatalf("second page %+v %q", vs, next)
			}

			e = wantKind(t, svc.DeletePolicyVersion(ctx, root, arn, "v3", iam.Meta{}), iam.Conflict, "delete default version")
			if e.Message != "Cannot delete the default version of a policy." {
				t.Errorf("message %q", e.Message)
			}
			wantKind(t, svc.DeletePolicyVersion(ctx, root, arn, "v9", iam.Meta{}), iam.NotFound, "delete missing version")
			wantKind(t, svc.DeletePolicyVersion(ctx, root, arn, "latest", iam.Meta{}), iam.Invalid, "bad version id")
			wantKind(t, svc.SetDefaultPolicyVersion(ctx, root, arn, "v7", iam.Meta{}), iam.NotFound, "default missing version")
			e = wantKind(t, svc.DeletePolicy(ctx, root, arn, iam.Meta{}), iam.Conflict, "delete with versions")
			if !strings.Contains(e.Message, "more than one version") {
				t.Errorf("message %q", e.Message)
			}
			for _, v := range []string{"v1", "v2", "v4", "v5"} {
				if err := svc.DeletePolicyVersion(ctx, root, arn, v, iam.Meta{}); err != nil {
					t.Fatalf("delete %s: %v", v, err)
				}
			}
			_, err = svc.GetPolicyVersion(ctx, root, arn, "v2", iam.Meta{})
			wantKind(t, err, iam.NotFound, "deleted version")
			// Numbers are never reused.
			if v, err := svc.CreatePolicyVersion(ctx, root, iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: s3Read}, iam.Meta{}); err != nil || v.VersionId != "v6" {
				t.Fatalf("after deletes: %v %+v", err, v)
			}
			if err := svc.DeletePolicyVersion(ctx, root, arn, "v6", iam.Meta{}); err != nil {
				t.Fatal(err)
			}

			// Attached (or used as a boundary), it cannot be deleted.
			mustCreateUser(t, svc, root, "alice")
			if err := svc.AttachPolicy(ctx, root, iam.UserNamed("alice"), arn, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			e = wantKind(t, svc.DeletePolicy(ctx, root, arn, iam.Meta{}), iam.Conflict, "delete attached")
			if e.Message != "Cannot delete a policy attached to entities." {
				t.Errorf("message %q", e.Message)
			}
			if err := svc.DetachPolicy(ctx, root, iam.UserNamed("alice"), arn, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if err := svc.PutPermissionsBoundary(ctx, root, iam.UserNamed("alice"), arn, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if got, _ := svc.GetPolicy(ctx, root, arn, iam.Meta{}); got.PermissionsBoundaryUsageCount != 1 || got.AttachmentCount != 0 {
				t.Fatalf("counts %+v", got)
			}
			wantKind(t, svc.DeletePolicy(ctx, root, arn, iam.Meta{}), iam.Conflict, "delete boundary")
			if err := svc.DeletePermissionsBoundary(ctx, root, iam.UserNamed("alice"), iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if err := svc.DeletePolicy(ctx, root, arn, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			if n, _ := store.CountTags(ctx, acct, models.EntityPolicy, p.PolicyId); n != 0 {
				t.Errorf("%d tags outlived their policy", n)
			}
			_, err = svc.GetPolicy(ctx, root, arn, iam.Meta{})
			if e := wantKind(t, err, iam.NotFound, "deleted policy"); e.Message != "Policy "+arn+" was not found." {
				t.Errorf("message %q", e.Message)
			}
		})
	}
}

func TestBuiltinsNotEditableButAttachable(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			admin := "arn:aws:iam::aws:policy/AdministratorAccess"
			for name, err := range map[string]error{
				"delete":      svc.DeletePolicy(ctx, root, admin, iam.Meta{}),
				"set default": svc.SetDefaultPolicyVersion(ctx, root, admin, "v1", iam.Meta{}),
				"del version": svc.DeletePolicyVersion(ctx, root, admin, "v1", iam.Meta{}),
				"tag":         svc.Tag(ctx, root, iam.PolicyWithARN(admin), []iam.Tag{{Key: "k", Value: "v"}}, iam.Meta{}),
				"untag":       svc.Untag(ctx, root, iam.PolicyWithARN(admin), []string{"k"}, iam.Meta{}),
				"new version": func() error {
					_, err := svc.CreatePolicyVersion(ctx, root, iam.CreatePolicyVersionInput{PolicyArn: admin, PolicyDocument: s3Read}, iam.Meta{})
					return err
				}(),
			} {
				wantKind(t, err, iam.AccessDenied, name+" a built-in (even as root)")
			}
			if _, err := store.PolicyByARN(ctx, root.AccountID, admin); err == nil {
				t.Fatal("a built-in was copied into the store")
			}
			mustCreateUser(t, svc, root, "ops")
			if err := svc.AttachPolicy(ctx, root, iam.UserNamed("ops"), admin, iam.Meta{}); err != nil {
				t.Fatal(err)
			}
			p, err := svc.GetPolicy(ctx, root, admin, iam.Meta{})
			if err != nil || !p.AWSManaged || p.AttachmentCount != 1 || p.DefaultVersionId != "v1" {
				t.Fatalf("get built-in: %v %+v", err, p)
			}
			v, err := svc.GetPolicyVersion(ctx, root, admin, "v1", iam.Meta{})
			if err != nil || !strings.Contains(v.Document, `"Action":"*"`) || !v.IsDefaultVersion {
				t.Fatalf("built-in version: %v %+v", err, v)
			}
			_, err = svc.GetPolicyVersion(ctx, root, admin, "v2", iam.Meta{})
			wantKind(t, err, iam.NotFound, "built-in v2")

			mustCreatePolicy(t, svc, root, "Mine", s3Read)
			mustCreatePolicy(t, svc, root, "Other", s3Read)
			names := func(in iam.ListPoliciesInput) string {
				t.Helper()
				var out []string
				for {
					ps, next, err := svc.ListPolicies(ctx, root, in, iam.Meta{})
					if err != nil {
						t.Fatalf("list %+v: %v", in, err)
					}
					for _, p := range ps {
						out = append(out, p.PolicyName)
					}
					if next == "" {
						return strings.Join(out, ",")
					}
					in.Marker = next
				}
			}
			// Every AWS managed policy of the snapshot, once each, by name
			// in any case, as the markers page through them.
			aws := names(iam.ListPoliciesInput{Scope: iam.ScopeAWS})
			list := strings.Split(aws, ",")
			if len(list) != 1594 || !slices.IsSortedFunc(list, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) ||
				!slices.Contains(list, "IAMReadOnlyAccess") || !slices.Contains(list, "ViewOnlyAccess") || slices.Contains(list, "Mine") {
				t.Errorf("AWS scope: %d policies, sorted %v", len(list), slices.IsSorted(list))
			}
			if got := names(iam.ListPoliciesInput{Scope: iam.ScopeLocal}); got != "Mine,Other" {
				t.Errorf("Local scope: %s", got)
			}
			// Pages of 100 merge AWS's policies and the account's own by
			// name, either way round.
			merged := append(slices.Clone(list), "Mine", "Other")
			slices.SortStableFunc(merged, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
			if got := names(iam.ListPoliciesInput{MaxItems: 100}); got != strings.Join(merged, ",") {
				t.Errorf("All scope, paged: %d names", len(strings.Split(got, ",")))
			}
			slices.Reverse(merged)
			if got := names(iam.ListPoliciesInput{MaxItems: 100, Descending: true}); got != strings.Join(merged, ",") {
				t.Errorf("All scope, paged Z to A: %d names", len(strings.Split(got, ",")))
			}
			// An account's policy named as AWS's comes first either way,
			// and pages of one still list each policy once.
			mustCreatePolicy(t, svc, root, "viewonlyaccess", s3Read)
			for _, desc := range []bool{false, true} {
				in := iam.ListPoliciesInput{NameContains: "ViewOnlyAccess", MaxItems: 1, Descending: desc}
				var got []string
				for {
					ps, next, err := svc.ListPolicies(ctx, root, in, iam.Meta{})
					if err != nil {
						t.Fatal(err)
					}
					for _, p := range ps {
						got = append(got, p.Arn)
					}
					if next == "" {
						break
					}
					in.Marker = next
				}
				want := []string{"arn:aws:iam::aws:policy/ConsoleViewOnlyAccessFromVercel",
					"arn:aws:iam::" + root.AccountID + ":policy/viewonlyaccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"}
				if desc {
					want = append(want[1:], want[0])
				}
				if !slices.Equal(got, want) {
					t.Errorf("same name, descending %v: %v", desc, got)
				}
			}
			if got := names(iam.ListPoliciesInput{Scope: iam.ScopeAWS, PathPrefix: "/job-function/"}); !strings.Contains(got, "ViewOnlyAccess") || strings.Contains(got, "IAMReadOnlyAccess") {
				t.Errorf("path /job-function/: %s", got)
			}
			if got := names(iam.ListPoliciesInput{OnlyAttached: true}); got != "AdministratorAccess" {
				t.Errorf("only attached: %s", got)
			}
			if got := names(iam.ListPoliciesInput{NameContains: "iamuser"}); got != "IAMUserChangePassword,IAMUserSSHKeys" {
				t.Errorf("search: %s", got)
			}
			_, _, err = svc.ListPolicies(ctx, root, iam.ListPoliciesInput{Scope: "Mine"}, iam.Meta{})
			wantKind(t, err, iam.Invalid, "bad scope")
		})
	}
}

func TestMalformedPolicyDocuments(t *testing.T) {
	svc, store, root := rootService(t, dbtest.SQLite(t))
	ctx := context.Background()
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 6200) + `"}]}`
	cases := []struct {
		name, doc string
		kind      iam.Kind
		msg       string
	}{
		{"empty", "", iam.Invalid, "PolicyDocument is required"},
		{"not JSON", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\" \"Action\": \"s3:*\"}\n  ]\n}", iam.Malformed, "line 4, column"},
		{"bad effect", "{\"Version\":\"2012-10-17\",\n\"Statement\":{\"Effect\":\"Maybe\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}", iam.Malformed, "line 2, column"},
		{"principal in identity policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`, iam.Malformed, "line 1, column"},
		{"no resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`, iam.Malformed, "PolicyDocument"},
		{"too large", big, iam.LimitExceeded, "Cannot exceed quota for PolicySize: 6144"},
	}
	for _, c := range cases {
		_, err := svc.CreatePolicy(ctx, root, iam.CreatePolicyInput{PolicyName: "p", PolicyDocument: c.doc}, iam.Meta{})
		e := wantKind(t, err, c.kind, c.name)
		if !strings.Contains(e.Message, c.msg) {
			t.Errorf("%s: message %q lacks %q", c.name, e.Message, c.msg)
		}
	}
	if n, _ := store.CountPolicies(ctx, root.AccountID); n != 0 {
		t.Fatalf("%d policies after refused creates", n)
	}
	// Accepted with warnings the console shows.
	p, err := svc.CreatePolicy(ctx, root, iam.CreatePolicyInput{PolicyName: "broad",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`}, iam.Meta{})
	if err != nil || len(p.Warnings) == 0 {
		t.Fatalf("warnings: %v %+v", err, p)
	}
}

func TestPolicySummary(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]},
	  {"Effect":"Allow","Action":"iam:*","Resource":"*"},
	  {"Effect":"Allow","Action":["ec2:DescribeInstances","ec2:CreateTags","ec2:Frobnicate"],"Resource":"*",
	   "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
	  {"Effect":"Deny","Action":"ec2:TerminateInstances","Resource":"*"}]}`
	v, err := iam.PolicySummary(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Allow) != 3 || len(v.Deny) != 1 || len(v.Notes) != 1 {
		t.Fatalf("summary %+v", v)
	}
	cases := []struct {
		row              iam.ServiceSummary
		service, access  string
		condition        bool
		resources, level string
	}{
		{v.Allow[0], "ec2", "Limited: List, Tagging", true, "All resources", "List 1"},
		{v.Allow[1], "s3", "Limited: List, Read", false, "arn:aws:s3:::data,arn:aws:s3:::data/*", "List 1"},
		{v.Allow[2], "iam", "Full access", false, "All resources", "List 40"},
		{v.Deny[0], "ec2", "Limited: Write", false, "All resources", "Write 1"},
	}
	for _, c := range cases {
		r := c.row
		l := r.Levels[0]
		if r.Service != c.service || r.Access != c.access || (len(r.Conditions) > 0) != c.condition ||
			strings.Join(r.Resources, ",") != c.resources || fmt.Sprintf("%s %d", l.Level, l.Granted) != c.level {
			t.Errorf("%s row: %+v", c.service, r)
		}
	}
	if !strings.Contains(v.Notes[0], "ec2:Frobnicate") {
		t.Errorf("note %q", v.Notes[0])
	}
	notAction, err := iam.PolicySummary(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`)
	if err != nil || len(notAction.Allow) < 400 || !strings.Contains(notAction.Notes[0], "every action except iam:*") ||
		slices.ContainsFunc(notAction.Allow, func(r iam.ServiceSummary) bool { return r.Service == "iam" }) {
		t.Errorf("NotAction summary: %d rows, notes %v, %v", len(notAction.Allow), notAction.Notes, err)
	}
	if _, err := iam.PolicySummary(`{"Statement":`); iam.KindOf(err) != iam.Malformed {
		t.Errorf("malformed summary: %v", err)
	}
}

// TestConcurrentPolicyVersionsKeepTheQuota: racing CreatePolicyVersion calls
// never leave more than 5 versions.
func TestConcurrentPolicyVersionsKeepTheQuota(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, root := rootService(t, b.DSN(t))
			ctx := context.Background()
			p := mustCreatePolicy(t, svc, root, "Raced", s3Read)
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok := 0
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := svc.CreatePolicyVersion(ctx, root, iam.CreatePolicyVersionInput{PolicyArn: p.Arn, PolicyDocument: s3Read}, iam.Meta{})
					switch iam.KindOf(err) {
					case iam.LimitExceeded:
					default:
						if err != nil {
							t.Errorf("create version: %v", err)
							return
						}
						mu.Lock()
						ok++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if n, _ := store.CountPolicyVersions(ctx, root.AccountID, p.PolicyId); n != 5 || ok != 4 {
				t.Fatalf("%d versions, %d creates succeeded", n, ok)
			}
		})
	}
}

// TestResolvePolicyARN: what a person types in a picker or after
// `console admin create-user --policy`: AWS's policy by exact name whatever its
// path, else the account's own in any case, an ARN as given.
func TestResolvePolicyARN(t *testing.T) {
	svc, _, root := rootService(t, dbtest.SQLite(t))
	ctx := context.Background()
	own := mustCreatePolicy(t, svc, root, "TeamRead", s3Read)
	tests := []struct {
		typed, want string
		kind        iam.Kind
	}{
		{"IAMReadOnlyAccess", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", 0},
		{" ViewOnlyAccess ", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", 0},
		{"AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", 0},
		{"teamread", own.Arn, 0},
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess", 0},
		{"iamreadonlyaccess", "", iam.NotFound}, // AWS's names are exact
		{"IAMReadOnly", "", iam.NotFound},
		{"two words", "", iam.Invalid},
		{"", "", iam.Invalid},
	}
	for _, tt := range tests {
		got, err := svc.ResolvePolicyARN(ctx, root, tt.typed, iam.Meta{})
		if tt.kind != 0 {
			wantKind(t, err, tt.kind, tt.typed)
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: %q, %v; want %q", tt.typed, got, err, tt.want)
		}
	}
}

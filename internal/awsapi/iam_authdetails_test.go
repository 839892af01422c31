package awsapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamconsole/console/internal/iam"
)

// seedDetails gives the account what GetAccountAuthorizationDetails has
// to tell: users with inline and managed policies, tags, a boundary and
// groups; a group with both kinds of policy; a role with a trust policy, a
// boundary, tags and an inline policy; a customer policy with two versions.
// admin (AdministratorAccess) is there already.
func (e *env) seedDetails() {
	e.t.Helper()
	c := e.iam
	t := e.t
	acct := e.acct.ID
	teamRead := "arn:aws:iam::" + acct + ":policy/team/team-read"
	bound := "arn:aws:iam::" + acct + ":policy/boundary"
	steps := []func() error{
		func() error {
			_, err := c.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("team-read"), Path: aws.String("/team/"),
				PolicyDocument: aws.String(s3Policy("s3:GetObject")), Description: aws.String("reads the team's objects")})
			return err
		},
		func() error {
			_, err := c.CreatePolicyVersion(e.ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(teamRead),
				PolicyDocument: aws.String(s3Policy("s3:Get*")), SetAsDefault: true})
			return err
		},
		func() error {
			_, err := c.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("boundary"), PolicyDocument: aws.String(s3Policy("s3:*"))})
			return err
		},
		func() error {
			_, err := c.CreateGroup(e.ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("developers")})
			return err
		},
		func() error {
			_, err := c.AttachGroupPolicy(e.ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("developers"), PolicyArn: aws.String(teamRead)})
			return err
		},
		func() error {
			_, err := c.PutGroupPolicy(e.ctx, &iamsdk.PutGroupPolicyInput{GroupName: aws.String("developers"), PolicyName: aws.String("dev-logs"),
				PolicyDocument: aws.String(s3Policy("logs:GetLogEvents"))})
			return err
		},
		func() error {
			_, err := c.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/eng/"),
				PermissionsBoundary: aws.String(bound), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}})
			return err
		},
		func() error {
			_, err := c.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("bob")})
			return err
		},
		func() error {
			_, err := c.AddUserToGroup(e.ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("developers"), UserName: aws.String("alice")})
			return err
		},
		func() error {
			_, err := c.AddUserToGroup(e.ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("developers"), UserName: aws.String("bob")})
			return err
		},
		func() error {
			_, err := c.PutUserPolicy(e.ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("alice-extra"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::red/a+b c%"}]}`)})
			return err
		},
		func() error {
			_, err := c.AttachUserPolicy(e.ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		},
		func() error {
			_, err := c.CreateLoginProfile(e.ctx, &iamsdk.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-horse-battery-9")})
			return err
		},
		func() error {
			_, err := c.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("ops-admin"), Description: aws.String("operations"),
				AssumeRolePolicyDocument: aws.String(trustFor(e.userARN("eng/alice"), "")), PermissionsBoundary: aws.String(bound),
				Tags: []types.Tag{{Key: aws.String("tier"), Value: aws.String("ops")}}})
			return err
		},
		func() error {
			_, err := c.AttachRolePolicy(e.ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("ops-admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		},
		func() error {
			_, err := c.PutRolePolicy(e.ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("ops-admin"), PolicyName: aws.String("no-delete"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`)})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("seed step %d: %v", i, err)
		}
	}
}

// gather reads every page of GetAccountAuthorizationDetails with the SDK's
// paginator and returns their union and the number of pages.
func gather(t *testing.T, c *iamsdk.Client, in *iamsdk.GetAccountAuthorizationDetailsInput) (*iamsdk.GetAccountAuthorizationDetailsOutput, int) {
	t.Helper()
	all := &iamsdk.GetAccountAuthorizationDetailsOutput{}
	pages := 0
	p := iamsdk.NewGetAccountAuthorizationDetailsPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
		if out.IsTruncated != (aws.ToString(out.Marker) != "") {
			t.Errorf("page %d: IsTruncated %v with Marker %q", pages, out.IsTruncated, aws.ToString(out.Marker))
		}
		all.UserDetailList = append(all.UserDetailList, out.UserDetailList...)
		all.GroupDetailList = append(all.GroupDetailList, out.GroupDetailList...)
		all.RoleDetailList = append(all.RoleDetailList, out.RoleDetailList...)
		all.Policies = append(all.Policies, out.Policies...)
	}
	return all, pages
}

// sdkAsCLI re-encodes the SDK's result as the aws CLI prints it: the same
// member names, policy documents URL-decoded into JSON objects (botocore
// decodes them), times as strings.
func sdkAsCLI(t *testing.T, out *iamsdk.GetAccountAuthorizationDetailsOutput) any {
	t.Helper()
	b, err := json.Marshal(map[string]any{"UserDetailList": out.UserDetailList, "GroupDetailList": out.GroupDetailList,
		"RoleDetailList": out.RoleDetailList, "Policies": out.Policies})
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return decodeDocs(t, v)
}

// decodeDocs turns the URL-encoded documents of an API answer into JSON.
func decodeDocs(t *testing.T, v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && (k == "Document" || k == "PolicyDocument" || k == "AssumeRolePolicyDocument") {
				dec, err := url.PathUnescape(s)
				if err != nil {
					t.Fatalf("%s is not URL-encoded: %v", k, err)
				}
				var doc any
				if err := json.Unmarshal([]byte(dec), &doc); err != nil {
					t.Fatalf("%s is not JSON: %v: %s", k, err, dec)
				}
				x[k] = doc
				continue
			}
			x[k] = decodeDocs(t, val)
		}
	case []any:
		for i := range x {
			x[i] = decodeDocs(t, x[i])
		}
	}
	return v
}

// exportExtensions are the members `console export` writes beyond AWS's
// (graph.Account.AuthorizationDetails: what the live account knows and a
// dump from AWS does not), by the list they are in ("" the top level).
var exportExtensions = map[string][]string{
	"":               {"IAMConsole"},
	"UserDetailList": {"AccessKeys", "MFADevices", "LoginProfile", "PasswordLastUsed"},
	"RoleDetailList": {"Description"},
}

// stripExtensions removes from an export the members AWS does not send.
func stripExtensions(v map[string]any) map[string]any {
	for list, keys := range exportExtensions {
		if list == "" {
			for _, k := range keys {
				delete(v, k)
			}
			continue
		}
		for _, item := range v[list].([]any) {
			for _, k := range keys {
				delete(item.(map[string]any), k)
			}
		}
	}
	return v
}

// exportJSON is `console export` of the live account (what ExportCmd
// prints: the operator's Snapshot, written by AuthorizationDetails),
// decoded, without the members AWS does not send.
func (e *env) exportJSON(t *testing.T) any {
	t.Helper()
	a, err := e.svc.Snapshot(e.ctx, nil, "", iam.Meta{Source: "cli", UserAgent: "console export"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := a.AuthorizationDetails()
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return stripExtensions(v)
}

// normalize makes two decodings of the same details compare equal: times
// in one form (the CLI prints +00:00, the export Z, the SDK's JSON
// fractions) and, unless strict, no null members or empty lists (the SDK
// cannot tell an empty list from an absent one; the CLI can).
func normalize(v any, strict bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			n := normalize(val, strict)
			if !strict {
				if n == nil {
					continue
				}
				if l, ok := n.([]any); ok && len(l) == 0 {
					continue
				}
			}
			out[k] = n
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = normalize(x[i], strict)
		}
		return out
	case string:
		if tm, err := time.Parse(time.RFC3339Nano, x); err == nil && len(x) >= 20 {
			return tm.UTC().Format(time.RFC3339)
		}
	}
	return v
}

// sameDetails fails unless got and want are the same details.
func sameDetails(t *testing.T, what string, got, want any, strict bool) {
	t.Helper()
	g, w := normalize(got, strict), normalize(want, strict)
	if reflect.DeepEqual(g, w) {
		return
	}
	gb, _ := json.MarshalIndent(g, "", "  ")
	wb, _ := json.MarshalIndent(w, "", "  ")
	t.Errorf("%s differs from console export:\n got %s\nwant %s", what, gb, wb)
}

func TestGetAccountAuthorizationDetails(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.seedDetails()
		all, pages := gather(t, e.iam, &iamsdk.GetAccountAuthorizationDetailsInput{})
		if pages != 1 {
			t.Errorf("%d pages, want 1 (the default page holds 100)", pages)
		}
		acct := e.acct.ID
		var alice *types.UserDetail
		for i := range all.UserDetailList {
			if aws.ToString(all.UserDetailList[i].UserName) == "alice" {
				alice = &all.UserDetailList[i]
			}
		}
		if alice == nil || len(all.UserDetailList) != 3 {
			t.Fatalf("UserDetailList = %d users, want admin, alice, bob", len(all.UserDetailList))
		}
		if aws.ToString(alice.Arn) != "arn:aws:iam::"+acct+":user/eng/alice" || aws.ToString(alice.Path) != "/eng/" ||
			!strings.HasPrefix(aws.ToString(alice.UserId), "AIDA") || alice.CreateDate == nil ||
			!reflect.DeepEqual(alice.GroupList, []string{"developers"}) || len(alice.AttachedManagedPolicies) != 1 ||
			aws.ToString(alice.AttachedManagedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/ReadOnlyAccess" ||
			alice.PermissionsBoundary == nil || alice.PermissionsBoundary.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy ||
			aws.ToString(alice.PermissionsBoundary.PermissionsBoundaryArn) != "arn:aws:iam::"+acct+":policy/boundary" ||
			len(alice.Tags) != 1 || aws.ToString(alice.Tags[0].Key) != "team" || len(alice.UserPolicyList) != 1 {
			t.Errorf("alice = %+v", alice)
		}
		// Documents arrive URL-encoded, as AWS sends them.
		if doc := aws.ToString(alice.UserPolicyList[0].PolicyDocument); !strings.HasPrefix(doc, "%7B") || !strings.Contains(doc, "a%2Bb%20c%25") {
			t.Errorf("alice's inline policy document = %s, want it URL-encoded", doc)
		}
		if len(all.GroupDetailList) != 1 || aws.ToString(all.GroupDetailList[0].GroupName) != "developers" ||
			len(all.GroupDetailList[0].GroupPolicyList) != 1 || len(all.GroupDetailList[0].AttachedManagedPolicies) != 1 {
			t.Errorf("GroupDetailList = %+v", all.GroupDetailList)
		}
		if len(all.RoleDetailList) != 1 {
			t.Fatalf("RoleDetailList = %+v", all.RoleDetailList)
		}
		r := all.RoleDetailList[0]
		trust, _ := url.PathUnescape(aws.ToString(r.AssumeRolePolicyDocument))
		if aws.ToString(r.RoleName) != "ops-admin" || !strings.Contains(trust, e.userARN("eng/alice")) || r.PermissionsBoundary == nil ||
			len(r.RolePolicyList) != 1 || len(r.AttachedManagedPolicies) != 1 || len(r.Tags) != 1 || r.RoleLastUsed == nil {
			t.Errorf("ops-admin = %+v", r)
		}
		byName := map[string]types.ManagedPolicyDetail{}
		var names []string
		for _, p := range all.Policies {
			byName[aws.ToString(p.PolicyName)] = p
			names = append(names, aws.ToString(p.PolicyName))
		}
		// Customer policies by name, then the AWS managed ones in use, by
		// ARN: ReadOnlyAccess (alice) and AdministratorAccess (admin,
		// ops-admin), none of the others.
		if want := []string{"boundary", "team-read", "AdministratorAccess", "ReadOnlyAccess"}; !reflect.DeepEqual(names, want) {
			t.Errorf("Policies = %v, want %v", names, want)
		}
		tr := byName["team-read"]
		if aws.ToString(tr.DefaultVersionId) != "v2" || len(tr.PolicyVersionList) != 2 || aws.ToInt32(tr.AttachmentCount) != 1 ||
			aws.ToString(tr.Description) != "reads the team's objects" || aws.ToString(tr.Path) != "/team/" || !tr.IsAttachable {
			t.Errorf("team-read = %+v", tr)
		}
		for _, v := range tr.PolicyVersionList {
			doc, _ := url.PathUnescape(aws.ToString(v.Document))
			if v.IsDefaultVersion != (aws.ToString(v.VersionId) == "v2") || !strings.Contains(doc, "s3:Get") {
				t.Errorf("team-read version %s (default %v): %s", aws.ToString(v.VersionId), v.IsDefaultVersion, doc)
			}
		}
		if aws.ToInt32(byName["boundary"].PermissionsBoundaryUsageCount) != 2 || aws.ToInt32(byName["AdministratorAccess"].AttachmentCount) != 2 {
			t.Errorf("counts: boundary %+v, AdministratorAccess %+v", byName["boundary"], byName["AdministratorAccess"])
		}

		// The SDK's answer, printed as the CLI would, is console export.
		sameDetails(t, "the API's answer", sdkAsCLI(t, all), e.exportJSON(t), false)

		// One item a page gives the same union, in as many pages as items.
		one, pages := gather(t, e.iam, &iamsdk.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(1)})
		if n := len(all.UserDetailList) + len(all.GroupDetailList) + len(all.RoleDetailList) + len(all.Policies); pages != n {
			t.Errorf("MaxItems=1: %d pages for %d items", pages, n)
		}
		sameDetails(t, "the union of one-item pages", sdkAsCLI(t, one), sdkAsCLI(t, all), false)
	})
}

func TestGetAccountAuthorizationDetailsFilter(t *testing.T) {
	e := sqlite(t)
	e.seedDetails()
	names := func(out *iamsdk.GetAccountAuthorizationDetailsOutput) []string {
		var n []string
		for _, u := range out.UserDetailList {
			n = append(n, "user:"+aws.ToString(u.UserName))
		}
		for _, g := range out.GroupDetailList {
			n = append(n, "group:"+aws.ToString(g.GroupName))
		}
		for _, r := range out.RoleDetailList {
			n = append(n, "role:"+aws.ToString(r.RoleName))
		}
		for _, p := range out.Policies {
			n = append(n, "policy:"+aws.ToString(p.PolicyName))
		}
		return n
	}
	cases := []struct {
		filter []types.EntityType
		want   []string
	}{
		{[]types.EntityType{types.EntityTypeUser}, []string{"user:admin", "user:alice", "user:bob"}},
		{[]types.EntityType{types.EntityTypeRole}, []string{"role:ops-admin"}},
		{[]types.EntityType{types.EntityTypeGroup, types.EntityTypeRole}, []string{"group:developers", "role:ops-admin"}},
		{[]types.EntityType{types.EntityTypeLocalManagedPolicy}, []string{"policy:boundary", "policy:team-read"}},
		{[]types.EntityType{types.EntityTypeAWSManagedPolicy}, []string{"policy:AdministratorAccess", "policy:ReadOnlyAccess"}},
		{[]types.EntityType{types.EntityTypeAWSManagedPolicy, types.EntityTypeLocalManagedPolicy},
			[]string{"policy:boundary", "policy:team-read", "policy:AdministratorAccess", "policy:ReadOnlyAccess"}},
	}
	for _, c := range cases {
		for _, maxItems := range []int32{100, 1} {
			out, _ := gather(t, e.iam, &iamsdk.GetAccountAuthorizationDetailsInput{Filter: c.filter, MaxItems: aws.Int32(maxItems)})
			if got := names(out); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Filter %v, MaxItems %d: %v, want %v", c.filter, maxItems, got, c.want)
			}
		}
	}
	_, err := e.iam.GetAccountAuthorizationDetails(e.ctx, &iamsdk.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{"Users"}})
	wantCode(t, err, "ValidationError")
	contains(t, "a bad filter's message", err.Error(), "Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]")
	_, err = e.iam.GetAccountAuthorizationDetails(e.ctx, &iamsdk.GetAccountAuthorizationDetailsInput{Marker: aws.String("not a marker")})
	wantCode(t, err, "ValidationError")
	_, err = e.iam.GetAccountAuthorizationDetails(e.ctx, &iamsdk.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(1001)})
	wantCode(t, err, "ValidationError")
}

// TestGetAccountAuthorizationDetailsMarker: a marker names the last item
// given, so deleting it before the next page neither repeats nor skips.
func TestGetAccountAuthorizationDetailsMarker(t *testing.T) {
	e := sqlite(t)
	for _, n := range []string{"carol", "dave", "erin"} {
		_, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String(n)})
		ok(t, err)
	}
	names := func(us []types.UserDetail) string {
		var n []string
		for _, u := range us {
			n = append(n, aws.ToString(u.UserName))
		}
		return strings.Join(n, " ")
	}
	in := &iamsdk.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeUser}, MaxItems: aws.Int32(2)}
	first, err := e.iam.GetAccountAuthorizationDetails(e.ctx, in)
	ok(t, err)
	if !first.IsTruncated || names(first.UserDetailList) != "admin carol" {
		t.Fatalf("first page = %s, truncated %v", names(first.UserDetailList), first.IsTruncated)
	}
	_, err = e.iam.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("carol")})
	ok(t, err)
	_, err = e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("bert")}) // before the marker
	ok(t, err)
	in.Marker = first.Marker
	second, err := e.iam.GetAccountAuthorizationDetails(e.ctx, in)
	ok(t, err)
	if second.IsTruncated || names(second.UserDetailList) != "dave erin" {
		t.Errorf("second page = %s, truncated %v; want dave erin, the last", names(second.UserDetailList), second.IsTruncated)
	}
}

func TestGetAccountAuthorizationDetailsAuthorization(t *testing.T) {
	e := sqlite(t)
	e.seedDetails()
	cases := []struct {
		name, policy string
		allowed      bool
	}{
		{"nothing", "", false},
		{"the action on *", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetAccountAuthorizationDetails","Resource":"*"}]}`, true},
		{"iam:Get* on *", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}`, true},
		// The action has no resource-level permissions: a grant on users
		// does not reach it.
		{"the action on users", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetAccountAuthorizationDetails","Resource":"arn:aws:iam::` + e.acct.ID + `:user/*"}]}`, false},
		{"every Get but this one", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"},{"Effect":"Deny","Action":"iam:GetAccountAuthorizationDetails","Resource":"*"}]}`, false},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := "reader" + string(rune('a'+i))
			id, secret := e.user(name)
			if c.policy != "" {
				e.seedInline(name, "p", c.policy)
			}
			_, err := e.iamClient(id, secret, "").GetAccountAuthorizationDetails(e.ctx, &iamsdk.GetAccountAuthorizationDetailsInput{})
			if c.allowed {
				ok(t, err)
				return
			}
			wantCode(t, err, "AccessDenied")
			contains(t, "the refusal", err.Error(), "iam:GetAccountAuthorizationDetails")
		})
	}
}

// TestPMapperGather gathers as PMapper's `graph create` does:
// GetAccountAuthorizationDetails, then each user's login profile (and MFA
// devices and instance profiles, which other work brings to the API).
func TestPMapperGather(t *testing.T) {
	e := sqlite(t)
	e.seedDetails()
	all, _ := gather(t, e.iam, &iamsdk.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeUser, types.EntityTypeGroup,
		types.EntityTypeRole, types.EntityTypeLocalManagedPolicy, types.EntityTypeAWSManagedPolicy}})
	withProfile := map[string]bool{}
	for _, u := range all.UserDetailList {
		_, err := e.iam.GetLoginProfile(e.ctx, &iamsdk.GetLoginProfileInput{UserName: u.UserName})
		switch code := apiCode(err); {
		case err == nil:
			withProfile[aws.ToString(u.UserName)] = true
		case code != "NoSuchEntity":
			t.Fatalf("GetLoginProfile %s: %v", aws.ToString(u.UserName), err)
		}
	}
	if !reflect.DeepEqual(withProfile, map[string]bool{"alice": true}) {
		t.Errorf("users with a login profile = %v, want alice", withProfile)
	}
	// PMapper asks these next; both answer now.
	_, err := e.iam.ListVirtualMFADevices(e.ctx, &iamsdk.ListVirtualMFADevicesInput{})
	ok(t, err)
	_, err = e.iam.ListInstanceProfiles(e.ctx, &iamsdk.ListInstanceProfilesInput{})
	ok(t, err)
}

// TestAWSCLIAuthorizationDetails: the aws CLI's
// get-account-authorization-details (the file `console import` reads)
// prints console export, page by page as by one call.
func TestAWSCLIAuthorizationDetails(t *testing.T) {
	e := sqlite(t)
	e.seedDetails()
	want := e.exportJSON(t)
	for _, args := range [][]string{{}, {"--page-size", "1"}} {
		var got any
		e.awsCLI(t, &got, append([]string{"iam", "get-account-authorization-details"}, args...)...)
		sameDetails(t, "aws iam get-account-authorization-details "+strings.Join(args, " "), got, want, true)
	}
}

// TestAuthDetailsGoldenIsExport reads the golden answer (every member,
// instance profiles and a role's last use among them, which the API cannot
// make yet) through the SDK and finds the export of the same account.
func TestAuthDetailsGoldenIsExport(t *testing.T) {
	body, err := os.ReadFile("testdata/get_account_authorization_details.xml")
	ok(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	e := &env{srv: srv}
	c := iamsdk.NewFromConfig(e.cfg("AKIAEXAMPLE", "secret", ""), func(o *iamsdk.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	out, err := c.GetAccountAuthorizationDetails(t.Context(), &iamsdk.GetAccountAuthorizationDetailsInput{})
	ok(t, err)
	if n := len(out.RoleDetailList); n != 1 || len(out.RoleDetailList[0].InstanceProfileList) != 1 ||
		len(out.RoleDetailList[0].InstanceProfileList[0].Roles) != 1 || out.RoleDetailList[0].RoleLastUsed.LastUsedDate == nil {
		t.Fatalf("RoleDetailList = %+v", out.RoleDetailList)
	}
	exp, err := os.ReadFile("testdata/get_account_authorization_details.json")
	ok(t, err)
	var want map[string]any
	ok(t, json.Unmarshal(exp, &want))
	sameDetails(t, "the golden answer", sdkAsCLI(t, out), stripExtensions(want), false)
}

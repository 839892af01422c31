package awsapi

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestResponseShapes pins AWS's XML shapes: member-wrapped lists, omitted
// empty elements, URL-encoded documents, ISO 8601 UTC times.
func TestResponseShapes(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("X", 3600))
	doc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`
	cases := []struct {
		name, action string
		result       any
	}{
		{"list_users", "ListUsers", listUsersResult{Users: list([]xmlUser{
			{Path: "/", UserName: "alice", UserID: "AIDAEXAMPLE1", Arn: "arn:aws:iam::123456789012:user/alice", CreateDate: ts(at)},
			{Path: "/ops/", UserName: "bob", UserID: "AIDAEXAMPLE2", Arn: "arn:aws:iam::123456789012:user/ops/bob", CreateDate: ts(at), PasswordLastUsed: tsp(&at)},
		}), page: pageOf("bob")}},
		{"get_user", "GetUser", userResult{User: xmlUser{Path: "/", UserName: "alice", UserID: "AIDAEXAMPLE1",
			Arn: "arn:aws:iam::123456789012:user/alice", CreateDate: ts(at),
			PermissionsBoundary: boundary(&iam.AttachedPermissionsBoundary{PermissionsBoundaryArn: "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
			Tags:                tagList([]iam.Tag{{Key: "team", Value: "red"}})}}},
		{"get_role", "GetRole", roleResult{Role: xmlRole{Path: "/", RoleName: "ec2", RoleID: "AROAEXAMPLE1",
			Arn: "arn:aws:iam::123456789012:role/ec2", CreateDate: ts(at), AssumeRolePolicyDocument: urlDoc(doc),
			MaxSessionDuration: 3600, RoleLastUsed: &xmlRoleLastUsed{}}}},
		{"list_attached", "ListAttachedUserPolicies", listAttachedPoliciesResult{AttachedPolicies: list([]xmlAttachedPolicy{
			{PolicyName: "ReadOnlyAccess", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess"}})}},
		{"empty_list", "ListGroups", listGroupsResult{}},
		{"get_account_authorization_details", "GetAccountAuthorizationDetails", authDetailsXML(smallDetails(at, doc), smallDetails(at, doc), "")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := encodeResponse(c.action, iamService.ns, "req-1", c.result)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", c.name+".xml")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s:\n got %s\nwant %s", c.name, got, want)
			}
		})
	}
}

func TestURLDoc(t *testing.T) {
	if got, want := urlDoc(`{"a": "b+c d/%"}`), "%7B%22a%22%3A%20%22b%2Bc%20d%2F%25%22%7D"; got != want {
		t.Errorf("urlDoc = %s, want %s", got, want)
	}
}

// smallDetails is a small account for GetAccountAuthorizationDetails'
// golden answer: one of each entity, with every member AWS sends.
func smallDetails(at time.Time, doc string) *graph.Account {
	const acct = "arn:aws:iam::123456789012:"
	allow := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`
	bound := &graph.AttachedPolicy{Name: "boundary", ARN: acct + "policy/boundary"}
	return &graph.Account{ID: "123456789012",
		Users: []graph.User{
			{Name: "alice", ID: "AIDAEXAMPLE1", ARN: acct + "user/alice", Path: "/", CreateDate: at, Groups: []string{"developers"},
				Inline: []graph.InlinePolicy{{Name: "alice-extra", Document: allow}}, Boundary: bound,
				Attached: []graph.AttachedPolicy{{Name: "ReadOnlyAccess", ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
				Tags:     []graph.Tag{{Key: "team", Value: "red"}}},
			{Name: "bob", ID: "AIDAEXAMPLE2", ARN: acct + "user/bob", Path: "/", CreateDate: at},
		},
		Groups: []graph.Group{{Name: "developers", ID: "AGPAEXAMPLE1", ARN: acct + "group/developers", Path: "/", CreateDate: at,
			Attached: []graph.AttachedPolicy{{Name: "boundary", ARN: acct + "policy/boundary"}}}},
		Roles: []graph.Role{{Name: "ec2", ID: "AROAEXAMPLE1", ARN: acct + "role/ec2", Path: "/", CreateDate: at, Trust: doc,
			Description: "not in RoleDetail", Boundary: bound, LastUsed: at, LastUsedRegion: "us-east-1",
			InstanceProfiles: []graph.InstanceProfile{{Name: "ec2", ID: "AIPAEXAMPLE1", ARN: acct + "instance-profile/ec2", Path: "/",
				CreateDate: at, Roles: []string{acct + "role/ec2"}}}}},
		Policies: []graph.ManagedPolicy{{Name: "boundary", ID: "ANPAEXAMPLE1", ARN: acct + "policy/boundary", Path: "/",
			Description: "bounds", DefaultVersion: "v2", AttachmentCount: 1, BoundaryUsageCount: 2, IsAttachable: true, CreateDate: at, UpdateDate: at,
			Versions: []graph.PolicyVersion{{ID: "v2", Document: allow, IsDefault: true, CreateDate: at}, {ID: "v1", Document: allow, CreateDate: at}}}},
	}
}

// TestAuthDetailsExportGolden writes `console export` of smallDetails
// beside its API answer (get_account_authorization_details.xml), for
// TestAuthDetailsGoldenIsExport, which reads the XML through the SDK.
func TestAuthDetailsExportGolden(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("X", 3600))
	doc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`
	got, err := smallDetails(at, doc).AuthorizationDetails()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "get_account_authorization_details.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if string(got) != string(want) {
		t.Errorf("export of smallDetails:\n got %s\nwant %s", got, want)
	}
}

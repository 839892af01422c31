package awsapi

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

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

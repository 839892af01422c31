package iam_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestInstanceProfileInLiveGraph: a user who may pass roles and run EC2
// instances can take over an EC2 role only while the role is in an instance
// profile (technique ec2-001 needs one). The live account's graph shows the
// escalation once a profile holds the role, and not before or after; the
// snapshot `console export` writes lists the profile under the role.
func TestInstanceProfileInLiveGraph(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, _, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			mustCreateUser(t, svc, root, "dev")
			_, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed("dev"), "launch",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","ec2:RunInstances"],"Resource":"*"}]}`, iam.Meta{})
			must(err)
			_, err = svc.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: "ec2-admin",
				AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}, iam.Meta{})
			must(err)
			must(svc.AttachPolicy(ctx, root, iam.RoleNamed("ec2-admin"), "arn:aws:iam::aws:policy/AdministratorAccess", iam.Meta{}))
			dev := "arn:aws:iam::" + root.AccountID + ":user/dev"
			role := "arn:aws:iam::" + root.AccountID + ":role/ec2-admin"
			escalates := func() bool {
				t.Helper()
				g, err := svc.AccessGraph(ctx, root, "", iam.Meta{})
				must(err)
				for _, e := range g.Edges {
					if e.Kind == graph.EdgeEscalation && e.From == dev && e.To == role && e.Technique == "ec2-001" {
						return true
					}
				}
				return false
			}
			if escalates() {
				t.Fatal("ec2-001 without an instance profile")
			}
			_, err = svc.CreateInstanceProfile(ctx, root, iam.CreateInstanceProfileInput{InstanceProfileName: "admin-box", Path: "/ec2/"}, iam.Meta{})
			must(err)
			must(svc.AddRoleToInstanceProfile(ctx, root, "admin-box", "ec2-admin", iam.Meta{}))
			if !escalates() {
				t.Fatal("no ec2-001 escalation once the role is in an instance profile")
			}

			a, err := svc.Snapshot(ctx, root, "", iam.Meta{})
			must(err)
			doc, err := a.AuthorizationDetails()
			must(err)
			var d struct {
				RoleDetailList []struct {
					RoleName            string
					InstanceProfileList []struct {
						InstanceProfileName, Path, Arn string
						Roles                          []struct{ RoleName, Arn string }
					}
				}
			}
			must(json.Unmarshal(doc, &d))
			found := false
			for _, r := range d.RoleDetailList {
				if r.RoleName != "ec2-admin" {
					continue
				}
				found = len(r.InstanceProfileList) == 1 && r.InstanceProfileList[0].InstanceProfileName == "admin-box" &&
					r.InstanceProfileList[0].Arn == "arn:aws:iam::"+root.AccountID+":instance-profile/ec2/admin-box" &&
					len(r.InstanceProfileList[0].Roles) == 1 && r.InstanceProfileList[0].Roles[0].Arn == role
			}
			if !found {
				t.Errorf("the export does not list the profile under its role:\n%s", doc)
			}

			must(svc.RemoveRoleFromInstanceProfile(ctx, root, "admin-box", "ec2-admin", iam.Meta{}))
			if escalates() {
				t.Fatal("ec2-001 still there after the role left its instance profile")
			}
		})
	}
}

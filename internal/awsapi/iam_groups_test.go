package awsapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestGroups(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		g := must[*iamsdk.CreateGroupOutput](t)(e.iam.CreateGroup(e.ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("devs"), Path: aws.String("/eng/")})).Group
		if aws.ToString(g.GroupName) != "devs" || aws.ToString(g.Path) != "/eng/" || !strings.HasPrefix(aws.ToString(g.GroupId), "AGPA") ||
			aws.ToString(g.Arn) != "arn:aws:iam::"+e.acct.ID+":group/eng/devs" || g.CreateDate == nil {
			t.Errorf("CreateGroup = %+v", g)
		}
		_, err := e.iam.CreateGroup(e.ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("Devs")})
		wantCode(t, err, "EntityAlreadyExists")

		for _, u := range []string{"ann", "ben", "cat"} {
			_, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String(u)})
			ok(t, err)
			_, err = e.iam.AddUserToGroup(e.ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String(u)})
			ok(t, err)
		}
		_, err = e.iam.AddUserToGroup(e.ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("nobody")})
		wantCode(t, err, "NoSuchEntity")

		got := must[*iamsdk.GetGroupOutput](t)(e.iam.GetGroup(e.ctx, &iamsdk.GetGroupInput{GroupName: aws.String("devs"), MaxItems: aws.Int32(2)}))
		if aws.ToString(got.Group.GroupId) != aws.ToString(g.GroupId) || len(got.Users) != 2 || !got.IsTruncated || aws.ToString(got.Marker) == "" {
			t.Fatalf("GetGroup page 1 = %+v users %d truncated %v", got.Group, len(got.Users), got.IsTruncated)
		}
		rest := must[*iamsdk.GetGroupOutput](t)(e.iam.GetGroup(e.ctx, &iamsdk.GetGroupInput{GroupName: aws.String("devs"), Marker: got.Marker}))
		if len(rest.Users) != 1 || aws.ToString(rest.Users[0].UserName) != "cat" || rest.IsTruncated {
			t.Errorf("GetGroup page 2 = %+v", rest.Users)
		}

		fu := must[*iamsdk.ListGroupsForUserOutput](t)(e.iam.ListGroupsForUser(e.ctx, &iamsdk.ListGroupsForUserInput{UserName: aws.String("ben")}))
		if len(fu.Groups) != 1 || aws.ToString(fu.Groups[0].GroupName) != "devs" {
			t.Errorf("ListGroupsForUser = %+v", fu.Groups)
		}
		lg := must[*iamsdk.ListGroupsOutput](t)(e.iam.ListGroups(e.ctx, &iamsdk.ListGroupsInput{PathPrefix: aws.String("/eng")}))
		if len(lg.Groups) != 1 || lg.IsTruncated {
			t.Errorf("ListGroups = %+v", lg.Groups)
		}

		_, err = e.iam.DeleteGroup(e.ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("devs")})
		var conflict *types.DeleteConflictException
		if !asErr(err, &conflict) {
			t.Errorf("DeleteGroup with members = %v, want DeleteConflictException", err)
		}
		_, err = e.iam.UpdateGroup(e.ctx, &iamsdk.UpdateGroupInput{GroupName: aws.String("devs"), NewGroupName: aws.String("builders"), NewPath: aws.String("/")})
		ok(t, err)
		got = must[*iamsdk.GetGroupOutput](t)(e.iam.GetGroup(e.ctx, &iamsdk.GetGroupInput{GroupName: aws.String("builders")}))
		if aws.ToString(got.Group.Arn) != "arn:aws:iam::"+e.acct.ID+":group/builders" || len(got.Users) != 3 {
			t.Errorf("after UpdateGroup = %+v, %d users", got.Group, len(got.Users))
		}
		for _, u := range []string{"ann", "ben", "cat"} {
			_, err := e.iam.RemoveUserFromGroup(e.ctx, &iamsdk.RemoveUserFromGroupInput{GroupName: aws.String("builders"), UserName: aws.String(u)})
			ok(t, err)
		}
		_, err = e.iam.RemoveUserFromGroup(e.ctx, &iamsdk.RemoveUserFromGroupInput{GroupName: aws.String("builders"), UserName: aws.String("ann")})
		wantCode(t, err, "NoSuchEntity")
		_, err = e.iam.DeleteGroup(e.ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("builders")})
		ok(t, err)
		_, err = e.iam.GetGroup(e.ctx, &iamsdk.GetGroupInput{GroupName: aws.String("builders")})
		var nse *types.NoSuchEntityException
		if !asErr(err, &nse) {
			t.Errorf("GetGroup after delete = %v", err)
		}
	})
}

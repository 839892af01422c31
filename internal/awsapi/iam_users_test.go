package awsapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestUsers(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		before := time.Now().Add(-time.Minute)
		out, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/eng/"),
			PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"),
			Tags:                []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}})
		ok(t, err)
		u := out.User
		if aws.ToString(u.UserName) != "alice" || aws.ToString(u.Path) != "/eng/" || !strings.HasPrefix(aws.ToString(u.UserId), "AIDA") ||
			aws.ToString(u.Arn) != "arn:aws:iam::"+e.acct.ID+":user/eng/alice" || u.CreateDate == nil || u.CreateDate.Before(before) {
			t.Errorf("CreateUser = %+v", u)
		}
		if u.PermissionsBoundary == nil || aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn) != "arn:aws:iam::aws:policy/ReadOnlyAccess" ||
			u.PermissionsBoundary.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
			t.Errorf("CreateUser boundary = %+v", aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn))
		}
		if len(u.Tags) != 1 || aws.ToString(u.Tags[0].Key) != "team" || aws.ToString(u.Tags[0].Value) != "red" {
			t.Errorf("CreateUser tags = %+v", u.Tags)
		}

		got := must[*iamsdk.GetUserOutput](t)(e.iam.GetUser(e.ctx, &iamsdk.GetUserInput{UserName: aws.String("alice")}))
		if aws.ToString(got.User.UserId) != aws.ToString(u.UserId) || len(got.User.Tags) != 1 || got.User.PermissionsBoundary == nil {
			t.Errorf("GetUser = %+v", got.User)
		}
		self := must[*iamsdk.GetUserOutput](t)(e.iam.GetUser(e.ctx, &iamsdk.GetUserInput{}))
		if aws.ToString(self.User.UserName) != "admin" {
			t.Errorf("GetUser without a name = %s, want the caller", aws.ToString(self.User.UserName))
		}

		_, err = e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("ALICE")})
		var exists *types.EntityAlreadyExistsException
		if !asErr(err, &exists) {
			t.Errorf("CreateUser of a taken name = %v, want EntityAlreadyExistsException", err)
		}
		_, err = e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("bad name!")})
		wantCode(t, err, "ValidationError")

		list := must[*iamsdk.ListUsersOutput](t)(e.iam.ListUsers(e.ctx, &iamsdk.ListUsersInput{PathPrefix: aws.String("/eng/")}))
		if len(list.Users) != 1 || aws.ToString(list.Users[0].UserName) != "alice" || list.IsTruncated || list.Users[0].Tags != nil {
			t.Errorf("ListUsers /eng/ = %+v", list)
		}

		_, err = e.iam.UpdateUser(e.ctx, &iamsdk.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alice2"), NewPath: aws.String("/ops/")})
		ok(t, err)
		got = must[*iamsdk.GetUserOutput](t)(e.iam.GetUser(e.ctx, &iamsdk.GetUserInput{UserName: aws.String("alice2")}))
		if aws.ToString(got.User.Arn) != "arn:aws:iam::"+e.acct.ID+":user/ops/alice2" || aws.ToString(got.User.UserId) != aws.ToString(u.UserId) {
			t.Errorf("after UpdateUser = %+v", got.User)
		}

		_, err = e.iam.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("alice2")})
		ok(t, err)
		_, err = e.iam.GetUser(e.ctx, &iamsdk.GetUserInput{UserName: aws.String("alice2")})
		var nse *types.NoSuchEntityException
		if !asErr(err, &nse) {
			t.Errorf("GetUser of a deleted user = %v, want NoSuchEntityException", err)
		}
		_, err = e.iam.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("alice2")})
		wantCode(t, err, "NoSuchEntity")
	})
}

func TestListUsersPaginated(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		for i := range 25 {
			_, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String(fmt.Sprintf("user-%02d", i))})
			ok(t, err)
		}
		pg := iamsdk.NewListUsersPaginator(e.iam, &iamsdk.ListUsersInput{MaxItems: aws.Int32(10)})
		var names []string
		pages := 0
		for pg.HasMorePages() {
			p, err := pg.NextPage(e.ctx)
			ok(t, err)
			pages++
			if len(p.Users) > 10 {
				t.Fatalf("page of %d users with MaxItems 10", len(p.Users))
			}
			if p.IsTruncated != (aws.ToString(p.Marker) != "") {
				t.Errorf("IsTruncated %v with Marker %q", p.IsTruncated, aws.ToString(p.Marker))
			}
			for _, u := range p.Users {
				names = append(names, aws.ToString(u.UserName))
			}
		}
		if pages != 3 || len(names) != 26 || names[0] != "admin" || names[25] != "user-24" {
			t.Errorf("paged ListUsers: %d pages, %d users: %v", pages, len(names), names)
		}
		_, err := e.iam.ListUsers(e.ctx, &iamsdk.ListUsersInput{MaxItems: aws.Int32(0)})
		wantCode(t, err, "ValidationError")
	})
}

// TestReadOnlyUserCannotWrite: IAMReadOnlyAccess reads, and its writes are
// AccessDenied (403) whatever the action.
func TestReadOnlyUserCannotWrite(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		k, s := e.user("auditor", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
		ro := e.iamClient(k, s, "")
		_, err := ro.ListUsers(e.ctx, &iamsdk.ListUsersInput{})
		ok(t, err)
		_, err = ro.GetUser(e.ctx, &iamsdk.GetUserInput{UserName: aws.String("admin")})
		ok(t, err)
		_, err = ro.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("mallory")})
		wantCode(t, err, "AccessDenied")
		_, err = ro.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("admin")})
		wantCode(t, err, "AccessDenied")
		_, err = e.iam.GetUser(e.ctx, &iamsdk.GetUserInput{UserName: aws.String("mallory")})
		wantCode(t, err, "NoSuchEntity")
	})
}

package awsapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestAccessKeys(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		_, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("bob")})
		ok(t, err)
		k1 := must[*iamsdk.CreateAccessKeyOutput](t)(e.iam.CreateAccessKey(e.ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("bob")})).AccessKey
		id, secret := aws.ToString(k1.AccessKeyId), aws.ToString(k1.SecretAccessKey)
		if len(id) != 20 || !strings.HasPrefix(id, "AKIA") || len(secret) != 40 || k1.Status != types.StatusTypeActive ||
			aws.ToString(k1.UserName) != "bob" || k1.CreateDate == nil {
			t.Fatalf("CreateAccessKey = %+v", k1)
		}
		// Never used yet: N/A, as AWS answers.
		lu := must[*iamsdk.GetAccessKeyLastUsedOutput](t)(e.iam.GetAccessKeyLastUsed(e.ctx, &iamsdk.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)}))
		if aws.ToString(lu.UserName) != "bob" || lu.AccessKeyLastUsed == nil || aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "N/A" ||
			aws.ToString(lu.AccessKeyLastUsed.Region) != "N/A" || lu.AccessKeyLastUsed.LastUsedDate != nil {
			t.Errorf("GetAccessKeyLastUsed before use = %+v", lu.AccessKeyLastUsed)
		}
		bob := e.stsClient(id, secret, "")
		who := must[*stssdk.GetCallerIdentityOutput](t)(bob.GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{}))
		if aws.ToString(who.Arn) != e.userARN("bob") {
			t.Errorf("bob's key signs as %s", aws.ToString(who.Arn))
		}
		lu = must[*iamsdk.GetAccessKeyLastUsedOutput](t)(e.iam.GetAccessKeyLastUsed(e.ctx, &iamsdk.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)}))
		if aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "sts" || aws.ToString(lu.AccessKeyLastUsed.Region) != "us-east-1" ||
			lu.AccessKeyLastUsed.LastUsedDate == nil {
			t.Errorf("GetAccessKeyLastUsed after use = %+v", lu.AccessKeyLastUsed)
		}

		_, err = e.iam.CreateAccessKey(e.ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("bob")})
		ok(t, err)
		_, err = e.iam.CreateAccessKey(e.ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("bob")})
		var limit *types.LimitExceededException
		if !asErr(err, &limit) {
			t.Errorf("third access key = %v, want LimitExceededException", err)
		}
		keys := must[*iamsdk.ListAccessKeysOutput](t)(e.iam.ListAccessKeys(e.ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String("bob")}))
		if len(keys.AccessKeyMetadata) != 2 || keys.IsTruncated {
			t.Fatalf("ListAccessKeys = %+v", keys.AccessKeyMetadata)
		}
		for _, k := range keys.AccessKeyMetadata {
			if aws.ToString(k.UserName) != "bob" || k.Status != types.StatusTypeActive || k.CreateDate == nil {
				t.Errorf("key metadata = %+v", k)
			}
		}
		own := must[*iamsdk.ListAccessKeysOutput](t)(e.iam.ListAccessKeys(e.ctx, &iamsdk.ListAccessKeysInput{}))
		if len(own.AccessKeyMetadata) != 1 || aws.ToString(own.AccessKeyMetadata[0].AccessKeyId) != e.adminKey {
			t.Errorf("ListAccessKeys without a user = %+v, want the caller's", own.AccessKeyMetadata)
		}

		_, err = e.iam.UpdateAccessKey(e.ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: aws.String(id), Status: types.StatusTypeInactive})
		ok(t, err)
		_, err = bob.GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{})
		wantCode(t, err, "InvalidClientTokenId")

		_, err = e.iam.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("bob")})
		var conflict *types.DeleteConflictException
		if !asErr(err, &conflict) {
			t.Errorf("DeleteUser with keys = %v, want DeleteConflictException", err)
		}
		for _, k := range keys.AccessKeyMetadata {
			_, err = e.iam.DeleteAccessKey(e.ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: k.AccessKeyId})
			ok(t, err)
		}
		_, err = e.iam.DeleteAccessKey(e.ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: aws.String(id)})
		wantCode(t, err, "NoSuchEntity")
		_, err = e.iam.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("bob")})
		ok(t, err)
	})
}

func TestLoginProfiles(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		const pw1, pw2 = "first long passphrase of mine", "second long passphrase of mine"
		k, s := e.user("bob", "arn:aws:iam::aws:policy/IAMUserChangePassword")
		lp := must[*iamsdk.CreateLoginProfileOutput](t)(e.iam.CreateLoginProfile(e.ctx, &iamsdk.CreateLoginProfileInput{
			UserName: aws.String("bob"), Password: aws.String(pw1), PasswordResetRequired: true})).LoginProfile
		if aws.ToString(lp.UserName) != "bob" || !lp.PasswordResetRequired || lp.CreateDate == nil {
			t.Errorf("CreateLoginProfile = %+v", lp)
		}
		_, err := e.iam.CreateLoginProfile(e.ctx, &iamsdk.CreateLoginProfileInput{UserName: aws.String("bob"), Password: aws.String(pw1)})
		wantCode(t, err, "EntityAlreadyExists")
		_, err = e.iam.UpdateLoginProfile(e.ctx, &iamsdk.UpdateLoginProfileInput{UserName: aws.String("bob"), PasswordResetRequired: aws.Bool(false)})
		ok(t, err)
		got := must[*iamsdk.GetLoginProfileOutput](t)(e.iam.GetLoginProfile(e.ctx, &iamsdk.GetLoginProfileInput{UserName: aws.String("bob")}))
		if got.LoginProfile.PasswordResetRequired {
			t.Errorf("after UpdateLoginProfile = %+v", got.LoginProfile)
		}
		_, err = e.iam.UpdateLoginProfile(e.ctx, &iamsdk.UpdateLoginProfileInput{UserName: aws.String("bob"), Password: aws.String("short")})
		if c := apiCode(err); c != "PasswordPolicyViolation" && c != "ValidationError" {
			t.Errorf("short password = %v", err)
		}

		bob := e.iamClient(k, s, "")
		_, err = bob.ChangePassword(e.ctx, &iamsdk.ChangePasswordInput{OldPassword: aws.String(pw1), NewPassword: aws.String(pw2)})
		ok(t, err)
		_, err = bob.ChangePassword(e.ctx, &iamsdk.ChangePasswordInput{OldPassword: aws.String(pw1), NewPassword: aws.String(pw2 + "x")})
		if err == nil {
			t.Error("ChangePassword with a stale old password succeeded")
		}
		_, err = e.iam.ChangePassword(e.ctx, &iamsdk.ChangePasswordInput{OldPassword: aws.String(pw1), NewPassword: aws.String(pw2)})
		wantCode(t, err, "NoSuchEntity") // admin has no login profile

		_, err = e.iam.DeleteLoginProfile(e.ctx, &iamsdk.DeleteLoginProfileInput{UserName: aws.String("bob")})
		ok(t, err)
		_, err = e.iam.GetLoginProfile(e.ctx, &iamsdk.GetLoginProfileInput{UserName: aws.String("bob")})
		wantCode(t, err, "NoSuchEntity")
	})
}

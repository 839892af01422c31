package awsapi_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// TestAWSErrorWords: each entity kind's NoSuchEntity, EntityAlreadyExists,
// DeleteConflict, LimitExceeded, ValidationError and InvalidInput, through
// aws-sdk-go-v2, with AWS's code, HTTP status and message. Each case names
// where AWS's words come from: an error AWS answered, quoted in a public
// issue; the API reference; or an emulator whose tests are recorded against
// AWS (localstack's snapshots). moto's words are used only where they agree.
func TestAWSErrorWords(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := e.ctx
		c := e.iam
		acct := e.acct.ID
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		pARN := "arn:aws:iam::" + acct + ":policy/p"
		step := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("fixture %s: %v", what, err)
			}
		}
		// Fixtures: one user, group and role per conflict to show.
		for _, u := range []string{"alice", "bob", "carol", "dave", "erin"} {
			_, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String(u)})
			step("user "+u, err)
		}
		_, err := c.CreateLoginProfile(ctx, &iamsdk.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-Battery-9")})
		step("login profile", err)
		_, err = c.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
		step("policy", err)
		_, err = c.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String(pARN)})
		step("attach bob", err)
		_, err = c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("carol"), PolicyName: aws.String("i"), PolicyDocument: aws.String(doc)})
		step("inline carol", err)
		for _, g := range []string{"devs", "g-attached", "g-inline"} {
			_, err = c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String(g)})
			step("group "+g, err)
		}
		_, err = c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{UserName: aws.String("dave"), GroupName: aws.String("devs")})
		step("dave in devs", err)
		_, err = c.AttachGroupPolicy(ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("g-attached"), PolicyArn: aws.String(pARN)})
		step("attach group", err)
		_, err = c.PutGroupPolicy(ctx, &iamsdk.PutGroupPolicyInput{GroupName: aws.String("g-inline"), PolicyName: aws.String("i"), PolicyDocument: aws.String(doc)})
		step("inline group", err)
		for _, k := range []string{"1", "2"} {
			_, err = c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("erin")})
			step("erin's key "+k, err)
		}
		for _, r := range []string{"r", "r-inline"} {
			_, err = c.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String(r), AssumeRolePolicyDocument: aws.String(trust)})
			step("role "+r, err)
		}
		_, err = c.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(pARN)})
		step("attach role", err)
		_, err = c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("r-inline"), PolicyName: aws.String("i"), PolicyDocument: aws.String(doc)})
		step("inline role", err)
		for range 4 {
			_, err = c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(pARN), PolicyDocument: aws.String(doc)})
			step("policy version", err)
		}
		_, err = c.CreateInstanceProfile(ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip")})
		step("instance profile", err)
		_, err = c.AddRoleToInstanceProfile(ctx, &iamsdk.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ip"), RoleName: aws.String("r")})
		step("role in profile", err)
		// Ten AWS managed policies on the role fill its quota (one is p).
		for _, n := range []string{"ReadOnlyAccess", "IAMReadOnlyAccess", "AmazonS3ReadOnlyAccess", "AmazonEC2ReadOnlyAccess",
			"AWSLambda_ReadOnlyAccess", "AmazonSQSReadOnlyAccess", "AmazonSNSReadOnlyAccess", "AmazonDynamoDBReadOnlyAccess", "CloudWatchReadOnlyAccess"} {
			_, err = c.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/" + n)})
			step("attach "+n, err)
		}

		long := func(n int) string { return strings.Repeat("a", n) }
		tags := func(kv ...string) []types.Tag {
			var ts []types.Tag
			for i := 0; i+1 < len(kv); i += 2 {
				ts = append(ts, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
			}
			return ts
		}
		many := make([]string, 0, 102)
		for i := range 51 {
			many = append(many, "k"+strconv.Itoa(i), "v")
		}
		cases := []struct {
			name   string
			call   func(context.Context) error
			code   string
			status int
			msg    string // exact, or a prefix when it ends with "…"
		}{
			// Users. NoSuchEntity: hashicorp/terraform-provider-aws issues quote
			// "The user with name X cannot be found."; localstack's snapshots.
			{"user not found", func(ctx context.Context) error {
				_, err := c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("nobody")})
				return err
			}, "NoSuchEntity", 404, "The user with name nobody cannot be found."},
			{"user exists", func(ctx context.Context) error {
				_, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("alice")})
				return err
			}, "EntityAlreadyExists", 409, "User with name alice already exists."},
			// bosonprotocol/reference-backend#113, hashicorp/vault#1031: AWS's answer.
			{"user name too long", func(ctx context.Context) error {
				_, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String(long(65))})
				return err
			}, "ValidationError", 400, "1 validation error detected: Value '" + long(65) + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
			// The pattern as the API reference gives it (userNameType).
			{"user name pattern", func(ctx context.Context) error {
				_, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("a b")})
				return err
			}, "ValidationError", 400, `1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
			// Several violations are one answer, joined by "; ".
			{"user name and path", func(ctx context.Context) error {
				_, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("a b"), Path: aws.String("nopath")})
				return err
			}, "ValidationError", 400, `2 validation errors detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; ` +
				`Value 'nopath' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
			{"rename and move", func(ctx context.Context) error {
				_, err := c.UpdateUser(ctx, &iamsdk.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("a b"), NewPath: aws.String("x")})
				return err
			}, "ValidationError", 400, `2 validation errors detected: Value 'a b' at 'newUserName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; ` +
				`Value 'x' at 'newPath' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
			{"list path prefix", func(ctx context.Context) error {
				_, err := c.ListUsers(ctx, &iamsdk.ListUsersInput{PathPrefix: aws.String("x")})
				return err
			}, "ValidationError", 400, `1 validation error detected: Value 'x' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`},
			// DeleteConflict: mozilla-services/userplex#17 (a user in a group),
			// localstack's snapshots for the others.
			{"user with login profile", func(ctx context.Context) error {
				_, err := c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("alice")})
				return err
			}, "DeleteConflict", 409, "Cannot delete entity, must delete login profile first."},
			{"user with attached policy", func(ctx context.Context) error {
				_, err := c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("bob")})
				return err
			}, "DeleteConflict", 409, "Cannot delete entity, must detach all policies first."},
			{"user with inline policy", func(ctx context.Context) error {
				_, err := c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("carol")})
				return err
			}, "DeleteConflict", 409, "Cannot delete entity, must delete policies first."},
			{"user in a group", func(ctx context.Context) error {
				_, err := c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("dave")})
				return err
			}, "DeleteConflict", 409, "Cannot delete entity, must remove users from group first."},
			{"user with access keys", func(ctx context.Context) error {
				_, err := c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("erin")})
				return err
			}, "DeleteConflict", 409, "Cannot delete entity, must delete access keys first."},
			// IAM quotas page: two access keys per user; AWS's quota wording.
			{"third access key", func(ctx context.Context) error {
				_, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("erin")})
				return err
			}, "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2"},
			{"access key not found", func(ctx context.Context) error {
				_, err := c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("erin"), AccessKeyId: aws.String("AKIAAAAAAAAAAAAAAAAA")})
				return err
			}, "NoSuchEntity", 404, "The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found."},
			// Login profiles.
			{"login profile not found", func(ctx context.Context) error {
				_, err := c.GetLoginProfile(ctx, &iamsdk.GetLoginProfileInput{UserName: aws.String("bob")})
				return err
			}, "NoSuchEntity", 404, "Login Profile for User bob cannot be found."},
			{"login profile exists", func(ctx context.Context) error {
				_, err := c.CreateLoginProfile(ctx, &iamsdk.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-Battery-9")})
				return err
			}, "EntityAlreadyExists", 409, "Login Profile for user alice already exists."},
			// Groups: go-to-k/delstack#40 and hashicorp/terraform#29147 quote
			// AWS's DeleteConflict.
			{"group not found", func(ctx context.Context) error {
				_, err := c.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: aws.String("nope")})
				return err
			}, "NoSuchEntity", 404, "The group with name nope cannot be found."},
			{"group exists", func(ctx context.Context) error {
				_, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("devs")})
				return err
			}, "EntityAlreadyExists", 409, "Group with name devs already exists."},
			{"group with members", func(ctx context.Context) error {
				_, err := c.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("devs")})
				return err
			}, "DeleteConflict", 409, "Cannot delete entity, must remove users from group first."},
			{"group with attached policy", func(ctx context.Context) error {
				_, err := c.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("g-attached")})
				return err
			}, "DeleteConflict", 409, "Cannot delete entity, must detach all policies first."},
			{"group with inline policy", func(ctx context.Context) error {
				_, err := c.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("g-inline")})
				return err
			}, "DeleteConflict", 409, "Cannot delete entity, must delete policies first."},
			{"group name too long", func(ctx context.Context) error {
				_, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String(long(129))})
				return err
			}, "ValidationError", 400, "1 validation error detected: Value '" + long(129) + "' at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128"},
			// Roles: NixOS/nixops#328 (AWS's XML) for the name length.
			{"role not found", func(ctx context.Context) error {
				_, err := c.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("nope")})
				return err
			}, "NoSuchEntity", 404, "The role with name nope cannot be found."},
			{"role exists", func(ctx context.Context) error {
				_, err := c.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)})
				return err
			}, "EntityAlreadyExists", 409, "Role with name r already exists."},
			{"role name too long", func(ctx context.Context) error {
				_, err := c.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String(long(65)), AssumeRolePolicyDocument: aws.String(trust)})
				return err
			}, "ValidationError", 400, "1 validation error detected: Value '" + long(65) + "' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"},
			{"role with attached policy", func(ctx context.Context) error {
				_, err := c.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("r")})
				return err
			}, "DeleteConflict", 409, "Cannot delete entity, must detach all policies first."},
			{"role with inline policy", func(ctx context.Context) error {
				_, err := c.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("r-inline")})
				return err
			}, "DeleteConflict", 409, "Cannot delete entity, must delete policies first."},
			{"eleventh role policy", func(ctx context.Context) error {
				_, err := c.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess")})
				return err
			}, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerRole: 10"},
			// Managed policies: localstack's snapshots for not-found and the
			// version quota; the API reference (DeletePolicy, DeletePolicyVersion).
			{"policy not found", func(ctx context.Context) error {
				_, err := c.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + acct + ":policy/nope")})
				return err
			}, "NoSuchEntity", 404, "Policy arn:aws:iam::" + acct + ":policy/nope was not found."},
			{"attach missing policy", func(ctx context.Context) error {
				_, err := c.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String("arn:aws:iam::" + acct + ":policy/nope")})
				return err
			}, "NoSuchEntity", 404, "Policy arn:aws:iam::" + acct + ":policy/nope does not exist or is not attachable."},
			{"policy version not found", func(ctx context.Context) error {
				_, err := c.GetPolicyVersion(ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(pARN), VersionId: aws.String("v9")})
				return err
			}, "NoSuchEntity", 404, "Policy " + pARN + " version v9 does not exist or is not attachable."},
			{"policy exists", func(ctx context.Context) error {
				_, err := c.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
				return err
			}, "EntityAlreadyExists", 409, "A policy called p already exists. Duplicate names are not allowed."},
			{"policy attached", func(ctx context.Context) error {
				_, err := c.DeletePolicy(ctx, &iamsdk.DeletePolicyInput{PolicyArn: aws.String(pARN)})
				return err
			}, "DeleteConflict", 409, "Cannot delete a policy attached to entities."},
			{"sixth policy version", func(ctx context.Context) error {
				_, err := c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(pARN), PolicyDocument: aws.String(doc)})
				return err
			}, "LimitExceeded", 409, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."},
			{"default version", func(ctx context.Context) error {
				_, err := c.DeletePolicyVersion(ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: aws.String(pARN), VersionId: aws.String("v1")})
				return err
			}, "DeleteConflict", 409, "Cannot delete the default version of a policy."},
			{"policy too large", func(ctx context.Context) error {
				big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::` + long(6200) + `"}]}`
				_, err := c.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
				return err
			}, "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144"},
			// Inline policies.
			{"user policy not found", func(ctx context.Context) error {
				_, err := c.GetUserPolicy(ctx, &iamsdk.GetUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("nope")})
				return err
			}, "NoSuchEntity", 404, "The user policy with name nope cannot be found."},
			{"role policy not found", func(ctx context.Context) error {
				_, err := c.GetRolePolicy(ctx, &iamsdk.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("nope")})
				return err
			}, "NoSuchEntity", 404, "The role policy with name nope cannot be found."},
			// AWS's inline quota wording (the user policy size quota).
			{"user policy too large", func(ctx context.Context) error {
				big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::` + long(2100) + `"}]}`
				_, err := c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
				return err
			}, "LimitExceeded", 409, "Maximum policy size of 2048 bytes exceeded for user bob"},
			{"inline policy name", func(ctx context.Context) error {
				_, err := c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("no/slash"), PolicyDocument: aws.String(doc)})
				return err
			}, "ValidationError", 400, `1 validation error detected: Value 'no/slash' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
			// Instance profiles: localstack's snapshots.
			{"instance profile not found", func(ctx context.Context) error {
				_, err := c.GetInstanceProfile(ctx, &iamsdk.GetInstanceProfileInput{InstanceProfileName: aws.String("nope")})
				return err
			}, "NoSuchEntity", 404, "Instance Profile nope cannot be found."},
			{"instance profile exists", func(ctx context.Context) error {
				_, err := c.CreateInstanceProfile(ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip")})
				return err
			}, "EntityAlreadyExists", 409, "Instance Profile ip already exists."},
			{"instance profile with role", func(ctx context.Context) error {
				_, err := c.DeleteInstanceProfile(ctx, &iamsdk.DeleteInstanceProfileInput{InstanceProfileName: aws.String("ip")})
				return err
			}, "DeleteConflict", 409, "Cannot delete entity, must remove roles from instance profile first."},
			// Tags: the model's constraints (tagKeyType 1–128, tagValueType
			// 0–256, tagListType at most 50) in AWS's validation form.
			{"tag key too long", func(ctx context.Context) error {
				_, err := c.TagUser(ctx, &iamsdk.TagUserInput{UserName: aws.String("bob"), Tags: tags(long(129), "v")})
				return err
			}, "ValidationError", 400, "1 validation error detected: Value '" + long(129) + "' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"},
			{"tag value too long", func(ctx context.Context) error {
				_, err := c.TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("r"), Tags: tags("ok", "v", "k", long(257))})
				return err
			}, "ValidationError", 400, "1 validation error detected: Value '" + long(257) + "' at 'tags.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"},
			{"tag key pattern", func(ctx context.Context) error {
				_, err := c.TagPolicy(ctx, &iamsdk.TagPolicyInput{PolicyArn: aws.String(pARN), Tags: tags("a#b", "v")})
				return err
			}, "ValidationError", 400, `1 validation error detected: Value 'a#b' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
			{"51 tags", func(ctx context.Context) error {
				_, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("tagged"), Tags: tags(many...)})
				return err
			}, "ValidationError", 400, "1 validation error detected: Value '[{Key: k0,Value: v}, {Key: k1,Value: v}…"},
			// github-aws-runners/terraform-aws-github-runner#1346 quotes AWS.
			{"duplicate tag keys", func(ctx context.Context) error {
				_, err := c.TagUser(ctx, &iamsdk.TagUserInput{UserName: aws.String("bob"), Tags: tags("Env", "a", "env", "b")})
				return err
			}, "InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
			{"reserved tag prefix", func(ctx context.Context) error {
				_, err := c.TagUser(ctx, &iamsdk.TagUserInput{UserName: aws.String("bob"), Tags: tags("aws:x", "a")})
				return err
			}, "ValidationError", 400, "Tag keys beginning with aws: are reserved for AWS use."},
			// Password policy: the API reference's ranges; several at once.
			{"password policy not set", func(ctx context.Context) error {
				_, err := c.GetAccountPasswordPolicy(ctx, &iamsdk.GetAccountPasswordPolicyInput{})
				return err
			}, "NoSuchEntity", 404, "The Password Policy with domain name " + acct + " cannot be found."},
			{"password policy ranges", func(ctx context.Context) error {
				_, err := c.UpdateAccountPasswordPolicy(ctx, &iamsdk.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(129),
					MaxPasswordAge: aws.Int32(1096), PasswordReusePrevention: aws.Int32(25)})
				return err
			}, "ValidationError", 400, "3 validation errors detected: " +
				"Value '129' at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal to 128; " +
				"Value '25' at 'passwordReusePrevention' failed to satisfy constraint: Member must have value less than or equal to 24; " +
				"Value '1096' at 'maxPasswordAge' failed to satisfy constraint: Member must have value less than or equal to 1095"},
		}
		for _, tc := range cases {
			err := tc.call(ctx)
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Errorf("%s: error = %v, want %s", tc.name, err, tc.code)
				continue
			}
			if ae.ErrorCode() != tc.code {
				t.Errorf("%s: code = %s (%s), want %s", tc.name, ae.ErrorCode(), ae.ErrorMessage(), tc.code)
			}
			var re *awshttp.ResponseError
			if !errors.As(err, &re) || re.HTTPStatusCode() != tc.status {
				t.Errorf("%s: status is not %d: %v", tc.name, tc.status, err)
			}
			if prefix, ok := strings.CutSuffix(tc.msg, "…"); ok {
				if !strings.HasPrefix(ae.ErrorMessage(), prefix) {
					t.Errorf("%s: message =\n  %s\nwant it to begin\n  %s", tc.name, ae.ErrorMessage(), prefix)
				}
			} else if ae.ErrorMessage() != tc.msg {
				t.Errorf("%s: message =\n  %s\nwant\n  %s", tc.name, ae.ErrorMessage(), tc.msg)
			}
		}
	})
}

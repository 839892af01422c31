package awsapi_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// seedRole makes a role with a trust policy and managed policies, through
// the operations with the operator's authority.
func (e *env) seedRole(name, trust string, policyARNs ...string) string {
	e.t.Helper()
	r, err := e.svc.CreateRole(e.ctx, nil, iam.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: trust}, iam.Meta{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, arn := range policyARNs {
		if err := e.svc.AttachPolicy(e.ctx, nil, iam.RoleNamed(name), arn, iam.Meta{}); err != nil {
			e.t.Fatal(err)
		}
	}
	return r.Arn
}

// seedInline gives a user an inline policy.
func (e *env) seedInline(userName, policyName, doc string) {
	e.t.Helper()
	if _, err := e.svc.PutInlinePolicy(e.ctx, nil, iam.UserNamed(userName), policyName, doc, iam.Meta{}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) userARN(name string) string { return "arn:aws:iam::" + e.acct.ID + ":user/" + name }

func trustFor(principalARN, condition string) string {
	if condition != "" {
		condition = `,"Condition":` + condition
	}
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":%q},"Action":"sts:AssumeRole"%s}]}`,
		principalARN, condition)
}

const allowAssume = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`

func TestGetCallerIdentity(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		out := must[*stssdk.GetCallerIdentityOutput](t)(e.sts.GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{}))
		if aws.ToString(out.Arn) != e.userARN("admin") || aws.ToString(out.Account) != e.acct.ID || !strings.HasPrefix(aws.ToString(out.UserId), "AIDA") {
			t.Errorf("GetCallerIdentity = %s %s %s", aws.ToString(out.Arn), aws.ToString(out.Account), aws.ToString(out.UserId))
		}
	})
}

func TestAssumeRole(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		devKey, devSecret := e.user("dev")
		e.seedInline("dev", "assume", allowAssume)
		dev := e.stsClient(devKey, devSecret, "")
		admin := e.seedRole("admin-role", trustFor(e.userARN("dev"), ""), "arn:aws:iam::aws:policy/AdministratorAccess")
		other := e.seedRole("other-role", trustFor("arn:aws:iam::111122223333:user/someone-else", ""))
		ext := e.seedRole("ext-role", trustFor(e.userARN("dev"), `{"StringEquals":{"sts:ExternalId":"xyz-123"}}`))

		out, err := dev.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(admin), RoleSessionName: aws.String("s1")})
		ok(t, err)
		wantARN := "arn:aws:sts::" + e.acct.ID + ":assumed-role/admin-role/s1"
		if aws.ToString(out.AssumedRoleUser.Arn) != wantARN || !strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") ||
			aws.ToString(out.Credentials.SessionToken) == "" || out.Credentials.Expiration.Before(time.Now()) {
			t.Fatalf("AssumeRole = %+v %+v", out.AssumedRoleUser, out.Credentials)
		}
		c := out.Credentials
		tmp := e.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
		id := must[*stssdk.GetCallerIdentityOutput](t)(tmp.GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{}))
		if aws.ToString(id.Arn) != wantARN {
			t.Errorf("caller with role credentials = %s, want %s", aws.ToString(id.Arn), wantARN)
		}
		// The role's own permissions apply: AdministratorAccess may write.
		roleIAM := e.iamClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
		_, err = roleIAM.UpdateAccountPasswordPolicy(e.ctx, &iamsdk.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(12)})
		ok(t, err)

		t.Run("missing or wrong session token", func(t *testing.T) {
			for _, tok := range []string{"", "wrong-token"} {
				bad := e.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), tok)
				_, err := bad.GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{})
				wantCode(t, err, "InvalidClientTokenId")
			}
		})
		t.Run("trust does not allow", func(t *testing.T) {
			_, err := dev.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(other), RoleSessionName: aws.String("sess")})
			wantCode(t, err, "AccessDenied")
		})
		t.Run("trust names the account: identity allow needed", func(t *testing.T) {
			k, s := e.user("nobody")
			trusting := e.seedRole("trusts-account", trustFor("arn:aws:iam::"+e.acct.ID+":root", ""))
			_, err := e.stsClient(k, s, "").AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(trusting), RoleSessionName: aws.String("sess")})
			wantCode(t, err, "AccessDenied")
			_, err = dev.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(trusting), RoleSessionName: aws.String("sess")})
			ok(t, err)
		})
		t.Run("duration below 900", func(t *testing.T) {
			_, err := dev.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(admin), RoleSessionName: aws.String("sess"), DurationSeconds: aws.Int32(899)})
			wantCode(t, err, "ValidationError")
		})
		t.Run("external id", func(t *testing.T) {
			_, err := dev.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(ext), RoleSessionName: aws.String("sess")})
			wantCode(t, err, "AccessDenied")
			_, err = dev.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(ext), RoleSessionName: aws.String("sess"), ExternalId: aws.String("wrong")})
			wantCode(t, err, "AccessDenied")
			_, err = dev.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(ext), RoleSessionName: aws.String("sess"), ExternalId: aws.String("xyz-123")})
			ok(t, err)
		})
		t.Run("session policy narrows", func(t *testing.T) {
			ro := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}`
			out, err := dev.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(admin), RoleSessionName: aws.String("ro"), Policy: aws.String(ro)})
			ok(t, err)
			if out.PackedPolicySize == nil {
				t.Error("PackedPolicySize missing with a session policy")
			}
			c := out.Credentials
			cl := e.iamClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
			_, err = cl.GetAccountPasswordPolicy(e.ctx, &iamsdk.GetAccountPasswordPolicyInput{})
			ok(t, err)
			_, err = cl.UpdateAccountPasswordPolicy(e.ctx, &iamsdk.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(20)})
			wantCode(t, err, "AccessDenied")
		})
	})
}

func TestGetSessionToken(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		out := must[*stssdk.GetSessionTokenOutput](t)(e.sts.GetSessionToken(e.ctx, &stssdk.GetSessionTokenInput{DurationSeconds: aws.Int32(900)}))
		c := out.Credentials
		if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || aws.ToString(c.SessionToken) == "" {
			t.Fatalf("GetSessionToken = %+v", c)
		}
		if d := time.Until(aws.ToTime(c.Expiration)); d < 14*time.Minute || d > 16*time.Minute {
			t.Errorf("expiration in %v, want 15m", d)
		}
		tmp := e.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
		id := must[*stssdk.GetCallerIdentityOutput](t)(tmp.GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{}))
		if aws.ToString(id.Arn) != e.userARN("admin") {
			t.Errorf("session caller = %s", aws.ToString(id.Arn))
		}
		_, err := e.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), "").GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{})
		wantCode(t, err, "InvalidClientTokenId")
	})
}

// assumeVia assumes roleARN with the admin's credentials and returns an IAM
// client signing with the role session's.
func assumeVia(t *testing.T, e *env, roleARN string) *iamsdk.Client {
	t.Helper()
	out, err := e.sts.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("test")})
	ok(t, err)
	c := out.Credentials
	return e.iamClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
}

// TestMFAThroughSTS: a trust policy requiring MFA refuses a plain
// AssumeRole and accepts one with SerialNumber and TokenCode; GetSessionToken
// with a code gives a session with MFA present.
func TestMFAThroughSTS(t *testing.T) {
	e := sqlite(t)
	serial, code := e.enrollMFA("admin", "phone")
	role := e.seedRole("mfa-role", trustFor(e.userARN("admin"), `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`))
	_, err := e.sts.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("nomfa")})
	wantCode(t, err, "AccessDenied")
	// The code enrollment used is spent; the next step's is fresh.
	_, err = e.sts.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("mfa"),
		SerialNumber: aws.String(serial), TokenCode: aws.String(code(time.Now().Add(30 * time.Second)))})
	ok(t, err)
	_, err = e.sts.GetSessionToken(e.ctx, &stssdk.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String("000000")})
	if err == nil {
		t.Error("GetSessionToken with a wrong code succeeded")
	}
}

// TestMFADeviceOfAnotherUser: an MFA code proves the caller's own device
// only. Another user's serial, even with that device's right code, is
// refused: with long-term keys and with GetSessionToken's session keys
// alike, and the device's code is not spent.
func TestMFADeviceOfAnotherUser(t *testing.T) {
	e := sqlite(t)
	e.user("alice", "arn:aws:iam::aws:policy/IAMFullAccess")
	aliceSerial, aliceCode := e.enrollMFA("alice", "alice-phone")
	bobID, bobSecret := e.user("bob")
	e.seedInline("bob", "assume", allowAssume)
	role := e.seedRole("mfa-role", trustFor(e.userARN("bob"), `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`))
	bob := e.stsClient(bobID, bobSecret, "")
	sess := must[*stssdk.GetSessionTokenOutput](t)(bob.GetSessionToken(e.ctx, &stssdk.GetSessionTokenInput{}))
	c := sess.Credentials
	bobSession := e.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	next := aliceCode(time.Now().Add(30 * time.Second))
	for _, tc := range []struct {
		name   string
		client *stssdk.Client
	}{{"long-term key", bob}, {"session key", bobSession}} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.client.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("borrowed-mfa"),
				SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(next)})
			wantCode(t, err, "AccessDenied")
		})
	}
	// Alice's code was not spent on bob's attempts.
	u := must[*iam.User](t)(e.svc.GetUser(e.ctx, nil, "alice", iam.Meta{}))
	alice := &iam.Principal{AccountID: e.acct.ID, Type: iam.TypeUser, Name: "alice", ID: u.UserId, ARN: u.Arn}
	_, err := e.svc.GetSessionToken(e.ctx, alice, iam.GetSessionTokenInput{SerialNumber: aliceSerial, TokenCode: next}, iam.Meta{})
	ok(t, err)
}

// TestSessionTokenAfterRename: GetSessionToken's credentials act as their
// user under its current ARN. After a rename the old ARN may be another
// user's, whom a role's trust policy names: the renamed user's session
// must not pass for them.
func TestSessionTokenAfterRename(t *testing.T) {
	e := sqlite(t)
	id, secret := e.user("alice")
	e.seedInline("alice", "assume", allowAssume)
	sess := must[*stssdk.GetSessionTokenOutput](t)(e.stsClient(id, secret, "").GetSessionToken(e.ctx, &stssdk.GetSessionTokenInput{}))
	c := sess.Credentials
	client := e.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	if _, err := e.svc.UpdateUser(e.ctx, nil, iam.UpdateUserInput{UserName: "alice", NewUserName: "alicia"}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	e.user("alice") // a new user takes the name
	role := e.seedRole("alices-role", trustFor(e.userARN("alice"), ""))

	out := must[*stssdk.GetCallerIdentityOutput](t)(client.GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{}))
	if aws.ToString(out.Arn) != e.userARN("alicia") {
		t.Errorf("the session is %s, want %s", aws.ToString(out.Arn), e.userARN("alicia"))
	}
	_, err := client.AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("old-name")})
	wantCode(t, err, "AccessDenied")
}

// TestGetAccessKeyInfo: the account of a user's key and of a session's,
// whoever asks with sts:GetAccessKeyInfo; bad and unknown IDs refused; a
// caller without the permission refused.
func TestGetAccessKeyInfo(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		devKey, devSecret := e.user("dev")
		sess := must[*stssdk.GetSessionTokenOutput](t)(e.sts.GetSessionToken(e.ctx, &stssdk.GetSessionTokenInput{}))
		for _, id := range []string{devKey, aws.ToString(sess.Credentials.AccessKeyId)} {
			out := must[*stssdk.GetAccessKeyInfoOutput](t)(e.sts.GetAccessKeyInfo(e.ctx, &stssdk.GetAccessKeyInfoInput{AccessKeyId: aws.String(id)}))
			if aws.ToString(out.Account) != e.acct.ID {
				t.Errorf("account of %s: %s, want %s", id, aws.ToString(out.Account), e.acct.ID)
			}
		}
		for _, c := range []struct{ id, code string }{
			{"short", "ValidationError"},
			{"AKIA-NOT-A-KEY-ID!", "ValidationError"},
			{"AKIAZZZZZZZZZZZZZZZZ", "NoSuchEntity"},
		} {
			_, err := e.sts.GetAccessKeyInfo(e.ctx, &stssdk.GetAccessKeyInfoInput{AccessKeyId: aws.String(c.id)})
			wantCode(t, err, c.code)
		}
		dev := e.stsClient(devKey, devSecret, "")
		_, err := dev.GetAccessKeyInfo(e.ctx, &stssdk.GetAccessKeyInfoInput{AccessKeyId: aws.String(devKey)})
		wantCode(t, err, "AccessDenied")
	})
}

// TestKeptTemporaryCredentialsExpire: temporary credentials are kept by the
// server after their first use (their row never changes), and still stop
// working at their Expiration.
func TestKeptTemporaryCredentialsExpire(t *testing.T) {
	var ahead atomic.Int64 // how far the server's clock runs ahead
	e := newEnv(t, dbtest.Backend{Name: "sqlite", DSN: dbtest.SQLite}, func(c *iam.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	})
	devKey, devSecret := e.user("dev")
	e.seedInline("dev", "assume", allowAssume)
	role := e.seedRole("short-role", trustFor(e.userARN("dev"), ""))
	// The server 14 minutes behind (within SigV4's 15 of the client's
	// signatures): the 15-minute credentials end a minute from now.
	ahead.Store(int64(-14 * time.Minute))
	out, err := e.stsClient(devKey, devSecret, "").AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(role),
		RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(900)})
	ok(t, err)
	c := out.Credentials
	tmp := e.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	for range 3 {
		_, err := tmp.GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{})
		ok(t, err)
	}
	ahead.Store(int64(2 * time.Minute))
	_, err = tmp.GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{})
	wantCode(t, err, "ExpiredToken")
}

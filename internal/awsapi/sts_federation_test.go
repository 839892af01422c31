package awsapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/iamconsole/console/internal/auth/sigv4"
	"github.com/iamconsole/console/internal/iam"
)

// federationPolicy lets a user federate and use S3: what a federated user
// of it may do is this, narrowed by the session policy.
const federationPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"sts:GetFederationToken","Resource":"*"},
 {"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`

const readObjects = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","iam:ListUsers"],"Resource":"*"}]}`

// principalOf is the caller the console sees behind temporary credentials.
func (e *env) principalOf(c *ststypes.Credentials) *iam.Principal {
	e.t.Helper()
	p, err := e.svc.APIPrincipal(e.ctx, &sigv4.Result{AccessKeyID: aws.ToString(c.AccessKeyId), Service: "sts", Region: "us-east-1"}, iam.Meta{})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) allowed(p *iam.Principal, action, resource string) bool {
	e.t.Helper()
	ok, err := e.svc.Allowed(e.ctx, p, iam.Meta{}, action, resource)
	if err != nil {
		e.t.Fatal(err)
	}
	return ok
}

func TestGetFederationToken(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		k, s := e.user("broker")
		e.seedInline("broker", "federate", federationPolicy)
		broker := e.stsClient(k, s, "")

		out, err := broker.GetFederationToken(e.ctx, &stssdk.GetFederationTokenInput{Name: aws.String("bob@example.com"),
			Policy: aws.String(readObjects), DurationSeconds: aws.Int32(900),
			Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
		ok(t, err)
		wantARN := "arn:aws:sts::" + e.acct.ID + ":federated-user/bob@example.com"
		if aws.ToString(out.FederatedUser.Arn) != wantARN || aws.ToString(out.FederatedUser.FederatedUserId) != e.acct.ID+":bob@example.com" ||
			out.PackedPolicySize == nil || !strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") {
			t.Fatalf("GetFederationToken = %+v %+v %v", out.FederatedUser, out.Credentials, out.PackedPolicySize)
		}
		c := out.Credentials
		fed := e.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
		id := must[*stssdk.GetCallerIdentityOutput](t)(fed.GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{}))
		if aws.ToString(id.Arn) != wantARN || aws.ToString(id.UserId) != e.acct.ID+":bob@example.com" {
			t.Errorf("federated caller = %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId))
		}

		t.Run("permissions are the user's narrowed by the session policy", func(t *testing.T) {
			p := e.principalOf(c)
			if p.Type != iam.TypeFederatedUser || p.Tags["team"] != "blue" {
				t.Errorf("principal = %s tags %v", p.Type, p.Tags)
			}
			if !e.allowed(p, "s3:GetObject", "arn:aws:s3:::b/k") {
				t.Error("s3:GetObject refused: both the user and the session policy allow it")
			}
			if e.allowed(p, "s3:PutObject", "arn:aws:s3:::b/k") {
				t.Error("s3:PutObject allowed: the session policy does not allow it")
			}
			if e.allowed(p, "iam:ListUsers", "*") {
				t.Error("iam:ListUsers allowed: the user's policies do not allow it")
			}
		})
		t.Run("no session policy: no permissions", func(t *testing.T) {
			bare := must[*stssdk.GetFederationTokenOutput](t)(broker.GetFederationToken(e.ctx, &stssdk.GetFederationTokenInput{Name: aws.String("carol")}))
			if bare.PackedPolicySize != nil {
				t.Errorf("PackedPolicySize = %d without session policies", *bare.PackedPolicySize)
			}
			if e.allowed(e.principalOf(bare.Credentials), "s3:GetObject", "arn:aws:s3:::b/k") {
				t.Error("a federated user without a session policy may act")
			}
		})
		t.Run("federated users call no IAM and no STS but GetCallerIdentity", func(t *testing.T) {
			_, err := e.iamClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)).
				ListUsers(e.ctx, &iamsdk.ListUsersInput{})
			wantCode(t, err, "InvalidClientTokenId")
			_, err = fed.GetSessionToken(e.ctx, &stssdk.GetSessionTokenInput{})
			wantCode(t, err, "AccessDenied")
			_, err = fed.GetFederationToken(e.ctx, &stssdk.GetFederationTokenInput{Name: aws.String("again")})
			wantCode(t, err, "AccessDenied")
		})
		t.Run("session credentials cannot federate", func(t *testing.T) {
			sess := must[*stssdk.GetSessionTokenOutput](t)(broker.GetSessionToken(e.ctx, &stssdk.GetSessionTokenInput{}))
			sc := sess.Credentials
			_, err := e.stsClient(aws.ToString(sc.AccessKeyId), aws.ToString(sc.SecretAccessKey), aws.ToString(sc.SessionToken)).
				GetFederationToken(e.ctx, &stssdk.GetFederationTokenInput{Name: aws.String("dave")})
			wantCode(t, err, "AccessDenied")
			contains(t, "message", err.Error(), "Cannot call GetFederationToken with session credentials")
		})
		t.Run("validation", func(t *testing.T) {
			for _, in := range []*stssdk.GetFederationTokenInput{
				{Name: aws.String("a")},
				{Name: aws.String(strings.Repeat("n", 33))},
				{Name: aws.String("has space")},
				{Name: aws.String("bob"), DurationSeconds: aws.Int32(899)},
				{Name: aws.String("bob"), DurationSeconds: aws.Int32(129601)},
			} {
				_, err := broker.GetFederationToken(e.ctx, in)
				wantCode(t, err, "ValidationError")
			}
			_, err := broker.GetFederationToken(e.ctx, &stssdk.GetFederationTokenInput{Name: aws.String("bob"), Policy: aws.String(`{"Statement":`)})
			wantCode(t, err, "MalformedPolicyDocument")
		})
		t.Run("the caller needs sts:GetFederationToken", func(t *testing.T) {
			k, s := e.user("plain")
			_, err := e.stsClient(k, s, "").GetFederationToken(e.ctx, &stssdk.GetFederationTokenInput{Name: aws.String("eve")})
			wantCode(t, err, "AccessDenied")
		})
	})
}

// TestDecodeAuthorizationMessage: an AccessDenied the engine decided
// carries AWS's "Encoded authorization failure message", which
// DecodeAuthorizationMessage turns back into the engine's explanation, for
// callers allowed sts:DecodeAuthorizationMessage; a message changed by one
// character does not decode.
func TestDecodeAuthorizationMessage(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		k, s := e.user("weak")
		e.seedInline("weak", "deny-users", `{"Version":"2012-10-17","Statement":[
 {"Sid":"NoUsers","Effect":"Deny","Action":"iam:CreateUser","Resource":"*"},
 {"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`)
		weak := e.iamClient(k, s, "")
		_, err := weak.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("x")})
		wantCode(t, err, "AccessDenied")
		const marker = "Encoded authorization failure message: "
		_, enc, found := strings.Cut(err.Error(), marker)
		if !found {
			t.Fatalf("AccessDenied without an encoded message: %v", err)
		}
		enc = strings.TrimSpace(enc)

		out := must[*stssdk.DecodeAuthorizationMessageOutput](t)(e.sts.DecodeAuthorizationMessage(e.ctx,
			&stssdk.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(enc)}))
		var doc struct {
			Allowed           bool
			ExplicitDeny      bool
			MatchedStatements struct {
				Items []struct{ StatementID, Effect string }
			}
			Context struct {
				Principal  struct{ ID, Name, ARN string }
				Action     string
				Resource   string
				Conditions struct{ Items []struct{ Key string } }
			}
		}
		if err := json.Unmarshal([]byte(aws.ToString(out.DecodedMessage)), &doc); err != nil {
			t.Fatalf("decoded message %q: %v", aws.ToString(out.DecodedMessage), err)
		}
		if doc.Allowed || !doc.ExplicitDeny || len(doc.MatchedStatements.Items) != 1 || doc.MatchedStatements.Items[0].StatementID != "NoUsers" ||
			doc.MatchedStatements.Items[0].Effect != "DENY" || doc.Context.Action != "iam:CreateUser" ||
			doc.Context.Principal.ARN != e.userARN("weak") || doc.Context.Principal.Name != "weak" || len(doc.Context.Conditions.Items) == 0 {
			t.Errorf("decoded = %s", aws.ToString(out.DecodedMessage))
		}

		t.Run("forged or damaged", func(t *testing.T) {
			bad := []byte(enc)
			if bad[10] == 'A' {
				bad[10] = 'B'
			} else {
				bad[10] = 'A'
			}
			for _, m := range []string{string(bad), "not-a-message"} {
				_, err := e.sts.DecodeAuthorizationMessage(e.ctx, &stssdk.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(m)})
				wantCode(t, err, "InvalidAuthorizationMessageException")
			}
		})
		t.Run("the caller needs sts:DecodeAuthorizationMessage", func(t *testing.T) {
			_, err := e.stsClient(k, s, "").DecodeAuthorizationMessage(e.ctx, &stssdk.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(enc)})
			wantCode(t, err, "AccessDenied")
		})
	})
}

// TestGetFederationTokenCLI: the aws command line's get-federation-token
// reads our answer.
func TestGetFederationTokenCLI(t *testing.T) {
	e := sqlite(t)
	var out struct {
		Credentials   struct{ AccessKeyId, SessionToken string }
		FederatedUser struct{ FederatedUserId, Arn string }
	}
	e.awsCLI(t, &out, "sts", "get-federation-token", "--name", "cli-user", "--policy", readObjects)
	if out.FederatedUser.Arn != "arn:aws:sts::"+e.acct.ID+":federated-user/cli-user" || !strings.HasPrefix(out.Credentials.AccessKeyId, "ASIA") {
		t.Errorf("aws sts get-federation-token = %+v", out)
	}
}

package awsapi_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

const githubHost = "token.actions.githubusercontent.com"

// githubTrust is the trust policy AWS's documentation gives for GitHub
// Actions, unchanged: the provider as Federated principal, aud and a
// StringLike on sub.
func githubTrust(acct, repo string, more ...string) string {
	actions := `"sts:AssumeRoleWithWebIdentity"`
	for _, a := range more {
		actions += `,"` + a + `"`
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Federated":"arn:aws:iam::` + acct + `:oidc-provider/token.actions.githubusercontent.com"},
 "Action":[` + actions + `],
 "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
  "StringLike":{"token.actions.githubusercontent.com:sub":"repo:` + repo + `:*"}}}]}`
}

// anonymousSTS is an STS client without credentials, as a CI job or a pod
// calls AssumeRoleWithWebIdentity.
func (e *env) anonymousSTS() *stssdk.Client {
	return stssdk.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, Retryer: transportRetry},
		func(o *stssdk.Options) { o.BaseEndpoint = aws.String(e.srv.URL + "/aws") })
}

// githubProvider registers is as the account's GitHub Actions provider,
// trusted by the thumbprint of its CA.
func (e *env) githubProvider(t *testing.T, is *testIssuer) string {
	t.Helper()
	out := must[*iamsdk.CreateOpenIDConnectProviderOutput](t)(e.iam.CreateOpenIDConnectProvider(e.ctx, &iamsdk.CreateOpenIDConnectProviderInput{
		Url: aws.String(is.url), ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{is.thumb}}))
	return aws.ToString(out.OpenIDConnectProviderArn)
}

// TestAssumeRoleWithWebIdentity is a GitHub Actions job getting a role's
// credentials with its OIDC token, through the real client, unsigned, and
// using them: GetCallerIdentity names the session, the session policy
// narrows the role's, and the audit log names the provider and subject.
func TestAssumeRoleWithWebIdentity(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			is := startIssuer(t, githubHost)
			e := newEnv(t, b, issuerNet{githubHost: is}.config(0))
			providerARN := e.githubProvider(t, is)
			roleARN := e.seedRole("deploy", githubTrust(e.acct.ID, "octo-org/octo-repo"), "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
			sts := e.anonymousSTS()

			out := must[*stssdk.AssumeRoleWithWebIdentityOutput](t)(sts.AssumeRoleWithWebIdentity(e.ctx, &stssdk.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String(roleARN), RoleSessionName: aws.String("gha-42"), WebIdentityToken: aws.String(is.token(is.claims())),
				DurationSeconds: aws.Int32(900), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}`)}))
			sessionARN := "arn:aws:sts::" + e.acct.ID + ":assumed-role/deploy/gha-42"
			cr := out.Credentials
			if aws.ToString(out.AssumedRoleUser.Arn) != sessionARN || !strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":gha-42") ||
				aws.ToString(out.SubjectFromWebIdentityToken) != "repo:octo-org/octo-repo:ref:refs/heads/main" ||
				aws.ToString(out.Provider) != is.url || aws.ToString(out.Audience) != "sts.amazonaws.com" ||
				out.PackedPolicySize == nil || cr == nil || !strings.HasPrefix(aws.ToString(cr.AccessKeyId), "ASIA") ||
				cr.Expiration == nil || cr.Expiration.Sub(time.Now()) > 901*time.Second || cr.Expiration.Sub(time.Now()) < 800*time.Second {
				t.Errorf("AssumeRoleWithWebIdentity = %+v %+v", out, out.AssumedRoleUser)
			}

			// The credentials work for signed calls.
			id := must[*stssdk.GetCallerIdentityOutput](t)(e.stsClient(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken)).
				GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{}))
			if aws.ToString(id.Arn) != sessionARN || aws.ToString(id.Account) != e.acct.ID {
				t.Errorf("GetCallerIdentity = %s", aws.ToString(id.Arn))
			}
			// The session policy intersects the role's: GetRole only.
			sc := e.iamClient(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
			ok(t, err2(sc.GetRole(e.ctx, &iamsdk.GetRoleInput{RoleName: aws.String("deploy")})))
			_, err := sc.ListUsers(e.ctx, &iamsdk.ListUsersInput{})
			wantCode(t, err, "AccessDenied")

			// Another repository's job is refused by the trust policy.
			other := is.claims()
			other["sub"] = "repo:evil-org/octo-repo:ref:refs/heads/main"
			_, err = sts.AssumeRoleWithWebIdentity(e.ctx, &stssdk.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleARN),
				RoleSessionName: aws.String("gha-43"), WebIdentityToken: aws.String(is.token(other))})
			wantError(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
			// So is a role that does not exist, in the same words.
			_, err = sts.AssumeRoleWithWebIdentity(e.ctx, &stssdk.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::" + e.acct.ID + ":role/nope"),
				RoleSessionName: aws.String("gha-44"), WebIdentityToken: aws.String(is.token(is.claims()))})
			wantError(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
			// DurationSeconds stays within the role's maximum.
			_, err = sts.AssumeRoleWithWebIdentity(e.ctx, &stssdk.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleARN),
				RoleSessionName: aws.String("gha-45"), WebIdentityToken: aws.String(is.token(is.claims())), DurationSeconds: aws.Int32(7200)})
			wantError(t, err, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")

			// The audit log names the provider and the subject, for the
			// grant and for the refusal.
			evs, err := e.store.ListAudit(e.ctx, e.acct.ID, models.AuditFilter{EventName: "AssumeRoleWithWebIdentity", PrincipalARN: providerARN, Oldest: true})
			if err != nil || len(evs) < 2 {
				t.Fatalf("audit = %d events, %v", len(evs), err)
			}
			if evs[0].Result == evs[1].Result || !strings.Contains(evs[0].RequestParameters, `"subject":"repo:octo-org/octo-repo:ref:refs/heads/main"`) ||
				!strings.Contains(evs[1].RequestParameters, "evil-org") || strings.Contains(evs[0].RequestParameters, "eyJ") {
				t.Errorf("audit = %+v", evs[:2])
			}
		})
	}
}

var sqliteBackend = dbtest.Backend{Name: "sqlite", DSN: dbtest.SQLite}

// publicKeyPEM is the issuer's RSA public key as PEM: what an HS256
// forgery uses as its "secret".
func publicKeyPEM(t *testing.T, is *testIssuer) []byte {
	der, err := x509.MarshalPKIXPublicKey(&is.rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func apiMessage(err error) string {
	var ae smithy.APIError
	if asErr(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// TestWebIdentitySessionTags: the token's https://aws.amazon.com/tags
// claim becomes the session's tags (aws:PrincipalTag in its later calls)
// when the trust policy allows sts:TagSession, and is refused otherwise;
// the source identity claim likewise with sts:SetSourceIdentity.
func TestWebIdentitySessionTags(t *testing.T) {
	is := startIssuer(t, githubHost)
	e := newEnv(t, sqliteBackend, issuerNet{githubHost: is}.config(0))
	e.githubProvider(t, is)
	untagged := e.seedRole("plain", githubTrust(e.acct.ID, "octo-org/*"))
	tagged := e.seedRole("tagged", githubTrust(e.acct.ID, "octo-org/*", "sts:TagSession", "sts:SetSourceIdentity"))
	_, err := e.svc.PutInlinePolicy(e.ctx, nil, iam.RoleNamed("tagged"), "by-tag", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"ci"}}}]}`, iam.Meta{})
	ok(t, err)
	claims := is.claims()
	claims["https://aws.amazon.com/tags"] = map[string]any{"principal_tags": map[string]any{"team": []string{"ci"}}, "transitive_tag_keys": []string{"team"}}
	claims["https://aws.amazon.com/source_identity"] = "octocat"
	sts := e.anonymousSTS()
	_, err = sts.AssumeRoleWithWebIdentity(e.ctx, &stssdk.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(untagged),
		RoleSessionName: aws.String("s1"), WebIdentityToken: aws.String(is.token(claims))})
	wantError(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	out := must[*stssdk.AssumeRoleWithWebIdentityOutput](t)(sts.AssumeRoleWithWebIdentity(e.ctx, &stssdk.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(tagged), RoleSessionName: aws.String("s2"), WebIdentityToken: aws.String(is.token(claims))}))
	if aws.ToString(out.SourceIdentity) != "octocat" {
		t.Errorf("SourceIdentity = %q", aws.ToString(out.SourceIdentity))
	}
	cr := out.Credentials
	sc := e.iamClient(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
	ok(t, err2(sc.ListUsers(e.ctx, &iamsdk.ListUsersInput{})))

	// Role chaining passes on the transitive tag and the source identity.
	next := e.seedRole("next", trustFor(tagged, ""))
	_, err = e.svc.PutInlinePolicy(e.ctx, nil, iam.RoleNamed("tagged"), "chain", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":"sts:AssumeRole","Resource":"`+next+`"}]}`, iam.Meta{})
	ok(t, err)
	_, err = e.svc.PutInlinePolicy(e.ctx, nil, iam.RoleNamed("next"), "by-tag", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"ci","aws:SourceIdentity":"octocat"}}}]}`, iam.Meta{})
	ok(t, err)
	chained := must[*stssdk.AssumeRoleOutput](t)(e.stsClient(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken)).
		AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(next), RoleSessionName: aws.String("chained")})).Credentials
	nc := e.iamClient(aws.ToString(chained.AccessKeyId), aws.ToString(chained.SecretAccessKey), aws.ToString(chained.SessionToken))
	ok(t, err2(nc.ListUsers(e.ctx, &iamsdk.ListUsersInput{})))

	// Tags AWS would refuse are a rejected claim.
	bad := is.claims()
	bad["https://aws.amazon.com/tags"] = map[string]any{"principal_tags": map[string]any{"aws:team": []string{"ci"}}}
	_, err = sts.AssumeRoleWithWebIdentity(e.ctx, &stssdk.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(tagged),
		RoleSessionName: aws.String("s4"), WebIdentityToken: aws.String(is.token(bad))})
	wantError(t, err, "IDPRejectedClaim", "The session tags in the web identity token are not valid: Tag keys beginning with aws: are reserved for AWS use.")

	// Without the tag, the same role's session may not list users.
	delete(claims, "https://aws.amazon.com/tags")
	out = must[*stssdk.AssumeRoleWithWebIdentityOutput](t)(sts.AssumeRoleWithWebIdentity(e.ctx, &stssdk.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(tagged), RoleSessionName: aws.String("s3"), WebIdentityToken: aws.String(is.token(claims))}))
	cr = out.Credentials
	sc = e.iamClient(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
	_, err = sc.ListUsers(e.ctx, &iamsdk.ListUsersInput{})
	wantCode(t, err, "AccessDenied")
}

// TestWebIdentityTokenRejected: every bad token is refused with AWS's code,
// nothing is issued, and the refusal is audited.
func TestWebIdentityTokenRejected(t *testing.T) {
	is := startIssuer(t, githubHost)
	untrusted := startIssuer(t, "untrusted.example")
	nw := issuerNet{githubHost: is, "untrusted.example": untrusted}
	e := newEnv(t, sqliteBackend, nw.config(0))
	e.githubProvider(t, is)
	// A provider whose thumbprint is not its CA's, and one that cannot be reached.
	for _, u := range []string{untrusted.url, "https://down.example"} {
		_, err := e.iam.CreateOpenIDConnectProvider(e.ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String(u),
			ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{strings.Repeat("0", 40)}})
		ok(t, err)
	}
	roleARN := e.seedRole("deploy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":[
		"arn:aws:iam::`+e.acct.ID+`:oidc-provider/token.actions.githubusercontent.com",
		"arn:aws:iam::`+e.acct.ID+`:oidc-provider/untrusted.example",
		"arn:aws:iam::`+e.acct.ID+`:oidc-provider/down.example"]},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)

	with := func(change func(c map[string]any)) map[string]any {
		c := is.claims()
		change(c)
		return c
	}
	other := startIssuer(t, "other.example") // keys the issuer never published
	b64 := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(is.claims())
	pubPEM := publicKeyPEM(t, is)
	const invalid = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."
	for _, tc := range []struct {
		name      string
		token     string
		code, msg string
	}{
		{"wrong iss", is.token(with(func(c map[string]any) { c["iss"] = "https://unknown.example" })),
			"InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://unknown.example"},
		{"iss differs in case", is.token(with(func(c map[string]any) { c["iss"] = "https://TOKEN.actions.githubusercontent.com" })),
			"InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://TOKEN.actions.githubusercontent.com"},
		{"wrong aud", is.token(with(func(c map[string]any) { c["aud"] = "someone-else" })), "InvalidIdentityToken", "Incorrect token audience"},
		{"no aud", is.token(with(func(c map[string]any) { delete(c, "aud") })), "InvalidIdentityToken", "Incorrect token audience"},
		{"expired", is.token(with(func(c map[string]any) { c["exp"] = time.Now().Add(-10 * time.Minute).Unix() })), "ExpiredTokenException", ""},
		{"no exp", is.token(with(func(c map[string]any) { delete(c, "exp") })), "InvalidIdentityToken", invalid},
		{"nbf ahead", is.token(with(func(c map[string]any) { c["nbf"] = time.Now().Add(10 * time.Minute).Unix() })), "InvalidIdentityToken", invalid},
		{"iat ahead", is.token(with(func(c map[string]any) { c["iat"] = time.Now().Add(10 * time.Minute).Unix() })), "InvalidIdentityToken", invalid},
		{"no sub", is.token(with(func(c map[string]any) { delete(c, "sub") })), "InvalidIdentityToken", invalid},
		{"alg none", b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64(payload) + ".", "InvalidIdentityToken", invalid},
		{"HS256 with the public key", signToken(t, jose.HS256, pubPEM, is.claims()), "InvalidIdentityToken", invalid},
		{"unknown kid", signToken(t, jose.RS256, jose.JSONWebKey{Key: other.rsaKey, KeyID: "rsa-9"}, is.claims()), "InvalidIdentityToken", invalid},
		{"wrong signature", signToken(t, jose.RS256, jose.JSONWebKey{Key: other.rsaKey, KeyID: "rsa-1"}, is.claims()), "InvalidIdentityToken", invalid},
		{"tampered payload", func() string {
			parts := strings.Split(is.token(is.claims()), ".")
			evil, _ := json.Marshal(with(func(c map[string]any) { c["sub"] = "repo:evil/x:ref:refs/heads/main" }))
			return parts[0] + "." + b64(evil) + "." + parts[2]
		}(), "InvalidIdentityToken", invalid},
		{"not a JWT", "abcd", "InvalidIdentityToken", invalid},
		{"oversized", strings.Repeat("a", 20001), "ValidationError",
			"1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000"},
		{"untrusted certificate", untrusted.token(with(func(c map[string]any) { c["iss"] = untrusted.url })),
			"InvalidIdentityToken", "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"},
		{"issuer unreachable", is.token(with(func(c map[string]any) { c["iss"] = "https://down.example" })), "IDPCommunicationError",
			"Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"},
		{"ES256 with the wrong curve key", signToken(t, jose.ES256, jose.JSONWebKey{Key: other.ecKey, KeyID: "ec-1"}, is.claims()), "InvalidIdentityToken", invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := e.store.CountAudit(e.ctx, e.acct.ID, models.AuditFilter{EventName: "AssumeRoleWithWebIdentity", Result: models.ResultFailure})
			out, err := e.anonymousSTS().AssumeRoleWithWebIdentity(e.ctx, &stssdk.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleARN),
				RoleSessionName: aws.String("bad"), WebIdentityToken: aws.String(tc.token)})
			if out != nil {
				t.Fatalf("issued credentials: %+v", out)
			}
			if tc.msg == "" {
				wantCode(t, err, tc.code)
				if !strings.HasPrefix(apiMessage(err), "Token expired: current date/time ") {
					t.Errorf("message = %q", apiMessage(err))
				}
			} else {
				wantError(t, err, tc.code, tc.msg)
			}
			if after, _ := e.store.CountAudit(e.ctx, e.acct.ID, models.AuditFilter{EventName: "AssumeRoleWithWebIdentity", Result: models.ResultFailure}); after != before+1 && (tc.code != "IDPCommunicationError" || after <= before) {
				// (the SDK retries IDPCommunicationError: one refusal per attempt)
				t.Errorf("refusals audited: %d -> %d", before, after)
			}
		})
	}
	// The SDK's own error type for the STS codes.
	_, err := e.anonymousSTS().AssumeRoleWithWebIdentity(e.ctx, &stssdk.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleARN),
		RoleSessionName: aws.String("bad"), WebIdentityToken: aws.String("abcd")})
	var iit *ststypes.InvalidIdentityTokenException
	if !asErr(err, &iit) {
		t.Errorf("error %T is not the SDK's InvalidIdentityTokenException", err)
	}
}

// TestWebIdentityKeyRotation: a token signed with a key the issuer
// published after the verifier read its keys is verified after one
// refetch; a stream of unknown key IDs fetches at most once per
// MinRefresh.
func TestWebIdentityKeyRotation(t *testing.T) {
	is := startIssuer(t, githubHost)
	e := newEnv(t, sqliteBackend, issuerNet{githubHost: is}.config(time.Hour))
	e.githubProvider(t, is)
	roleARN := e.seedRole("deploy", githubTrust(e.acct.ID, "octo-org/octo-repo"))
	sts := e.anonymousSTS()
	assume := func(tok string) error {
		_, err := sts.AssumeRoleWithWebIdentity(e.ctx, &stssdk.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleARN),
			RoleSessionName: aws.String("rotation"), WebIdentityToken: aws.String(tok)})
		return err
	}
	ok(t, assume(is.token(is.claims())))
	fetched := is.keyFetches.Load()
	for i := range 5 {
		tok := signToken(t, jose.RS256, jose.JSONWebKey{Key: is.rsaKey, KeyID: "forged-" + string(rune('a'+i))}, is.claims())
		wantCode(t, assume(tok), "InvalidIdentityToken")
	}
	if n := is.keyFetches.Load() - fetched; n > 1 {
		t.Errorf("unknown kids fetched the keys %d times, want at most 1", n)
	}

	// Without the wait, a rotated key is found by fetching again.
	e2 := newEnv(t, sqliteBackend, issuerNet{githubHost: is}.config(0))
	e2.githubProvider(t, is)
	roleARN = e2.seedRole("deploy", githubTrust(e2.acct.ID, "octo-org/octo-repo"))
	sts = e2.anonymousSTS()
	ok(t, assume(is.token(is.claims())))
	k := is.rotate("rsa-2")
	ok(t, assume(signToken(t, jose.RS256, jose.JSONWebKey{Key: k, KeyID: "rsa-2"}, is.claims())))
	// The old key is gone from the set: its tokens fail now.
	wantCode(t, assume(is.token(is.claims())), "InvalidIdentityToken")
}

// TestWebIdentityAWSCLI is the "done when": a CI job holding an
// OIDC token gets a role's credentials and uses them with the aws command
// line, both by calling assume-role-with-web-identity itself and through
// the CLI's own web identity credentials (AWS_ROLE_ARN and
// AWS_WEB_IDENTITY_TOKEN_FILE, as on a Kubernetes pod or in GitHub Actions).
func TestWebIdentityAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed: skipping the CLI smoke test")
	}
	is := startIssuer(t, githubHost)
	e := newEnv(t, sqliteBackend, issuerNet{githubHost: is}.config(0))
	var created struct{ OpenIDConnectProviderArn string }
	e.awsCLI(t, &created, "iam", "create-open-id-connect-provider", "--url", is.url, "--client-id-list", "sts.amazonaws.com",
		"--thumbprint-list", is.thumb)
	if created.OpenIDConnectProviderArn != "arn:aws:iam::"+e.acct.ID+":oidc-provider/"+githubHost {
		t.Fatalf("create-open-id-connect-provider = %+v", created)
	}
	roleARN := e.seedRole("deploy", githubTrust(e.acct.ID, "octo-org/octo-repo"))
	var out struct {
		Credentials                 struct{ AccessKeyId, SecretAccessKey, SessionToken string }
		SubjectFromWebIdentityToken string
		AssumedRoleUser             struct{ Arn string }
	}
	e.awsCLIEnv(t, &out, nil, "sts", "assume-role-with-web-identity", "--role-arn", roleARN, "--role-session-name", "cli",
		"--web-identity-token", is.token(is.claims()))
	sessionARN := "arn:aws:sts::" + e.acct.ID + ":assumed-role/deploy/cli"
	if out.AssumedRoleUser.Arn != sessionARN || out.SubjectFromWebIdentityToken != "repo:octo-org/octo-repo:ref:refs/heads/main" {
		t.Fatalf("assume-role-with-web-identity = %+v", out)
	}
	var id struct{ Arn string }
	e.awsCLIEnv(t, &id, []string{"AWS_ACCESS_KEY_ID=" + out.Credentials.AccessKeyId, "AWS_SECRET_ACCESS_KEY=" + out.Credentials.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + out.Credentials.SessionToken}, "sts", "get-caller-identity")
	if id.Arn != sessionARN {
		t.Errorf("get-caller-identity with the session = %s", id.Arn)
	}

	// The CLI's own web identity credentials, pointed at the console.
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(is.token(is.claims())), 0o600); err != nil {
		t.Fatal(err)
	}
	id.Arn = ""
	e.awsCLIEnv(t, &id, []string{"AWS_ROLE_ARN=" + roleARN, "AWS_WEB_IDENTITY_TOKEN_FILE=" + tokenFile, "AWS_ROLE_SESSION_NAME=pod",
		"AWS_ENDPOINT_URL_STS=" + e.srv.URL + "/aws"}, "sts", "get-caller-identity")
	if id.Arn != "arn:aws:sts::"+e.acct.ID+":assumed-role/deploy/pod" {
		t.Errorf("get-caller-identity with AWS_WEB_IDENTITY_TOKEN_FILE = %s", id.Arn)
	}
}

package awsapi_test

import (
	"crypto/sha1" //nolint:gosec // AWS's NameQualifier
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/beevik/etree"

	"github.com/iamconsole/console/internal/federation/saml/samltest"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
)

// samlEnv is a console with a SAML provider and a role that trusts it.
type samlEnv struct {
	*env
	idp                  *samltest.IdP
	providerARN, roleARN string
	anon                 *stssdk.Client // no credentials: AssumeRoleWithSAML is unsigned
	otherIdP             *samltest.IdP
	otherProvider        string
	plainRole            string // trusts the provider without sts:TagSession
}

const samlTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},
 "Action":["sts:AssumeRoleWithSAML","sts:TagSession","sts:SetSourceIdentity"],
 "Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml","saml:sub_type":"persistent"}}}]}`

// samlTrustPlain allows the role and nothing more: no session tags, no
// source identity.
const samlTrustPlain = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},"Action":"sts:AssumeRoleWithSAML"}]}`

func newSAMLEnv(t *testing.T, e *env) *samlEnv {
	t.Helper()
	s := &samlEnv{env: e, idp: mustIdP(t, "https://idp.example.com/saml"), otherIdP: mustIdP(t, "https://other.example.com/saml")}
	out := must[*iamsdk.CreateSAMLProviderOutput](t)(e.iam.CreateSAMLProvider(e.ctx, &iamsdk.CreateSAMLProviderInput{
		Name: aws.String("corp"), SAMLMetadataDocument: aws.String(s.idp.Metadata())}))
	s.providerARN = aws.ToString(out.SAMLProviderArn)
	out = must[*iamsdk.CreateSAMLProviderOutput](t)(e.iam.CreateSAMLProvider(e.ctx, &iamsdk.CreateSAMLProviderInput{
		Name: aws.String("other"), SAMLMetadataDocument: aws.String(s.otherIdP.Metadata())}))
	s.otherProvider = aws.ToString(out.SAMLProviderArn)
	s.roleARN = e.seedRole("saml-dev", fmt.Sprintf(samlTrust, s.providerARN), "arn:aws:iam::aws:policy/ReadOnlyAccess")
	s.plainRole = e.seedRole("saml-plain", fmt.Sprintf(samlTrustPlain, s.providerARN))
	s.anon = stssdk.NewFromConfig(aws.Config{Region: "us-east-1", Retryer: transportRetry},
		func(o *stssdk.Options) { o.BaseEndpoint = aws.String(e.srv.URL + "/aws") })
	return s
}

// attrs are the attributes an IdP sends AWS for the role.
func (s *samlEnv) attrs(roleValue string, extra ...samltest.Attr) []samltest.Attr {
	return append([]samltest.Attr{
		{Name: samltest.RoleAttr, Values: []string{"arn:aws:iam::" + s.acct.ID + ":role/other,arn:aws:iam::" + s.acct.ID + ":saml-provider/corp", roleValue}},
		{Name: samltest.RoleSessionNameAttr, Values: []string{"alice"}},
	}, extra...)
}

func (s *samlEnv) assume(assertion string, mod ...func(*stssdk.AssumeRoleWithSAMLInput)) (*stssdk.AssumeRoleWithSAMLOutput, error) {
	in := &stssdk.AssumeRoleWithSAMLInput{RoleArn: aws.String(s.roleARN), PrincipalArn: aws.String(s.providerARN), SAMLAssertion: aws.String(assertion)}
	for _, m := range mod {
		m(in)
	}
	return s.anon.AssumeRoleWithSAML(s.ctx, in)
}

func (s *samlEnv) response(t *testing.T, idp *samltest.IdP, a samltest.Assertion, edit func(*etree.Document)) string {
	t.Helper()
	doc, err := idp.Document(a, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(doc)
	}
	enc, err := samltest.Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

// TestAssumeRoleWithSAML signs a real assertion with the IdP's key, trades
// it for the role's credentials with an unsigned call, and uses them.
func TestAssumeRoleWithSAML(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		s := newSAMLEnv(t, e)
		// The pair in the provider-first order, as some IdPs send it.
		assertion := s.response(t, s.idp, samltest.Assertion{Subject: "alice@example.com", Attributes: s.attrs(s.providerARN+","+s.roleARN,
			samltest.Attr{Name: samltest.SourceIdentityAttr, Values: []string{"alice"}},
			samltest.Attr{Name: samltest.PrincipalTagPrefix + "team", Values: []string{"dev"}},
			samltest.Attr{Name: samltest.SessionDurationAttr, Values: []string{"1800"}})}, nil)
		out, err := s.assume(assertion)
		ok(t, err)
		sum := sha1.Sum([]byte(s.idp.EntityID + e.acct.ID + "/corp")) //nolint:gosec // AWS's definition
		wantARN := "arn:aws:sts::" + e.acct.ID + ":assumed-role/saml-dev/alice"
		if aws.ToString(out.AssumedRoleUser.Arn) != wantARN || !strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":alice") ||
			aws.ToString(out.Audience) != "https://signin.aws.amazon.com/saml" || aws.ToString(out.Issuer) != s.idp.EntityID ||
			aws.ToString(out.Subject) != "alice@example.com" || aws.ToString(out.SubjectType) != "persistent" ||
			aws.ToString(out.NameQualifier) != base64.StdEncoding.EncodeToString(sum[:]) || aws.ToString(out.SourceIdentity) != "alice" ||
			out.PackedPolicySize != nil {
			t.Errorf("AssumeRoleWithSAML = %+v %+v", out, out.AssumedRoleUser)
		}
		cr := out.Credentials
		if !strings.HasPrefix(aws.ToString(cr.AccessKeyId), "ASIA") || cr.Expiration == nil ||
			cr.Expiration.Sub(time.Now()) > 1800*time.Second+time.Minute || cr.Expiration.Sub(time.Now()) < 1700*time.Second {
			t.Errorf("credentials = %s, expire %v (want the SessionDuration attribute's 30 minutes)", aws.ToString(cr.AccessKeyId), cr.Expiration)
		}

		// The credentials sign later calls as the assumed role.
		who := must[*stssdk.GetCallerIdentityOutput](t)(e.stsClient(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey),
			aws.ToString(cr.SessionToken)).GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{}))
		if aws.ToString(who.Arn) != wantARN || aws.ToString(who.Account) != e.acct.ID {
			t.Errorf("GetCallerIdentity = %s", aws.ToString(who.Arn))
		}

		// Each assertion once.
		_, err = s.assume(assertion)
		wantError(t, err, "InvalidIdentityToken", "SAML assertion has already been used")

		// The federated identity is audited: provider, subject, session.
		evs, err := e.store.ListAudit(e.ctx, e.acct.ID, models.AuditFilter{EventName: "AssumeRoleWithSAML"})
		ok(t, err)
		var okEv *models.AuditEvent
		for i := range evs {
			if evs[i].Result == models.ResultSuccess {
				okEv = &evs[i]
			}
		}
		if len(evs) != 2 || okEv == nil || okEv.PrincipalARN != s.providerARN || okEv.Resource != s.roleARN {
			t.Fatalf("audit = %+v", evs)
		}
		var params map[string]any
		ok(t, json.Unmarshal([]byte(okEv.RequestParameters), &params))
		if params["subject"] != "alice@example.com" || params["roleSessionName"] != "alice" || params["accessKeyId"] != aws.ToString(cr.AccessKeyId) {
			t.Errorf("audit parameters = %v", params)
		}

		// A session policy narrows it, and PackedPolicySize says so.
		out, err = s.assume(s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(s.roleARN + "," + s.providerARN)}, nil),
			func(in *stssdk.AssumeRoleWithSAMLInput) {
				in.Policy = aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}`)
				in.DurationSeconds = aws.Int32(900)
			})
		ok(t, err)
		if out.PackedPolicySize == nil {
			t.Errorf("PackedPolicySize missing")
		}
	})
}

// TestAssumeRoleWithSAMLRejects: each forged, stale, replayed or
// misdirected assertion is refused with AWS's code, and nothing issued.
func TestAssumeRoleWithSAMLRejects(t *testing.T) {
	e := sqlite(t)
	s := newSAMLEnv(t, e)
	pair := s.roleARN + "," + s.providerARN
	replayed := s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(pair)}, nil)
	if _, err := s.assume(replayed); err != nil {
		t.Fatal(err)
	}
	evilSubject := func(el *etree.Element) { el.FindElement(".//NameID").SetText("admin@example.com") }
	// A role whose trust tests the saml:* keys AWS sets.
	keysRole := e.seedRole("saml-keys", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},
	 "Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"saml:iss":%q,"saml:doc":%q,"saml:sub":"alice@example.com",
	 "saml:edupersonprincipalname":"alice@corp","sts:RoleSessionName":"alice"}}}]}`, s.providerARN, s.idp.EntityID, e.acct.ID+"/corp"))
	_, err := e.iam.CreateSAMLProvider(e.ctx, &iamsdk.CreateSAMLProviderInput{Name: aws.String("enc"), SAMLMetadataDocument: aws.String(s.idp.Metadata()),
		AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeRequired})
	wantError(t, err, "InvalidInput", "AssertionEncryptionMode Required needs a private key.")
	encProvider := must[*iamsdk.CreateSAMLProviderOutput](t)(e.iam.CreateSAMLProvider(e.ctx, &iamsdk.CreateSAMLProviderInput{Name: aws.String("enc"),
		SAMLMetadataDocument: aws.String(s.idp.Metadata()), AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeRequired,
		AddPrivateKey: aws.String(privateKeyPEM(t))})).SAMLProviderArn
	eppn := func(v string) samltest.Attr {
		return samltest.Attr{Name: "urn:oid:1.3.6.1.4.1.5923.1.1.1.6", Values: []string{v}}
	}
	tests := []struct {
		name      string
		assertion func(t *testing.T) string
		mod       func(*stssdk.AssumeRoleWithSAMLInput)
		code      string
	}{
		{"bad signature", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(pair)}, func(d *etree.Document) { evilSubject(d.FindElement("//Assertion")) })
		}, nil, "InvalidIdentityToken"},
		{"signature wrapping", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(pair)}, func(d *etree.Document) {
				orig := d.FindElement("//Assertion")
				evil := orig.Copy()
				evil.RemoveChild(evil.FindElement("./Signature"))
				evilSubject(evil)
				d.Root().RemoveChild(orig)
				evil.FindElement("./Subject").AddChild(orig)
				d.Root().AddChild(evil)
			})
		}, nil, "InvalidIdentityToken"},
		{"unsigned", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Unsigned: true, Attributes: s.attrs(pair)}, nil)
		}, nil, "InvalidIdentityToken"},
		{"wrong audience", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Audience: "https://sp.example.com", Attributes: s.attrs(pair)}, nil)
		}, nil, "InvalidIdentityToken"},
		{"wrong recipient", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Recipient: "https://sp.example.com/acs", Attributes: s.attrs(pair)}, nil)
		}, nil, "InvalidIdentityToken"},
		{"expired", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{NotBefore: time.Now().Add(-time.Hour), NotOnOrAfter: time.Now().Add(-10 * time.Minute),
				Attributes: s.attrs(pair)}, nil)
		}, nil, "ExpiredTokenException"},
		{"replayed ID", func(t *testing.T) string { return replayed }, nil, "InvalidIdentityToken"},
		{"role not in attribute", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs("arn:aws:iam::" + s.acct.ID + ":role/admin," + s.providerARN)}, nil)
		}, nil, "AccessDenied"},
		{"provider mismatch: pair names another provider", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(s.roleARN + "," + s.otherProvider)}, nil)
		}, nil, "AccessDenied"},
		{"provider mismatch: signed by another provider's IdP", func(t *testing.T) string {
			return s.response(t, s.otherIdP, samltest.Assertion{Issuer: s.idp.EntityID, Attributes: s.attrs(pair)}, nil)
		}, nil, "InvalidIdentityToken"},
		{"untrusted certificate", func(t *testing.T) string {
			return s.response(t, mustIdP(t, s.idp.EntityID), samltest.Assertion{Attributes: s.attrs(pair)}, nil)
		}, nil, "InvalidIdentityToken"},
		{"wrong issuer", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Issuer: "https://evil.example.com", Attributes: s.attrs(pair)}, nil)
		}, nil, "InvalidIdentityToken"},
		{"trust condition fails", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{SubjectFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient", Attributes: s.attrs(pair)}, nil)
		}, nil, "AccessDenied"},
		{"no RoleSessionName", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(pair)[:1]}, nil)
		}, nil, "InvalidIdentityToken"},
		{"unknown provider", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(pair)}, nil)
		}, func(in *stssdk.AssumeRoleWithSAMLInput) {
			in.PrincipalArn = aws.String("arn:aws:iam::" + s.acct.ID + ":saml-provider/nope")
		}, "InvalidIdentityToken"},
		{"malformed session policy", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(pair)}, nil)
		}, func(in *stssdk.AssumeRoleWithSAMLInput) { in.Policy = aws.String(`{"Statement":`) }, "MalformedPolicyDocument"},
		{"duration above the role's maximum", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(pair)}, nil)
		}, func(in *stssdk.AssumeRoleWithSAMLInput) { in.DurationSeconds = aws.Int32(7200) }, "ValidationError"},
		{"not base64", func(t *testing.T) string { return "%%%%not-base64" }, nil, "InvalidIdentityToken"},
		{"session tags without sts:TagSession", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(s.plainRole+","+s.providerARN,
				samltest.Attr{Name: samltest.PrincipalTagPrefix + "team", Values: []string{"dev"}})}, nil)
		}, func(in *stssdk.AssumeRoleWithSAMLInput) { in.RoleArn = aws.String(s.plainRole) }, "AccessDenied"},
		{"source identity without sts:SetSourceIdentity", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(s.plainRole+","+s.providerARN,
				samltest.Attr{Name: samltest.SourceIdentityAttr, Values: []string{"alice"}})}, nil)
		}, func(in *stssdk.AssumeRoleWithSAMLInput) { in.RoleArn = aws.String(s.plainRole) }, "AccessDenied"},
		{"saml:* keys in the trust policy: allowed", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(keysRole+","+s.providerARN, eppn("alice@corp"))}, nil)
		}, func(in *stssdk.AssumeRoleWithSAMLInput) { in.RoleArn = aws.String(keysRole) }, ""},
		{"saml:* keys in the trust policy: another eduPersonPrincipalName", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(keysRole+","+s.providerARN, eppn("mallory@corp"))}, nil)
		}, func(in *stssdk.AssumeRoleWithSAMLInput) { in.RoleArn = aws.String(keysRole) }, "AccessDenied"},
		{"provider requires encrypted assertions", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(s.roleARN + "," + aws.ToString(encProvider))}, nil)
		}, func(in *stssdk.AssumeRoleWithSAMLInput) { in.PrincipalArn = encProvider }, "InvalidIdentityToken"},
		{"plain role without tags: allowed", func(t *testing.T) string {
			return s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(s.plainRole + "," + s.providerARN)}, nil)
		}, func(in *stssdk.AssumeRoleWithSAMLInput) { in.RoleArn = aws.String(s.plainRole) }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mods []func(*stssdk.AssumeRoleWithSAMLInput)
			if tc.mod != nil {
				mods = append(mods, tc.mod)
			}
			out, err := s.assume(tc.assertion(t), mods...)
			if tc.code == "" { // the control: the same call, allowed
				ok(t, err)
				return
			}
			if out != nil {
				t.Fatalf("issued %+v", out.AssumedRoleUser)
			}
			wantCode(t, err, tc.code)
		})
	}
	// Every refusal is audited.
	n, err := e.store.CountAudit(e.ctx, e.acct.ID, models.AuditFilter{EventName: "AssumeRoleWithSAML", Result: models.ResultFailure})
	ok(t, err)
	controls := 0
	for _, tc := range tests {
		if tc.code == "" {
			controls++
		}
	}
	if int(n) != len(tests)-controls {
		t.Errorf("%d refusals audited, want %d", n, len(tests))
	}
}

// TestAWSCLISAML: the aws command line creates a provider from a metadata
// file and trades a signed assertion for credentials (botocore sends
// AssumeRoleWithSAML unsigned).
func TestAWSCLISAML(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed: skipping the CLI smoke test")
	}
	e := sqlite(t)
	idp := mustIdP(t, "https://idp.example.com/saml")
	file := filepath.Join(t.TempDir(), "metadata.xml")
	ok(t, os.WriteFile(file, []byte(idp.Metadata()), 0o600))
	var created struct{ SAMLProviderArn string }
	e.awsCLI(t, &created, "iam", "create-saml-provider", "--name", "corp", "--saml-metadata-document", "file://"+file)
	if created.SAMLProviderArn != "arn:aws:iam::"+e.acct.ID+":saml-provider/corp" {
		t.Fatalf("create-saml-provider = %+v", created)
	}
	roleARN := e.seedRole("saml-dev", fmt.Sprintf(samlTrust, created.SAMLProviderArn))
	assertion, err := idp.Response(samltest.Assertion{Attributes: []samltest.Attr{
		{Name: samltest.RoleAttr, Values: []string{roleARN + "," + created.SAMLProviderArn}},
		{Name: samltest.RoleSessionNameAttr, Values: []string{"alice"}}}}, time.Now())
	ok(t, err)
	var out struct {
		Credentials     struct{ AccessKeyId string }
		AssumedRoleUser struct{ Arn string }
		SubjectType     string
	}
	e.awsCLI(t, &out, "sts", "assume-role-with-saml", "--role-arn", roleARN, "--principal-arn", created.SAMLProviderArn,
		"--saml-assertion", assertion)
	if out.AssumedRoleUser.Arn != "arn:aws:sts::"+e.acct.ID+":assumed-role/saml-dev/alice" ||
		!strings.HasPrefix(out.Credentials.AccessKeyId, "ASIA") || out.SubjectType != "persistent" {
		t.Fatalf("assume-role-with-saml = %+v", out)
	}
}

// TestSAMLSessionFederation: what an assertion proves stays with the
// session, as a web identity session's does: its PrincipalTag attributes
// are aws:PrincipalTag/* in the session's later calls, its SourceIdentity
// is aws:SourceIdentity, the provider is aws:FederatedProvider, and role
// chaining passes on the transitive tags and the source identity.
func TestSAMLSessionFederation(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		s := newSAMLEnv(t, e)
		// A role of its own: saml-dev reads everything anyway.
		fed := e.seedRole("saml-fed", fmt.Sprintf(samlTrust, s.providerARN))
		_, err := e.svc.PutInlinePolicy(e.ctx, nil, iam.RoleNamed("saml-fed"), "by-federation", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
			"Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"dev","aws:SourceIdentity":"alice",
			"aws:FederatedProvider":%q}}}]}`, s.providerARN), iam.Meta{})
		ok(t, err)
		next := e.seedRole("saml-next", trustFor(fed, ""))
		_, err = e.svc.PutInlinePolicy(e.ctx, nil, iam.RoleNamed("saml-fed"), "chain", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
			"Action":"sts:AssumeRole","Resource":"`+next+`"}]}`, iam.Meta{})
		ok(t, err)
		_, err = e.svc.PutInlinePolicy(e.ctx, nil, iam.RoleNamed("saml-next"), "by-tag", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
			"Action":["iam:ListUsers","iam:ListRoles"],"Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"dev","aws:SourceIdentity":"alice"}}}]}`, iam.Meta{})
		ok(t, err)
		_, err = e.svc.PutInlinePolicy(e.ctx, nil, iam.RoleNamed("saml-next"), "by-untransitive-tag", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
			"Action":"iam:ListGroups","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/site":"berlin"}}}]}`, iam.Meta{})
		ok(t, err)

		tagged := func(extra ...samltest.Attr) *stssdk.AssumeRoleWithSAMLOutput {
			t.Helper()
			out, err := s.assume(s.response(t, s.idp, samltest.Assertion{Attributes: s.attrs(fed+","+s.providerARN, extra...)}, nil),
				func(in *stssdk.AssumeRoleWithSAMLInput) { in.RoleArn = aws.String(fed) })
			ok(t, err)
			return out
		}
		cr := tagged(samltest.Attr{Name: samltest.SourceIdentityAttr, Values: []string{"alice"}},
			samltest.Attr{Name: samltest.PrincipalTagPrefix + "team", Values: []string{"dev"}},
			samltest.Attr{Name: samltest.PrincipalTagPrefix + "site", Values: []string{"berlin"}},
			samltest.Attr{Name: "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys", Values: []string{"team"}}).Credentials
		ic := e.iamClient(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
		ok(t, err2(ic.ListUsers(e.ctx, &iamsdk.ListUsersInput{})))

		// Chained: the transitive tag and the source identity pass on; the
		// other tag does not.
		chained := must[*stssdk.AssumeRoleOutput](t)(e.stsClient(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken)).
			AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(next), RoleSessionName: aws.String("chained")})).Credentials
		if aws.ToString(chained.AccessKeyId) == "" {
			t.Fatal("no chained credentials")
		}
		nc := e.iamClient(aws.ToString(chained.AccessKeyId), aws.ToString(chained.SecretAccessKey), aws.ToString(chained.SessionToken))
		ok(t, err2(nc.ListUsers(e.ctx, &iamsdk.ListUsersInput{})))
		_, err = nc.ListGroups(e.ctx, &iamsdk.ListGroupsInput{})
		wantCode(t, err, "AccessDenied")

		// Without the tag and the source identity, the same role may not.
		cr = tagged().Credentials
		ic = e.iamClient(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
		_, err = ic.ListUsers(e.ctx, &iamsdk.ListUsersInput{})
		wantCode(t, err, "AccessDenied")
	})
}

// TestAssumeRoleWithEncryptedSAML: a provider given private keys takes
// assertions encrypted to them (the key being rotated in too), and with
// AssertionEncryptionMode Required refuses plain ones; through the SDK.
func TestAssumeRoleWithEncryptedSAML(t *testing.T) {
	e := sqlite(t)
	s := newSAMLEnv(t, e)
	first, firstPEM := samlKeyPEM(t)
	second, secondPEM := samlKeyPEM(t)
	stranger, _ := samlKeyPEM(t)
	provider := aws.ToString(must[*iamsdk.CreateSAMLProviderOutput](t)(e.iam.CreateSAMLProvider(e.ctx, &iamsdk.CreateSAMLProviderInput{
		Name: aws.String("encrypted"), SAMLMetadataDocument: aws.String(s.idp.Metadata()),
		AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeAllowed, AddPrivateKey: aws.String(firstPEM)})).SAMLProviderArn)
	role := e.seedRole("saml-encrypted", fmt.Sprintf(samlTrustPlain, provider))
	assume := func(a samltest.Assertion) error {
		a.Attributes = []samltest.Attr{{Name: samltest.RoleAttr, Values: []string{role + "," + provider}},
			{Name: samltest.RoleSessionNameAttr, Values: []string{"alice"}}}
		_, err := s.assume(s.response(t, s.idp, a, nil), func(in *stssdk.AssumeRoleWithSAMLInput) {
			in.RoleArn, in.PrincipalArn = aws.String(role), aws.String(provider)
		})
		return err
	}
	steps := []struct {
		name string
		a    samltest.Assertion
		code string // "" allowed
	}{
		{"encrypted to the key", samltest.Assertion{EncryptTo: &first.PublicKey}, ""},
		{"plain, encryption allowed", samltest.Assertion{}, ""},
		{"encrypted to a key the provider does not have", samltest.Assertion{EncryptTo: &stranger.PublicKey}, "InvalidIdentityToken"},
		{"encrypted to the key being rotated in", samltest.Assertion{EncryptTo: &second.PublicKey}, ""},
		{"plain, encryption required", samltest.Assertion{}, "InvalidIdentityToken"},
		{"encrypted, encryption required", samltest.Assertion{EncryptTo: &first.PublicKey, SignResponse: true}, ""},
	}
	for i, st := range steps {
		switch i {
		case 3:
			must[*iamsdk.UpdateSAMLProviderOutput](t)(e.iam.UpdateSAMLProvider(e.ctx, &iamsdk.UpdateSAMLProviderInput{
				SAMLProviderArn: aws.String(provider), AddPrivateKey: aws.String(secondPEM)}))
		case 4:
			must[*iamsdk.UpdateSAMLProviderOutput](t)(e.iam.UpdateSAMLProvider(e.ctx, &iamsdk.UpdateSAMLProviderInput{
				SAMLProviderArn: aws.String(provider), AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeRequired}))
		}
		err := assume(st.a)
		if st.code == "" {
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			continue
		}
		wantCode(t, err, st.code)
	}
}

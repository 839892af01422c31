package awsapi_test

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamconsole/console/internal/federation/saml/samltest"
)

func mustIdP(t *testing.T, entityID string) *samltest.IdP {
	t.Helper()
	idp, err := samltest.New(entityID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return idp
}

func privateKeyPEM(t *testing.T) string {
	_, p := samlKeyPEM(t)
	return p
}

// samlKeyPEM is a fresh RSA key and its PKCS #8 PEM, as AddPrivateKey takes
// it.
func samlKeyPEM(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k, pkcs8PEM(t, k)
}

// TestSAMLProviders walks a SAML provider through every action with the
// real client, in AWS's shapes and words, authorized by the Op table.
func TestSAMLProviders(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		c := e.iam
		idp := mustIdP(t, "https://idp.example.com/saml")
		arn := "arn:aws:iam::" + e.acct.ID + ":saml-provider/Okta"
		out := must[*iamsdk.CreateSAMLProviderOutput](t)(c.CreateSAMLProvider(e.ctx, &iamsdk.CreateSAMLProviderInput{
			Name: aws.String("Okta"), SAMLMetadataDocument: aws.String(idp.Metadata()), Tags: tagsOf("env", "prod")}))
		if aws.ToString(out.SAMLProviderArn) != arn || len(out.Tags) != 1 {
			t.Errorf("CreateSAMLProvider = %s %+v", aws.ToString(out.SAMLProviderArn), out.Tags)
		}
		_, err := c.CreateSAMLProvider(e.ctx, &iamsdk.CreateSAMLProviderInput{Name: aws.String("Okta"), SAMLMetadataDocument: aws.String(idp.Metadata())})
		wantCode(t, err, "EntityAlreadyExists")
		_, err = c.CreateSAMLProvider(e.ctx, &iamsdk.CreateSAMLProviderInput{Name: aws.String("short"), SAMLMetadataDocument: aws.String("<x/>")})
		wantError(t, err, "ValidationError", "1 validation error detected: Value at 'sAMLMetadataDocument' failed to satisfy constraint: Member must have length greater than or equal to 1000")
		_, err = c.CreateSAMLProvider(e.ctx, &iamsdk.CreateSAMLProviderInput{Name: aws.String("junk"), SAMLMetadataDocument: aws.String(strings.Repeat("junk ", 300))})
		wantError(t, err, "InvalidInput", "Could not parse metadata")
		_, err = c.CreateSAMLProvider(e.ctx, &iamsdk.CreateSAMLProviderInput{Name: aws.String("bad name"), SAMLMetadataDocument: aws.String(idp.Metadata())})
		wantCode(t, err, "ValidationError")

		got := must[*iamsdk.GetSAMLProviderOutput](t)(c.GetSAMLProvider(e.ctx, &iamsdk.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn)}))
		if aws.ToString(got.SAMLMetadataDocument) != idp.Metadata() || len(aws.ToString(got.SAMLProviderUUID)) != 36 || got.CreateDate == nil ||
			got.ValidUntil == nil || got.ValidUntil.Before(time.Now().AddDate(99, 0, 0)) || len(got.Tags) != 1 || got.PrivateKeyList != nil {
			t.Errorf("GetSAMLProvider = %+v", got)
		}
		list := must[*iamsdk.ListSAMLProvidersOutput](t)(c.ListSAMLProviders(e.ctx, &iamsdk.ListSAMLProvidersInput{}))
		if len(list.SAMLProviderList) != 1 || aws.ToString(list.SAMLProviderList[0].Arn) != arn || list.SAMLProviderList[0].ValidUntil == nil {
			t.Errorf("ListSAMLProviders = %+v", list.SAMLProviderList)
		}

		// Update: new metadata, then encryption with a private key.
		idp2 := mustIdP(t, "https://idp2.example.com/saml")
		up := must[*iamsdk.UpdateSAMLProviderOutput](t)(c.UpdateSAMLProvider(e.ctx, &iamsdk.UpdateSAMLProviderInput{
			SAMLProviderArn: aws.String(arn), SAMLMetadataDocument: aws.String(idp2.Metadata())}))
		if aws.ToString(up.SAMLProviderArn) != arn {
			t.Errorf("UpdateSAMLProvider = %s", aws.ToString(up.SAMLProviderArn))
		}
		_, err = c.UpdateSAMLProvider(e.ctx, &iamsdk.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn),
			AssertionEncryptionMode: types.AssertionEncryptionModeTypeAllowed, AddPrivateKey: aws.String(privateKeyPEM(t))})
		ok(t, err)
		got = must[*iamsdk.GetSAMLProviderOutput](t)(c.GetSAMLProvider(e.ctx, &iamsdk.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn)}))
		if aws.ToString(got.SAMLMetadataDocument) != idp2.Metadata() || got.AssertionEncryptionMode != types.AssertionEncryptionModeTypeAllowed ||
			len(got.PrivateKeyList) != 1 || len(aws.ToString(got.PrivateKeyList[0].KeyId)) < 22 || got.PrivateKeyList[0].Timestamp == nil {
			t.Errorf("GetSAMLProvider after update = %+v", got)
		}
		_, err = c.UpdateSAMLProvider(e.ctx, &iamsdk.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), AddPrivateKey: aws.String("not a key")})
		wantCode(t, err, "InvalidInput")
		_, err = c.UpdateSAMLProvider(e.ctx, &iamsdk.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn),
			RemovePrivateKey: got.PrivateKeyList[0].KeyId, AssertionEncryptionMode: types.AssertionEncryptionModeTypeAllowed})
		ok(t, err)

		// Tags.
		_, err = c.TagSAMLProvider(e.ctx, &iamsdk.TagSAMLProviderInput{SAMLProviderArn: aws.String(arn), Tags: tagsOf("team", "a", "ENV", "dev")})
		ok(t, err)
		tl := must[*iamsdk.ListSAMLProviderTagsOutput](t)(c.ListSAMLProviderTags(e.ctx, &iamsdk.ListSAMLProviderTagsInput{SAMLProviderArn: aws.String(arn)}))
		if len(tl.Tags) != 2 || aws.ToString(tl.Tags[0].Key) != "ENV" || aws.ToString(tl.Tags[0].Value) != "dev" || tl.IsTruncated {
			t.Errorf("ListSAMLProviderTags = %+v", tl.Tags)
		}
		_, err = c.UntagSAMLProvider(e.ctx, &iamsdk.UntagSAMLProviderInput{SAMLProviderArn: aws.String(arn), TagKeys: []string{"env"}})
		ok(t, err)
		tl = must[*iamsdk.ListSAMLProviderTagsOutput](t)(c.ListSAMLProviderTags(e.ctx, &iamsdk.ListSAMLProviderTagsInput{SAMLProviderArn: aws.String(arn)}))
		if len(tl.Tags) != 1 || aws.ToString(tl.Tags[0].Key) != "team" {
			t.Errorf("after UntagSAMLProvider = %+v", tl.Tags)
		}

		// Authorized by the engine: a user without IAM permissions is refused.
		id, secret := e.user("nobody")
		_, err = e.iamClient(id, secret, "").CreateSAMLProvider(e.ctx, &iamsdk.CreateSAMLProviderInput{
			Name: aws.String("Mine"), SAMLMetadataDocument: aws.String(idp.Metadata())})
		wantCode(t, err, "AccessDenied")
		_, err = e.iamClient(id, secret, "").GetSAMLProvider(e.ctx, &iamsdk.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn)})
		wantCode(t, err, "AccessDenied")

		// Gone.
		_, err = c.DeleteSAMLProvider(e.ctx, &iamsdk.DeleteSAMLProviderInput{SAMLProviderArn: aws.String(arn)})
		ok(t, err)
		_, err = c.GetSAMLProvider(e.ctx, &iamsdk.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn)})
		wantError(t, err, "NoSuchEntity", "Manifest not found for arn "+arn)
		_, err = c.DeleteSAMLProvider(e.ctx, &iamsdk.DeleteSAMLProviderInput{SAMLProviderArn: aws.String(arn)})
		wantCode(t, err, "NoSuchEntity")
		_, err = c.TagSAMLProvider(e.ctx, &iamsdk.TagSAMLProviderInput{SAMLProviderArn: aws.String(arn), Tags: tagsOf("a", "b")})
		wantCode(t, err, "NoSuchEntity")
		_, err = c.GetSAMLProvider(e.ctx, &iamsdk.GetSAMLProviderInput{SAMLProviderArn: aws.String("arn:aws:iam::123:oops/x")})
		wantCode(t, err, "ValidationError")
		list = must[*iamsdk.ListSAMLProvidersOutput](t)(c.ListSAMLProviders(e.ctx, &iamsdk.ListSAMLProvidersInput{}))
		if len(list.SAMLProviderList) != 0 {
			t.Errorf("ListSAMLProviders after delete = %+v", list.SAMLProviderList)
		}
	})
}

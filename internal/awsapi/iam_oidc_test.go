package awsapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamconsole/console/internal/models"
)

// TestOIDCProviders walks an OpenID Connect provider through its life with
// the real client: create, get, list, client IDs, thumbprints, tags and
// delete, with AWS's errors in AWS's words.
func TestOIDCProviders(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		c := e.iam
		tp := strings.Repeat("A", 40)
		out := must[*iamsdk.CreateOpenIDConnectProviderOutput](t)(c.CreateOpenIDConnectProvider(e.ctx, &iamsdk.CreateOpenIDConnectProviderInput{
			Url: aws.String("https://token.actions.githubusercontent.com"), ClientIDList: []string{"sts.amazonaws.com", "sts.amazonaws.com"},
			ThumbprintList: []string{tp}, Tags: tagsOf("team", "ci")}))
		arn := "arn:aws:iam::" + e.acct.ID + ":oidc-provider/token.actions.githubusercontent.com"
		if aws.ToString(out.OpenIDConnectProviderArn) != arn || len(out.Tags) != 1 {
			t.Errorf("CreateOpenIDConnectProvider = %+v", out)
		}
		_, err := c.CreateOpenIDConnectProvider(e.ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://token.actions.githubusercontent.com")})
		wantError(t, err, "EntityAlreadyExists", "Provider with url https://token.actions.githubusercontent.com already exists.")

		// Thumbprints are optional since 2024.
		k8s := must[*iamsdk.CreateOpenIDConnectProviderOutput](t)(c.CreateOpenIDConnectProvider(e.ctx, &iamsdk.CreateOpenIDConnectProviderInput{
			Url: aws.String("https://oidc.cluster.example/id/ABC"), ClientIDList: []string{"sts.amazonaws.com"}}))
		if aws.ToString(k8s.OpenIDConnectProviderArn) != "arn:aws:iam::"+e.acct.ID+":oidc-provider/oidc.cluster.example/id/ABC" {
			t.Errorf("ARN with a path = %s", aws.ToString(k8s.OpenIDConnectProviderArn))
		}

		got := must[*iamsdk.GetOpenIDConnectProviderOutput](t)(c.GetOpenIDConnectProvider(e.ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)}))
		if aws.ToString(got.Url) != "token.actions.githubusercontent.com" || strings.Join(got.ClientIDList, ",") != "sts.amazonaws.com" ||
			strings.Join(got.ThumbprintList, ",") != strings.ToLower(tp) || got.CreateDate == nil || len(got.Tags) != 1 {
			t.Errorf("GetOpenIDConnectProvider = %+v", got)
		}
		list := must[*iamsdk.ListOpenIDConnectProvidersOutput](t)(c.ListOpenIDConnectProviders(e.ctx, &iamsdk.ListOpenIDConnectProvidersInput{}))
		if len(list.OpenIDConnectProviderList) != 2 || aws.ToString(list.OpenIDConnectProviderList[0].Arn) != aws.ToString(k8s.OpenIDConnectProviderArn) ||
			aws.ToString(list.OpenIDConnectProviderList[1].Arn) != arn {
			t.Errorf("ListOpenIDConnectProviders = %+v", list.OpenIDConnectProviderList)
		}

		// Client IDs: adding one twice and removing one absent both succeed.
		for range 2 {
			ok(t, err2(c.AddClientIDToOpenIDConnectProvider(e.ctx, &iamsdk.AddClientIDToOpenIDConnectProviderInput{
				OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("my-app")})))
		}
		ok(t, err2(c.RemoveClientIDFromOpenIDConnectProvider(e.ctx, &iamsdk.RemoveClientIDFromOpenIDConnectProviderInput{
			OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("never-there")})))
		ok(t, err2(c.UpdateOpenIDConnectProviderThumbprint(e.ctx, &iamsdk.UpdateOpenIDConnectProviderThumbprintInput{
			OpenIDConnectProviderArn: aws.String(arn), ThumbprintList: []string{strings.Repeat("b", 40), strings.Repeat("C", 40)}})))
		got = must[*iamsdk.GetOpenIDConnectProviderOutput](t)(c.GetOpenIDConnectProvider(e.ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)}))
		if strings.Join(got.ClientIDList, ",") != "sts.amazonaws.com,my-app" ||
			strings.Join(got.ThumbprintList, ",") != strings.Repeat("b", 40)+","+strings.Repeat("c", 40) {
			t.Errorf("after changes: %v %v", got.ClientIDList, got.ThumbprintList)
		}
		ok(t, err2(c.RemoveClientIDFromOpenIDConnectProvider(e.ctx, &iamsdk.RemoveClientIDFromOpenIDConnectProviderInput{
			OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("my-app")})))

		// Tags.
		ok(t, err2(c.TagOpenIDConnectProvider(e.ctx, &iamsdk.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), Tags: tagsOf("env", "prod")})))
		ok(t, err2(c.UntagOpenIDConnectProvider(e.ctx, &iamsdk.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), TagKeys: []string{"team"}})))
		tags := must[*iamsdk.ListOpenIDConnectProviderTagsOutput](t)(c.ListOpenIDConnectProviderTags(e.ctx, &iamsdk.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: aws.String(arn)}))
		if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "env" {
			t.Errorf("ListOpenIDConnectProviderTags = %+v", tags.Tags)
		}

		// Delete, then every action on it is NoSuchEntity.
		ok(t, err2(c.DeleteOpenIDConnectProvider(e.ctx, &iamsdk.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})))
		_, err = c.DeleteOpenIDConnectProvider(e.ctx, &iamsdk.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
		wantError(t, err, "NoSuchEntity", "OpenId connect Provider "+arn+" cannot be found.")
		_, err = c.GetOpenIDConnectProvider(e.ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
		wantError(t, err, "NoSuchEntity", "OpenIDConnect Provider not found for arn "+arn)
		_, err = c.AddClientIDToOpenIDConnectProvider(e.ctx, &iamsdk.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("x")})
		wantError(t, err, "NoSuchEntity", "OpenIDConnect Provider not found for arn "+arn)
		_, err = c.ListOpenIDConnectProviderTags(e.ctx, &iamsdk.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: aws.String(arn)})
		wantError(t, err, "NoSuchEntity", "OpenIDConnect Provider not found for arn "+arn)
		n, err := e.store.CountAudit(e.ctx, e.acct.ID, models.AuditFilter{EventName: "CreateOpenIDConnectProvider", Resource: arn})
		if err != nil || n != 1 {
			t.Errorf("audited creates = %d, %v", n, err)
		}
	})
}

func err2[T any](_ T, err error) error { return err }

// TestOIDCProviderValidation checks AWS's limits, in AWS's words.
func TestOIDCProviderValidation(t *testing.T) {
	e := sqlite(t)
	six := []string{}
	for i := range 6 {
		six = append(six, strings.Repeat(string(rune('0'+i)), 40))
	}
	for _, tc := range []struct {
		name      string
		in        iamsdk.CreateOpenIDConnectProviderInput
		code, msg string
	}{
		{"no scheme", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("example.com")}, "ValidationError", "Invalid Open ID Connect Provider URL"},
		{"http", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("http://example.com")}, "InvalidInput", "Invalid Open ID Connect Provider URL. The URL must begin with https://."},
		{"query", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com?a=1")}, "InvalidInput", "Invalid Open ID Connect Provider URL."},
		{"fragment", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com#x")}, "InvalidInput", "Invalid Open ID Connect Provider URL."},
		{"long url", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://" + strings.Repeat("a", 250) + ".com")}, "ValidationError",
			"1 validation error detected: Value at 'url' failed to satisfy constraint: Member must have length less than or equal to 255"},
		{"long client ID", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com"), ClientIDList: []string{strings.Repeat("c", 256)}}, "ValidationError",
			"1 validation error detected: Value at 'clientID' failed to satisfy constraint: Member must have length less than or equal to 255"},
		{"short thumbprint", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com"), ThumbprintList: []string{strings.Repeat("a", 39)}}, "InvalidInput",
			"Thumbprint must be exactly 40 characters."},
		{"six thumbprints", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com"), ThumbprintList: six}, "InvalidInput",
			"Thumbprint list must contain fewer than 5 entries."},
		{"duplicate tags", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com"), Tags: tagsOf("k", "1", "K", "2")}, "InvalidInput",
			"Duplicate tag keys found. Please note that Tag keys are case insensitive."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.iam.CreateOpenIDConnectProvider(e.ctx, &tc.in)
			wantError(t, err, tc.code, tc.msg)
		})
	}
	// 100 client IDs at most.
	var ids []string
	for i := range 100 {
		ids = append(ids, "client-"+string(rune('a'+i%26))+strings.Repeat("x", i))
	}
	arn := must[*iamsdk.CreateOpenIDConnectProviderOutput](t)(e.iam.CreateOpenIDConnectProvider(e.ctx, &iamsdk.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://full.example"), ClientIDList: ids})).OpenIDConnectProviderArn
	_, err := e.iam.AddClientIDToOpenIDConnectProvider(e.ctx, &iamsdk.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, ClientID: aws.String("one-more")})
	wantError(t, err, "LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")

	// A user with IAMReadOnlyAccess may read providers but not change them.
	id, secret := e.user("reader", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
	rc := e.iamClient(id, secret, "")
	ok(t, err2(rc.GetOpenIDConnectProvider(e.ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})))
	ok(t, err2(rc.ListOpenIDConnectProviders(e.ctx, &iamsdk.ListOpenIDConnectProvidersInput{})))
	_, err = rc.DeleteOpenIDConnectProvider(e.ctx, &iamsdk.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	wantCode(t, err, "AccessDenied")
	_, err = rc.CreateOpenIDConnectProvider(e.ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://new.example")})
	wantCode(t, err, "AccessDenied")
}

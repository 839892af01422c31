package awsapi_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
)

// recorder is the SDK's HTTP client, keeping the last response body.
type recorder struct{ body []byte }

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	r.body, err = io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(r.body))
	return res, err
}

// TestSTSErrors: STS's errors parse in aws-sdk-go-v2 with AWS's code, and
// carry STS's namespace, not IAM's, whether the operation, the signature
// check or the action lookup refuses.
func TestSTSErrors(t *testing.T) {
	e := sqlite(t)
	devKey, devSecret := e.user("dev")
	role := e.seedRole("locked", trustFor("arn:aws:iam::111122223333:user/someone-else", ""))
	rec := &recorder{}
	client := func(id, secret string) *stssdk.Client {
		return stssdk.NewFromConfig(e.cfg(id, secret, ""), func(o *stssdk.Options) {
			o.BaseEndpoint = aws.String(e.srv.URL + "/aws")
			o.HTTPClient = rec
		})
	}
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"the operation refuses", func() error {
			_, err := client(devKey, devSecret).AssumeRole(e.ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("session1")})
			return err
		}, "AccessDenied"},
		{"the signature check refuses", func() error {
			_, err := client(devKey, "not-the-secret").GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{})
			return err
		}, "SignatureDoesNotMatch"},
		{"an unknown key", func() error {
			_, err := client("AKIAIOSFODNN7EXAMPLE", "secret").GetCallerIdentity(e.ctx, &stssdk.GetCallerIdentityInput{})
			return err
		}, "InvalidClientTokenId"},
		{"a parameter STS refuses", func() error {
			_, err := client(devKey, devSecret).GetFederationToken(e.ctx, &stssdk.GetFederationTokenInput{Name: aws.String("x")})
			return err
		}, "ValidationError"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantCode(t, c.call(), c.code)
			body := string(rec.body)
			if !strings.Contains(body, `xmlns="https://sts.amazonaws.com/doc/2011-06-15/"`) || strings.Contains(body, "iam.amazonaws.com") {
				t.Errorf("error document not in STS's namespace: %s", body)
			}
		})
	}
}

package graph

import (
	"bytes"
	"os"
	"testing"
)

// FuzzParseAuthorizationDetails: any input is read or refused without
// panicking, what is read writes back to something readable, and the graph
// builds.
func FuzzParseAuthorizationDetails(f *testing.F) {
	if b, err := os.ReadFile("testdata/aws-authorization-details/small.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::111122223333:user/u","UserPolicyList":[{"PolicyName":"p","PolicyDocument":"%7B%7D"}]}]}`))
	f.Add([]byte(`{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::1:role/r","AssumeRolePolicyDocument":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}}]}`))
	// Trusts of principals outside the account, with and without conditions.
	f.Add([]byte(`{"RoleDetailList":[{"RoleName":"x","Arn":"arn:aws:iam::111122223333:role/x","AssumeRolePolicyDocument":{"Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999999999999:role/ci","999999999999"]},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"e"}}},` +
		`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"},` +
		`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]},` +
		`"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		a, _, err := ParseAuthorizationDetails(bytes.NewReader(in))
		if err != nil {
			return
		}
		out, err := a.AuthorizationDetails()
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := ParseAuthorizationDetails(bytes.NewReader(out)); err != nil {
			t.Fatalf("written form unreadable: %v", err)
		}
		g := Build(a, Options{Now: testNow})
		g.DOT(DOTOptions{})
		g.Findings(testNow)
		g.Admins()
		g.WhoCan("s3:GetObject", "arn:aws:s3:::bucket/key")
	})
}

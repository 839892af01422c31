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
		Build(a, Options{Now: testNow}).DOT(DOTOptions{})
	})
}

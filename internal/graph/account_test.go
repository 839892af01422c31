package graph

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

func mustLoad(t testing.TB, name string) *Account {
	t.Helper()
	f, err := os.Open("testdata/aws-authorization-details/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, _, err := ParseAuthorizationDetails(f)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAuthorizationDetailsRoundTrip(t *testing.T) {
	for _, name := range []string{"iam-vulnerable.json", "small.json"} {
		t.Run(name, func(t *testing.T) {
			a := mustLoad(t, name)
			out, err := a.AuthorizationDetails()
			if err != nil {
				t.Fatal(err)
			}
			b, warns, err := ParseAuthorizationDetails(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) > 0 {
				t.Errorf("warnings on re-read: %v", warns)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatal("parse -> write -> parse changed the account")
			}
			out2, _ := b.AuthorizationDetails()
			if !bytes.Equal(out, out2) {
				t.Fatal("writing is not stable")
			}
		})
	}
}

func TestParseCounts(t *testing.T) {
	a := mustLoad(t, "iam-vulnerable.json")
	if a.ID != "200611803367" || len(a.Users) != 44 || len(a.Groups) != 5 || len(a.Roles) != 78 || len(a.Policies) != 84 {
		t.Fatalf("got account %s with %d users, %d groups, %d roles, %d policies", a.ID, len(a.Users), len(a.Groups), len(a.Roles), len(a.Policies))
	}
}

func TestParseEncodedAndMissing(t *testing.T) {
	in := `{"UserDetailList":[{"UserName":"u","UserId":"AIDA1","Arn":"arn:aws:iam::111122223333:user/u","Path":"/",
	"GroupList":["nogroup"],"AttachedManagedPolicies":[{"PolicyName":"gone","PolicyArn":"arn:aws:iam::111122223333:policy/gone"}],
	"UserPolicyList":[{"PolicyName":"enc","PolicyDocument":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"}],"Tags":[]}],
	"GroupDetailList":[],"RoleDetailList":[{"RoleName":"r","RoleId":"AROA1","Arn":"arn:aws:iam::111122223333:role/r","Path":"/","AssumeRolePolicyDocument":"not json","InstanceProfileList":[],"RolePolicyList":[],"AttachedManagedPolicies":[],"Tags":[],"RoleLastUsed":{}}],"Policies":[]}`
	a, warns, err := ParseAuthorizationDetails(bytes.NewReader([]byte(in)))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "111122223333" {
		t.Errorf("account %q", a.ID)
	}
	if got := a.Users[0].Inline[0].Document; !bytes.Contains([]byte(got), []byte(`"s3:*"`)) {
		t.Errorf("URL-encoded document not decoded: %q", got)
	}
	if len(warns) != 3 {
		t.Errorf("want 3 warnings (missing group, missing policy, bad trust), got %v", warns)
	}
	if _, _, err := ParseAuthorizationDetails(bytes.NewReader([]byte("{"))); err == nil {
		t.Error("truncated JSON accepted")
	}
}

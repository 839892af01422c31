package policy

import (
	"fmt"
	"testing"
)

func TestContextKeys(t *testing.T) {
	for _, c := range []struct {
		doc  string
		want string
	}{
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, "[]"},
		{`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"v","s3:prefix":"p"}}},
			{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"AWS:SOURCEVPC":"true"},"ForAnyValue:StringLike":{"aws:TagKeys":"x*"}}}]}`,
			"[aws:SourceVpc s3:prefix aws:TagKeys]"},
	} {
		d, err := Parse([]byte(c.doc), Identity)
		if err != nil {
			t.Fatal(err)
		}
		got := Compile(PolicyRef{ID: "p"}, d).ContextKeys()
		if fmt.Sprint(got) != c.want && !(c.want == "[]" && len(got) == 0) {
			t.Errorf("ContextKeys = %v, want %s", got, c.want)
		}
	}
}

package policy

import (
	"fmt"
	"strings"
	"testing"
)

// TestCompilerSlabs compiles policies of every length through one Compiler,
// short ones between long ones (lists longer than an array in hand, and
// longer than any array it cuts), and checks each decides as Compile's and
// that no list runs into another's.
func TestCompilerSlabs(t *testing.T) {
	doc := func(n int) string {
		var acts, res []string
		for i := range n {
			acts = append(acts, fmt.Sprintf(`"s3:Get%dObject"`, i))
			res = append(res, fmt.Sprintf(`"arn:aws:s3:::bucket-%d/*"`, i))
		}
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` + strings.Join(acts, ",") +
			`],"Resource":[` + strings.Join(res, ",") + `]},{"Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::*:user/x-*"}]}`
	}
	c := &Compiler{}
	var lens []int
	for n := 1; n <= 3000; n = n*3/2 + 1 {
		lens = append(lens, n, 1, 2)
	}
	var got, want []*Policy
	for i, n := range lens {
		d := MustParse(doc(n), Identity)
		ref := PolicyRef{ID: fmt.Sprint("p", i)}
		got, want = append(got, c.Compile(ref, d)), append(want, Compile(ref, d))
	}
	for i, n := range lens {
		for _, r := range []struct{ action, resource string }{
			{"s3:Get0Object", "arn:aws:s3:::bucket-0/k"},
			{fmt.Sprintf("s3:Get%dObject", n-1), fmt.Sprintf("arn:aws:s3:::bucket-%d/k", n-1)},
			{fmt.Sprintf("s3:Get%dObject", n), fmt.Sprintf("arn:aws:s3:::bucket-%d/k", n)},
			{"iam:CreateUser", "arn:aws:iam::111122223333:user/x-1"},
		} {
			req := &Request{Principal: Principal{ARN: "arn:aws:iam::111122223333:user/a", Account: "111122223333"},
				Action: r.action, Resource: r.resource, Context: NewContext(nil)}
			g := Decide(&Inputs{Identity: []*Policy{got[i]}}, req)
			w := Decide(&Inputs{Identity: []*Policy{want[i]}}, req)
			if g != w {
				t.Errorf("policy %d (%d actions): %s on %s: %s through the Compiler, %s compiled alone", i, n, r.action, r.resource, g, w)
			}
		}
	}
}

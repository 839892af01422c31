package awsapi

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzParams feeds the query-protocol decoder arbitrary query strings and
// bodies: it must never panic, and whatever it accepts must decode lists
// and tags without panicking either.
func FuzzParams(f *testing.F) {
	for _, seed := range [][2]string{
		{"Action=ListUsers&Version=2010-05-08", ""},
		{"", "Action=CreateUser&UserName=alice&Tags.member.1.Key=team&Tags.member.1.Value=blue&Tags.member.2.Key=x"},
		{"", "Action=AssumeRole&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess"},
		{"a=%zz", ""},
		{"", "ActionNames.member.99999999999999999999=x&ActionNames.member.-1=y&ActionNames.member.1=z"},
		{"", "Tags.member.1.Key=%00&Tags.member.1.Value=%ff"},
		{"x=1;y=2", "&&&=&="},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, query, body string) {
		r := httptest.NewRequest(http.MethodPost, "/aws", bytes.NewReader([]byte(body)))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		p, err := parseParams(r, []byte(body))
		if err != nil {
			if _, internalErr := iamService.errorFor(err); internalErr {
				t.Fatalf("a malformed request became an internal error: %v", err)
			}
			return
		}
		_ = p.list("ActionNames")
		_ = p.tags("Tags")
		_, _ = p.integer("MaxItems", 100)
		_, _ = p.boolean("OnlyAttached", false)
		for _, n := range p.members("ContextEntries") {
			_ = p.field("ContextEntries", n, "ContextKeyName")
		}
	})
}

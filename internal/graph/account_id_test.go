package graph

import (
	"strings"
	"testing"
)

// TestAccountIDMustBe12Digits: the account ID a dump gives (or its ARNs
// imply) is refused with a clear error unless it is 12 digits.
func TestAccountIDMustBe12Digits(t *testing.T) {
	user := func(acct string) string {
		return `{"UserDetailList":[{"UserName":"a","UserId":"AIDA1","Arn":"arn:aws:iam::` + acct + `:user/a","Path":"/"}]}`
	}
	for _, tc := range []struct {
		name, doc, err string
	}{
		{"ARNs' account", user("111122223333"), ""},
		{"markup in the ARNs' account", user(`\"><svg onload=alert(1)>`), `is not 12 digits`},
		{"11 digits", user("11112222333"), `"11112222333" is not 12 digits`},
		{"letters", user("11112222333x"), `is not 12 digits`},
		{"console's own field", `{"IAMConsole":{"AccountId":"\"><svg>"},"UserDetailList":[]}`, `"\"><svg>" is not 12 digits`},
		{"no account at all", `{"UserDetailList":[]}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _, err := ParseAuthorizationDetails(strings.NewReader(tc.doc))
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("got %v (account %q), want an error saying %s", err, accountIDOf(a), tc.err)
			}
		})
	}
}

func accountIDOf(a *Account) string {
	if a == nil {
		return ""
	}
	return a.ID
}

package graph

import (
	"strings"
	"testing"
)

// TestFederatedTrust: who-can and the graph say whom a trust admits
// through an identity provider, conditions in words (the can-assume
// edge's Assumes), and a finding flags a trust that does not say which of
// the provider's users: an OIDC provider without a sub condition (for
// GitHub Actions' issuer, any repository: Critical), a SAML provider
// without SAML:aud.
func TestFederatedTrust(t *testing.T) {
	const (
		saml   = "arn:aws:iam::" + acct + ":saml-provider/corp"
		eks    = "arn:aws:iam::" + acct + ":oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
		gh     = "token.actions.githubusercontent.com"
		eksKey = "oidc.eks.eu-west-1.amazonaws.com/id/ABC"
	)
	web := func(provider, cond string) string {
		if cond != "" {
			cond = `,"Condition":` + cond
		}
		return `{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity"` + cond + `}`
	}
	cases := []struct {
		name  string
		trust string
		// from is the provider; who the edge's Assumes ("" for no edge);
		// finding "SEVERITY" or "" for none.
		from, who, finding string
	}{
		{name: "GitHub without sub: any repository", from: oidc,
			trust:   doc(web(oidc, `{"StringEquals":{"`+gh+`:aud":"sts.amazonaws.com"}}`)),
			who:     "users of " + gh + " with " + gh + ":aud = sts.amazonaws.com",
			finding: "Critical"},
		{name: "GitHub with a sub pattern", from: oidc,
			trust: doc(web(oidc, `{"StringEquals":{"`+gh+`:aud":"sts.amazonaws.com"},"StringLike":{"`+gh+`:sub":"repo:octo-org/*"}}`)),
			who:   "users of " + gh + " with " + gh + ":aud = sts.amazonaws.com and " + gh + ":sub matching repo:octo-org/*"},
		{name: "GitHub with several repositories", from: oidc,
			trust: doc(web(oidc, `{"ForAnyValue:StringLike":{"`+gh+`:sub":["repo:octo-org/a:*","repo:octo-org/b:*"]}}`)),
			who:   "users of " + gh + " with any of " + gh + ":sub matching repo:octo-org/a:* or repo:octo-org/b:*"},
		{name: "GitHub with no condition at all", from: oidc, trust: doc(web(oidc, "")),
			who: "any user of " + gh + " (no conditions)", finding: "Critical"},
		{name: "GitHub: one statement with sub, one without", from: oidc,
			trust: doc(web(oidc, `{"StringEquals":{"`+gh+`:sub":"repo:octo-org/app:ref:refs/heads/main"}}`),
				web(oidc, `{"StringEquals":{"`+gh+`:aud":"sts.amazonaws.com"}}`)),
			who:     "users of " + gh + " with " + gh + ":sub = repo:octo-org/app:ref:refs/heads/main, or with " + gh + ":aud = sts.amazonaws.com",
			finding: "Critical"},
		{name: "GitHub denied", from: oidc,
			trust: doc(web(oidc, ""), `{"Effect":"Deny","Principal":"*","Action":"*"}`)},
		{name: "EKS service account", from: eks,
			trust: doc(web(eks, `{"StringEquals":{"`+eksKey+`:sub":"system:serviceaccount:ci:deployer","`+eksKey+`:aud":"sts.amazonaws.com"}}`)),
			who:   "users of " + eksKey + " with " + eksKey + ":sub = system:serviceaccount:ci:deployer and " + eksKey + ":aud = sts.amazonaws.com"},
		{name: "EKS audience only", from: eks,
			trust:   doc(web(eks, `{"StringEquals":{"`+eksKey+`:aud":"sts.amazonaws.com"}}`)),
			who:     "users of " + eksKey + " with " + eksKey + ":aud = sts.amazonaws.com",
			finding: "High"},
		{name: "SAML with SAML:aud", from: saml,
			trust: doc(`{"Effect":"Allow","Principal":{"Federated":"` + saml + `"},"Action":"sts:AssumeRoleWithSAML",
				"Condition":{"StringEquals":{"SAML:aud":"https://console.example.com/saml/acs"}}}`),
			who: "users of SAML provider corp with SAML:aud = https://console.example.com/saml/acs"},
		{name: "SAML without SAML:aud", from: saml,
			trust: doc(`{"Effect":"Allow","Principal":{"Federated":"` + saml + `"},"Action":"sts:AssumeRoleWithSAML",
				"Condition":{"StringEqualsIfExists":{"saml:sub":"alice"}}}`),
			who: "users of SAML provider corp with saml:sub = alice (if present)", finding: "Medium"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &Account{ID: acct, Roles: []Role{role("target", withSid(c.trust, "Door"), readReports)}}
			g := Build(a, Options{Now: testNow})
			if len(g.Warnings) > 0 {
				t.Fatalf("warnings: %v", g.Warnings)
			}
			target := arn("role", "target")
			e := g.canAssume(c.from, target)
			switch {
			case c.who == "" && e != nil:
				t.Fatalf("unexpected edge %+v", e)
			case c.who != "" && e == nil:
				t.Fatalf("no can-assume edge from %s", c.from)
			case e != nil && e.Assumes != c.who:
				t.Errorf("Assumes = %q\n want %q", e.Assumes, c.who)
			}
			// who-can says it too, among the path's assumptions.
			if c.who != "" {
				found := false
				for _, p := range g.WhoCan("s3:GetObject", "arn:aws:s3:::reports/q3.csv") {
					if p.Principal != c.from || p.External != OutsideFederated {
						continue
					}
					for _, as := range Assumptions([]Path{p}) {
						found = found || as.Text == c.who
					}
				}
				if !found {
					t.Errorf("who-can does not say %q", c.who)
				}
			}
			var got []Finding
			for _, f := range g.Findings(testNow) {
				if f.Type == FindingPermissiveTrust {
					got = append(got, f)
				}
			}
			if c.finding == "" {
				if len(got) > 0 {
					t.Fatalf("unexpected finding: %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Severity != c.finding || got[0].Principal != target || strings.Join(got[0].Path, " ") != c.from+" "+target ||
				!strings.Contains(got[0].Explanation, "Door") {
				t.Fatalf("want one %s finding on %s -> %s, got %+v", c.finding, c.from, target, got)
			}
		})
	}
}

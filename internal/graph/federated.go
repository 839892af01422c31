package graph

import (
	"strings"

	"github.com/iamconsole/console/internal/policy"
)

// githubIssuer is GitHub Actions' OIDC issuer: every workflow of every
// repository on GitHub gets its tokens, all with the audience
// sts.amazonaws.com, so a trust without a sub condition admits them all.
const githubIssuer = "token.actions.githubusercontent.com"

// providerHost is what an OIDC provider's condition keys begin with (its
// URL without https://), "" for a SAML provider.
func providerHost(arn string) string {
	if _, rest, ok := strings.Cut(arn, ":oidc-provider/"); ok {
		return rest
	}
	return ""
}

// providerName names a provider in words: an OIDC provider by its URL
// (the prefix of its keys), a SAML provider by its name.
func providerName(arn string) string {
	if h := providerHost(arn); h != "" {
		return h
	}
	if _, name, ok := strings.Cut(arn, ":saml-provider/"); ok {
		return "SAML provider " + name
	}
	return externalName(arn)
}

func isSAMLProvider(arn string) bool { return strings.Contains(arn, ":saml-provider/") }

// federatedStatements are the trust's Allow statements that name the
// provider as a Federated principal.
func federatedStatements(doc *policy.Document, provider string) []*policy.Statement {
	var out []*policy.Statement
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if st.Effect != policy.Allow || st.NotPrincipal {
			continue
		}
		for _, pe := range st.Principal {
			if pe.Type == "Federated" && pe.Value == provider {
				out = append(out, st)
				break
			}
		}
	}
	return out
}

// federatedWho says whom a trust admits through a provider, conditions in
// words: "users of token.actions.githubusercontent.com with
// token.actions.githubusercontent.com:sub matching repo:org/*". Each
// statement is one way in; several are joined with "or".
func federatedWho(provider string, doc *policy.Document) string {
	name := providerName(provider)
	var ways []string
	for _, st := range federatedStatements(doc, provider) {
		if len(st.Condition) == 0 {
			return "any user of " + name + " (no conditions)"
		}
		var conds []string
		for _, c := range st.Condition {
			conds = append(conds, conditionWords(c))
		}
		ways = append(ways, strings.Join(conds, " and "))
	}
	if len(ways) == 0 {
		return "users of " + name
	}
	return "users of " + name + " with " + strings.Join(ways, ", or with ")
}

// conditionOperators are the words for the operators trust conditions on
// federated keys use; any other is named as written.
var conditionOperators = map[string]string{
	"stringequals":              "=",
	"stringequalsignorecase":    "= (any case)",
	"stringnotequals":           "≠",
	"stringnotequalsignorecase": "≠ (any case)",
	"stringlike":                "matching",
	"stringnotlike":             "not matching",
	"bool":                      "=",
	"null":                      "absent =",
}

// conditionWords says one condition: "KEY = V", "KEY matching V1 or V2",
// with "any of"/"all of" for the set operators and "(if present)" for
// IfExists.
func conditionWords(c policy.Condition) string {
	op, set := c.Operator, ""
	if q, rest, ok := strings.Cut(op, ":"); ok {
		switch strings.ToLower(q) {
		case "foranyvalue":
			set = "any of "
		case "forallvalues":
			set = "all of "
		}
		op = rest
	}
	ifExists := false
	if base, ok := strings.CutSuffix(strings.ToLower(op), "ifexists"); ok {
		op, ifExists = base, true
	}
	words, ok := conditionOperators[strings.ToLower(op)]
	if !ok {
		words = op
	}
	s := set + c.Key + " " + words + " " + strings.Join(c.Values, " or ")
	if ifExists {
		s += " (if present)"
	}
	return s
}

// hasConditionOn reports whether a statement tests key (case-insensitive),
// with any operator but Null (which tests presence, not value).
func hasConditionOn(st *policy.Statement, key string) bool {
	for _, c := range st.Condition {
		op := strings.ToLower(c.Operator)
		if strings.EqualFold(c.Key, key) && !strings.HasSuffix(op, "null") {
			return true
		}
	}
	return false
}

// federatedTrust flags a role whose trust lets a provider's users in
// without the condition that says which of them: an OIDC provider with no
// condition on <provider>:sub (for GitHub Actions, any workflow of any
// repository on GitHub: the well-known misconfiguration), or no condition
// on :aud either; a SAML provider with no condition on SAML:aud. Only where
// the graph has the provider's can-assume edge (a Deny may close it).
func (g *Graph) federatedTrust(r *principal) []Finding {
	doc := g.trustDocs[r.arn]
	var out []Finding
	for _, f := range uniq(g.candidates(doc).federated) {
		e := g.canAssume(f, r.arn)
		if e == nil {
			continue
		}
		var sev, why string
		for _, st := range federatedStatements(doc, f) {
			if s, w := federatedGap(f, st); s != "" && (sev == "" || severityRank[s] < severityRank[sev]) {
				sev, why = s, w
			}
		}
		if sev == "" {
			continue
		}
		trust := resourceLayer(e.Steps[0].Statements)
		out = append(out, Finding{Type: FindingPermissiveTrust, Severity: sev, Principal: r.arn, Path: []string{f, r.arn}, Statements: trust,
			Explanation: "trust lets " + why + ": " + cite(trust)})
	}
	return out
}

// federatedGap is how wide one statement opens the role to a provider's
// users, "" when it names which of them.
func federatedGap(provider string, st *policy.Statement) (severity, why string) {
	if isSAMLProvider(provider) {
		if hasConditionOn(st, "SAML:aud") {
			return "", ""
		}
		return SeverityMedium, "users of " + providerName(provider) +
			" assume the role without a SAML:aud condition (an assertion for any of the provider's audiences is enough)"
	}
	host := providerHost(provider)
	if host == "" || hasConditionOn(st, host+":sub") {
		return "", ""
	}
	if host == githubIssuer {
		return SeverityCritical, "any GitHub Actions workflow of any repository assume the role: no condition on " + host + ":sub"
	}
	if !hasConditionOn(st, host+":aud") {
		return SeverityHigh, "anyone holding a token of " + host + " assume the role: no condition on " + host + ":sub or :aud"
	}
	return SeverityHigh, "every identity " + host + " issues tokens to for the audience assume the role: no condition on " + host + ":sub"
}

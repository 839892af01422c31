package iam

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/iamconsole/console/internal/policy"
)

// CheckPolicyDocument validates a policy document as the operations that
// store one do, without storing it: the console calls it to show problems
// (with line and column) and warnings while an author edits. kind is
// policy.Identity for managed and inline policies, policy.Trust for a role's
// trust policy. The size quota checked is the single document's: inline
// policies' aggregate quota is checked when they are put.
func CheckPolicyDocument(doc string, kind policy.Kind) ([]policy.Diagnostic, error) {
	limit := policy.LimitManaged
	label := "PolicyDocument"
	if kind == policy.Trust {
		limit, label = policy.LimitTrust, "AssumeRolePolicyDocument"
	}
	return checkDocument(label, doc, kind, kind != policy.Trust, limit, "")
}

// checkDocument validates doc as a policy of kind, with the rules of
// managed policies (CreatePolicy's) when managed is set. A document over
// limit is LimitExceeded with quotaMsg (AWS's text) when given; anything
// else that is wrong is Malformed, naming the first problem's line and
// column, with IAM's own text for the API (APIMessage). It returns the lint
// warnings of an accepted document.
func checkDocument(label, doc string, kind policy.Kind, managed bool, limit int, quotaMsg string) ([]policy.Diagnostic, error) {
	if strings.TrimSpace(doc) == "" {
		return nil, invalidField(label, "%s is required.", label)
	}
	r := policy.ValidateFor([]byte(doc), kind, managed, limit)
	if r.OK() {
		return r.Warnings, nil
	}
	var other []policy.Diagnostic
	sizeOnly := false
	for _, d := range r.Errors {
		if d.Code == policy.CodeSizeLimit {
			sizeOnly = true
			continue
		}
		other = append(other, d)
	}
	if len(other) == 0 && sizeOnly {
		if quotaMsg == "" {
			quotaMsg = fmt.Sprintf("Cannot exceed quota for PolicySize: %d", limit)
		}
		e := newErr(LimitExceeded, "%s", quotaMsg)
		e.Field = label
		return nil, e
	}
	e := malformed(label, &policy.ParseError{Diagnostics: other})
	e.Field = label
	if _, msg := r.AWSError(); msg != "" {
		e.APIMessage = msg
	}
	return nil, e
}

// Trust policy templates for the console's "create role" page: each is a
// complete trust policy, indented for editing.

// TrustTemplateAccount lets principals of accountID (the console's own
// account, usually) assume the role, as far as their own policies allow
// sts:AssumeRole on it.
func TrustTemplateAccount(accountID string) string {
	return trustJSON(map[string]any{"AWS": "arn:aws:iam::" + accountID + ":root"}, "sts:AssumeRole", nil)
}

// TrustTemplateOtherAccount lets another account assume the role, optionally
// only with an external ID (for third parties) and only with MFA.
func TrustTemplateOtherAccount(otherAccount, externalID string, requireMFA bool) string {
	cond := map[string]any{}
	if externalID != "" {
		cond["StringEquals"] = map[string]any{"sts:ExternalId": externalID}
	}
	if requireMFA {
		cond["Bool"] = map[string]any{"aws:MultiFactorAuthPresent": "true"}
	}
	return trustJSON(map[string]any{"AWS": "arn:aws:iam::" + otherAccount + ":root"}, "sts:AssumeRole", cond)
}

// TrustTemplateService lets an AWS service (such as "ec2.amazonaws.com" or
// "lambda.amazonaws.com") assume the role.
func TrustTemplateService(servicePrincipal string) string {
	return trustJSON(map[string]any{"Service": servicePrincipal}, "sts:AssumeRole", nil)
}

// GitHubActionsIssuer is the OpenID Connect issuer of GitHub Actions' job
// tokens, the web identity most roles of this kind trust.
const GitHubActionsIssuer = "token.actions.githubusercontent.com"

// WebIdentityTrust is what the web identity template asks for.
type WebIdentityTrust struct {
	// Provider is the OpenID Connect provider: its issuer URL (with or
	// without https://) or its ARN.
	Provider string
	// Audience is the token's aud claim the role accepts (AWS's console
	// proposes sts.amazonaws.com, what GitHub Actions and EKS send).
	Audience string
	// Subject, when given, is the sub claim the role accepts, with * and ?
	// wildcards: repo:ORG/REPO:ref:refs/heads/main for a GitHub Actions
	// workflow, system:serviceaccount:NAMESPACE:NAME for a Kubernetes pod.
	Subject string
}

// TrustTemplateWebIdentity lets the users of an OpenID Connect provider
// (workloads: a CI job, a Kubernetes service account) assume the role with
// AssumeRoleWithWebIdentity, as AWS's console's "Web identity" template
// does: the audience pinned with StringEquals, the subject with StringLike
// so that a branch or a namespace can be a wildcard. Without a subject,
// every identity the provider vouches for may assume the role: fine for a
// provider of its own, dangerous for GitHub's, whose tokens any repository
// can obtain; the form says so.
func TrustTemplateWebIdentity(accountID string, t WebIdentityTrust) string {
	host := OIDCProviderHost(t.Provider)
	arn := t.Provider
	if !strings.HasPrefix(arn, "arn:") {
		arn = "arn:aws:iam::" + accountID + ":oidc-provider/" + host
	}
	cond := map[string]any{}
	if t.Audience != "" {
		cond["StringEquals"] = map[string]any{host + ":aud": t.Audience}
	}
	if t.Subject != "" {
		cond["StringLike"] = map[string]any{host + ":sub": t.Subject}
	}
	return trustJSON(map[string]any{"Federated": arn}, "sts:AssumeRoleWithWebIdentity", cond)
}

// OIDCProviderHost is the provider part of an OpenID Connect provider's
// issuer URL or ARN, as AWS prefixes its condition keys with it:
// "https://token.actions.githubusercontent.com/" and
// "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
// are both "token.actions.githubusercontent.com".
func OIDCProviderHost(provider string) string {
	if _, rest, ok := strings.Cut(provider, ":oidc-provider/"); ok && strings.HasPrefix(provider, "arn:") {
		provider = rest
	}
	provider = strings.TrimPrefix(provider, "https://")
	return strings.TrimRight(provider, "/")
}

// SAMLConsoleAudience is the SAML:aud of assertions posted to AWS's sign-in
// endpoint: the audience AWS's console template requires for a role people
// reach the console with.
const SAMLConsoleAudience = "https://signin.aws.amazon.com/saml"

// TrustTemplateSAML lets the users of a SAML 2.0 identity provider (its
// name or ARN) assume the role with AssumeRoleWithSAML. With console, the
// assertion must be addressed to the console sign-in (AWS's "programmatic
// and console access" choice); without, any assertion of the provider
// naming this role will do.
func TrustTemplateSAML(accountID, provider string, console bool) string {
	arn := provider
	if !strings.HasPrefix(arn, "arn:") {
		arn = "arn:aws:iam::" + accountID + ":saml-provider/" + provider
	}
	var cond map[string]any
	if console {
		cond = map[string]any{"StringEquals": map[string]any{"SAML:aud": SAMLConsoleAudience}}
	}
	return trustJSON(map[string]any{"Federated": arn}, "sts:AssumeRoleWithSAML", cond)
}

func trustJSON(principal map[string]any, action string, cond map[string]any) string {
	// A struct keeps AWS's customary element order.
	type stmt struct {
		Effect    string         `json:"Effect"`
		Principal map[string]any `json:"Principal"`
		Action    string         `json:"Action"`
		Condition map[string]any `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string `json:"Version"`
		Statement []stmt `json:"Statement"`
	}{policy.Version2012, []stmt{{Effect: "Allow", Principal: principal, Action: action, Condition: cond}}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // maps of strings always encode
	}
	return string(b)
}

// PolicySummaryView is a policy summarised as AWS's console does: one row
// per service and effect, with the access levels it reaches (each Full or
// Limited, counted against AWS's Service Authorization Reference), on which
// resources, under which conditions.
type PolicySummaryView struct {
	Allow []ServiceSummary
	Deny  []ServiceSummary
	// Notes are whole-policy remarks: NotAction statements, and actions AWS
	// does not define (which match nothing).
	Notes    []string
	Warnings []policy.Diagnostic
}

// ServiceSummary is one service's row of a policy summary.
type ServiceSummary struct {
	Service string // the action prefix: "s3"
	Name    string // AWS's name for it: "Amazon S3"
	// Access is "Full access" or, e.g., "Full: List; Limited: Read".
	Access string
	Full   bool
	Levels []LevelSummary
	// Resources are the resources as written ("All resources" for "*");
	// NotResource marks them as exceptions.
	Resources   []string
	NotResource bool
	// Conditions are the request conditions, "operator key: values".
	Conditions []string
}

// LevelSummary is one access level of a service row: how many of its
// actions the policy covers, and which.
type LevelSummary struct {
	Level          string // "List", "Read", "Write", "Permissions management", "Tagging"
	Full           bool
	Granted, Total int
	Actions        []string
}

// PolicySummary summarises an identity policy by service and access level,
// as AWS's policy summary does. The document must be a valid identity policy
// (Malformed otherwise, with line and column).
func PolicySummary(doc string) (*PolicySummaryView, error) {
	warnings, err := checkDocument("PolicyDocument", doc, policy.Identity, false, 0, "")
	if err != nil {
		return nil, err
	}
	d, err := policy.Parse([]byte(doc), policy.Identity)
	if err != nil {
		return nil, malformed("PolicyDocument", err)
	}
	v := &PolicySummaryView{Warnings: warnings}
	for i, st := range d.Statements {
		if !st.NotAction {
			continue
		}
		name := fmt.Sprintf("Statement %d", i+1)
		if st.Sid != "" {
			name = "Statement " + st.Sid
		}
		v.Notes = append(v.Notes, fmt.Sprintf("%s %ss every action except %s: the rows below count what that leaves.", name,
			strings.ToLower(st.Effect.String()), strings.Join(st.Action, ", ")))
	}
	sum := policy.Summarize(d)
	if len(sum.Unrecognized) > 0 {
		v.Notes = append(v.Notes, "Not in AWS's list of actions, so they match nothing: "+strings.Join(sum.Unrecognized, ", ")+".")
	}
	v.Allow = serviceRows(sum.Allow)
	v.Deny = serviceRows(sum.Deny)
	return v, nil
}

func serviceRows(rows []policy.ServiceSummary) []ServiceSummary {
	out := make([]ServiceSummary, 0, len(rows))
	for _, r := range rows {
		s := ServiceSummary{Service: r.Prefix, Name: r.Name, Access: r.Access(), NotResource: r.NotResource, Conditions: r.Conditions}
		s.Full = s.Access == "Full access"
		for _, res := range r.Resources {
			if res == "*" {
				res = "All resources"
			}
			s.Resources = append(s.Resources, res)
		}
		for _, l := range r.Levels {
			s.Levels = append(s.Levels, LevelSummary{Level: l.Level.String(), Full: l.Full(), Granted: l.Granted, Total: l.Total, Actions: l.Actions})
		}
		out = append(out, s)
	}
	return out
}

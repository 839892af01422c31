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
	return trustJSON(map[string]any{"AWS": "arn:aws:iam::" + accountID + ":root"}, nil)
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
	return trustJSON(map[string]any{"AWS": "arn:aws:iam::" + otherAccount + ":root"}, cond)
}

// TrustTemplateService lets an AWS service (such as "ec2.amazonaws.com" or
// "lambda.amazonaws.com") assume the role.
func TrustTemplateService(servicePrincipal string) string {
	return trustJSON(map[string]any{"Service": servicePrincipal}, nil)
}

func trustJSON(principal map[string]any, cond map[string]any) string {
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
	}{policy.Version2012, []stmt{{Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", Condition: cond}}}
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

package iam

import (
	"encoding/json"
	"fmt"
	"sort"
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
	return checkDocument(label, doc, kind, limit, "")
}

// checkDocument validates doc as a policy of kind. A document over limit is
// LimitExceeded with quotaMsg (AWS's text) when given; anything else that is
// wrong is Malformed, naming the first problem's line and column. It returns
// the lint warnings of an accepted document.
func checkDocument(label, doc string, kind policy.Kind, limit int, quotaMsg string) ([]policy.Diagnostic, error) {
	if strings.TrimSpace(doc) == "" {
		return nil, invalidField(label, "%s is required.", label)
	}
	r := policy.Validate([]byte(doc), kind, limit)
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

// Access levels, as AWS's policy summaries name them.
const (
	AccessList        = "List"
	AccessRead        = "Read"
	AccessWrite       = "Write"
	AccessPermissions = "Permissions management"
	AccessTagging     = "Tagging"
)

var accessLevelOrder = []string{AccessList, AccessRead, AccessWrite, AccessPermissions, AccessTagging}

// PolicySummaryView is a policy summarised as AWS's console does: one row
// per service and effect, with the access it gives, on which resources,
// under which conditions.
type PolicySummaryView struct {
	Allow []ServiceSummary
	Deny  []ServiceSummary
	// Notes are whole-policy remarks: statements with NotAction, NotResource
	// or wildcard services, which a per-service table cannot show plainly.
	Notes    []string
	Warnings []policy.Diagnostic
}

// ServiceSummary is one service's row of a policy summary.
type ServiceSummary struct {
	Service string // the action prefix: "s3", "iam", or "*" for every service
	// Access is "Full access" or "Limited: Read, List" (the access levels of
	// the actions named, in AWS's order).
	Access string
	Full   bool
	// Levels are the access levels granted (or denied), in AWS's order.
	Levels []string
	// Actions are the actions as written, sorted; Wildcard notes that some
	// contain * or ? (so they cover actions added later, too).
	Actions  []string
	Wildcard bool
	// Resources are the resources as written ("All resources" when "*");
	// NotResource marks them as exceptions.
	Resources   []string
	NotResource bool
	// Conditions are the request conditions, "operator key: values".
	Conditions []string
}

// PolicySummary summarises an identity policy by service, as AWS's policy
// summary does. The document must be a valid identity policy (Malformed
// otherwise, with line and column).
func PolicySummary(doc string) (*PolicySummaryView, error) {
	warnings, err := checkDocument("PolicyDocument", doc, policy.Identity, 0, "")
	if err != nil {
		return nil, err
	}
	d, err := policy.Parse([]byte(doc), policy.Identity)
	if err != nil {
		return nil, malformed("PolicyDocument", err)
	}
	v := &PolicySummaryView{Warnings: warnings}
	type key struct {
		effect  policy.Effect
		service string
	}
	rows := map[key]*ServiceSummary{}
	var order []key
	get := func(k key) *ServiceSummary {
		if r := rows[k]; r != nil {
			return r
		}
		r := &ServiceSummary{Service: k.service}
		rows[k] = r
		order = append(order, k)
		return r
	}
	for i, st := range d.Statements {
		name := fmt.Sprintf("Statement %d", i+1)
		if st.Sid != "" {
			name = fmt.Sprintf("Statement %s", st.Sid)
		}
		if st.NotAction {
			v.Notes = append(v.Notes, fmt.Sprintf("%s %ss every action except %s.", name,
				strings.ToLower(st.Effect.String()), strings.Join(st.Action, ", ")))
			continue
		}
		for _, a := range st.Action {
			svc, act := "*", "*"
			if a != "*" {
				svc, act, _ = strings.Cut(a, ":")
				svc = strings.ToLower(svc)
			}
			if strings.ContainsAny(svc, "*?") && svc != "*" {
				v.Notes = append(v.Notes, fmt.Sprintf("%s names services by wildcard (%s).", name, a))
			}
			r := get(key{st.Effect, svc})
			r.Actions = appendUnique(r.Actions, a)
			if strings.ContainsAny(act, "*?") {
				r.Wildcard = true
			}
			if act == "*" {
				r.Full = true
			}
			for _, l := range accessLevels(act) {
				r.Levels = appendUnique(r.Levels, l)
			}
			for _, res := range st.Resource {
				if res == "*" {
					res = "All resources"
				}
				r.Resources = appendUnique(r.Resources, res)
			}
			r.NotResource = r.NotResource || st.NotResource
			for _, c := range st.Condition {
				r.Conditions = appendUnique(r.Conditions, c.Operator+" "+c.Key+": "+strings.Join(c.Values, ", "))
			}
		}
	}
	for _, k := range order {
		r := rows[k]
		sort.Strings(r.Actions)
		sort.Slice(r.Levels, func(i, j int) bool { return levelIndex(r.Levels[i]) < levelIndex(r.Levels[j]) })
		if r.Full {
			r.Levels = append([]string(nil), accessLevelOrder...)
			r.Access = "Full access"
		} else {
			r.Access = "Limited: " + strings.Join(r.Levels, ", ")
		}
		if k.effect == policy.Deny {
			v.Deny = append(v.Deny, *r)
		} else {
			v.Allow = append(v.Allow, *r)
		}
	}
	for _, list := range [][]ServiceSummary{v.Allow, v.Deny} {
		sort.Slice(list, func(i, j int) bool { return list[i].Service < list[j].Service })
	}
	return v, nil
}

func appendUnique(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

func levelIndex(l string) int {
	for i, x := range accessLevelOrder {
		if x == l {
			return i
		}
	}
	return len(accessLevelOrder)
}

// accessLevels classifies an action name (or a pattern such as "Get*") by
// AWS's access levels, from the verb it starts with: AWS's catalogue is not
// shipped, and the verbs are what it follows. A pattern may cover several
// levels ("*Policy" covers permissions management and read).
func accessLevels(action string) []string {
	if action == "*" {
		return append([]string(nil), accessLevelOrder...)
	}
	a := strings.ToLower(action)
	if i := strings.IndexAny(a, "*?"); i >= 0 {
		prefix := a[:i]
		var out []string
		for _, l := range accessLevelOrder {
			for _, verb := range levelVerbs[l] {
				if strings.HasPrefix(verb, prefix) || strings.HasPrefix(prefix, verb) {
					out = appendUnique(out, l)
				}
			}
		}
		if prefix == "" || len(out) == 0 {
			return append([]string(nil), accessLevelOrder...)
		}
		return out
	}
	switch {
	case strings.HasPrefix(a, "tag") || strings.HasPrefix(a, "untag"):
		return []string{AccessTagging}
	case strings.HasPrefix(a, "list"):
		return []string{AccessList}
	}
	for _, verb := range levelVerbs[AccessRead] {
		if strings.HasPrefix(a, verb) {
			return []string{AccessRead}
		}
	}
	switch {
	case strings.Contains(a, "tag"): // CreateTags, PutObjectTagging, AddTagsToResource
		return []string{AccessTagging}
	case isPermissionsAction(a):
		return []string{AccessPermissions}
	}
	return []string{AccessWrite}
}

var levelVerbs = map[string][]string{
	AccessList:        {"list"},
	AccessRead:        {"get", "describe", "head", "lookup", "search", "select", "query", "scan", "batchget", "download", "view", "read", "simulate", "generate"},
	AccessWrite:       {"create", "delete", "update", "put", "remove", "add", "set", "change", "enable", "disable", "reset", "upload", "start", "stop", "run", "invoke", "send", "modify", "pass", "assume", "attach", "detach"},
	AccessPermissions: {"attach", "detach", "putrolepolicy", "putuserpolicy", "putgrouppolicy", "createpolicy", "deletepolicy", "setdefaultpolicyversion", "putbucketpolicy", "passrole", "updateassumerolepolicy", "putrolepermissionsboundary", "putuserpermissionsboundary"},
	AccessTagging:     {"tag", "untag"},
}

// isPermissionsAction: actions that change who may do what (policies,
// attachments, boundaries, trust, PassRole), which AWS calls "Permissions
// management".
func isPermissionsAction(a string) bool {
	if strings.HasPrefix(a, "attach") || strings.HasPrefix(a, "detach") || a == "passrole" {
		return true
	}
	return strings.Contains(a, "policy") && !strings.HasPrefix(a, "get") && !strings.HasPrefix(a, "list") ||
		strings.Contains(a, "permissionsboundary") && !strings.HasPrefix(a, "get")
}

package analyzer

import (
	"strconv"
	"strings"

	"github.com/iamconsole/console/internal/policy"
)

// structure reports what the reference files as missing or malformed
// elements, from the JSON tree: the validator's diagnostics say the same
// in words, but which element is missing is a fact of the tree.
func (v *validation) structure() {
	root := v.loc.root
	st := root.Member("Statement")
	if st == nil {
		v.add("MISSING_STATEMENT", "Add a statement to the policy", Location{Path: []PathElement{}, Span: v.loc.span(root)})
		return
	}
	var stmts []*policy.Node
	switch st.Kind {
	case policy.NodeObject:
		stmts = []*policy.Node{st}
	case policy.NodeArray:
		stmts = st.Elems
	}
	sids := map[string]bool{}
	for i, s := range stmts {
		if s.Kind != policy.NodeObject {
			continue
		}
		whole := v.loc.member(i, "") // no member has an empty name: the statement itself
		if s.Member("Effect") == nil {
			v.add("MISSING_EFFECT", "Add an Effect element to the policy statement with a value of Allow or Deny.", whole)
		}
		if s.Member("Action") == nil && s.Member("NotAction") == nil {
			v.add("MISSING_ACTION", "Add an Action or NotAction element to the policy statement.", whole)
		}
		if v.in.kind() != policy.Trust && s.Member("Resource") == nil && s.Member("NotResource") == nil {
			v.add("MISSING_RESOURCE", "Add a Resource or NotResource element to the policy statement.", whole)
		}
		for _, pair := range [][2]string{{"Action", "NotAction"}, {"Resource", "NotResource"}, {"Principal", "NotPrincipal"}} {
			if s.Member(pair[0]) != nil && s.Member(pair[1]) != nil {
				v.add("UNSUPPORTED_ELEMENT_COMBINATION", "The policy elements "+pair[0]+" and "+pair[1]+" can not be used in the same statement. Remove one of these elements.",
					v.loc.member(i, pair[1]))
			}
		}
		v.conditionBlock(i, s.Member("Condition"))
		sid := s.Member("Sid")
		if sid == nil || sid.Kind != policy.NodeString {
			continue
		}
		loc := v.loc.member(i, "Sid")
		switch {
		case sid.Value == "":
			v.add("EMPTY_SID_VALUE", "Add a value to the empty string in the Sid element.", loc)
			continue
		case sids[sid.Value] && v.in.kind() == policy.Resource:
			v.add("UNIQUE_SIDS_RECOMMENDED", "We recommend that you use statement IDs that are unique to your policy. Update the Sid value.", loc)
		case sids[sid.Value]:
			v.add("UNIQUE_SIDS_REQUIRED", "Duplicate statement IDs are not supported for this policy type. Update the Sid value.", loc)
		case v.in.kind() != policy.Resource && !alnum(sid.Value):
			v.add("UNSUPPORTED_SID", "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]", loc)
		}
		sids[sid.Value] = true
	}
}

// conditionBlock checks a statement's Condition element as written: empty
// blocks and value lists, key names without a service prefix, a key twice
// with different capitalization (key names are case-insensitive, so the
// JSON decoder's exact-duplicate check does not see it).
func (v *validation) conditionBlock(i int, cond *policy.Node) {
	if cond == nil || cond.Kind != policy.NodeObject {
		return
	}
	condLoc := v.loc.member(i, "Condition")
	if len(cond.Members) == 0 {
		v.add("EMPTY_OBJECT_CONDITION", "This condition block is empty and it does not affect the policy. Specify conditions.", condLoc)
		return
	}
	for _, op := range cond.Members {
		if op.Value.Kind != policy.NodeObject {
			continue // DATA_TYPE_MISMATCH, from the parser
		}
		opPath := append(clonePath(condLoc.Path), valueElem(op.Key))
		if len(op.Value.Members) == 0 {
			v.add("EMPTY_OBJECT_CONDITION", "This condition block is empty and it does not affect the policy. Specify conditions.",
				Location{Path: opPath, Span: v.loc.span(op.Value)})
			continue
		}
		seen := map[string]string{}
		for _, k := range op.Value.Members {
			keyLoc, _, _ := v.loc.nodeAt(k.KeyPos)
			if !strings.Contains(k.Key, ":") {
				v.add("INVALID_CONDITION_KEY_FORMAT", "The condition key format is not valid. Use the format service:keyname.", keyLoc)
			}
			if k.Value.Kind == policy.NodeArray && len(k.Value.Elems) == 0 {
				v.emptyConditionValues(op.Key, k.Key, Location{Path: append(clonePath(opPath), valueElem(k.Key)), Span: v.loc.span(k.Value)})
			}
			lk := strings.ToLower(k.Key)
			if first, ok := seen[lk]; ok && first != k.Key {
				v.add("DUPLICATE_KEYS_WITH_DIFFERENT_CASE", "The condition key "+k.Key+" appears more than once with different capitalization in the same condition block. Remove the duplicate condition keys.", keyLoc)
				continue
			}
			seen[lk] = k.Key
		}
	}
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// statements runs the checks on what the statements mean.
func (v *validation) statements() {
	index := v.statementIndexes()
	for k := range v.doc.Statements {
		st := &v.doc.Statements[k]
		i, ok := index[st.Start]
		if !ok {
			continue
		}
		v.grants(i, st, passRoleCheck)
		v.grants(i, st, createSLRCheck)
		v.wildcardServices(i, st)
		v.redundant(i, st)
		v.scpActions(i, st)
		v.conditions(i, st)
		v.variables(i, st)
		v.conditionValues(i, st)
		v.principalReferences(i, st)
		v.resourceARNs(i, st)
	}
}

// statementIndexes maps where each statement starts to its index in the
// document (the parsed Document skips entries that are not objects).
func (v *validation) statementIndexes() map[policy.Pos]int {
	out := map[policy.Pos]int{}
	st := v.loc.root.Member("Statement")
	switch {
	case st == nil:
	case st.Kind == policy.NodeObject:
		out[st.Start] = 0
	default:
		for i, e := range st.Elems {
			out[e.Start] = i
		}
	}
	return out
}

func actionKey(st *policy.Statement) string {
	if st.NotAction {
		return "NotAction"
	}
	return "Action"
}

func resourceKey(st *policy.Statement) string {
	if st.NotResource {
		return "NotResource"
	}
	return "Resource"
}

// grantCheck is one of the reference's families of checks on an Allow of
// a sensitive action over more resources than named: iam:PassRole
// (security warnings) and iam:CreateServiceLinkedRole (general warnings).
// Each names a code per shape: the action reached exactly or through a
// wildcard or NotAction, the resource a wildcard or NotResource.
type grantCheck struct {
	action  string
	prefix  string // issue code prefix: "PASS_ROLE", "CREATE_SLR"
	silence string // a condition key that narrows the grant enough, or ""
	details map[string]string
}

var passRoleCheck = grantCheck{action: "iam:PassRole", prefix: "PASS_ROLE", silence: "iam:PassedToService", details: map[string]string{
	"WITH_STAR_IN_RESOURCE":                "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
	"WITH_STAR_IN_ACTION_AND_RESOURCE":     "Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
	"WITH_STAR_IN_RESOURCE_AND_NOT_ACTION": "Using a resource with wildcards (*) and NotAction can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
	"WITH_NOT_RESOURCE":                    "Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
	"WITH_STAR_IN_ACTION_AND_NOT_RESOURCE": "Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
	"WITH_NOT_ACTION_AND_NOT_RESOURCE":     "Using NotAction with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
}}

var createSLRCheck = grantCheck{action: "iam:CreateServiceLinkedRole", prefix: "CREATE_SLR", details: map[string]string{
	"WITH_STAR_IN_RESOURCE":                "Using the iam:CreateServiceLinkedRole action with wildcards (*) in the resource can allow creation of unintended service-linked roles. We recommend that you specify resource ARNs instead.",
	"WITH_STAR_IN_ACTION_AND_RESOURCE":     "Using wildcards (*) in the action and the resource can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify resource ARNs instead.",
	"WITH_STAR_IN_RESOURCE_AND_NOT_ACTION": "Using a resource with wildcards (*) and NotAction can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify resource ARNs instead.",
	"WITH_NOT_RESOURCE":                    "Using the iam:CreateServiceLinkedRole action with NotResource can allow creation of unintended service-linked roles for multiple resources. We recommend that you specify resource ARNs instead.",
	"WITH_STAR_IN_ACTION_AND_NOT_RESOURCE": "Using an action with a wildcard(*) and NotResource can allow creation of unintended service-linked roles because it can allow iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
	"WITH_NOT_ACTION_AND_NOT_RESOURCE":     "Using NotAction with NotResource can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
}}

// grants reports an Allow of g's action over more resources than named:
// a wildcard or NotResource in the resource, the action reached through a
// wildcard or NotAction.
func (v *validation) grants(i int, st *policy.Statement, g grantCheck) {
	if st.Effect != policy.Allow || !st.HasResource {
		return
	}
	for _, c := range st.Condition {
		if g.silence != "" && strings.EqualFold(c.Key, g.silence) {
			return
		}
	}
	starAction, actionAt := false, -1
	if st.NotAction {
		for _, a := range st.Action {
			if policy.MatchAction(a, g.action) {
				return // excluded
			}
		}
	} else {
		for j, a := range st.Action {
			if policy.MatchAction(a, g.action) {
				if actionAt < 0 || !strings.ContainsAny(a, "*?") {
					actionAt, starAction = j, strings.ContainsAny(a, "*?")
				}
			}
		}
		if actionAt < 0 {
			return
		}
	}
	resourceAt := -1
	if !st.NotResource {
		for j, r := range st.Resource {
			if strings.Contains(r, "*") {
				resourceAt = j
				break
			}
		}
		if resourceAt < 0 {
			return
		}
	}
	var locs []Location
	if st.NotAction {
		locs = append(locs, v.loc.member(i, "NotAction"))
	} else {
		locs = append(locs, v.loc.element(i, "Action", actionAt))
	}
	if st.NotResource {
		locs = append(locs, v.loc.member(i, "NotResource"))
	} else {
		locs = append(locs, v.loc.element(i, "Resource", resourceAt))
	}
	var shape string
	switch {
	case st.NotAction && st.NotResource:
		shape = "WITH_NOT_ACTION_AND_NOT_RESOURCE"
	case st.NotAction:
		shape = "WITH_STAR_IN_RESOURCE_AND_NOT_ACTION"
	case starAction && st.NotResource:
		shape = "WITH_STAR_IN_ACTION_AND_NOT_RESOURCE"
	case st.NotResource:
		shape = "WITH_NOT_RESOURCE"
	case starAction:
		shape = "WITH_STAR_IN_ACTION_AND_RESOURCE"
	default:
		shape = "WITH_STAR_IN_RESOURCE"
	}
	v.add(g.prefix+"_"+shape, g.details[shape], locs...)
}

// wildcardServices reports actions whose service prefix has a wildcard
// ("*:Describe*", "s3*:Get*"): Access Analyzer answers
// INVALID_SERVICE_IN_ACTION for them (the validator's reference check,
// matching them as patterns, skips them).
func (v *validation) wildcardServices(i int, st *policy.Statement) {
	for j, a := range st.Action {
		if svc, _, ok := strings.Cut(a, ":"); ok && strings.ContainsAny(svc, "*?") {
			v.add("INVALID_SERVICE_IN_ACTION", "The service "+svc+" specified in the action does not exist. A service prefix cannot contain wildcards (*, ?).",
				v.loc.element(i, actionKey(st), j))
		}
	}
}

// redundant reports an action or resource another entry of the same
// element already includes (the later of two equal ones).
func (v *validation) redundant(i int, st *policy.Statement) {
	for _, j := range redundantEntries(st.Action, true) {
		v.add("REDUNDANT_ACTION", "The 1 action(s) are redundant because they provide similar permissions. Update the policy to remove the redundant action such as: "+st.Action[j]+".",
			v.loc.element(i, actionKey(st), j))
	}
	for _, j := range redundantEntries(st.Resource, false) {
		v.add("REDUNDANT_RESOURCE", "The 1 resource ARN(s) are redundant because they reference the same resource. Review the use of wildcards (*) and remove the redundant resource ARN such as: "+st.Resource[j]+".",
			v.loc.element(i, resourceKey(st), j))
	}
}

func redundantEntries(xs []string, fold bool) []int {
	var out []int
	for j := range xs {
		for k := range xs {
			if j == k || !policy.Covers(xs[k:k+1], xs[j:j+1], fold) {
				continue
			}
			same := policy.Covers(xs[j:j+1], xs[k:k+1], fold)
			if same && k > j {
				continue // equal entries: the later one is the redundant one
			}
			out = append(out, j)
			break
		}
	}
	return out
}

// scpActions enforces the SCP grammar's one restriction on actions that
// IAM's lacks: a wildcard only at the end.
func (v *validation) scpActions(i int, st *policy.Statement) {
	if v.in.PolicyType != ServiceControlPolicy {
		return
	}
	for j, a := range st.Action {
		if k := strings.IndexAny(a, "*?"); k >= 0 && k < len(a)-1 || strings.Contains(a, "?") {
			v.add("SCP_SYNTAX_ERROR_ACTION_WILDCARD", "SCP actions can include wildcards (*) only at the end of a string. Update "+a+".",
				v.loc.element(i, actionKey(st), j))
		}
	}
}

// exactOperators compare whole values, so '*' and '?' in their values are
// literal characters.
var exactOperators = map[string]bool{
	"StringEquals": true, "StringNotEquals": true, "StringEqualsIgnoreCase": true, "StringNotEqualsIgnoreCase": true,
	"ArnEquals": true, "ArnNotEquals": true,
}

// conditions reports wildcards given to operators that do not read them.
func (v *validation) conditions(i int, st *policy.Statement) {
	for _, c := range st.Condition {
		op := c.Operator
		if _, rest, ok := strings.Cut(op, ":"); ok {
			op = rest
		}
		op = strings.TrimSuffix(op, "IfExists")
		if !exactOperators[op] {
			continue
		}
		for _, val := range c.Values {
			if strings.ContainsAny(val, "*?") && !isVariableOnly(val) {
				loc, _, _ := v.loc.nodeAt(c.Pos)
				v.add("WILDCARD_WITHOUT_LIKE_OPERATOR", "Your condition value includes a * or ? character. If you meant to use a wildcard (*, ?), update the condition operator to include Like ("+likeOf(op)+" for "+strconv.Quote(val)+").", loc)
				break
			}
		}
	}
}

// isVariableOnly: ${*} and ${?} are how a policy writes a literal '*' or '?'.
func isVariableOnly(s string) bool {
	s = strings.NewReplacer("${*}", "", "${?}", "").Replace(s)
	return !strings.ContainsAny(s, "*?")
}

func likeOf(op string) string {
	switch {
	case strings.HasPrefix(op, "Arn"):
		return strings.Replace(op, "Equals", "Like", 1)
	case strings.Contains(op, "Not"):
		return "StringNotLike"
	}
	return "StringLike"
}

// variables reports malformed ${...} in resources and condition values of
// a 2012-10-17 policy (older ones read them literally, which lint reports).
func (v *validation) variables(i int, st *policy.Statement) {
	if !v.doc.Variables() {
		return
	}
	for j, r := range st.Resource {
		if code, msg := variableProblem(r); code != "" {
			v.add(code, msg, v.loc.element(i, resourceKey(st), j))
		}
	}
	for _, c := range st.Condition {
		for _, val := range c.Values {
			if code, msg := variableProblem(val); code != "" {
				loc, _, _ := v.loc.nodeAt(c.Pos)
				v.add(code, msg, loc)
				break
			}
		}
	}
}

func variableProblem(s string) (string, string) {
	for rest := s; ; {
		k := strings.Index(rest, "${")
		if k < 0 {
			return "", ""
		}
		rest = rest[k+2:]
		end := strings.IndexByte(rest, '}')
		switch {
		case end < 0:
			return "MISSING_BRACE_IN_VARIABLE", "The policy variable is missing a closing curly brace. Add } after the variable text."
		case strings.TrimSpace(rest[:end]) == "":
			return "EMPTY_VARIABLE", "Empty policy variable. Remove the ${} variable structure or provide a variable within the structure."
		}
		rest = rest[end+1:]
	}
}

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
		v.add("MISSING_STATEMENT", "Add a statement to the policy.", Location{Path: []PathElement{}, Span: v.loc.span(root)})
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
		if c := s.Member("Condition"); c != nil && c.Kind == policy.NodeObject && len(c.Members) == 0 {
			v.add("EMPTY_OBJECT_CONDITION", "This condition block is empty and has no effect. Add a condition or remove the block.", v.loc.member(i, "Condition"))
		}
		sid := s.Member("Sid")
		if sid == nil || sid.Kind != policy.NodeString {
			continue
		}
		loc := v.loc.member(i, "Sid")
		switch {
		case sid.Value == "":
			v.add("EMPTY_SID_VALUE", "Add a value to the empty string in the Sid element.", loc)
			continue
		case sids[sid.Value]:
			v.add("UNIQUE_SIDS_REQUIRED", "Duplicate statement IDs (SIDs) are not supported for this policy type. Update the SID value "+strconv.Quote(sid.Value)+".", loc)
		case v.in.kind() != policy.Resource && !alnum(sid.Value):
			v.add("UNSUPPORTED_SID", "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9].", loc)
		}
		sids[sid.Value] = true
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
		v.passRole(i, st)
		v.wildcardServices(i, st)
		v.redundant(i, st)
		v.scpActions(i, st)
		v.conditions(i, st)
		v.variables(i, st)
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

// passRole reports an Allow of iam:PassRole over more roles than named:
// a wildcard or NotResource in the resource, or the action reached through
// a wildcard or NotAction. A condition on iam:PassedToService is the
// reference's other remedy, so it silences the warning.
func (v *validation) passRole(i int, st *policy.Statement) {
	if st.Effect != policy.Allow || !st.HasResource {
		return
	}
	for _, c := range st.Condition {
		if strings.EqualFold(c.Key, "iam:PassedToService") {
			return
		}
	}
	starAction, actionAt := false, -1
	if st.NotAction {
		for _, a := range st.Action {
			if policy.MatchAction(a, "iam:PassRole") {
				return // excluded
			}
		}
	} else {
		for j, a := range st.Action {
			if policy.MatchAction(a, "iam:PassRole") {
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
	const advice = " We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement."
	switch {
	case st.NotAction && st.NotResource:
		v.add("PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", "Using NotAction with NotResource can be overly permissive because it allows iam:PassRole permissions on multiple resources."+advice, locs...)
	case st.NotAction:
		v.add("PASS_ROLE_WITH_NOT_ACTION_AND_STAR_IN_RESOURCE", "Using NotAction with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources."+advice, locs...)
	case starAction && st.NotResource:
		v.add("PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", "Using wildcards (*) in the action and NotResource can be overly permissive because it allows iam:PassRole permissions on multiple resources."+advice, locs...)
	case st.NotResource:
		v.add("PASS_ROLE_WITH_NOT_RESOURCE", "Using the iam:PassRole action with NotResource can be overly permissive because it allows iam:PassRole permissions on multiple resources."+advice, locs...)
	case starAction:
		v.add("PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole permissions on all resources."+advice, locs...)
	default:
		v.add("PASS_ROLE_WITH_STAR_IN_RESOURCE", "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources."+advice, locs...)
	}
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
		v.add("REDUNDANT_ACTION", "The action "+st.Action[j]+" is redundant because another action of the statement already includes it. Remove the redundant action.",
			v.loc.element(i, actionKey(st), j))
	}
	for _, j := range redundantEntries(st.Resource, false) {
		v.add("REDUNDANT_RESOURCE", "The resource ARN "+st.Resource[j]+" is redundant because another resource ARN of the statement already includes it. Review the use of wildcards (*) and remove the redundant resource ARN.",
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
				v.add("WILDCARD_WITHOUT_LIKE_OPERATOR", "Your condition value "+strconv.Quote(val)+" includes a * or ? character. If you meant to use a wildcard (*, ?), update the condition operator to include Like ("+likeOf(op)+").", loc)
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
			return "MISSING_BRACE_IN_VARIABLE", "The policy variable in " + strconv.Quote(s) + " has no closing brace. Add } to the end of the variable."
		case strings.TrimSpace(rest[:end]) == "":
			return "EMPTY_VARIABLE", "The policy variable in " + strconv.Quote(s) + " is empty. Add a variable name, such as ${aws:username}."
		}
		rest = rest[end+1:]
	}
}

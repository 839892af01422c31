package policy

import (
	"encoding/base64"

	"github.com/iamconsole/console/internal/awsdata"
	"strconv"
	"strings"
)

// lint returns warnings in the spirit of IAM Access Analyzer's policy checks: the
// document is valid, but it grants more than its author probably meant, or contains
// something that can never take effect.
func lint(d *Document) []Diagnostic {
	var ws []Diagnostic
	warn := func(pos Pos, path string, code Code, msg string) {
		if len(ws) < maxDiagnostics {
			ws = append(ws, Diagnostic{Code: code, Severity: SeverityWarning, Message: msg, Line: pos.Line, Column: pos.Column, Path: path})
		}
	}
	vars := d.Variables()
	if d.Version == "" {
		warn(Pos{1, 1}, "Version", CodeMissingVersion,
			"the policy has no Version, so AWS reads it as 2008-10-17 and does not substitute policy variables; add \"Version\": \"2012-10-17\"")
	}
	for i := range d.Statements {
		st := &d.Statements[i]
		path := "Statement[" + strconv.Itoa(i) + "]"
		lintStatement(st, path, vars, warn)
	}
	lintRedundant(d, warn)
	sortDiagnostics(ws)
	return ws
}

type warnFunc func(pos Pos, path string, code Code, msg string)

func lintStatement(st *Statement, path string, vars bool, warn warnFunc) {
	allow := st.Effect == Allow
	if allow && st.NotAction {
		warn(st.Start, path+".NotAction", CodeAllowNotAction,
			"Allow with NotAction grants every action not listed, including actions AWS adds later; list the allowed actions instead")
	}
	if allow && st.NotResource {
		warn(st.Start, path+".NotResource", CodeAllowNotResource,
			"Allow with NotResource grants the actions on every resource not listed, including ones created later; list the allowed resources instead")
	}
	if allow && st.NotPrincipal {
		warn(st.Start, path+".NotPrincipal", CodeAllowNotPrincipal,
			"Allow with NotPrincipal grants access to everyone not listed, including anonymous users; name the principals in Principal instead")
	}
	starResource := !st.NotResource && contains(st.Resource, "*")
	starAction := !st.NotAction && contains(st.Action, "*")
	if allow && starAction && starResource && len(st.Condition) == 0 {
		warn(st.Start, path, CodeFullAccess, "this statement allows every action on every resource (full administrator access)")
	}
	actionPath := path + ".Action"
	if st.NotAction {
		actionPath = path + ".NotAction"
	}
	for j, a := range st.Action {
		pos := posAt(st.actionPos, j, st.Start)
		if msg, code := checkActionKnown(a); msg != "" {
			warn(pos, actionPath, code, msg)
		}
		if g := compileGlob(strings.ToLower(a), true, false, false); allow && !st.NotAction && starResource && a != "*" && g.match("iam:passrole", nil) {
			warn(pos, path+".Action", CodePassRoleWildcard,
				"iam:PassRole with Resource \"*\" lets the caller hand any role (and its permissions) to a service; name the roles that may be passed")
		}
	}
	if !vars {
		for j, r := range st.Resource {
			if strings.Contains(r, "${") {
				warn(posAt(st.resourcePos, j, st.Start), path+".Resource", CodeVariableInOldPolicy,
					"policy variables are only substituted with \"Version\": \"2012-10-17\"; here "+strconv.Quote(r)+" is matched literally")
			}
		}
	}
	resourcePath := path + ".Resource"
	if st.NotResource {
		resourcePath = path + ".NotResource"
	}
	for j, r := range st.Resource {
		if msg := checkResourceType(r); msg != "" {
			warn(posAt(st.resourcePos, j, st.Start), resourcePath, CodeUnknownResourceType, msg)
		}
	}
	services := actionServices(st)
	for _, c := range st.Condition {
		cpath := path + ".Condition." + c.Operator + "." + c.Key
		op, _ := parseOperator(c.Operator)
		lk := strings.ToLower(c.Key)
		for _, v := range c.Values {
			if msg := checkConditionValue(op, v); msg != "" {
				warn(c.Pos, cpath, CodeBadConditionValue, msg)
			}
			if !vars && strings.Contains(v, "${") {
				warn(c.Pos, cpath, CodeVariableInOldPolicy, "policy variables are only substituted with \"Version\": \"2012-10-17\"; here "+strconv.Quote(v)+" is compared literally")
			}
		}
		if op.set != setNone && singleValuedGlobalKeys[lk] {
			warn(c.Pos, cpath, CodeSetOperatorOnSingle, c.Key+" has a single value; "+c.Operator+" treats it as a set, which can grant more than intended (ForAllValues is true when the key is absent): drop the ForAnyValue/ForAllValues qualifier")
		}
		prefix, _, _ := strings.Cut(lk, ":")
		switch {
		case prefix == "aws":
			if !knownGlobalKeys[lk] && !isTagKey(lk) {
				warn(c.Pos, cpath, CodeUnknownGlobalKey, "unknown global condition key "+strconv.Quote(c.Key)+"; it is never in a request, so this condition "+neverText(op))
			}
		case checkConditionKeyKnown(c.Key) != "":
			warn(c.Pos, cpath, CodeUnknownConditionKey, checkConditionKeyKnown(c.Key)+"; it is never in a request, so this condition "+neverText(op))
		case services != nil && !keyFitsServices(prefix, services):
			warn(c.Pos, cpath, CodeKeyNotForAction, "condition key "+strconv.Quote(c.Key)+" belongs to service "+strconv.Quote(prefix)+" but the statement's actions are of "+strings.Join(services, ", ")+"; the key is never present for them, so this condition "+neverText(op))
		}
	}
}

func neverText(op opInfo) string {
	switch {
	case op.fam == famNull:
		return "only tests for its absence"
	case op.ifExists, op.neg, op.set == setAll:
		return "is always true"
	}
	return "is always false"
}

func isTagKey(lk string) bool {
	for _, p := range []string{"aws:principaltag/", "aws:requesttag/", "aws:resourcetag/"} {
		if strings.HasPrefix(lk, p) && len(lk) > len(p) {
			return true
		}
	}
	return false
}

// actionServices returns the distinct service prefixes of the statement's actions, or
// nil when any service is possible (NotAction, a wildcard service).
func actionServices(st *Statement) []string {
	if st.NotAction {
		return nil
	}
	var out []string
	for _, a := range st.Action {
		svc, _, ok := strings.Cut(strings.ToLower(a), ":")
		if !ok || strings.ContainsAny(svc, "*?") {
			return nil
		}
		if !contains(out, svc) {
			out = append(out, svc)
		}
	}
	return out
}

func keyFitsServices(prefix string, services []string) bool {
	// Identity-provider keys ("accounts.google.com:aud",
	// "token.actions.githubusercontent.com:sub") are named after the provider's
	// host and go with the sts:AssumeRoleWith* actions.
	if strings.Contains(prefix, ".") && contains(services, "sts") {
		return true
	}
	for _, s := range services {
		if s == prefix || contains(keyPrefixAliases[prefix], s) || contains(awsdata.Services().KeyPrefixServices(prefix), s) {
			return true
		}
	}
	return false
}

// checkConditionValue reports a policy value its operator can never match.
func checkConditionValue(op opInfo, v string) string {
	switch op.fam {
	case famNumeric:
		if _, ok := parseNumber(v); !ok {
			return strconv.Quote(v) + " is not a number, so this numeric comparison never matches"
		}
	case famDate:
		if _, ok := parseDate(v); !ok {
			return strconv.Quote(v) + " is not an ISO 8601 date or epoch time, so this date comparison never matches"
		}
	case famBool, famNull:
		if _, ok := parseBool(v); !ok {
			return strconv.Quote(v) + " is not \"true\" or \"false\""
		}
	case famIP:
		if _, ok := parseCIDR(v); !ok {
			return strconv.Quote(v) + " is not an IP address or CIDR block (e.g. 203.0.113.0/24)"
		}
	case famBinary:
		if _, err := base64.StdEncoding.DecodeString(v); err != nil {
			return strconv.Quote(v) + " is not base64"
		}
	case famArn:
		if v != "*" && !strings.HasPrefix(v, "arn:") && !strings.Contains(v, "${") {
			return strconv.Quote(v) + " is not an ARN, so this ARN comparison never matches"
		}
	}
	return ""
}

// lintRedundant reports statements whose every action and resource another
// unconditional statement of the same effect already covers.
func lintRedundant(d *Document, warn warnFunc) {
	simple := func(st *Statement) bool {
		return !st.NotAction && !st.NotResource && !st.HasPrincipal && len(st.Condition) == 0 && st.Effect != 0
	}
	for i := range d.Statements {
		a := &d.Statements[i]
		if !simple(a) {
			continue
		}
		for j := range d.Statements {
			b := &d.Statements[j]
			if i == j || !simple(b) || a.Effect != b.Effect {
				continue
			}
			if !covers(b.Action, a.Action, true) || !covers(b.Resource, a.Resource, false) {
				continue
			}
			// Two identical statements: report only the later one.
			if j > i && covers(a.Action, b.Action, true) && covers(a.Resource, b.Resource, false) {
				continue
			}
			name := "Statement[" + strconv.Itoa(j) + "]"
			if b.Sid != "" {
				name += " (" + b.Sid + ")"
			}
			warn(a.Start, "Statement["+strconv.Itoa(i)+"]", CodeRedundantStatement,
				"this statement is redundant: "+name+" already "+strings.ToLower(a.Effect.String())+"s all of its actions on all of its resources")
			break
		}
	}
}

// covers reports whether every pattern in small is matched by some pattern in big,
// treating small's patterns as literal text: a sound approximation of "big's set
// includes small's set" for the patterns people write.
func covers(big, small []string, fold bool) bool {
	gs := make([]glob, len(big))
	for i, b := range big {
		if fold {
			b = strings.ToLower(b)
		}
		gs[i] = compileGlob(b, true, false, false)
	}
	for _, s := range small {
		if fold {
			s = strings.ToLower(s)
		}
		ok := false
		for i := range gs {
			if gs[i].match(s, nil) && (!strings.ContainsAny(s, "*?") || strings.Contains(big[i], "*")) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func posAt(ps []Pos, i int, def Pos) Pos {
	if i < len(ps) {
		return ps[i]
	}
	return def
}

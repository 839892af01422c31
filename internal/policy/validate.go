package policy

import (
	"strconv"
	"strings"
)

// Size quotas, in characters not counting whitespace, as AWS enforces them.
const (
	LimitManaged     = 6144  // customer managed policy
	LimitUserInline  = 2048  // all inline policies of one user, together
	LimitGroupInline = 5120  // all inline policies of one group, together
	LimitRoleInline  = 10240 // all inline policies of one role, together
	LimitTrust       = 2048  // role trust policy (default quota)
)

// Validate parses doc as a policy of the given kind and reports every error (the
// document would be refused: the same set Parse reports, plus the size quota when limit
// > 0) and every warning (accepted, but probably wrong: see the Code* warning
// constants). Report.Doc is set whenever the JSON itself could be read, even with
// errors, so that callers can still show the statements.
func Validate(doc []byte, kind Kind, limit int) Report {
	return validate(doc, kind, false, limit)
}

func validate(doc []byte, kind Kind, managed bool, limit int) Report {
	d, errs, warns := parseFor(doc, kind, managed)
	r := Report{Doc: d, Kind: kind, Errors: errs}
	if d == nil {
		return r
	}
	if limit > 0 && d.Size > limit {
		r.Errors = append(r.Errors, Diagnostic{Code: CodeSizeLimit, Severity: SeverityError, Line: 1, Column: 1,
			Message: "the policy is " + strconv.Itoa(d.Size) + " characters long (whitespace not counted); the quota for this policy is " + strconv.Itoa(limit)})
	}
	r.Warnings = append(warns, lint(d)...)
	sortDiagnostics(r.Warnings)
	return r
}

// checkPrincipal returns a message when v cannot name a principal of type t.
func checkPrincipal(t, v string) string {
	if v == "" {
		return t + " principal must not be empty"
	}
	if v == "*" {
		return ""
	}
	switch t {
	case "AWS":
		if IsAccountID(v) || isUniqueID(v) {
			return ""
		}
		if !strings.HasPrefix(v, "arn:") || strings.Count(v, ":") < 5 {
			return "AWS principal " + strconv.Quote(v) + " must be a 12-digit account ID, an IAM ARN or \"*\""
		}
		if strings.ContainsAny(v, "*?") {
			return "AWS principal " + strconv.Quote(v) + ": wildcards are not allowed in principal ARNs; use \"*\" with a condition on aws:PrincipalArn"
		}
	case "Service":
		if strings.ContainsAny(v, "*? ") {
			return "service principal " + strconv.Quote(v) + " must be a service name such as \"ec2.amazonaws.com\""
		}
	case "CanonicalUser":
		if len(v) != 64 || strings.Trim(v, "0123456789abcdefABCDEF") != "" {
			return "canonical user ID " + strconv.Quote(v) + " must be 64 hexadecimal characters"
		}
	}
	return ""
}

// checkConditionKey returns a message when k cannot be a context key name.
func checkConditionKey(k string) string {
	if k == "" {
		return "condition key must not be empty"
	}
	return "" // IAM accepts keys without a prefix: they match nothing AWS sends
}

// IsAccountID reports whether s is an AWS account ID: exactly 12 digits.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isUniqueID recognises IAM unique IDs (AIDA..., AROA...): AWS shows them in a
// policy's Principal when the user or role it named was deleted.
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 || s[0] != 'A' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

package policy

import (
	"strconv"
	"strings"
)

// Code names one kind of problem in a policy document. Callers switch on codes, never
// on messages; AWSErrorCode maps a code to the error AWS's API would return.
type Code string

// Error codes: the document is refused.
const (
	CodeMalformedJSON     Code = "MalformedJSON"  // not JSON at all
	CodeTooDeep           Code = "TooDeep"        // nesting beyond any policy's shape
	CodeDuplicateKey      Code = "DuplicateKey"   // the same member twice in one object
	CodeUnknownElement    Code = "UnknownElement" // a member IAM does not define
	CodeWrongType         Code = "WrongType"      // e.g. a number where a string list belongs
	CodeMissingElement    Code = "MissingElement" // Effect, Action or Resource absent
	CodeConflict          Code = "ConflictingElements"
	CodeBadVersion        Code = "BadVersion"        // Version other than 2012-10-17 or 2008-10-17
	CodeBadEffect         Code = "BadEffect"         // Effect other than Allow or Deny
	CodeBadSid            Code = "BadSid"            // non-alphanumeric or duplicate Sid
	CodeUnknownOperator   Code = "UnknownOperator"   // condition operator IAM does not define
	CodeBadConditionKey   Code = "BadConditionKey"   // empty or malformed condition key
	CodeBadARN            Code = "BadARN"            // Resource neither "*" nor an ARN
	CodeBadAction         Code = "BadAction"         // Action not "service:Action"
	CodeBadPrincipal      Code = "BadPrincipal"      // unknown principal type or malformed value
	CodeBadCharacter      Code = "BadCharacter"      // character outside what IAM accepts
	CodeSizeLimit         Code = "SizeLimit"         // over the per-kind size quota
	CodePrincipalRequired Code = "PrincipalRequired" // resource and trust policies need one
	CodePrincipalNotAllow Code = "PrincipalNotAllowed"
	CodeResourceNotAllow  Code = "ResourceNotAllowed" // trust policies must not name resources
	CodeOldVersion        Code = "VersionTooOld"      // managed policies need Version 2012-10-17
	CodeBadDate           Code = "BadDateValue"       // Date condition value IAM cannot read
	CodeTrustAction       Code = "TrustActionNotAllowed"
)

// Warning codes: the document is accepted, but probably not what its author meant.
const (
	CodeBadConditionValue   Code = "BadConditionValue"  // value the operator can never match
	CodeAllowNotAction      Code = "AllowWithNotAction" // grants every other action, now and future
	CodeAllowNotResource    Code = "AllowWithNotResource"
	CodeAllowNotPrincipal   Code = "AllowWithNotPrincipal"
	CodePassRoleWildcard    Code = "PassRoleWithStarResource"
	CodeFullAccess          Code = "FullAccess" // Action "*" on Resource "*"
	CodeRedundantStatement  Code = "RedundantStatement"
	CodeKeyNotForAction     Code = "ConditionKeyNotForAction"
	CodeUnknownService      Code = "UnknownServicePrefix"
	CodeVariableInOldPolicy Code = "VariableWithoutVersion" // ${...} in a 2008-10-17 policy is literal
	CodeSetOperatorOnSingle Code = "SetOperatorOnSingleValuedKey"
	CodeMissingVersion      Code = "MissingVersion"   // no Version: variables are not substituted
	CodeUnknownGlobalKey    Code = "UnknownGlobalKey" // aws: key AWS does not define (a typo)
	CodeUnknownAction       Code = "UnknownAction"    // not an action of its service (Service Authorization Reference)
	CodeUnknownResourceType Code = "UnknownResourceType"
	CodeUnknownConditionKey Code = "UnknownConditionKey" // not a key of its service
	CodeEmptyCondition      Code = "EmptyCondition"      // operator without keys, key without values
	CodeIgnoredElement      Code = "IgnoredElement"      // e.g. null in a Resource list
)

// AWSErrorCode is the AWS API error code for a document refused for this reason.
func (c Code) AWSErrorCode() string {
	if c == CodeSizeLimit {
		return "LimitExceeded"
	}
	return "MalformedPolicyDocument"
}

// Severity says whether a diagnostic refuses the document.
type Severity uint8

// Severities.
const (
	SeverityError Severity = iota
	SeverityWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in a document, with where it is.
type Diagnostic struct {
	Code     Code
	Severity Severity
	Message  string
	Line     int    // 1-based; 0 when the problem is the document as a whole
	Column   int    // 1-based, in characters
	Path     string // element path, e.g. "Statement[1].Condition.StringEquals"
	// AWSMessage is the text IAM's API answers for this problem (empty for
	// warnings and for JSON that cannot be read, which IAM answers by policy
	// kind): AWS names only one problem per document, in its own words and
	// without a position. Report.AWSError picks which.
	AWSMessage string
	// awsStage and awsOrder place the problem in the order IAM checks a
	// document (see aws.go): IAM reports the first stage that fails.
	awsStage awsStage
	awsOrder int
}

// String formats the diagnostic as "LINE:COL: severity: path: message [Code]".
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Line > 0 {
		b.WriteString(strconv.Itoa(d.Line))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(d.Column))
		b.WriteString(": ")
	}
	b.WriteString(d.Severity.String())
	b.WriteString(": ")
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	b.WriteString(" [")
	b.WriteString(string(d.Code))
	b.WriteByte(']')
	return b.String()
}

// ParseError is the error Parse returns: every error-severity diagnostic found, in
// document order. Its Error method reports the first.
type ParseError struct {
	Diagnostics []Diagnostic
}

// Error reports the first diagnostic and how many more there are.
func (e *ParseError) Error() string {
	if len(e.Diagnostics) == 0 {
		return "policy: malformed policy document"
	}
	msg := "policy: " + e.Diagnostics[0].String()
	if n := len(e.Diagnostics) - 1; n > 0 {
		msg += " (and " + strconv.Itoa(n) + " more)"
	}
	return msg
}

// Code is the first diagnostic's code, for callers that map errors to API codes.
func (e *ParseError) Code() Code {
	if len(e.Diagnostics) == 0 {
		return CodeMalformedJSON
	}
	return e.Diagnostics[0].Code
}

// Report is the outcome of Validate.
type Report struct {
	Doc      *Document // nil when the document could not be decoded at all
	Kind     Kind
	Errors   []Diagnostic
	Warnings []Diagnostic
}

// OK reports whether the document has no errors (warnings allowed).
func (r Report) OK() bool { return len(r.Errors) == 0 }

package iam

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an operation's failure. Each front door (HTML page, AWS
// XML error, CLI exit code) maps a Kind in exactly one place.
type Kind uint8

// Kinds of failure.
const (
	Internal        Kind = iota // a bug or an outage: details are logged, not shown
	NotFound                    // the entity does not exist
	AlreadyExists               // the name is taken
	Conflict                    // the entity is in use (DeleteConflict)
	LimitExceeded               // a quota would be exceeded
	Malformed                   // a policy document is malformed
	Invalid                     // an input is invalid (ValidationError)
	AccessDenied                // the caller is not allowed
	Unauthenticated             // no valid credentials
	Throttled                   // too many attempts
)

var kindNames = [...]string{"Internal", "NotFound", "AlreadyExists", "Conflict", "LimitExceeded",
	"Malformed", "Invalid", "AccessDenied", "Unauthenticated", "Throttled"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Error is an operation's failure: a Kind, an AWS error code only where the
// operation answers one more specific than its Kind (empty otherwise: the
// front doors map the Kind), and a message safe to show the caller. Field names the input at
// fault, for forms that show errors beside the field.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	// APIMessage, when set, is what the AWS API answers instead of
	// Message: AWS's own words where they say less than ours (a refused
	// policy document: IAM's one sentence, where Message names the line
	// and column for the console).
	APIMessage string
	Field      string
	// Action and Resource name what was denied, for AccessDenied.
	Action, Resource string
	// Violations are the inputs that break AWS's constraints on them, for
	// an Invalid error the API words as AWS's validation layer does
	// (ValidationMessage); Message stays the console's sentence.
	Violations []Violation
	// AuthorizationMessage is the engine's explanation of an AccessDenied,
	// sealed (authzmessage.go): the API appends it as AWS's "Encoded
	// authorization failure message", for STS DecodeAuthorizationMessage.
	AuthorizationMessage string
	Err                  error // the cause, for logs; never shown
}

// Violation is one input that breaks a constraint of AWS's API model:
// Member is its path in the request as AWS names it ("userName",
// "tags.1.member.key"), Value what was sent, Constraint AWS's words
// ("Member must have length less than or equal to 64").
type Violation struct {
	Member     string
	Value      string
	Constraint string
}

// ValidationMessage words violations as AWS's ValidationError does:
// "1 validation error detected: Value 'x y' at 'userName' failed to satisfy
// constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+",
// or "N validation errors detected: …; …" for several.
func ValidationMessage(vs []Violation) string {
	var b strings.Builder
	if len(vs) == 1 {
		b.WriteString("1 validation error detected: ")
	} else {
		fmt.Fprintf(&b, "%d validation errors detected: ", len(vs))
	}
	for i, v := range vs {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "Value '%s' at '%s' failed to satisfy constraint: %s", v.Value, v.Member, v.Constraint)
	}
	return b.String()
}

// violation is an Invalid error about field (the console's name for the
// input) carrying AWS's violations, with msg for people.
func violation(field, msg string, vs ...Violation) *Error {
	e := invalidField(field, "%s", msg)
	e.Violations = vs
	return e
}

// joinInvalid is the error of a request checked several ways at once.
// AWS checks every input against its model before anything else and
// reports all the violations together, so when any of errs carries
// violations the answer is one error holding them all, in order (the
// console's message and field are the first's); otherwise it is the first
// error, nil when there is none.
func joinInvalid(errs ...error) error {
	var first error
	var joined *Error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if first == nil {
			first = err
		}
		var e *Error
		if !asError(err, &e) || len(e.Violations) == 0 {
			continue
		}
		if joined == nil {
			c := *e
			c.Violations = append([]Violation(nil), e.Violations...)
			joined = &c
			continue
		}
		joined.Violations = append(joined.Violations, e.Violations...)
	}
	if joined != nil {
		return joined
	}
	return first
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns err's Kind, Internal for anything that is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// newErr is a failure of kind k. It carries no Code: each front door names
// the kind in its own words (internal/awsapi's table gives AWS's code and
// status). An operation sets Code only where AWS answers something more
// specific than its kind (PasswordPolicyViolation, InvalidUserType, ...).
func newErr(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// AWSCode is the AWS error code that names a failure of kind k where the
// operation set none: IAM's own vocabulary, so the audit log (like
// CloudTrail's errorCode) and the API's XML name failures alike. Internal
// is IAM's ServiceFailure (STS answers its own InternalFailure: that is
// the API's business, internal/awsapi). The HTTP status and namespace of
// each are the API's too.
func (k Kind) AWSCode() string {
	if int(k) < len(kindCodes) {
		return kindCodes[k]
	}
	return kindCodes[Internal]
}

var kindCodes = [...]string{Internal: "ServiceFailure", NotFound: "NoSuchEntity", AlreadyExists: "EntityAlreadyExists",
	Conflict: "DeleteConflict", LimitExceeded: "LimitExceeded", Malformed: "MalformedPolicyDocument",
	Invalid: "ValidationError", AccessDenied: "AccessDenied", Unauthenticated: "InvalidClientTokenId", Throttled: "Throttling"}

// auditErrorCode is how the audit log names a failure: the operation's own
// AWS code where it set one, else its kind's (Kind.AWSCode), as events
// always have.
func auditErrorCode(err error) string {
	var e *Error
	if !asError(err, &e) {
		return Internal.AWSCode()
	}
	if e.Code != "" {
		return e.Code
	}
	return e.Kind.AWSCode()
}

func invalidField(field, format string, args ...any) *Error {
	e := newErr(Invalid, format, args...)
	e.Field = field
	return e
}

func internal(err error, what string) *Error {
	return &Error{Kind: Internal, Message: "Internal error.", Err: fmt.Errorf("%s: %w", what, err)}
}

func asError(err error, target **Error) bool { return errors.As(err, target) }

// constantEqual compares two short secrets in constant time.
func constantEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

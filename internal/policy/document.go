package policy

// Kind is the role a policy document plays; it decides which elements the document
// must or must not have (see Validate) and, for Trust, that the resource side must
// grant the request (see Evaluate).
type Kind uint8

// Policy kinds.
const (
	// Identity: attached to a user, group or role (inline or managed). No Principal;
	// Action and Resource required.
	Identity Kind = iota
	// Resource: attached to a resource (bucket, queue, key...). Principal and Resource
	// required.
	Resource
	// Trust: a role's trust policy (AssumeRolePolicyDocument). Principal required,
	// Resource absent.
	Trust
	// Session: passed to AssumeRole and friends; identity rules.
	Session
	// Boundary: a permissions boundary; identity rules.
	Boundary
)

// String returns the kind's lower-case name, as used in messages.
func (k Kind) String() string {
	switch k {
	case Identity:
		return "identity"
	case Resource:
		return "resource"
	case Trust:
		return "trust"
	case Session:
		return "session"
	case Boundary:
		return "boundary"
	}
	return "unknown"
}

// Effect is a statement's Effect.
type Effect uint8

// Effects. The zero value is not a valid effect: Parse never produces it.
const (
	Allow Effect = iota + 1
	Deny
)

// String returns "Allow" or "Deny", as written in policies.
func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "Invalid"
}

// Versions of the policy language. Only Version2012 substitutes policy variables.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Document is a parsed policy: what the JSON says, normalised (single values become
// one-element lists, account IDs in Principal become root ARNs) and with positions.
type Document struct {
	Version    string // as written; "" when absent, which AWS reads as 2008-10-17
	ID         string
	Kind       Kind
	Statements []Statement
	// Size is the document's length in characters, not counting whitespace outside
	// strings: the number AWS compares with its policy size quotas.
	Size int
}

// Variables reports whether policy variables are substituted in this document: only
// in Version 2012-10-17; in older documents "${aws:username}" is literal text.
func (d *Document) Variables() bool { return d.Version == Version2012 }

// Statement is one entry of a document's Statement list.
type Statement struct {
	Sid    string
	Effect Effect

	// Principal lists who the statement applies to (resource and trust policies).
	// A bare "*" is {Type: "*", Value: "*"}. NotPrincipal inverts it.
	Principal    []PrincipalEntry
	NotPrincipal bool
	HasPrincipal bool // Principal or NotPrincipal was present

	Action    []string
	NotAction bool

	Resource    []string
	NotResource bool
	HasResource bool // Resource or NotResource was present (trust policies have none)

	Condition []Condition

	// Start and End delimit the statement's JSON object (End is just past its '}').
	Start, End Pos

	actionPos   []Pos
	resourcePos []Pos
}

// PrincipalEntry is one principal named by a statement.
type PrincipalEntry struct {
	Type  string // "*", "AWS", "Service", "Federated" or "CanonicalUser"
	Value string // for AWS, account IDs are normalised to arn:aws:iam::ID:root
	Pos   Pos
}

// Condition is one (operator, key) pair of a Condition block with its values.
type Condition struct {
	Operator string // as written, e.g. "ForAnyValue:StringLikeIfExists"
	Key      string // as written; keys compare case-insensitively
	Values   []string
	Pos      Pos
}

package iam

import "time"

// Principal types, as aws:PrincipalType names them.
const (
	TypeRoot        = "Account"
	TypeUser        = "User"
	TypeAssumedRole = "AssumedRole"
)

// Principal is an authenticated caller: who it is and how it signed in.
type Principal struct {
	AccountID string
	Type      string
	Name      string // root's email, the user name, or role/session
	ID        string
	ARN       string
	// MFA is true when the caller proved a second factor.
	MFA       bool
	AuthTime  time.Time
	SessionID string // hash of the console session, empty for API callers
	// MustEnrollMFA confines the session to MFA enrollment.
	MustEnrollMFA bool
	// Tags are the principal's tags (aws:PrincipalTag/*).
	Tags map[string]string
	// RequestContext adds request-specific condition keys (aws:RequestTag/…,
	// aws:TagKeys, sts:ExternalId) for one authorization.
	RequestContext map[string][]string
}

// IsRoot reports whether p is the account's root user.
func (p *Principal) IsRoot() bool { return p != nil && p.Type == TypeRoot }

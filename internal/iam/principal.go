package iam

import (
	"time"

	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

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
	// MustChangePassword confines the session to changing its password: an
	// administrator required a reset, or the password is past its maximum
	// age (without hard expiry).
	MustChangePassword bool
	// Tags are the principal's tags (aws:PrincipalTag/*).
	Tags map[string]string
	// Session is set for callers with temporary credentials.
	Session *TempCredentials
	// inputs caches the caller's policies for the request (see inputsFor).
	inputs *policy.Inputs
	// stamps are the IAM state's and the activity's stamps, read once for
	// the request (see requestStamps) when the Store had committed
	// stampCommits transactions; stamped says they were read.
	stamps       models.Stamps
	stampCommits uint64
	stamped      bool
	// condKeys keeps the condition keys' context for the request (see
	// Service.requestContext).
	condKeys conditionKeys
	// signInHash is the password hash a sign-in checked the password
	// against: the sign-in fails if the login profile has changed since.
	signInHash string
	// RequestContext adds request-specific condition keys (aws:RequestTag/…,
	// aws:TagKeys, sts:ExternalId) for one authorization.
	RequestContext map[string][]string
}

// TempCredentials describes the temporary credentials an API caller signed
// with (AssumeRole or GetSessionToken).
type TempCredentials struct {
	AccessKeyID string
	Kind        string // "AssumedRole" or "Session"
	RoleID      string
	RoleARN     string
	SessionName string
	UserID      string // GetSessionToken: the user behind the session
	Policy      string
	PolicyARNs  []string
	// Web identity sessions, and the sessions chained from them: the tag
	// keys that pass on to a chained session (the tags are the
	// Principal's), the source identity, and the provider that vouched
	// for the first session (aws:FederatedProvider).
	TransitiveTagKeys []string
	SourceIdentity    string
	FederatedProvider string
	// FederatedSubject is who an identity provider vouched for, in a
	// console session opened by signing in through it: an OpenID Connect
	// sub (consolesso.go, with FederatedEmail their email at that sign-in)
	// or a SAML NameID (saml_console.go).
	FederatedSubject string
	FederatedEmail   string
	// Expiration is when API credentials expire (zero for console
	// sessions): what they obtain may not outlive them.
	Expiration time.Time
}

// userID is the IAM user behind p: its own ID, or the user that got a
// GetSessionToken session.
func (p *Principal) userID() string {
	if p.Session != nil && p.Session.UserID != "" {
		return p.Session.UserID
	}
	return p.ID
}

// conditionKeys is a request's condition keys' context and what it was
// built from.
type conditionKeys struct {
	owner    *Principal
	meta     Meta
	second   int64
	mfa      bool
	authTime time.Time
	ctx      policy.Context
}

// IsRoot reports whether p is the account's root user.
func (p *Principal) IsRoot() bool { return p != nil && p.Type == TypeRoot }

package iam

import (
	"context"
	"strings"
)

// Some IAM and STS actions work only with something this console does not
// have: AWS Organizations (centralized root access, the Organizations
// access report, AssumeRoot), or a partner onboarded with AWS (temporary
// delegation requests, role templates). They are answered here, after the
// caller's permission is checked as for any action, with the error AWS
// gives an account without the prerequisite — never InvalidAction, which
// would tell a client the action does not exist.

// Errors of the actions that need what the console lacks. The messages are
// AWS's descriptions of these errors (IAM API Reference, "Errors"), as AWS
// words them for an account outside an organization.
var (
	// ErrOrganizationNotFound: the account belongs to no organization. HTTP
	// 400, as the API reference lists it for the Organizations features.
	ErrOrganizationNotFound = &Error{Kind: Invalid, Code: "OrganizationNotFoundException",
		Message: "The request was rejected because no organization is associated with your account."}
	// ErrTradeInTokenExpired: STS GetDelegatedAccessToken's only documented
	// refusal of a token; no token the console could take exists.
	ErrTradeInTokenExpired = &Error{Kind: Invalid, Code: "ExpiredTradeInTokenException",
		Message: "The trade-in token provided in the request has expired and can no longer be exchanged for credentials. Request a new token and retry the operation."}
)

// Unavailable authorizes caller for action on resource, then answers why,
// the error AWS gives when the action's prerequisite is absent. A caller
// the engine refuses gets its AccessDenied, as from AWS, whose
// authorization comes before the action's own checks.
func (s *Service) Unavailable(ctx context.Context, caller *Principal, m Meta, action, resource string, why *Error) error {
	if err := s.authorizeMeta(ctx, caller, m, action, resource); err != nil {
		return err
	}
	e := *why // a copy: the caller may not change the shared value
	return &e
}

// UnavailableNotFound is Unavailable answering NoSuchEntity for an entity
// that only a missing prerequisite could have made (a delegation request
// from a partner, a role template): what AWS answers for an ID it does not
// know.
func (s *Service) UnavailableNotFound(ctx context.Context, caller *Principal, m Meta, action, resource, format string, args ...any) error {
	return s.Unavailable(ctx, caller, m, action, resource, newErr(NotFound, format, args...))
}

// AuthorizeAction checks caller's permission for an action that answers
// without its prerequisite on its own (an empty list of delegation
// requests, no account properties).
func (s *Service) AuthorizeAction(ctx context.Context, caller *Principal, m Meta, action, resource string) error {
	return s.authorizeMeta(ctx, caller, m, action, resource)
}

// RefusePrerequisite authorizes caller for action on resource, then
// refuses it with the AccessDenied AWS gives a caller whose account lacks
// what the action needs, in the engine's words: STS AssumeRoot (root
// sessions in the member accounts of an organization, from its management
// account once centralized root access is enabled; this account is in no
// organization) and CreateDelegationRequest (for partners onboarded with
// AWS only).
func (s *Service) RefusePrerequisite(ctx context.Context, caller *Principal, m Meta, action, resource string) error {
	if err := s.authorizeMeta(ctx, caller, m, action, resource); err != nil {
		return err
	}
	if caller == nil {
		return newErr(AccessDenied, "%s is not available to this account.", action)
	}
	e := accessDenied(caller, action, resource)
	_, name, _ := strings.Cut(action, ":")
	if aerr := s.audit(ctx, s.store, m, caller.AccountID, caller.ARN, event{name: name, resource: resource}, e); aerr != nil {
		return aerr
	}
	return e
}

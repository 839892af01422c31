package iam

import (
	"context"
	"encoding/json"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/iamconsole/console/internal/models"
)

// TypeFederatedUser is aws:PrincipalType for a GetFederationToken session.
const TypeFederatedUser = "FederatedUser"

// GetFederationTokenInput is STS GetFederationToken's input.
type GetFederationTokenInput struct {
	Name            string
	DurationSeconds int // 0 = 43200
	Policy          string
	PolicyArns      []string
	Tags            []Tag
}

// FederationTokenResult is GetFederationToken's output.
type FederationTokenResult struct {
	Credentials     Credentials
	FederatedUserID string // ACCOUNT:Name, as AWS's FederatedUserId
	Arn             string // arn:aws:sts::ACCOUNT:federated-user/Name
	// PackedPolicySize is the session policies' and tags' share of the
	// packed allowance, in percent; reported when some were given.
	PackedPolicySize int
	Packed           bool
}

// federatedNameChars is GetFederationToken's Name pattern (STS API
// Reference: length 2–32, [\w+=,.@-]*).
var federatedNameChars = regexp.MustCompile(`^[\w+=,.@-]*$`)

// GetFederationToken returns temporary credentials for a federated user
// named by the caller, an IAM user signing with its long-term keys (AWS
// refuses session credentials; root may call it in AWS, but root has no
// access keys here). The federated user may do what both the user's
// policies and the session policies (Policy, PolicyArns) allow: without
// session policies, nothing — as AWS documents ("Permissions for
// GetFederationToken"); the engine knows a federated-user session by its
// ARN. The caller needs sts:GetFederationToken on the federated user's ARN.
func (s *Service) GetFederationToken(ctx context.Context, caller *Principal, in GetFederationTokenInput, m Meta) (*FederationTokenResult, error) {
	if caller == nil || caller.Type != TypeUser || caller.Session != nil {
		return nil, newErr(AccessDenied, "Cannot call GetFederationToken with session credentials")
	}
	if err := checkFederatedName(in.Name); err != nil {
		return nil, err
	}
	dur := in.DurationSeconds
	if dur == 0 {
		dur = 43200
	}
	if dur < 900 || dur > 129600 {
		return nil, newErr(Invalid, "1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600", dur)
	}
	if err := checkSessionPolicies(in.Policy, in.PolicyArns); err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	acct := caller.AccountID
	arn := "arn:aws:sts::" + acct + ":federated-user/" + in.Name
	if err := s.authorizeMeta(ctx, caller, m, "sts:GetFederationToken", arn); err != nil {
		return nil, err
	}
	now := s.now()
	x := &models.STSSession{AccountID: acct, Kind: TypeFederatedUser, UserID: caller.ID, SessionName: in.Name,
		PrincipalARN: arn, SessionPolicy: in.Policy, SourceARN: caller.ARN, CreatedAt: now,
		Expiration: now.Add(time.Duration(dur) * time.Second)}
	if len(in.PolicyArns) > 0 {
		b, _ := json.Marshal(in.PolicyArns) // a []string always encodes
		x.PolicyARNs = string(b)
	}
	if len(in.Tags) > 0 {
		tags := make(map[string]string, len(in.Tags))
		for _, t := range in.Tags {
			tags[t.Key] = t.Value
		}
		b, _ := json.Marshal(tags) // a map of strings always encodes
		x.SessionTags = string(b)
	}
	cred, err := s.issueCredentials(ctx, x, nil, 0, func(tx *models.Store) error {
		return s.audit(ctx, tx, m, acct, caller.ARN, event{name: "GetFederationToken", resource: arn,
			params: map[string]any{"name": in.Name, "durationSeconds": dur, "accessKeyId": x.AccessKeyID,
				"policyArns": in.PolicyArns, "tags": in.Tags}}, nil)
	})
	if err != nil {
		return nil, err
	}
	res := &FederationTokenResult{Credentials: *cred, FederatedUserID: acct + ":" + in.Name, Arn: arn}
	if in.Policy != "" || len(in.PolicyArns) > 0 || len(in.Tags) > 0 {
		res.Packed = true
		res.PackedPolicySize = packedSize(AssumeRoleInput{Policy: in.Policy, PolicyArns: in.PolicyArns})
		for _, t := range in.Tags {
			res.PackedPolicySize += (len(t.Key) + len(t.Value)) * 100 / 2048
		}
	}
	return res, nil
}

// checkFederatedName checks GetFederationToken's Name as AWS does, with its
// validation messages.
func checkFederatedName(name string) error {
	const at = "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: "
	switch n := utf8.RuneCountInString(name); {
	case n < 2:
		return newErr(Invalid, at+"Member must have length greater than or equal to 2", name)
	case n > 32:
		return newErr(Invalid, at+"Member must have length less than or equal to 32", name)
	case !federatedNameChars.MatchString(name):
		return newErr(Invalid, at+`Member must satisfy regular expression pattern: [\w+=,.@-]*`, name)
	}
	return nil
}

// federatedPrincipal is the caller behind a GetFederationToken session: the
// federated user, with the IAM user it was federated from (whose policies,
// narrowed by the session's, are its permissions) and its session tags.
func federatedPrincipal(x *models.STSSession) (*Principal, error) {
	p := &Principal{AccountID: x.AccountID, Type: TypeFederatedUser, ID: x.AccountID + ":" + x.SessionName,
		Name: x.SessionName, ARN: x.PrincipalARN, AuthTime: x.CreatedAt,
		Session: &TempCredentials{AccessKeyID: x.AccessKeyID, Kind: x.Kind, SessionName: x.SessionName,
			UserID: x.UserID, Policy: x.SessionPolicy, Expiration: x.Expiration}}
	if x.PolicyARNs != "" {
		if err := json.Unmarshal([]byte(x.PolicyARNs), &p.Session.PolicyARNs); err != nil {
			return nil, internal(err, "session policy ARNs")
		}
	}
	if x.SessionTags != "" {
		if err := json.Unmarshal([]byte(x.SessionTags), &p.Tags); err != nil {
			return nil, internal(err, "session tags")
		}
	}
	return p, nil
}

// APIRefusal is the error AWS answers when a caller's kind of credentials
// may not call an action at all, whatever its policies say; nil when it
// may. A federated user (GetFederationToken) can call no IAM action and no
// STS action but GetCallerIdentity (IAM User Guide, "Comparing the AWS STS
// API operations"). IAM answers such credentials InvalidClientTokenId, as
// it does other session credentials it refuses; STS, AccessDenied.
func (p *Principal) APIRefusal(service, action string) error {
	if p == nil || p.Type != TypeFederatedUser {
		return nil
	}
	switch {
	case service == "iam":
		return &Error{Kind: Unauthenticated, Message: "The security token included in the request is invalid"}
	case service == "sts" && action == "GetCallerIdentity":
		return nil
	case service == "sts" && (action == "GetSessionToken" || action == "GetFederationToken"):
		return newErr(AccessDenied, "Cannot call %s with session credentials", action)
	}
	return newErr(AccessDenied, "User: %s is not authorized to perform: %s:%s", p.ARN, service, action)
}

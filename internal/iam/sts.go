package iam

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/auth/sigv4"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// Now is the service's clock (the SigV4 verifier shares it).
func (s *Service) Now() time.Time { return s.now() }

// stsSessionsMax bounds the temporary credentials kept: past it the cache
// starts over.
const stsSessionsMax = 10_000

// noStamp is the stamp of what never changes once stored.
type noStamp struct{}

// keptSTSSession is the row of temporary credentials. It is kept without a
// stamp: a row never changes once made, and is deleted only once expired,
// which every use checks (the SigV4 verifier, on the Expiration it gets
// from APICredential). The row is shared: read it only.
func (s *Service) keptSTSSession(ctx context.Context, id string) (*models.STSSession, error) {
	if x, ok := s.stsSessions.get(noStamp{}, id); ok {
		return x, nil
	}
	x, err := s.store.STSSessionByKey(ctx, id)
	if err != nil {
		return nil, err
	}
	s.stsSessions.put(noStamp{}, id, x, stsSessionsMax)
	return x, nil
}

// apiKey is what a request signed with a long-term access key needs of the
// database: the key's row (its secret still sealed) and its user's. It is
// kept under the IAM state stamp, which a key's creation, deactivation or
// deletion and its user's rename or deletion move, so a key taken away
// through any process is refused on the next request. Its last use is not
// state: what is kept of it may be older than the database's.
type apiKey struct {
	key  models.AccessKey
	user models.User
}

// apiKeysMax bounds the access keys kept: past it the cache starts over.
const apiKeysMax = 10_000

// keptAPIKey is the long-term access key id with its user, kept under
// stamp. NotFound when the key or its user does not exist.
func (s *Service) keptAPIKey(ctx context.Context, stamp models.StateStamp, id string) (*apiKey, error) {
	if k, ok := s.apiKeys.get(stamp, id); ok {
		return k, nil
	}
	k, err := s.store.AccessKeyByID(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchAccessKey(id)
	}
	if err != nil {
		return nil, internal(err, "access key")
	}
	u, err := s.store.UserByID(ctx, k.AccountID, k.UserID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchAccessKey(id)
	}
	if err != nil {
		return nil, internal(err, "user")
	}
	ak := &apiKey{key: *k, user: *u}
	s.apiKeys.put(stamp, id, ak, apiKeysMax)
	return ak, nil
}

// APICredential is the SigV4 verifier's lookup: long-term keys (AKIA) of
// users that still exist, and unexpired temporary credentials (ASIA).
// Unknown, inactive and deleted keys are sigv4.ErrUnknownKey
// (InvalidClientTokenId).
func (s *Service) APICredential(ctx context.Context, accessKeyID string) (sigv4.Credential, error) {
	if strings.HasPrefix(accessKeyID, PrefixTempKey) {
		x, err := s.keptSTSSession(ctx, accessKeyID)
		if errors.Is(err, models.ErrNotFound) {
			return sigv4.Credential{}, sigv4.ErrUnknownKey
		}
		if err != nil {
			return sigv4.Credential{}, err
		}
		secret, err1 := s.cfg.Sealer.Open(x.SealedSecret, []byte("sts-secret:"+x.AccessKeyID))
		token, err2 := s.cfg.Sealer.Open(x.SealedToken, []byte("sts-token:"+x.AccessKeyID))
		if err1 != nil || err2 != nil {
			return sigv4.Credential{}, errors.Join(err1, err2)
		}
		return sigv4.Credential{AccessKeyID: x.AccessKeyID, Secret: string(secret), SessionToken: string(token),
			Expiration: x.Expiration, AccountID: x.AccountID, PrincipalARN: x.PrincipalARN}, nil
	}
	stamp, err := s.store.StateStamp(ctx)
	if err != nil {
		return sigv4.Credential{}, err
	}
	ak, err := s.keptAPIKey(ctx, stamp, accessKeyID)
	if KindOf(err) == NotFound || err == nil && ak.key.Status != models.AccessKeyActive {
		return sigv4.Credential{}, sigv4.ErrUnknownKey
	}
	if err != nil {
		return sigv4.Credential{}, err
	}
	secret, err := s.cfg.Sealer.Open(ak.key.SealedSecret, []byte("accesskey:"+accessKeyID))
	if err != nil {
		return sigv4.Credential{}, internal(err, "unseal access key")
	}
	return sigv4.Credential{AccessKeyID: accessKeyID, Secret: string(secret), AccountID: ak.key.AccountID}, nil
}

// APIPrincipal turns a verified request into its caller, and records the
// access key's last use.
func (s *Service) APIPrincipal(ctx context.Context, res *sigv4.Result, m Meta) (*Principal, error) {
	id := res.AccessKeyID
	if strings.HasPrefix(id, PrefixTempKey) {
		x, err := s.keptSTSSession(ctx, id)
		if err != nil {
			return nil, asInvalidToken(err)
		}
		if x.Kind == TypeFederatedUser {
			return federatedPrincipal(x)
		}
		p := &Principal{AccountID: x.AccountID, ARN: x.PrincipalARN, MFA: x.MFA, AuthTime: x.CreatedAt,
			Session: &TempCredentials{AccessKeyID: id, Kind: x.Kind, RoleID: x.RoleID, RoleARN: x.RoleARN,
				SessionName: x.SessionName, UserID: x.UserID, Policy: x.SessionPolicy, Expiration: x.Expiration}}
		if x.PolicyARNs != "" {
			if err := json.Unmarshal([]byte(x.PolicyARNs), &p.Session.PolicyARNs); err != nil {
				return nil, internal(err, "session policy ARNs")
			}
		}
		if err := readFederation(x, p); err != nil {
			return nil, err
		}
		if x.Kind == "AssumedRole" {
			p.Type, p.ID, p.Name = TypeAssumedRole, x.RoleID+":"+x.SessionName, x.SessionName
		} else {
			u, err := s.store.UserByID(ctx, x.AccountID, x.UserID)
			if err != nil {
				return nil, asInvalidToken(err)
			}
			// The user's ARN as it is now, not as it was at GetSessionToken:
			// after a rename, the old ARN may be another user's.
			p.Type, p.ID, p.Name, p.ARN = TypeUser, u.UserID, u.Name, userARN(x.AccountID, u.Path, u.Name)
		}
		return p, nil
	}
	// The caller's stamps, read once for the request: its operation asks
	// its other caches under the same.
	p := &Principal{}
	st, err := s.requestStamps(ctx, p)
	if err != nil {
		return nil, err
	}
	ak, err := s.keptAPIKey(ctx, st.State, id)
	if KindOf(err) == NotFound {
		return nil, asInvalidToken(models.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	// Last use is recorded at most once a minute per key (and whenever the
	// service or region changes): a write per API call would serialize
	// every caller on SQLite for a timestamp nobody reads to the second.
	k, u := &ak.key, &ak.user
	now := s.now()
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= time.Minute || k.LastUsedService != res.Service || k.LastUsedRegion != res.Region {
		if err := s.store.RecordAccessKeyUse(ctx, k.AccountID, id, now, res.Service, res.Region); err != nil {
			s.cfg.Log.Warn("record access key use", "err", err)
		} else {
			used := *ak // kept ones are shared
			used.key.LastUsedAt, used.key.LastUsedService, used.key.LastUsedRegion = &now, res.Service, res.Region
			s.apiKeys.put(st.State, id, &used, apiKeysMax)
		}
	}
	p.AccountID, p.Type, p.Name, p.ID, p.ARN = k.AccountID, TypeUser, u.Name, u.UserID, userARN(k.AccountID, u.Path, u.Name)
	return p, nil
}

func asInvalidToken(err error) error {
	if errors.Is(err, models.ErrNotFound) {
		return &Error{Kind: Unauthenticated, Message: "The security token included in the request is invalid."}
	}
	return internal(err, "credentials")
}

// AssumeRoleInput is STS AssumeRole's input.
type AssumeRoleInput struct {
	RoleArn         string
	RoleSessionName string
	DurationSeconds int // 0 = 3600
	ExternalId      string
	SerialNumber    string
	TokenCode       string
	Policy          string
	PolicyArns      []string
}

// Credentials are temporary credentials.
type Credentials struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// AssumeRoleResult is AssumeRole's output.
type AssumeRoleResult struct {
	Credentials      Credentials
	AssumedRoleId    string
	Arn              string
	PackedPolicySize int
}

var sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// AssumeRole returns temporary credentials for a role of the caller's
// account. It is allowed only when the role's trust policy allows the caller
// and the caller's own policies allow sts:AssumeRole on the role, as AWS's
// engine decides (conditions such as sts:ExternalId and MFA included). The
// session's permissions are the role's, narrowed by Policy and PolicyArns.
func (s *Service) AssumeRole(ctx context.Context, caller *Principal, in AssumeRoleInput, m Meta) (*AssumeRoleResult, error) {
	if caller == nil || caller.IsRoot() {
		return nil, newErr(AccessDenied, "Roles may not be assumed by root accounts.")
	}
	if !sessionNameRE.MatchString(in.RoleSessionName) {
		return nil, newErr(Invalid, "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", in.RoleSessionName)
	}
	denied := func() error {
		e := newErr(AccessDenied, "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, in.RoleArn)
		if aerr := s.audit(ctx, s.store, m, caller.AccountID, caller.ARN, event{name: "AssumeRole", resource: in.RoleArn}, e); aerr != nil {
			return aerr
		}
		return e
	}
	role, err := s.roleToAssume(ctx, caller.AccountID, in.RoleArn)
	if errors.Is(err, errNoSuchRoleToAssume) {
		return nil, denied()
	}
	if err != nil {
		return nil, err
	}
	chained := caller.Type == TypeAssumedRole
	dur, err := sessionDuration(role, chained, in.DurationSeconds)
	if err != nil {
		return nil, err
	}
	if err := checkSessionPolicies(in.Policy, in.PolicyArns); err != nil {
		return nil, err
	}
	// MFA: the code must be the caller's device's, and fresh.
	mfa := caller.MFA
	var device *models.MFADevice
	var step int64
	if in.SerialNumber != "" || in.TokenCode != "" {
		device, step, err = s.checkMFACode(ctx, caller, in.SerialNumber, in.TokenCode)
		if err != nil {
			return nil, err
		}
		mfa = true
	}
	ok, err := s.mayAssume(ctx, caller, role, in.RoleArn, mfa, assumeContext(in, mfa), m)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, denied()
	}
	acct, now := caller.AccountID, s.now()
	x := &models.STSSession{AccountID: acct, Kind: "AssumedRole", RoleID: role.RoleID, RoleARN: in.RoleArn,
		SessionName: in.RoleSessionName, PrincipalARN: "arn:aws:sts::" + acct + ":assumed-role/" + role.Name + "/" + in.RoleSessionName,
		SessionPolicy: in.Policy, MFA: mfa, SourceARN: caller.ARN, Chained: chained,
		CreatedAt: now, Expiration: now.Add(time.Duration(dur) * time.Second)}
	if len(in.PolicyArns) > 0 {
		arns, _ := json.Marshal(in.PolicyArns) // a []string always encodes
		x.PolicyARNs = string(arns)
	}
	chainFederation(caller, x)
	cred, err := s.issueCredentials(ctx, x, device, step, func(tx *models.Store) error {
		if err := tx.RecordRoleUse(ctx, acct, role.RoleID, now, "us-east-1"); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, caller.ARN, event{name: "AssumeRole", resource: in.RoleArn,
			params: map[string]any{"roleSessionName": in.RoleSessionName, "durationSeconds": dur,
				"accessKeyId": x.AccessKeyID, "mfa": mfa, "policyArns": in.PolicyArns}}, nil)
	})
	if err != nil {
		return nil, err
	}
	return &AssumeRoleResult{Credentials: *cred, AssumedRoleId: role.RoleID + ":" + in.RoleSessionName, Arn: x.PrincipalARN,
		PackedPolicySize: packedSize(in)}, nil
}

// errNoSuchRoleToAssume is a role ARN that names no role of the account:
// refused as AccessDenied, as AWS does, so that a caller learns nothing of
// which roles exist.
var errNoSuchRoleToAssume = errors.New("no such role to assume")

// roleToAssume finds the role arn names in account acct: only roles of this
// installation's account exist here, and the ARN's path must be the role's.
func (s *Service) roleToAssume(ctx context.Context, acct, arn string) (*models.Role, error) {
	roleAcct, roleName, ok := parseRoleARN(arn)
	if !ok {
		return nil, newErr(Invalid, "%s is invalid", arn)
	}
	if roleAcct != acct {
		return nil, errNoSuchRoleToAssume
	}
	role, err := s.store.Role(ctx, acct, roleName)
	if errors.Is(err, models.ErrNotFound) {
		return nil, errNoSuchRoleToAssume
	}
	if err != nil {
		return nil, internal(err, "role")
	}
	if roleARN(acct, role.Path, role.Name) != arn {
		return nil, errNoSuchRoleToAssume
	}
	return role, nil
}

// sessionDuration is the session's length in seconds: requested (0: an
// hour, or the role's maximum when shorter), between 15 minutes and the
// role's maximum; a chained session (a role assuming a role) lasts at most
// an hour, as AWS's role chaining.
func sessionDuration(role *models.Role, chained bool, requested int) (int, error) {
	maxDur := role.MaxSessionDuration
	if chained {
		maxDur = 3600
	}
	dur := requested
	if dur == 0 {
		dur = min(3600, maxDur)
	}
	if dur < 900 || dur > maxDur {
		return 0, newErr(Invalid, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return dur, nil
}

// checkSessionPolicies checks a session's inline policy (it must parse and
// fit in 2,048 characters) and the number of its managed policies (10).
func checkSessionPolicies(doc string, arns []string) error {
	if doc != "" {
		if _, err := policy.Parse([]byte(doc), policy.Session); err != nil {
			return malformed("Policy", err)
		}
		if models.DocumentSize(doc) > 2048 {
			return newErr(LimitExceeded, "Packed policy consumes more than 100%% of allotted space")
		}
	}
	if len(arns) > 10 {
		return newErr(Invalid, "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	return nil
}

// assumeContext is the request's context keys the trust policy may read.
func assumeContext(in AssumeRoleInput, mfa bool) map[string][]string {
	extra := map[string][]string{"sts:RoleSessionName": {in.RoleSessionName}}
	if in.ExternalId != "" {
		extra["sts:ExternalId"] = []string{in.ExternalId}
	}
	if mfa && in.TokenCode != "" {
		extra["aws:MultiFactorAuthAge"] = []string{"0"}
	}
	return extra
}

func packedSize(in AssumeRoleInput) int {
	if in.Policy == "" && len(in.PolicyArns) == 0 {
		return 0
	}
	return min(100, (models.DocumentSize(in.Policy)+len(in.PolicyArns)*64)*100/2048)
}

// mayAssume asks the engine whether caller may assume role: the role's
// trust policy (as a resource policy) and the caller's own policies decide
// together, with the request's context keys.
func (s *Service) mayAssume(ctx context.Context, caller *Principal, role *models.Role, arn string, mfa bool, extra map[string][]string, m Meta) (bool, error) {
	trust, err := s.compiled(policy.PolicyRef{ID: arn + "#trust", Name: "trust policy"}, role.AssumeRolePolicyDocument, policy.Trust)
	if err != nil {
		return false, err
	}
	own, err := s.inputsFor(ctx, caller)
	if err != nil {
		return false, err
	}
	inputs := *own // the cached inputs are shared: add the trust to a copy
	inputs.Resource = trust
	p := *caller
	p.MFA = mfa
	keys := s.contextKeys(&p, m)
	for k, v := range extra {
		keys[k] = v
	}
	req := &policy.Request{Principal: s.enginePrincipal(caller), Action: "sts:AssumeRole", Resource: arn,
		Context: policy.NewContext(keys), Time: s.now()}
	allowed := policy.Decide(&inputs, req) == policy.Allowed
	// Assuming is the operation itself (AssumeRole, switching role): use
	// (usage.go), allowed or not.
	s.recordUse(caller, "sts:AssumeRole", allowed)
	return allowed, nil
}

// checkMFACode verifies a caller's MFA code for STS: the serial must be one
// of the caller's devices, the code one of its T-1..T+1 codes. The step is
// consumed by the caller's transaction.
func (s *Service) checkMFACode(ctx context.Context, caller *Principal, serial, code string) (*models.MFADevice, int64, error) {
	fail := newErr(AccessDenied, "MultiFactorAuthentication failed with invalid MFA one time pass code.")
	if serial == "" || !validTOTPFormat(code) {
		return nil, 0, fail
	}
	owner := caller.ARN
	if caller.Type == TypeUser && caller.Session != nil {
		// A GetSessionToken session's ARN is its user's when it was issued;
		// the device must be the user's as it is now.
		u, err := s.store.UserByID(ctx, caller.AccountID, caller.userID())
		if errors.Is(err, models.ErrNotFound) {
			return nil, 0, fail
		}
		if err != nil {
			return nil, 0, internal(err, "user")
		}
		owner = userARN(caller.AccountID, u.Path, u.Name)
	}
	d, err := s.store.MFADeviceBySerial(ctx, caller.AccountID, serial)
	if errors.Is(err, models.ErrNotFound) {
		return nil, 0, fail
	}
	if err != nil {
		return nil, 0, internal(err, "mfa device")
	}
	// The serial names any device of the account: it must be the caller's.
	if d.OwnerARN != owner {
		return nil, 0, fail
	}
	seed, err := s.cfg.Sealer.Open(d.SealedSeed, []byte("mfa:"+d.SerialNumber))
	if err != nil {
		return nil, 0, internal(err, "unseal device")
	}
	step, ok, err := matchTOTP(string(seed), code, s.now())
	if err != nil {
		return nil, 0, internal(err, "totp")
	}
	if !ok || step <= d.LastUsedStep {
		return nil, 0, fail
	}
	return d, step, nil
}

// GetSessionTokenInput is STS GetSessionToken's input.
type GetSessionTokenInput struct {
	DurationSeconds int // 0 = 43200
	SerialNumber    string
	TokenCode       string
}

// GetSessionToken returns temporary credentials for an IAM user, with
// aws:MultiFactorAuthPresent true when an MFA code is given.
func (s *Service) GetSessionToken(ctx context.Context, caller *Principal, in GetSessionTokenInput, m Meta) (*Credentials, error) {
	if caller == nil || caller.Type != TypeUser || caller.Session != nil {
		return nil, newErr(AccessDenied, "Cannot call GetSessionToken with session credentials")
	}
	dur := in.DurationSeconds
	if dur == 0 {
		dur = 43200
	}
	if dur < 900 || dur > 129600 {
		return nil, newErr(Invalid, "1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600", dur)
	}
	var device *models.MFADevice
	var step int64
	var err error
	mfa := false
	if in.SerialNumber != "" || in.TokenCode != "" {
		if device, step, err = s.checkMFACode(ctx, caller, in.SerialNumber, in.TokenCode); err != nil {
			return nil, err
		}
		mfa = true
	}
	now := s.now()
	x := &models.STSSession{AccountID: caller.AccountID, Kind: "Session", UserID: caller.ID, PrincipalARN: caller.ARN, MFA: mfa,
		SourceARN: caller.ARN, CreatedAt: now, Expiration: now.Add(time.Duration(dur) * time.Second)}
	return s.issueCredentials(ctx, x, device, step, func(tx *models.Store) error {
		return s.audit(ctx, tx, m, caller.AccountID, caller.ARN, event{name: "GetSessionToken", resource: caller.ARN,
			params: map[string]any{"durationSeconds": dur, "mfa": mfa, "accessKeyId": x.AccessKeyID}}, nil)
	})
}

// issueCredentials mints temporary credentials for x (an ASIA key, a
// 40-character secret and an opaque session token, sealed before they are
// stored) and stores them in one transaction with the MFA code's step (when
// a device is given, each code once) and whatever record adds (the audit
// event).
func (s *Service) issueCredentials(ctx context.Context, x *models.STSSession, device *models.MFADevice, step int64, record func(tx *models.Store) error) (*Credentials, error) {
	x.AccessKeyID = newID(PrefixTempKey, 16)
	secret := newSecret()
	token := "IQoJ" + auth.NewToken(96) // opaque; only its sealed copy is kept
	x.SealedSecret = s.cfg.Sealer.Seal([]byte(secret), []byte("sts-secret:"+x.AccessKeyID))
	x.SealedToken = s.cfg.Sealer.Seal([]byte(token), []byte("sts-token:"+x.AccessKeyID))
	err := s.store.Tx(ctx, func(tx *models.Store) error {
		if device != nil {
			fresh, err := tx.ConsumeTOTPStep(ctx, device.AccountID, device.ID, step)
			if err != nil {
				return err
			}
			if !fresh {
				return errReplay
			}
		}
		if err := tx.CreateSTSSession(ctx, x); err != nil {
			return err
		}
		return record(tx)
	})
	if errors.Is(err, errReplay) {
		return nil, newErr(AccessDenied, "MultiFactorAuthentication failed with invalid MFA one time pass code.")
	}
	if err != nil {
		return nil, asInternal(err, "issue temporary credentials")
	}
	return &Credentials{AccessKeyId: x.AccessKeyID, SecretAccessKey: secret, SessionToken: token, Expiration: x.Expiration}, nil
}

// parseRoleARN splits arn:aws:iam::ACCOUNT:role/PATH/NAME.
func parseRoleARN(arn string) (account, name string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", "", false
	}
	account, res, ok := strings.Cut(rest, ":")
	if !ok || len(account) != 12 {
		return "", "", false
	}
	if _, err := strconv.ParseUint(account, 10, 64); err != nil {
		return "", "", false
	}
	res, ok = strings.CutPrefix(res, "role/")
	if !ok || res == "" {
		return "", "", false
	}
	if i := strings.LastIndex(res, "/"); i >= 0 {
		res = res[i+1:]
	}
	return account, res, res != ""
}

// newSecret returns a 40-character secret access key.
func newSecret() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b := make([]byte, 40)
	raw := make([]byte, 40)
	_, _ = randRead(raw)
	for i := range b {
		b[i] = alphabet[int(raw[i])%len(alphabet)]
	}
	return string(b)
}

// accessKeyIDRE is AWS's pattern for an access key ID parameter.
var accessKeyIDRE = regexp.MustCompile(`^\w{16,128}$`)

// AccessKeyAccount is STS GetAccessKeyInfo: the account an access key ID
// belongs to, a user's long-term key (AKIA…) or a session's (ASIA…). As
// AWS, it says nothing of the key's state or owner; a key this
// installation never issued (or one deleted) is NotFound. The caller
// needs sts:GetAccessKeyInfo.
func (s *Service) AccessKeyAccount(ctx context.Context, caller *Principal, keyID string, m Meta) (string, error) {
	if !accessKeyIDRE.MatchString(keyID) {
		return "", invalidField("AccessKeyId", "1 validation error detected: Value '%s' at 'accessKeyId' failed to satisfy constraint: Member must have length between 16 and 128 and satisfy regular expression pattern: [\\w]*", keyID)
	}
	if err := s.authorizeMeta(ctx, caller, m, "sts:GetAccessKeyInfo", "*"); err != nil {
		return "", err
	}
	if k, err := s.store.AccessKeyByID(ctx, keyID); err == nil {
		return k.AccountID, nil
	} else if !errors.Is(err, models.ErrNotFound) {
		return "", internal(err, "access key")
	}
	x, err := s.store.STSSessionByKey(ctx, keyID)
	if errors.Is(err, models.ErrNotFound) {
		return "", newErr(NotFound, "The access key ID %s does not exist.", keyID)
	}
	if err != nil {
		return "", internal(err, "session")
	}
	return x.AccountID, nil
}

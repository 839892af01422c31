package iam

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamconsole/console/internal/federation/oidc"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// AssumeRoleWithWebIdentityInput is STS AssumeRoleWithWebIdentity's input.
type AssumeRoleWithWebIdentityInput struct {
	RoleArn          string
	RoleSessionName  string
	WebIdentityToken string
	// ProviderId names an OAuth 2.0 provider (www.amazon.com,
	// graph.facebook.com); OpenID Connect tokens leave it empty.
	ProviderId      string
	DurationSeconds int // 0 = 3600, or the role's maximum when shorter
	Policy          string
	PolicyArns      []string
}

// AssumeRoleWithWebIdentityResult is its output.
type AssumeRoleWithWebIdentityResult struct {
	AssumeRoleResult
	SubjectFromWebIdentityToken string
	// Provider is the token's issuer (its iss), Audience the client ID it
	// was accepted for.
	Provider       string
	Audience       string
	SourceIdentity string
}

// STS error codes of web identity federation, as AWS's.
const (
	codeInvalidIdentityToken  = "InvalidIdentityToken"
	codeExpiredToken          = "ExpiredTokenException"
	codeIDPCommunicationError = "IDPCommunicationError"
	codeIDPRejectedClaim      = "IDPRejectedClaim"
)

// webIdentityDenied is AWS's refusal when the role does not exist or its
// trust policy does not allow the provider's identity.
var webIdentityDenied = "Not authorized to perform sts:AssumeRoleWithWebIdentity"

func invalidIdentityToken(msg string) *Error {
	return &Error{Kind: Invalid, Code: codeInvalidIdentityToken, Message: msg}
}

// tokenError is a verifier's refusal in STS's words.
func tokenError(err error) error {
	var oe *oidc.Error
	if !errors.As(err, &oe) {
		return internal(err, "verify web identity token")
	}
	e := &Error{Kind: Invalid, Code: codeInvalidIdentityToken, Message: oe.Message, Err: oe.Err}
	switch oe.Kind {
	case oidc.Expired:
		e.Code = codeExpiredToken
	case oidc.Communication:
		e.Code = codeIDPCommunicationError
	}
	return e
}

// AssumeRoleWithWebIdentity returns temporary credentials for a role to
// the holder of an OpenID Connect ID token, with no AWS credentials (the
// call is unsigned). The token is verified with the keys of the account's
// IAM OIDC provider for its issuer (package federation/oidc); then the
// role's trust policy decides, with the provider's ARN as the Federated
// principal and the token's claims as condition keys (<provider>:sub,
// :aud, :amr, …), as AWS's. Session tags and the source identity come
// from the token's https://aws.amazon.com/tags and
// https://aws.amazon.com/source_identity claims, and need sts:TagSession
// and sts:SetSourceIdentity in the trust policy. Every refusal is audited
// with what was known of the caller.
func (s *Service) AssumeRoleWithWebIdentity(ctx context.Context, in AssumeRoleWithWebIdentityInput, m Meta) (*AssumeRoleWithWebIdentityResult, error) {
	live, err := s.store.LiveAccount(ctx)
	if err != nil {
		return nil, internal(err, "live account")
	}
	acct := live.ID
	w := &webIdentity{s: s, acct: acct, in: in, m: m, principal: "anonymous"}
	res, err := w.assume(ctx)
	if err != nil {
		if aerr := w.auditRefusal(ctx, err); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	return res, nil
}

// webIdentity is one AssumeRoleWithWebIdentity call on its way.
type webIdentity struct {
	s           *Service
	acct        string
	in          AssumeRoleWithWebIdentityInput
	m           Meta
	principal   string // who the audit log names: the provider's ARN once known
	providerARN string
	clientIDs   []string // the provider's audiences
	claims      *oidc.Claims
}

func validWebIdentityInput(in AssumeRoleWithWebIdentityInput) error {
	switch n := len(in.RoleArn); {
	case n < 20:
		return newErr(Invalid, "1 validation error detected: Value '%s' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20", in.RoleArn)
	case n > 2048:
		return newErr(Invalid, "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must have length less than or equal to 2048")
	}
	if !sessionNameRE.MatchString(in.RoleSessionName) {
		return newErr(Invalid, "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", in.RoleSessionName)
	}
	switch n := len(in.WebIdentityToken); {
	case n < 4:
		return newErr(Invalid, "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4")
	case n > oidc.MaxTokenSize:
		return newErr(Invalid, "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to %d", oidc.MaxTokenSize)
	}
	if in.ProviderId != "" {
		// OAuth 2.0 access tokens of Amazon and Facebook are AWS's own
		// business; an OpenID Connect token names its issuer itself.
		return invalidIdentityToken("ProviderId is only for OAuth 2.0 access tokens, which this service does not accept.")
	}
	return checkSessionPolicies(in.Policy, in.PolicyArns)
}

func (w *webIdentity) assume(ctx context.Context) (*AssumeRoleWithWebIdentityResult, error) {
	s, in := w.s, w.in
	if err := validWebIdentityInput(in); err != nil {
		return nil, err
	}
	iss, err := oidc.Issuer(in.WebIdentityToken)
	if err != nil {
		return nil, tokenError(err)
	}
	p, err := s.store.OIDCProvider(ctx, w.acct, models.OIDCProviderKey(iss))
	if errors.Is(err, models.ErrNotFound) || err == nil && p.URL != iss {
		return nil, invalidIdentityToken("No OpenIDConnect provider found in your account for " + iss)
	}
	if err != nil {
		return nil, internal(err, "OIDC provider")
	}
	w.providerARN = oidcProviderARN(w.acct, p.URLKey)
	w.principal = w.providerARN
	clientIDs, err1 := readList(p.ClientIDs)
	thumbprints, err2 := readList(p.Thumbprints)
	if err := errors.Join(err1, err2); err != nil {
		return nil, internal(err, "OIDC provider lists")
	}
	w.clientIDs = clientIDs
	claims, err := s.cfg.OIDC.Verify(ctx, oidc.Provider{URL: p.URL, ClientIDs: clientIDs, Thumbprints: thumbprints}, in.WebIdentityToken)
	if err != nil {
		return nil, tokenError(err)
	}
	w.claims = claims
	tags, err := sessionTags(claims)
	if err != nil {
		return nil, err
	}
	if claims.SourceIdentity != "" && !sourceIdentityRE.MatchString(claims.SourceIdentity) {
		return nil, &Error{Kind: AccessDenied, Code: codeIDPRejectedClaim, Message: "The source identity claim in the web identity token is not valid."}
	}
	role, err := s.roleToAssume(ctx, w.acct, in.RoleArn)
	if errors.Is(err, errNoSuchRoleToAssume) {
		return nil, newErr(AccessDenied, "%s", webIdentityDenied)
	}
	if err != nil {
		return nil, err
	}
	dur, err := sessionDuration(role, false, in.DurationSeconds)
	if err != nil {
		return nil, err
	}
	ok, err := w.trusted(role, p.URLKey, clientIDs, tags)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, newErr(AccessDenied, "%s", webIdentityDenied)
	}
	return w.issue(ctx, role, dur, tags)
}

// sourceIdentityRE is AWS's SourceIdentity pattern (2–64 characters).
var sourceIdentityRE = sessionNameRE

// sessionTags checks the token's session tags as AWS checks AssumeRole's
// Tags: 50 at most, keys 1–128 and values up to 256 characters, transitive
// keys among them.
func sessionTags(c *oidc.Claims) ([]Tag, error) {
	if !c.HasTags {
		return nil, nil
	}
	tags := make([]Tag, 0, len(c.PrincipalTags))
	for k, v := range c.PrincipalTags {
		tags = append(tags, Tag{Key: k, Value: v})
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	rejected := func(format string, args ...any) error {
		e := newErr(AccessDenied, format, args...)
		e.Code = codeIDPRejectedClaim
		return e
	}
	if err := validateTags(tags); err != nil {
		msg := err.Error()
		var e *Error
		if errors.As(err, &e) {
			msg = e.Message
		}
		return nil, rejected("The session tags in the web identity token are not valid: %s", msg)
	}
	for _, k := range c.TransitiveTagKeys {
		if _, ok := c.PrincipalTags[k]; !ok || utf8.RuneCountInString(k) > 128 {
			return nil, rejected("Transitive tag key %s is not a session tag of the web identity token.", k)
		}
	}
	return tags, nil
}

// conditionKeys are the keys AWS sets for web identity federation: the
// provider's (named by its URL without https://) sub, aud (azp when the
// token has one and it is a client ID), oaud (the token's other
// audiences), amr, and the request's.
func (w *webIdentity) conditionKeys(urlKey string, clientIDs []string, tags []Tag) map[string][]string {
	c := w.claims
	aud := c.MatchedAudience(clientIDs)
	keys := map[string][]string{
		urlKey + ":sub":         {c.Subject},
		urlKey + ":aud":         {aud},
		"aws:FederatedProvider": {w.providerARN},
		"sts:RoleSessionName":   {w.in.RoleSessionName},
	}
	for _, a := range c.Audience {
		if a != aud {
			keys[urlKey+":oaud"] = append(keys[urlKey+":oaud"], a)
		}
	}
	if len(c.AMR) > 0 {
		keys[urlKey+":amr"] = c.AMR
	}
	if c.SourceIdentity != "" {
		keys["sts:SourceIdentity"] = []string{c.SourceIdentity}
	}
	for _, t := range tags {
		keys["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys["aws:TagKeys"] = append(keys["aws:TagKeys"], t.Key)
	}
	if len(c.TransitiveTagKeys) > 0 {
		keys["sts:TransitiveTagKeys"] = c.TransitiveTagKeys
	}
	return keys
}

// trusted asks the engine whether the role's trust policy lets the
// provider's identity assume the role, tag the session (when the token
// carries tags) and set its source identity (when it carries one).
func (w *webIdentity) trusted(role *models.Role, urlKey string, clientIDs []string, tags []Tag) (bool, error) {
	s := w.s
	trust, err := s.compiled(policy.PolicyRef{ID: w.in.RoleArn + "#trust", Name: "trust policy"}, role.AssumeRolePolicyDocument, policy.Trust)
	if err != nil {
		return false, err
	}
	now := s.now()
	keys := s.contextKeys(&Principal{AccountID: w.acct, ARN: w.providerARN, Type: "WebIdentityUser", ID: w.claims.Subject}, w.m)
	delete(keys, "aws:PrincipalArn") // AWS sets none for a web identity
	delete(keys, "aws:userid")
	for k, v := range w.conditionKeys(urlKey, clientIDs, tags) {
		keys[k] = v
	}
	ctx := policy.NewContext(keys)
	actions := []string{"sts:AssumeRoleWithWebIdentity"}
	if len(tags) > 0 {
		actions = append(actions, "sts:TagSession")
	}
	if w.claims.SourceIdentity != "" {
		actions = append(actions, "sts:SetSourceIdentity")
	}
	for _, a := range actions {
		req := &policy.Request{Principal: policy.Principal{ARN: w.providerARN, Account: w.acct}, Action: a,
			Resource: w.in.RoleArn, Context: ctx, Time: now}
		if policy.Decide(&policy.Inputs{Resource: trust}, req) != policy.Allowed {
			return false, nil
		}
	}
	return true, nil
}

// issue mints the session's credentials and audits who got them.
func (w *webIdentity) issue(ctx context.Context, role *models.Role, dur int, tags []Tag) (*AssumeRoleWithWebIdentityResult, error) {
	s, in, c := w.s, w.in, w.claims
	now := s.now()
	aud := c.MatchedAudience(w.clientIDs)
	x := &models.STSSession{AccountID: w.acct, Kind: "AssumedRole", RoleID: role.RoleID, RoleARN: in.RoleArn,
		SessionName: in.RoleSessionName, PrincipalARN: "arn:aws:sts::" + w.acct + ":assumed-role/" + role.Name + "/" + in.RoleSessionName,
		SessionPolicy: in.Policy, SourceARN: w.providerARN, SourceIdentity: c.SourceIdentity,
		FederatedProvider: w.providerARN, FederatedSubject: c.Subject,
		CreatedAt: now, Expiration: now.Add(time.Duration(dur) * time.Second)}
	if len(in.PolicyArns) > 0 {
		arns, _ := json.Marshal(in.PolicyArns) // a []string always encodes
		x.PolicyARNs = string(arns)
	}
	if len(tags) > 0 {
		m := make(map[string]string, len(tags))
		for _, t := range tags {
			m[t.Key] = t.Value
		}
		b, _ := json.Marshal(m) // strings always encode
		x.SessionTags = string(b)
		x.TransitiveTagKeys = jsonList(c.TransitiveTagKeys)
	}
	cred, err := s.issueCredentials(ctx, x, nil, 0, func(tx *models.Store) error {
		if err := tx.RecordRoleUse(ctx, w.acct, role.RoleID, now, "us-east-1"); err != nil {
			return err
		}
		return s.audit(ctx, tx, w.m, w.acct, w.providerARN, event{name: "AssumeRoleWithWebIdentity", resource: in.RoleArn,
			params: w.auditParams(map[string]any{"durationSeconds": dur, "accessKeyId": x.AccessKeyID, "audience": aud})}, nil)
	})
	if err != nil {
		return nil, err
	}
	packed := packedSize(AssumeRoleInput{Policy: in.Policy, PolicyArns: in.PolicyArns})
	return &AssumeRoleWithWebIdentityResult{
		AssumeRoleResult: AssumeRoleResult{Credentials: *cred, AssumedRoleId: role.RoleID + ":" + in.RoleSessionName,
			Arn: x.PrincipalARN, PackedPolicySize: packed},
		SubjectFromWebIdentityToken: c.Subject, Provider: c.Issuer, Audience: aud, SourceIdentity: c.SourceIdentity,
	}, nil
}

// auditParams are the request's parameters as the audit log keeps them:
// never the token itself, but the federated identity it proved.
func (w *webIdentity) auditParams(more map[string]any) map[string]any {
	params := map[string]any{"roleArn": w.in.RoleArn, "roleSessionName": w.in.RoleSessionName}
	if len(w.in.PolicyArns) > 0 {
		params["policyArns"] = w.in.PolicyArns
	}
	if w.providerARN != "" {
		params["identityProvider"] = w.providerARN
	}
	if w.claims != nil {
		params["subject"] = w.claims.Subject
		if w.claims.SourceIdentity != "" {
			params["sourceIdentity"] = w.claims.SourceIdentity
		}
	}
	for k, v := range more {
		params[k] = v
	}
	return params
}

// auditRefusal records a refused call, with the provider and subject
// when the token got that far.
func (w *webIdentity) auditRefusal(ctx context.Context, refusal error) error {
	if KindOf(refusal) == Internal {
		return nil
	}
	resource := w.in.RoleArn
	if !strings.HasPrefix(resource, "arn:") {
		resource = ""
	}
	return w.s.audit(ctx, w.s.store, w.m, w.acct, w.principal, event{name: "AssumeRoleWithWebIdentity", resource: resource,
		params: w.auditParams(nil)}, refusal)
}

// readFederation gives p what a web identity session (or one chained from
// it) carries: its tags, transitive keys, source identity and provider.
func readFederation(x *models.STSSession, p *Principal) error {
	if x.SessionTags != "" {
		if err := json.Unmarshal([]byte(x.SessionTags), &p.Tags); err != nil {
			return internal(err, "session tags")
		}
	}
	if x.TransitiveTagKeys != "" {
		keys, err := readList(x.TransitiveTagKeys)
		if err != nil {
			return internal(err, "transitive tag keys")
		}
		p.Session.TransitiveTagKeys = keys
	}
	p.Session.SourceIdentity, p.Session.FederatedProvider = x.SourceIdentity, x.FederatedProvider
	return nil
}

// chainFederation passes on, to a session x a session caller assumes (role
// chaining), what AWS passes on: the transitive session tags, and the
// source identity, which cannot change once set.
func chainFederation(caller *Principal, x *models.STSSession) {
	if caller.Session == nil {
		return
	}
	x.SourceIdentity = caller.Session.SourceIdentity
	if len(caller.Session.TransitiveTagKeys) == 0 {
		return
	}
	tags := map[string]string{}
	for _, k := range caller.Session.TransitiveTagKeys {
		if v, ok := caller.Tags[k]; ok {
			tags[k] = v
		}
	}
	b, _ := json.Marshal(tags) // strings always encode
	x.SessionTags, x.TransitiveTagKeys = string(b), jsonList(caller.Session.TransitiveTagKeys)
}

// federationKeys are the condition keys a session's federation sets on
// every request it makes.
func federationKeys(t *TempCredentials, keys map[string][]string) {
	if t.SourceIdentity != "" {
		keys["aws:SourceIdentity"] = []string{t.SourceIdentity}
	}
	if t.FederatedProvider != "" {
		keys["aws:FederatedProvider"] = []string{t.FederatedProvider}
	}
}

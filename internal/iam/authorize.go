package iam

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// authorize decides whether caller may take action on resource, with the
// policy engine and AWS's logic, and audits a refusal. A nil caller is the
// operator at the command line (console admin …), who holds the machine and
// so every right. Root may do everything (the engine does not special-case
// root: this is the one place that does).
func (s *Service) authorize(ctx context.Context, caller *Principal, action, resource string) error {
	return s.authorizeMeta(ctx, caller, Meta{}, action, resource)
}

// authorizeMeta is authorize with the request's facts for context keys
// (aws:SourceIp, aws:SecureTransport).
func (s *Service) authorizeMeta(ctx context.Context, caller *Principal, m Meta, action, resource string) error {
	if caller == nil || caller.IsRoot() {
		return nil
	}
	allowed, err := s.Allowed(ctx, caller, m, action, resource)
	if err != nil {
		return err
	}
	// The operation's own decision is use, allowed or not (usage.go).
	s.recordUse(caller, action, allowed)
	if allowed {
		return nil
	}
	return s.refuse(ctx, caller, m, action, resource)
}

// refuse audits caller's refused attempt at action on resource and returns
// the AccessDenied to answer.
func (s *Service) refuse(ctx context.Context, caller *Principal, m Meta, action, resource string) error {
	denied := accessDenied(caller, action, resource)
	denied.AuthorizationMessage = s.authorizationMessage(ctx, caller, m, action, resource)
	name := action
	if _, n, ok := strings.Cut(action, ":"); ok {
		name = n
	}
	if aerr := s.audit(ctx, s.store, m, caller.AccountID, caller.ARN, event{name: name, resource: resource}, denied); aerr != nil {
		return aerr
	}
	return denied
}

func accessDenied(caller *Principal, action, resource string) *Error {
	e := newErr(AccessDenied, "User: %s is not authorized to perform: %s on resource: %s", caller.ARN, action, resource)
	e.Action, e.Resource = action, resource
	return e
}

// Allowed reports whether caller may take action on resource, without
// auditing: pages use it to decide which buttons to show.
func (s *Service) Allowed(ctx context.Context, caller *Principal, m Meta, action, resource string) (bool, error) {
	if caller == nil || caller.IsRoot() {
		return true, nil
	}
	in, err := s.inputsFor(ctx, caller)
	if err != nil {
		return false, err
	}
	now := s.now()
	req := &policy.Request{Principal: s.enginePrincipal(caller), Action: action, Resource: resource,
		Context: s.requestContext(caller, m, now), Time: now}
	return policy.Decide(in, req) == policy.Allowed, nil
}

// requestContext is the condition keys' context for caller's questions. A
// page asks a dozen; building the context (two maps of a dozen keys) was
// a seventh of a page's CPU, so it is kept on the Principal for the rest
// of the request: the same Principal (a copy with other request keys is
// another), the same request facts, within the same second
// (aws:CurrentTime, aws:EpochTime), the same MFA state.
func (s *Service) requestContext(caller *Principal, m Meta, now time.Time) policy.Context {
	k := &caller.condKeys
	if k.owner == caller && k.meta == m && k.second == now.Unix() && k.mfa == caller.MFA && k.authTime.Equal(caller.AuthTime) {
		return k.ctx
	}
	ctx := policy.NewContext(s.contextKeys(caller, m))
	*k = conditionKeys{owner: caller, meta: m, second: now.Unix(), mfa: caller.MFA, authTime: caller.AuthTime, ctx: ctx}
	return ctx
}

// enginePrincipal is the caller as the policy engine sees it.
func (s *Service) enginePrincipal(p *Principal) policy.Principal {
	ep := policy.Principal{ARN: p.ARN, ID: p.ID, Account: p.AccountID, Tags: p.Tags}
	switch {
	case p.Type == TypeUser:
		ep.Name = p.Name
	case p.Session != nil && p.Session.RoleARN != "":
		ep.RoleARN = p.Session.RoleARN
	}
	return ep
}

// contextKeys are the global condition keys the console supplies.
func (s *Service) contextKeys(p *Principal, m Meta) map[string][]string {
	now := s.now()
	keys := map[string][]string{
		"aws:CurrentTime":            {now.Format(time.RFC3339)},
		"aws:EpochTime":              {strconv.FormatInt(now.Unix(), 10)},
		"aws:SecureTransport":        {strconv.FormatBool(m.Secure)},
		"aws:MultiFactorAuthPresent": {strconv.FormatBool(p.MFA)},
		"aws:PrincipalArn":           {p.ARN},
		"aws:PrincipalAccount":       {p.AccountID},
		"aws:PrincipalType":          {p.Type},
		"aws:userid":                 {p.ID},
		"aws:ViaAWSService":          {"false"},
		"aws:PrincipalIsAWSService":  {"false"},
		"aws:RequestedRegion":        {"us-east-1"},
		"aws:ResourceAccount":        {p.AccountID},
	}
	if m.UserAgent != "" {
		keys["aws:UserAgent"] = []string{m.UserAgent}
	}
	if !p.AuthTime.IsZero() {
		keys["aws:TokenIssueTime"] = []string{p.AuthTime.UTC().Format(time.RFC3339)}
	}
	if m.SourceIP != "" {
		keys["aws:SourceIp"] = []string{m.SourceIP}
	}
	if p.Type == TypeUser {
		keys["aws:username"] = []string{p.Name}
	}
	if p.MFA && !p.AuthTime.IsZero() {
		keys["aws:MultiFactorAuthAge"] = []string{strconv.FormatInt(int64(now.Sub(p.AuthTime).Seconds()), 10)}
	}
	if p.Session != nil {
		federationKeys(p.Session, keys)
	}
	for k, v := range p.RequestContext {
		keys[k] = v
	}
	return keys
}

// inputsFor gathers (read-only: callers copy before changing) the
// policies that govern caller: for a user, its inline and managed
// policies, its groups' policies and its permissions boundary; for a role
// session, the role's policies and boundary, narrowed by the session
// policies.
//
// A Principal lives for one request, and a page asks several questions of
// it (the operation, then which buttons to show), so they are gathered
// once per request. Across requests the identity part (not the session
// policies, which are the session's) is kept in s.inputs under the IAM
// state's stamp, read here once per request: a change made anywhere, by
// this process or another on the same database, moves the stamp and is in
// force from the next request on. The stamp is one walk of a small
// partial index; reading a user's policies was five queries and a merge.
func (s *Service) inputsFor(ctx context.Context, p *Principal) (*policy.Inputs, error) {
	if p.inputs != nil {
		return p.inputs, nil
	}
	in, err := s.loadInputs(ctx, p)
	if err == nil {
		p.inputs = in
	}
	return in, err
}

func (s *Service) loadInputs(ctx context.Context, p *Principal) (*policy.Inputs, error) {
	var et models.EntityType
	var id string
	switch {
	case p.Type == TypeUser:
		et, id = models.EntityUser, p.userID()
	case p.Type == TypeAssumedRole && p.Session != nil:
		et, id = models.EntityRole, p.Session.RoleID
	case p.Type == TypeFederatedUser && p.Session != nil:
		et, id = models.EntityUser, p.Session.UserID // the user it was federated from
	default:
		return &policy.Inputs{}, nil // nothing allows an unknown kind of caller
	}
	stamp, err := s.requestStamp(ctx, p)
	if err != nil {
		return nil, err
	}
	key := p.AccountID + "/" + string(et) + "/" + id
	in, _ := s.inputs.get(stamp, key)
	if in == nil {
		if in, err = s.identityInputs(ctx, s.store, p.AccountID, et, id); err != nil {
			return nil, err
		}
		// One index of all the identity statements: a request pays one
		// probe, not one per policy, with the same decisions
		// (TestMergedInputsDecideAlike).
		if len(in.Identity) > 1 {
			in.Identity = []*policy.Policy{policy.Merge(policy.PolicyRef{ID: key, Name: "identity policies"}, in.Identity...)}
		}
		s.inputs.put(stamp, key, in, inputCacheMax)
	}
	if et == models.EntityRole || p.Type == TypeFederatedUser {
		own := *in // shared: the session's policies go on a copy
		if err := s.addSessionPolicies(ctx, &own, p); err != nil {
			return nil, err
		}
		return &own, nil
	}
	if p.NextStep() == StepNone {
		return in, nil
	}
	// A session confined to a forced step may do that step
	// (forcedsteps.go); the grant goes on a copy, as the cached inputs
	// are shared.
	own := *in
	return &own, s.addForcedStepGrant(&own, p)
}

// inputCache keeps principals' identity inputs across requests, all under
// one state stamp: a request that reads another stamp starts it afresh.
// An entry put under a stamp was read after the stamp was, so it shows at
// least that state; a later change moves the stamp before its request
// returns, and stamps never come back.
type inputCache = stampCache[models.StateStamp, *policy.Inputs]

// addSessionPolicies narrows a session by the policies passed at AssumeRole
// or GetFederationToken. A federated user without any allows nothing: the
// engine knows it by its ARN (policy.Inputs.Session).
func (s *Service) addSessionPolicies(ctx context.Context, in *policy.Inputs, p *Principal) error {
	if p.Session.Policy == "" && len(p.Session.PolicyARNs) == 0 {
		return nil
	}
	in.Session = []*policy.Policy{}
	if p.Session.Policy != "" {
		sp, err := s.compiled(policy.PolicyRef{ID: "session:" + p.ARN, Name: "session policy"}, p.Session.Policy, policy.Session)
		if err != nil {
			return err
		}
		in.Session = append(in.Session, sp)
	}
	for _, arn := range p.Session.PolicyARNs {
		mp, err := s.managedPolicy(ctx, s.store, p.AccountID, arn)
		if err != nil {
			return internal(err, "session policy "+arn)
		}
		if mp != nil {
			in.Session = append(in.Session, mp)
		}
	}
	return nil
}

// identityInputs loads the identity policies of a user (with its groups')
// or a role, and its permissions boundary, through st (so a transaction sees
// its own changes).
func (s *Service) identityInputs(ctx context.Context, st *models.Store, accountID string, et models.EntityType, id string) (*policy.Inputs, error) {
	boundary, groupIDs, found, err := identityOf(ctx, st, accountID, et, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return &policy.Inputs{}, nil // a deleted user or role may do nothing
	}
	owners := []policyOwner{{et, []string{id}}, {models.EntityGroup, groupIDs}}
	held, err := heldPolicies(ctx, st, accountID, owners, boundary)
	if err != nil {
		return nil, err
	}
	in := &policy.Inputs{}
	if in.Identity, err = s.compileHeld(owners, held); err != nil {
		return nil, err
	}
	if boundary != "" {
		b, err := s.heldManaged(held, boundary)
		if err != nil {
			return nil, internal(err, "boundary")
		}
		if b == nil { // a boundary that no longer exists allows nothing
			b = policy.MustCompile(policy.PolicyRef{ID: boundary}, `{"Version":"2012-10-17","Statement":[]}`, policy.Identity)
		}
		in.Boundary = b
	}
	return in, nil
}

// identityOf reads a user's boundary and groups, or a role's boundary;
// found is false when the user or role no longer exists.
func identityOf(ctx context.Context, st *models.Store, accountID string, et models.EntityType, id string) (boundary string, groupIDs []string, found bool, err error) {
	switch et {
	case models.EntityUser:
		u, err := st.UserByID(ctx, accountID, id)
		if errors.Is(err, models.ErrNotFound) {
			return "", nil, false, nil
		}
		if err != nil {
			return "", nil, false, internal(err, "user")
		}
		groups, _, err := st.ListGroupsForUser(ctx, accountID, u.UserID, models.ListFilter{Limit: models.MaxListLimit})
		if err != nil {
			return "", nil, false, internal(err, "groups")
		}
		for _, g := range groups {
			groupIDs = append(groupIDs, g.GroupID)
		}
		return u.PermissionsBoundaryARN, groupIDs, true, nil
	case models.EntityRole:
		r, err := st.RoleByID(ctx, accountID, id)
		if errors.Is(err, models.ErrNotFound) {
			return "", nil, false, nil
		}
		if err != nil {
			return "", nil, false, internal(err, "role")
		}
		return r.PermissionsBoundaryARN, nil, true, nil
	}
	return "", nil, true, nil
}

// policyOwner is entities of one type whose policies a principal holds: the
// principal itself, or its groups.
type policyOwner struct {
	t   models.EntityType
	ids []string
}

// held is what a principal's owners hold: attached ARNs and inline
// policies by owner ID, in order, and the default documents of the
// customer managed policies among them (and the boundary).
type held struct {
	attached map[string][]string
	inline   map[string][]models.InlinePolicy
	docs     map[string]models.DefaultDocument
}

// heldPolicies reads what owners hold in one query per kind of thing,
// whatever the number of groups and policies: this runs for every request
// a caller makes.
func heldPolicies(ctx context.Context, st *models.Store, accountID string, owners []policyOwner, boundary string) (*held, error) {
	h := &held{attached: map[string][]string{}, inline: map[string][]models.InlinePolicy{}}
	var customer []string
	for _, o := range owners {
		as, err := st.AttachmentsOf(ctx, accountID, o.t, o.ids)
		if err != nil {
			return nil, internal(err, "attached policies")
		}
		for _, a := range as {
			h.attached[a.EntityID] = append(h.attached[a.EntityID], a.PolicyARN)
			if Builtin(a.PolicyARN) == nil {
				customer = append(customer, a.PolicyARN)
			}
		}
		ps, err := st.InlinePoliciesOf(ctx, accountID, o.t, o.ids)
		if err != nil {
			return nil, internal(err, "inline policies")
		}
		for _, p := range ps {
			h.inline[p.EntityID] = append(h.inline[p.EntityID], p)
		}
	}
	if boundary != "" && Builtin(boundary) == nil {
		customer = append(customer, boundary)
	}
	docs, err := st.DefaultDocuments(ctx, accountID, customer)
	if err != nil {
		return nil, internal(err, "managed policies")
	}
	h.docs = docs
	return h, nil
}

// heldManaged compiles a managed policy the principal holds: a built-in,
// or a customer policy's default document; nil when it was attached, then
// deleted (it allows nothing).
func (s *Service) heldManaged(h *held, arn string) (*policy.Policy, error) {
	if b := Builtin(arn); b != nil {
		return s.compiled(policy.PolicyRef{ID: arn, Name: b.Name, VersionID: b.VersionID()}, b.Document(), policy.Identity)
	}
	d, ok := h.docs[arn]
	if !ok {
		return nil, nil
	}
	return s.compiled(policy.PolicyRef{ID: arn, Name: d.Name, VersionID: d.VersionID}, d.Document, policy.Identity)
}

// compileHeld compiles the identity policies owners hold, owner by owner:
// managed then inline.
func (s *Service) compileHeld(owners []policyOwner, h *held) ([]*policy.Policy, error) {
	var out []*policy.Policy
	for _, o := range owners {
		for _, oid := range o.ids {
			for _, arn := range h.attached[oid] {
				p, err := s.heldManaged(h, arn)
				if err != nil {
					return nil, internal(err, "policy "+arn)
				}
				if p != nil {
					out = append(out, p)
				}
			}
			for _, ip := range h.inline[oid] {
				p, err := s.compiled(policy.PolicyRef{ID: string(o.t) + "/" + oid + "/" + ip.Name, Name: ip.Name}, ip.Document, policy.Identity)
				if err != nil {
					return nil, internal(err, "inline policy "+ip.Name)
				}
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// managedPolicy returns the compiled default version of a managed policy
// (built-in or the account's), or nil when it does not exist.
func (s *Service) managedPolicy(ctx context.Context, st *models.Store, accountID, arn string) (*policy.Policy, error) {
	if b := Builtin(arn); b != nil {
		return s.compiled(policy.PolicyRef{ID: arn, Name: b.Name, VersionID: b.VersionID()}, b.Document(), policy.Identity)
	}
	mp, err := st.PolicyByARN(ctx, accountID, arn)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v, err := st.PolicyVersion(ctx, accountID, mp.PolicyID, mp.DefaultVersionID)
	if err != nil {
		return nil, err
	}
	return s.compiled(policy.PolicyRef{ID: arn, Name: mp.Name, VersionID: v.VersionID}, v.Document, policy.Identity)
}

// policyCache keeps compiled policies by the hash of their text (and their
// identity), so a request does not re-parse what it saw before.
type policyCache struct {
	mu sync.RWMutex
	m  map[string]*policy.Policy
}

const policyCacheMax = 20000

func (c *policyCache) get(key string) *policy.Policy {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[key]
}

func (c *policyCache) put(key string, p *policy.Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= policyCacheMax {
		c.m = make(map[string]*policy.Policy) // simple and bounded: start over
	}
	c.m[key] = p
}

// compiled parses and compiles doc once per (ref, text).
func (s *Service) compiled(ref policy.PolicyRef, doc string, kind policy.Kind) (*policy.Policy, error) {
	sum := sha256.Sum256([]byte(doc))
	key := ref.ID + "\x00" + ref.Name + "\x00" + ref.VersionID + "\x00" + strconv.Itoa(int(kind)) + "\x00" + hex.EncodeToString(sum[:])
	if p := s.policies.get(key); p != nil {
		return p, nil
	}
	d, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		return nil, internal(err, "stored policy "+ref.ID+" does not parse")
	}
	p := policy.Compile(ref, d)
	s.policies.put(key, p)
	return p, nil
}

func callerARN(p *Principal) string {
	if p == nil {
		return "cli"
	}
	return p.ARN
}

func callerAccount(p *Principal) string {
	if p == nil {
		return ""
	}
	return p.AccountID
}

// withRequestContext is caller with request condition keys added for one
// authorization (aws:RequestTag/…, aws:TagKeys, iam:PermissionsBoundary).
func withRequestContext(caller *Principal, keys map[string][]string) *Principal {
	if caller == nil || len(keys) == 0 {
		return caller
	}
	c := *caller
	c.RequestContext = make(map[string][]string, len(caller.RequestContext)+len(keys))
	for k, v := range caller.RequestContext {
		c.RequestContext[k] = v
	}
	for k, v := range keys {
		c.RequestContext[k] = v
	}
	return &c
}

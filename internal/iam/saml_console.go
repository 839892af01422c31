package iam

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/federation/saml"
	"github.com/iamconsole/console/internal/models"
)

// SAMLConsoleSignIn is an account's SAML sign-in to the console (IdP
// initiated, as AWS's console federation): the provider whose users may
// sign in, and the console's assertion consumer URL, which the provider's
// assertions must name as Recipient and Audience (AWS's console uses
// https://signin.aws.amazon.com/saml; here it is the console's own, and
// trust policies test SAML:aud against it). ProviderArn "" means off.
type SAMLConsoleSignIn struct {
	ProviderArn string
	ACSURL      string
}

// GetSAMLConsoleSignIn returns the account's setting; reading it is
// iam:ListSAMLProviders, the readers of the providers page it is on.
func (s *Service) GetSAMLConsoleSignIn(ctx context.Context, caller *Principal, m Meta) (SAMLConsoleSignIn, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return SAMLConsoleSignIn{}, err
	}
	if err := s.authorizeMeta(ctx, caller, m, OpList.Action(SAMLProviderType), "*"); err != nil {
		return SAMLConsoleSignIn{}, err
	}
	st, err := s.store.SAMLConsoleSetting(ctx, acct)
	if errors.Is(err, models.ErrNotFound) {
		return SAMLConsoleSignIn{}, nil
	}
	if err != nil {
		return SAMLConsoleSignIn{}, internal(err, "SAML console setting")
	}
	return SAMLConsoleSignIn{ProviderArn: samlProviderARN(acct, st.ProviderName), ACSURL: st.ACSURL}, nil
}

// SetSAMLConsoleSignIn names the provider whose users may sign in to the
// console and the console's assertion consumer URL, or turns SAML sign-in
// off (ProviderArn ""). It changes what the provider's assertions can do,
// so it is iam:UpdateSAMLProvider on the provider named (and on the one
// named before, when it changes).
func (s *Service) SetSAMLConsoleSignIn(ctx context.Context, caller *Principal, in SAMLConsoleSignIn, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	in.ProviderArn, in.ACSURL = strings.TrimSpace(in.ProviderArn), strings.TrimSpace(in.ACSURL)
	old, err := s.store.SAMLConsoleSetting(ctx, acct)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return internal(err, "SAML console setting")
	}
	if old != nil && samlProviderARN(acct, old.ProviderName) != in.ProviderArn {
		if err := s.authorizeMeta(ctx, caller, m, "iam:UpdateSAMLProvider", samlProviderARN(acct, old.ProviderName)); err != nil {
			return err
		}
	}
	params := map[string]any{"samlProviderArn": in.ProviderArn, "assertionConsumerServiceUrl": in.ACSURL}
	write := func(tx *models.Store) error {
		return tx.DeleteSAMLConsoleSetting(ctx, acct)
	}
	if in.ProviderArn != "" {
		p, _, err := s.authorizedSAMLProvider(ctx, caller, in.ProviderArn, m, "iam:UpdateSAMLProvider", nil)
		if err != nil {
			return err
		}
		if err := checkACSURL(in.ACSURL); err != nil {
			return err
		}
		write = func(tx *models.Store) error {
			return tx.PutSAMLConsoleSetting(ctx, &models.SAMLConsoleSetting{AccountID: acct, ProviderName: p.Name, ACSURL: in.ACSURL, UpdatedAt: s.now()})
		}
	} else if old == nil {
		return nil // off already
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := write(tx); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateSAMLConsoleSignIn", resource: in.ProviderArn, params: params}, nil)
	})
	return asInternal(err, "set SAML console sign-in")
}

// checkACSURL accepts an absolute http(s) URL without a fragment: what an
// IdP can post a response to.
func checkACSURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" || u.User != nil || len(s) > 1024 {
		return invalidField("ACSURL", "Enter the console's assertion consumer URL, such as https://console.example.com/saml/acs.")
	}
	return nil
}

// SAMLSignInInput is an IdP's response posted to the console.
type SAMLSignInInput struct {
	SAMLResponse string
	// Role is the role ARN chosen on the role page, "" at first.
	Role string
}

// SAMLRoleChoice is one role the assertion lets its subject choose.
type SAMLRoleChoice struct {
	RoleArn, ProviderArn string
}

// SAMLSignInResult is a sign-in: either the roles to choose from (the
// assertion names several and none was chosen; nothing was used up), or
// the console session opened.
type SAMLSignInResult struct {
	Subject string
	Choices []SAMLRoleChoice
	Session *SignInResult
}

// samlConsoleDenied is the refusal of a role the assertion does not name or
// whose trust policy does not let the provider's user in.
func samlConsoleDenied(roleARN string) *Error {
	e := newErr(AccessDenied, "Not authorized to perform sts:AssumeRoleWithSAML")
	e.Action, e.Resource = "sts:AssumeRoleWithSAML", roleARN
	return e
}

// SignInWithSAML signs a person in to the console with an IdP-initiated
// SAML response, as AWS's console federation does: the response verified
// with the account's console provider's keys and addressed to the
// console's assertion consumer URL; the roles from the Role attribute's
// pairs naming that provider (several: the caller shows a page to choose,
// and posts the same response back with the role); the role's trust
// policy asked exactly as AssumeRoleWithSAML asks it; each assertion used
// once; then a console session as the role, carrying the federated
// identity (provider, subject, session tags, source identity). Every
// refusal is audited with the provider as the principal.
func (s *Service) SignInWithSAML(ctx context.Context, in SAMLSignInInput, m Meta) (*SAMLSignInResult, error) {
	live, err := s.store.LiveAccount(ctx)
	if err != nil {
		return nil, internal(err, "live account")
	}
	acct := live.ID
	x := &samlSignIn{s: s, acct: acct, in: in, m: m, principal: "anonymous", params: map[string]any{}}
	res, err := x.signIn(ctx)
	if err != nil && KindOf(err) != Internal {
		resource := in.Role
		if !strings.HasPrefix(resource, "arn:") {
			resource = ""
		}
		if aerr := s.audit(ctx, s.store, m, acct, x.principal, event{name: "ConsoleLogin", resource: resource, params: x.params}, err); aerr != nil {
			return nil, aerr
		}
	}
	return res, err
}

// samlSignIn is one SignInWithSAML call on its way.
type samlSignIn struct {
	s         *Service
	acct      string
	in        SAMLSignInInput
	m         Meta
	principal string // who the audit log names: the provider's ARN once known
	params    map[string]any
}

func (x *samlSignIn) signIn(ctx context.Context) (*SAMLSignInResult, error) {
	s, acct := x.s, x.acct
	if n := len(x.in.SAMLResponse); n < 4 || n > saml.MaxEncodedLen {
		return nil, invalidIdentityToken("The SAML response is missing or too large.")
	}
	st, err := s.store.SAMLConsoleSetting(ctx, acct)
	if errors.Is(err, models.ErrNotFound) {
		return nil, newErr(AccessDenied, "Signing in to the console with SAML is not enabled for this account.")
	}
	if err != nil {
		return nil, internal(err, "SAML console setting")
	}
	providerARN := samlProviderARN(acct, st.ProviderName)
	x.principal, x.params["identityProvider"] = providerARN, providerARN
	provider, md, decrypt, err := s.samlProviderFor(ctx, acct, providerARN)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a, err := saml.VerifyForSP(x.in.SAMLResponse, md, now, st.ACSURL, decrypt...)
	if err == nil {
		err = encryptionKept(provider, a)
	}
	if err != nil {
		return nil, samlError(err)
	}
	x.params["subject"], x.params["assertionId"] = a.Subject, a.ID
	choices := samlRoleChoices(a.Attributes[samlRoleAttr], providerARN)
	if len(choices) == 0 {
		return nil, invalidIdentityToken("The SAML assertion names no role for the provider " + providerARN + ".")
	}
	roleARN := x.in.Role
	if roleARN == "" {
		if len(choices) > 1 {
			return &SAMLSignInResult{Subject: a.Subject, Choices: choices}, nil
		}
		roleARN = choices[0].RoleArn
	}
	x.params["roleArn"] = roleARN
	if !samlRolePair(a.Attributes[samlRoleAttr], roleARN, providerARN) {
		return nil, samlConsoleDenied(roleARN)
	}
	claims, err := samlClaimsOf(a)
	if err != nil {
		return nil, err
	}
	x.params["roleSessionName"] = claims.sessionName
	role, err := s.roleToAssume(ctx, acct, roleARN)
	if errors.Is(err, errNoSuchRoleToAssume) {
		return nil, samlConsoleDenied(roleARN)
	}
	if err != nil {
		return nil, err
	}
	dur, err := sessionDuration(role, false, min(claims.duration, role.MaxSessionDuration))
	if err != nil {
		return nil, err
	}
	nameQualifier := samlNameQualifier(a.Issuer, acct, provider.Name)
	keys := samlContextKeys(a, acct, provider.Name, providerARN, nameQualifier, claims, now, x.m)
	if err := s.samlTrusts(role, AssumeRoleWithSAMLInput{RoleArn: roleARN, PrincipalArn: providerARN}, acct, claims, keys, now); err != nil {
		return nil, samlConsoleDenied(roleARN)
	}
	expires, err := samlExpiry(now, dur, a.SessionNotOnOrAfter)
	if err != nil {
		return nil, err
	}
	return x.open(ctx, a, role, roleARN, providerARN, claims, expires)
}

// open uses up the assertion and opens the console session, in one
// transaction: a replay finds the assertion used and opens nothing.
func (x *samlSignIn) open(ctx context.Context, a *saml.Assertion, role *models.Role, roleARN, providerARN string, c *samlClaims, expires time.Time) (*SAMLSignInResult, error) {
	s, acct, now := x.s, x.acct, x.s.now()
	np := &Principal{AccountID: acct, Type: TypeAssumedRole, Name: c.sessionName, ID: role.RoleID + ":" + c.sessionName,
		ARN: "arn:aws:sts::" + acct + ":assumed-role/" + role.Name + "/" + c.sessionName,
		Session: &TempCredentials{Kind: "AssumedRole", RoleID: role.RoleID, RoleARN: roleARN, SessionName: c.sessionName,
			SourceIdentity: c.sourceIdentity, FederatedProvider: providerARN, FederatedSubject: a.Subject}}
	// The session's row is the STS session's, for the same fields.
	var row models.STSSession
	samlFederation(&row, a, providerARN, c)
	fed := &consoleFederation{row: models.ConsoleFederation{Provider: providerARN, Subject: a.Subject, SourceIdentity: c.sourceIdentity,
		SessionTags: row.SessionTags, TransitiveTagKeys: row.TransitiveTagKeys}, expires: expires, params: x.params}
	if err := readConsoleFederationRow(&fed.row, np); err != nil {
		return nil, err
	}
	var res *SignInResult
	err := s.store.Tx(ctx, func(tx *models.Store) (err error) {
		fresh, err := tx.UseSAMLAssertion(ctx, samlReplayKey(acct, a.Issuer, a.ID), a.NotOnOrAfter.Add(saml.Skew), now)
		if err != nil {
			return err
		}
		if !fresh {
			return errSAMLReplay
		}
		if err := tx.RecordRoleUse(ctx, acct, role.RoleID, now, "us-east-1"); err != nil {
			return err
		}
		res, err = s.createFederatedSession(ctx, tx, np, x.m, "ConsoleLogin", fed)
		return err
	})
	if errors.Is(err, errSAMLReplay) {
		return nil, invalidIdentityToken("SAML assertion has already been used")
	}
	if err != nil {
		return nil, asInternal(err, "SAML sign-in")
	}
	return &SAMLSignInResult{Subject: a.Subject, Session: res}, nil
}

// samlRoleChoices are the roles the Role attribute pairs with the
// provider, in the attribute's order, each once.
func samlRoleChoices(values []string, providerARN string) []SAMLRoleChoice {
	var out []SAMLRoleChoice
	seen := map[string]bool{}
	for _, v := range values {
		a, b, ok := strings.Cut(v, ",")
		if !ok {
			continue
		}
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		if a == providerARN {
			a, b = b, a
		}
		if b != providerARN || seen[a] {
			continue
		}
		if _, _, ok := parseRoleARN(a); !ok {
			continue
		}
		seen[a] = true
		out = append(out, SAMLRoleChoice{RoleArn: a, ProviderArn: b})
	}
	return out
}

// consoleFederation is what a federated console session keeps beside it.
type consoleFederation struct {
	row     models.ConsoleFederation
	expires time.Time
	params  map[string]any // the sign-in's audit parameters
}

// open fits the session to the federation: it ends no later than the
// federation, its identity row is keyed by it, and the sign-in event names
// the provider, the subject and the session.
func (f *consoleFederation) open(sess *models.Session, params map[string]any) {
	if f.expires.Before(sess.ExpiresAt) {
		sess.ExpiresAt = f.expires
	}
	f.row.SessionIDHash, f.row.AccountID, f.row.ExpiresAt = sess.IDHash, sess.AccountID, sess.ExpiresAt
	for k, v := range f.params {
		params[k] = v
	}
	params["sessionId"] = sess.PublicID
}

// readConsoleFederation gives a console role session what its federation
// carries, when a provider opened it.
//
// The row (or that there is none) is kept by session: it is written in
// the transaction that opens the session, never changed, and deleted only
// once expired, after its session.
func (s *Service) readConsoleFederation(ctx context.Context, p *Principal) error {
	f, ok := s.federations.get(noStamp{}, p.SessionID)
	if !ok {
		var err error
		f, err = s.store.ConsoleFederation(ctx, p.SessionID)
		if errors.Is(err, models.ErrNotFound) {
			f, err = nil, nil
		}
		if err != nil {
			return internal(err, "console federation")
		}
		s.federations.put(noStamp{}, p.SessionID, f, sessionsMax)
	}
	if f == nil {
		return nil
	}
	return readConsoleFederationRow(f, p)
}

func readConsoleFederationRow(f *models.ConsoleFederation, p *Principal) error {
	if f.SessionTags != "" {
		if err := json.Unmarshal([]byte(f.SessionTags), &p.Tags); err != nil {
			return internal(err, "session tags")
		}
	}
	if f.TransitiveTagKeys != "" {
		keys, err := readList(f.TransitiveTagKeys)
		if err != nil {
			return internal(err, "transitive tag keys")
		}
		p.Session.TransitiveTagKeys = keys
	}
	p.Session.SourceIdentity, p.Session.FederatedProvider, p.Session.FederatedSubject = f.SourceIdentity, f.Provider, f.Subject
	return nil
}

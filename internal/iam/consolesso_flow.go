package iam

import (
	"context"
	"errors"
	"time"

	"golang.org/x/oauth2"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/federation/oidc"
	"github.com/iamconsole/console/internal/models"
)

// OIDCSignInLifetime bounds a sign-in through an OpenID Connect provider,
// from the console sending the browser there to its coming back.
const OIDCSignInLifetime = 10 * time.Minute

// ErrOIDCSignInExpired is the answer to a callback whose state is unknown,
// used, expired, or was issued to another browser.
var ErrOIDCSignInExpired = &Error{Kind: Unauthenticated,
	Message: "This sign-in has expired, was already used or did not start in this browser. Sign in again."}

// OIDCSignInStart is where to send the browser, and the value of the
// short-lived cookie that binds the sign-in to it.
type OIDCSignInStart struct {
	RedirectURL string
	Binding     string
}

// consoleOIDCSetup is the enabled setting with its provider, as a sign-in
// step needs them.
type consoleOIDCSetup struct {
	acct     string
	settings ConsoleOIDC
	sealed   string // the sealed client secret
	provider *models.OIDCProvider
	oidc     oidc.Provider // for the verifier: the setting's client ID alone
}

// consoleOIDCSetup reads the live account's setting: ErrOIDCSignInOff when
// it is disabled or its provider is gone.
func (s *Service) consoleOIDCSetup(ctx context.Context) (*consoleOIDCSetup, error) {
	live, err := s.store.LiveAccount(ctx)
	if errors.Is(err, models.ErrNotFound) {
		return nil, errOIDCSignInOff
	}
	if err != nil {
		return nil, internal(err, "live account")
	}
	st, err := s.store.ConsoleOIDCSettings(ctx, live.ID)
	if err != nil {
		return nil, internal(err, "console OIDC settings")
	}
	if !st.Enabled {
		return nil, errOIDCSignInOff
	}
	set, err := consoleOIDCOf(st)
	if err != nil {
		return nil, err
	}
	_, key, _ := oidcProviderKeyOf(st.ProviderARN)
	p, err := s.store.OIDCProvider(ctx, live.ID, key)
	if errors.Is(err, models.ErrNotFound) {
		return nil, errOIDCSignInOff
	}
	if err != nil {
		return nil, internal(err, "OIDC provider")
	}
	thumbprints, err := readList(p.Thumbprints)
	if err != nil {
		return nil, internal(err, "OIDC provider thumbprints")
	}
	return &consoleOIDCSetup{acct: live.ID, settings: set, sealed: st.SealedClientSecret, provider: p,
		oidc: oidc.Provider{URL: p.URL, ClientIDs: []string{set.ClientID}, Thumbprints: thumbprints}}, nil
}

var errOIDCSignInOff = &Error{Kind: NotFound, Message: "Sign-in through an identity provider is not enabled for this console."}

// oauthConfig is the OAuth 2.0 client the setting describes.
func (s *Service) oauthConfig(c *consoleOIDCSetup, authURL, tokenURL, redirectURI string) (*oauth2.Config, error) {
	cfg := &oauth2.Config{ClientID: c.settings.ClientID, RedirectURL: redirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: authURL, TokenURL: tokenURL}, Scopes: []string{"openid", "email", "profile"}}
	if c.sealed != "" {
		secret, err := s.cfg.Sealer.Open(c.sealed, consoleOIDCSecretAD(c.acct))
		if err != nil {
			return nil, internal(err, "unseal client secret")
		}
		cfg.ClientSecret = string(secret)
	}
	return cfg, nil
}

// StartOIDCSignIn begins a console sign-in through the account's OpenID
// Connect provider: the authorization code flow with PKCE (S256), a state
// and a nonce, kept in the database for OIDCSignInLifetime and bound to a
// cookie (Binding) only the starting browser gets. redirectURI is the
// console's callback; next, where to land afterwards.
func (s *Service) StartOIDCSignIn(ctx context.Context, redirectURI, next string, m Meta) (*OIDCSignInStart, error) {
	c, err := s.consoleOIDCSetup(ctx)
	if err != nil {
		return nil, err
	}
	ep, err := s.cfg.OIDC.Endpoints(ctx, c.oidc)
	if err != nil {
		var oe *oidc.Error
		if errors.As(err, &oe) {
			return nil, &Error{Kind: Unauthenticated, Message: "The identity provider could not be reached. Try again later, or sign in with a password.", Err: err}
		}
		return nil, internal(err, "OIDC endpoints")
	}
	cfg, err := s.oauthConfig(c, ep.Authorization, ep.Token, redirectURI)
	if err != nil {
		return nil, err
	}
	state, nonce, binding, verifier := auth.NewToken(32), auth.NewToken(32), auth.NewToken(32), oauth2.GenerateVerifier()
	now := s.now()
	if _, err := s.store.DeleteExpiredOIDCSignInStates(ctx, now); err != nil {
		s.cfg.Log.Warn("expired OIDC sign-ins", "err", err)
	}
	row := &models.OIDCSignInState{StateHash: auth.HashToken(state), AccountID: c.acct, BindingHash: auth.HashToken(binding),
		Nonce: nonce, SealedVerifier: s.cfg.Sealer.Seal([]byte(verifier), []byte("oidc-pkce:"+state)),
		ProviderARN: c.settings.ProviderARN, ClientID: c.settings.ClientID, TokenURL: ep.Token, RedirectURI: redirectURI,
		Next: next, CreatedAt: now, ExpiresAt: now.Add(OIDCSignInLifetime)}
	if err := s.store.CreateOIDCSignInState(ctx, row); err != nil {
		return nil, internal(err, "OIDC sign-in state")
	}
	u := cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", nonce))
	return &OIDCSignInStart{RedirectURL: u, Binding: binding}, nil
}

// OIDCCallback is what the provider sent the browser back with, and the
// browser's binding cookie.
type OIDCCallback struct {
	State, Code string
	// Error and ErrorDescription are the provider's refusal (OAuth 2.0's
	// error parameters), "" when it sent a code.
	Error, ErrorDescription string
	Binding                 string
}

// FinishOIDCSignIn completes a sign-in StartOIDCSignIn began: the state is
// taken (once) and must belong to this browser; the code is exchanged,
// with the PKCE verifier, for an ID token; the token is verified as
// AssumeRoleWithWebIdentity verifies one (package federation/oidc: the
// provider's keys, iss, aud = the setting's client ID, exp…) and must
// carry the sign-in's nonce; its role claim picks the role; and the role's
// trust policy must allow sts:AssumeRoleWithWebIdentity to the provider's
// identity with the same condition keys. The person then gets a console
// role session, arn:aws:sts::ACCOUNT:assumed-role/ROLE/NAME, NAME being
// their email or subject. Every refusal is audited; next is where the
// sign-in asked to land.
func (s *Service) FinishOIDCSignIn(ctx context.Context, cb OIDCCallback, m Meta) (res *SignInResult, next string, err error) {
	f := &oidcSignIn{s: s, m: m}
	res, next, err = f.finish(ctx, cb)
	if err != nil {
		if aerr := f.auditRefusal(ctx, err); aerr != nil {
			return nil, "", aerr
		}
		return nil, "", err
	}
	return res, next, nil
}

// oidcSignIn is one console sign-in through OpenID Connect on its way.
type oidcSignIn struct {
	s      *Service
	m      Meta
	acct   string
	setup  *consoleOIDCSetup
	claims *oidc.Claims
	role   string // the role's ARN once picked
}

func (f *oidcSignIn) finish(ctx context.Context, cb OIDCCallback) (*SignInResult, string, error) {
	s := f.s
	if cb.State == "" || len(cb.State) > 128 || cb.Binding == "" || len(cb.Binding) > 128 {
		return nil, "", ErrOIDCSignInExpired
	}
	row, err := s.store.TakeOIDCSignInState(ctx, auth.HashToken(cb.State), s.now())
	if errors.Is(err, models.ErrNotFound) {
		return nil, "", ErrOIDCSignInExpired
	}
	if err != nil {
		return nil, "", internal(err, "OIDC sign-in state")
	}
	f.acct = row.AccountID
	if !auth.TokenEqual(row.BindingHash, auth.HashToken(cb.Binding)) {
		return nil, "", ErrOIDCSignInExpired
	}
	if cb.Error != "" {
		return nil, "", newErr(Unauthenticated, "The identity provider refused the sign-in: %s %s", truncate(cb.Error, 64), truncate(cb.ErrorDescription, 256))
	}
	if cb.Code == "" || len(cb.Code) > 2048 {
		return nil, "", newErr(Unauthenticated, "The identity provider sent no authorization code. Sign in again.")
	}
	if f.setup, err = s.consoleOIDCSetup(ctx); err != nil {
		return nil, "", err
	}
	c := f.setup
	if c.acct != row.AccountID || c.settings.ProviderARN != row.ProviderARN || c.settings.ClientID != row.ClientID {
		return nil, "", ErrOIDCSignInExpired // the setting changed meanwhile
	}
	verifier, err := s.cfg.Sealer.Open(row.SealedVerifier, []byte("oidc-pkce:"+cb.State))
	if err != nil {
		return nil, "", internal(err, "unseal PKCE verifier")
	}
	raw, err := f.exchange(ctx, row, cb.Code, string(verifier))
	if err != nil {
		return nil, "", err
	}
	if f.claims, err = s.cfg.OIDC.Verify(ctx, c.oidc, raw); err != nil {
		return nil, "", refusedToken(err)
	}
	if f.claims.Nonce == "" || !auth.TokenEqual(f.claims.Nonce, row.Nonce) {
		return nil, "", newErr(Unauthenticated, "The identity provider's token was not issued for this sign-in (its nonce does not match). Sign in again.")
	}
	res, err := f.openSession(ctx)
	return res, row.Next, err
}

// exchange trades the code for the provider's ID token, over a client that
// trusts the provider as the verifier does.
func (f *oidcSignIn) exchange(ctx context.Context, row *models.OIDCSignInState, code, verifier string) (string, error) {
	s, c := f.s, f.setup
	cfg, err := s.oauthConfig(c, "", row.TokenURL, row.RedirectURI)
	if err != nil {
		return "", err
	}
	client, done := s.cfg.OIDC.Client(c.oidc)
	defer done()
	tok, err := cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, client), code, oauth2.VerifierOption(verifier))
	if err != nil {
		s.cfg.Log.Info("OIDC code exchange refused", "provider", c.settings.ProviderARN, "err", err)
		return "", &Error{Kind: Unauthenticated, Message: "The identity provider did not accept the sign-in's authorization code. Sign in again.", Err: err}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", newErr(Unauthenticated, "The identity provider returned no ID token. Its client must use the openid scope.")
	}
	return raw, nil
}

// refusedToken is a verifier's refusal as the sign-in page says it.
func refusedToken(err error) error {
	var oe *oidc.Error
	if !errors.As(err, &oe) {
		return internal(err, "verify ID token")
	}
	return &Error{Kind: Unauthenticated, Message: "The identity provider's token was refused: " + oe.Message, Err: oe}
}

// openSession picks the role, asks its trust policy, and opens the
// console session.
func (f *oidcSignIn) openSession(ctx context.Context) (*SignInResult, error) {
	s, c, cl := f.s, f.setup, f.claims
	name := c.settings.pickRole(cl)
	if name == "" {
		return nil, newErr(AccessDenied, "No role is mapped to your identity: your %s claim holds no value the console's sign-in maps to a role. Ask an administrator to map one.",
			c.settings.RoleClaim)
	}
	sessionName := consoleSessionName(cl)
	denied := func() error {
		e := newErr(AccessDenied, "The role %s does not trust %s for %s: its trust policy must allow sts:AssumeRoleWithWebIdentity to this identity.",
			name, c.provider.URLKey, cl.Subject)
		e.Action, e.Resource = "sts:AssumeRoleWithWebIdentity", f.role
		return e
	}
	role, err := s.store.Role(ctx, c.acct, name)
	f.role = "arn:aws:iam::" + c.acct + ":role/" + name
	if errors.Is(err, models.ErrNotFound) {
		return nil, denied()
	}
	if err != nil {
		return nil, internal(err, "role")
	}
	f.role = roleARN(c.acct, role.Path, role.Name)
	w := &webIdentity{s: s, acct: c.acct, m: f.m, providerARN: c.settings.ProviderARN, principal: c.settings.ProviderARN,
		clientIDs: c.oidc.ClientIDs, claims: cl,
		in: AssumeRoleWithWebIdentityInput{RoleArn: f.role, RoleSessionName: sessionName}}
	ok, err := w.trusted(role, c.provider.URLKey, c.oidc.ClientIDs, nil)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, denied()
	}
	p := &Principal{AccountID: c.acct, Type: TypeAssumedRole, Name: sessionName, ID: role.RoleID + ":" + sessionName,
		ARN: "arn:aws:sts::" + c.acct + ":assumed-role/" + role.Name + "/" + sessionName,
		Session: &TempCredentials{Kind: "AssumedRole", RoleID: role.RoleID, RoleARN: f.role, SessionName: sessionName,
			FederatedProvider: c.settings.ProviderARN, FederatedSubject: cl.Subject, FederatedEmail: emailOf(cl)}}
	if role.MaxSessionDuration > 0 {
		// As AWS's console federation: no longer than the role allows.
		p.Session.Expiration = s.now().Add(time.Duration(role.MaxSessionDuration) * time.Second)
	}
	var res *SignInResult
	err = s.store.Tx(ctx, func(tx *models.Store) (err error) {
		if err := tx.RecordRoleUse(ctx, c.acct, role.RoleID, s.now(), "us-east-1"); err != nil {
			return err
		}
		res, err = s.createSession(ctx, tx, p, f.m, "ConsoleLogin")
		return err
	})
	if err != nil {
		return nil, asInternal(err, "open federated session")
	}
	return res, nil
}

// auditRefusal records a refused sign-in with what was known of the
// person: the provider, subject, email and role once the token got that
// far.
func (f *oidcSignIn) auditRefusal(ctx context.Context, refusal error) error {
	if KindOf(refusal) == Internal {
		return nil
	}
	acct := f.acct
	if acct == "" {
		live, err := f.s.store.LiveAccount(ctx)
		if err != nil {
			return nil // before setup: no account to audit in
		}
		acct = live.ID
	}
	params := map[string]any{"federation": "OpenIDConnect"}
	resource, principal := "", ""
	if f.setup != nil {
		params["identityProvider"] = f.setup.settings.ProviderARN
		resource, principal = f.setup.settings.ProviderARN, f.setup.settings.ProviderARN
	}
	if f.claims != nil {
		params["subject"] = truncate(f.claims.Subject, 255)
		if e := emailOf(f.claims); e != "" {
			params["email"] = e
		}
	}
	if f.role != "" {
		params["roleArn"], resource = f.role, f.role
	}
	return f.s.audit(ctx, f.s.store, f.m, acct, principal, event{name: "ConsoleLogin", resource: resource, params: params}, refusal)
}

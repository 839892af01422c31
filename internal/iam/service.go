package iam

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"math/big"
	"time"

	"github.com/google/uuid"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/federation/oidc"
	"github.com/iamconsole/console/internal/models"
)

// Config tunes the operations; zero fields take the defaults.
type Config struct {
	SessionIdle time.Duration // default 1 h
	SessionMax  time.Duration // default 12 h
	Argon2      auth.Argon2Params
	// Now is the clock; tests inject one.
	Now func() time.Time
	Log *slog.Logger
	// Sealer seals TOTP seeds and secret keys under the master key.
	Sealer *auth.Sealer
	// Throttle tunes brute-force protection.
	Throttle ThrottleConfig
	// MaxUsers is the UsersPerAccount quota: AWS's default, 5,000, unless
	// raised (as AWS lets an account raise it).
	MaxUsers int
	// NoUsage turns off the recording of use (usage.go): Access Advisor
	// and the unused-access findings then see none. For measuring what
	// recording costs, and for operators who want no such record.
	NoUsage bool
	// OIDC verifies web identity tokens (AssumeRoleWithWebIdentity); one
	// with AWS-like bounds, on the service's clock, when nil.
	OIDC *oidc.Verifier
}

// Service runs the operations over one store.
type Service struct {
	store    *models.Store
	cfg      Config
	policies policyCache
	inputs   inputCache
	// userPages keeps the user page's reads under the state stamp
	// (GetUserPage).
	userPages stampCache[models.StateStamp, *userPageReads]
	// mfaOptional keeps each account's AllowUsersWithoutMFA under the
	// state stamp (mustEnroll).
	mfaOptional stampCache[models.StateStamp, bool]
	// sessions keeps console sessions under the activity stamp, which
	// every session's end moves (Authenticate); users keeps user rows
	// under both stamps, as a sign-in moves their password's last use
	// (keptUser). Each was a statement on every page: with the stamps',
	// three of a user page's four, and SQLite compiles each statement
	// again on every run.
	sessions stampCache[uint64, *models.Session]
	users    stampCache[models.Stamps, *models.User]
	// apiKeys keeps long-term access keys with their users under the
	// state stamp, for the API's requests (keptAPIKey).
	apiKeys stampCache[models.StateStamp, *apiKey]
	// stsSessions keeps temporary credentials, which never change
	// (keptSTSSession).
	stsSessions stampCache[noStamp, *models.STSSession]
	// sessionRoles and federations keep what a console role session's
	// every request reads besides its session: the role (under the state
	// stamp) and the federated identity it was opened with (never changed;
	// nil for none).
	sessionRoles stampCache[models.StateStamp, *models.Role]
	federations  stampCache[noStamp, *models.ConsoleFederation]
	graphs       graphCache
	// afterGuard, set by tests, runs in guardedTx between a change's
	// guardrail check and its transaction: where a concurrent change lands.
	afterGuard func()
	// compared keeps the earlier side of the last comparison (compare.go).
	compared comparedCache
	// details keeps the snapshot GetAccountAuthorizationDetails pages
	// through (authdetails.go).
	details detailsCache
	// aliases keeps the accounts' aliases for the pages' header
	// (accountalias.go).
	aliases aliasCache
	// usage holds the evidence of use not yet flushed (usage.go).
	usage usageRecorder
}

// New makes a Service.
func New(store *models.Store, cfg Config) *Service {
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = time.Hour
	}
	if cfg.SessionMax <= 0 {
		cfg.SessionMax = 12 * time.Hour
	}
	if cfg.Argon2 == (auth.Argon2Params{}) {
		cfg.Argon2 = auth.DefaultArgon2
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Sealer == nil {
		// A per-process key: fine for tests, useless across restarts. The
		// command always passes the master key.
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		sealer, err := auth.NewSealer(key)
		if err != nil {
			panic(err) // a 32-byte key cannot be refused
		}
		cfg.Sealer = sealer
	}
	cfg.Throttle = cfg.Throttle.withDefaults()
	if cfg.MaxUsers <= 0 {
		cfg.MaxUsers = MaxUsersPerAccount
	}
	if cfg.OIDC == nil {
		cfg.OIDC = oidc.NewVerifier()
		cfg.OIDC.Now = cfg.Now
	}
	return &Service{store: store, cfg: cfg}
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// Meta is what an operation knows about the request that called it, for
// the audit log and for policy context keys.
type Meta struct {
	SourceIP  string
	UserAgent string
	RequestID string
	Secure    bool
	// Source is the audit event source: "console" or an AWS service host.
	Source string
	// Account is the account a console sign-in names, by ID or alias (""
	// for whichever the user is in); a user of another answers as a wrong
	// password does.
	Account string
	// FederatedProvider and FederatedSubject name who an identity provider
	// vouched for when the caller's console session was opened through it:
	// every event the session causes records them.
	FederatedProvider string
	FederatedSubject  string
}

// event is an audit event under construction.
type event struct {
	name     string
	resource string
	params   map[string]any
	// also are the ARNs of other entities the event changes, beyond those
	// its resource and parameters name (the role an instance profile gains
	// or loses: the access graph reads profiles through their roles).
	also []string
	// id is the event's ID when the change names its own audit event (an
	// access review decision); "" for a fresh one.
	id string
}

// audit appends an event through st (a transaction, so it commits with the
// change it records). A nil err records success.
func (s *Service) audit(ctx context.Context, st *models.Store, m Meta, accountID, principalARN string, ev event, err error) error {
	rec := &models.AuditEvent{
		EventID:      uuid.NewString(),
		AccountID:    accountID,
		EventTime:    s.now(),
		EventSource:  m.Source,
		EventName:    ev.name,
		PrincipalARN: principalARN,
		SourceIP:     m.SourceIP,
		UserAgent:    truncate(m.UserAgent, 512),
		RequestID:    m.RequestID,
		Resource:     ev.resource,
		Result:       models.ResultSuccess,
	}
	if rec.EventSource == "" {
		rec.EventSource = "console"
	}
	if ev.id != "" {
		rec.EventID = ev.id
	}
	if err == nil {
		rec.StateChange, rec.Changed = stateChange(ev, principalARN)
	} else {
		rec.Result = models.ResultFailure
		rec.ErrorCode, rec.ErrorMessage = auditErrorCode(err), "Internal error."
		var e *Error
		if asError(err, &e) {
			rec.ErrorMessage = truncate(e.Message, 1024)
		}
	}
	if m.FederatedProvider != "" {
		params := make(map[string]any, len(ev.params)+1)
		for k, v := range ev.params {
			params[k] = v
		}
		params["federatedIdentity"] = map[string]string{"identityProvider": m.FederatedProvider, "subject": m.FederatedSubject}
		ev.params = params
	}
	if len(ev.params) > 0 {
		b, jerr := json.Marshal(ev.params)
		if jerr != nil {
			return internal(jerr, "encode audit parameters")
		}
		rec.RequestParameters = string(b)
	}
	if aerr := st.AppendAudit(ctx, rec); aerr != nil {
		return internal(aerr, "audit")
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// newAccountID returns a random 12-digit AWS-style account ID.
func newAccountID() (string, error) {
	b := make([]byte, 12)
	for i := range b {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			return "", err
		}
		b[i] = byte('0' + d.Int64())
	}
	return string(b), nil
}

// Ready reports whether the database answers, for /readyz.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.store.Ping(ctx); err != nil {
		return internal(err, "database ping")
	}
	return nil
}

// accountOf is the account an operation acts on: the caller's, or for the
// operator at the command line (nil caller) the live account.
func (s *Service) accountOf(ctx context.Context, caller *Principal) (string, error) {
	if caller != nil {
		return caller.AccountID, nil
	}
	acct, err := s.store.LiveAccount(ctx)
	if err != nil {
		return "", internal(err, "live account")
	}
	return acct.ID, nil
}

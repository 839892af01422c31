package iam

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// ServiceSpecificCredential is AWS's ServiceSpecificCredential: a user's
// password for one AWS service (CodeCommit's Git over HTTPS, Amazon
// Keyspaces), or a long-term API key (Amazon Bedrock). The password or
// secret is set only when it is made or reset: it is shown that once.
type ServiceSpecificCredential struct {
	UserName                    string
	ServiceName                 string
	ServiceSpecificCredentialId string
	Status                      string
	CreateDate                  time.Time
	ExpirationDate              *time.Time
	// ServiceUserName and ServicePassword are a password service's;
	// ServiceCredentialAlias and ServiceCredentialSecret an API key's.
	ServiceUserName         string
	ServicePassword         string
	ServiceCredentialAlias  string
	ServiceCredentialSecret string
}

// CreateServiceSpecificCredentialInput is CreateServiceSpecificCredential's
// input. CredentialAgeDays (0 for none) makes an API key expire.
type CreateServiceSpecificCredentialInput struct {
	UserName          string
	ServiceName       string
	CredentialAgeDays int
}

// ListServiceSpecificCredentialsInput is ListServiceSpecificCredentials'
// input: one user's credentials (the caller's when UserName is empty) or
// every user's (AllUsers), for one service or all.
type ListServiceSpecificCredentialsInput struct {
	UserName    string
	ServiceName string
	AllUsers    bool
	Page
}

// The services that take service-specific credentials, as AWS lists them;
// apiKeyServices answer an alias and a secret rather than a user name and
// a password, and may expire.
var (
	passwordServices = map[string]bool{"codecommit.amazonaws.com": true, "cassandra.amazonaws.com": true}
	apiKeyServices   = map[string]bool{"bedrock.amazonaws.com": true}
)

// Service-specific credential quotas and limits, as AWS's.
const (
	MaxServiceSpecificCredentialsPerService = 2
	maxCredentialAgeDays                    = 36600
	// PrefixServiceCredential begins service-specific credential IDs.
	PrefixServiceCredential = "ACCA"
)

var serviceCredentialIDRE = regexp.MustCompile(`^[\w]{20,128}$`)

func noSuchServiceCredential(id string) *Error {
	return newErr(NotFound, "No such credential %s exists.", id)
}

var errServiceNotSupported = &Error{Kind: NotFound, Code: "NotSupportedService",
	Message: "The specified service does not support service-specific credentials."}

func checkServiceCredentialID(id string) error {
	if !serviceCredentialIDRE.MatchString(id) {
		return invalidField("ServiceSpecificCredentialId", "The specified value for serviceSpecificCredentialId is invalid. It must contain only alphanumeric characters and/or _, and be 20 to 128 characters long.")
	}
	return nil
}

// newServicePassword is a 44-character password, as AWS's CodeCommit and
// Keyspaces passwords are.
func newServicePassword() string {
	raw := make([]byte, 33)
	_, _ = randRead(raw)
	return base64.StdEncoding.EncodeToString(raw)
}

// newAPIKey is a Bedrock-style long-term API key: "ABSK" and the base64 of
// the alias and a secret.
func newAPIKey(alias string) string {
	return "ABSK" + base64.StdEncoding.EncodeToString([]byte(alias+":"+newServicePassword()))
}

func serviceCredentialOut(userName string, c *models.ServiceSpecificCredential, now time.Time) ServiceSpecificCredential {
	out := ServiceSpecificCredential{UserName: userName, ServiceName: c.ServiceName, ServiceSpecificCredentialId: c.CredentialID,
		Status: c.Status, CreateDate: c.CreatedAt.UTC()}
	if apiKeyServices[c.ServiceName] {
		out.ServiceCredentialAlias = c.ServiceUserName
	} else {
		out.ServiceUserName = c.ServiceUserName
	}
	if c.ExpiresAt != nil {
		t := c.ExpiresAt.UTC()
		out.ExpirationDate = &t
		if now.After(t) {
			out.Status = models.CredentialExpired
		}
	}
	return out
}

// serviceUserName is the user name a credential signs in with:
// "alice-at-123456789012", "alice+1-at-…" for a second one, as AWS names
// them; an API key's alias is "BedrockAPIKey-XXXX-at-123456789012".
func serviceUserName(service, user, acct string, taken []models.ServiceSpecificCredential) string {
	if apiKeyServices[service] {
		return "BedrockAPIKey-" + strings.ToLower(newID("", 4)) + "-at-" + acct
	}
	used := map[string]bool{}
	for _, c := range taken {
		used[c.ServiceUserName] = true
	}
	name := user + "-at-" + acct
	for i := 1; used[name]; i++ {
		name = fmt.Sprintf("%s+%d-at-%s", user, i, acct)
	}
	return name
}

// sealServiceSecret seals a credential's password or key under the master
// key, bound to its ID.
func (s *Service) sealServiceSecret(id, secret string) string {
	return s.cfg.Sealer.Seal([]byte(secret), []byte("servicecredential:"+id))
}

// CreateServiceSpecificCredential makes a user a credential for a service:
// a user name and password (CodeCommit, Keyspaces) or an API key
// (Bedrock, which may expire after CredentialAgeDays). The secret is
// sealed, and returned this once. NotSupportedService for another
// service; LimitExceeded past two per service per user.
func (s *Service) CreateServiceSpecificCredential(ctx context.Context, caller *Principal, in CreateServiceSpecificCredentialInput, m Meta) (*ServiceSpecificCredential, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, in.UserName, m, OpCreateServiceSpecificCredential.Action(UserType))
	if err != nil {
		return nil, err
	}
	if !passwordServices[in.ServiceName] && !apiKeyServices[in.ServiceName] {
		return nil, errServiceNotSupported
	}
	now := s.now()
	var expires *time.Time
	switch {
	case in.CredentialAgeDays < 0 || in.CredentialAgeDays > maxCredentialAgeDays:
		return nil, invalidField("CredentialAgeDays", "1 validation error detected: Value '%d' at 'credentialAgeDays' failed to satisfy constraint: Member must have value between 1 and %d", in.CredentialAgeDays, maxCredentialAgeDays)
	case in.CredentialAgeDays > 0 && !apiKeyServices[in.ServiceName]:
		e := invalidField("CredentialAgeDays", "CredentialAgeDays is only valid for services that support long-term API keys.")
		e.Code = "InvalidInput"
		return nil, e
	case in.CredentialAgeDays > 0:
		t := now.AddDate(0, 0, in.CredentialAgeDays)
		expires = &t
	}
	c := &models.ServiceSpecificCredential{CredentialID: newID(PrefixServiceCredential, 17), UserID: u.UserID, ServiceName: in.ServiceName,
		Status: models.CredentialActive, CreatedAt: now, ExpiresAt: expires}
	var secret string
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		have, err := tx.ServiceSpecificCredentials(ctx, acct, u.UserID, in.ServiceName)
		if err != nil {
			return err
		}
		if len(have) >= MaxServiceSpecificCredentialsPerService {
			return newErr(LimitExceeded, "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: %d", MaxServiceSpecificCredentialsPerService)
		}
		c.ServiceUserName = serviceUserName(in.ServiceName, u.Name, acct, have)
		secret = newServicePassword()
		if apiKeyServices[in.ServiceName] {
			secret = newAPIKey(c.ServiceUserName)
		}
		c.SealedSecret = s.sealServiceSecret(c.CredentialID, secret)
		if err := tx.CreateServiceSpecificCredential(ctx, acct, c); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateServiceSpecificCredential", resource: arn,
			params: map[string]any{"userName": u.Name, "serviceName": in.ServiceName, "serviceSpecificCredentialId": c.CredentialID}}, nil)
	})
	if err != nil {
		return nil, asInternal(err, "create service-specific credential")
	}
	out := serviceCredentialOut(u.Name, c, now)
	out.setSecret(secret)
	return &out, nil
}

// setSecret puts the secret where the credential's kind shows it.
func (c *ServiceSpecificCredential) setSecret(secret string) {
	if c.ServiceCredentialAlias != "" {
		c.ServiceCredentialSecret = secret
	} else {
		c.ServicePassword = secret
	}
}

// ListServiceSpecificCredentials lists credentials without their secrets,
// oldest first, one page after the marker (a credential ID). AllUsers
// lists every user's, authorized on every user's ARN.
func (s *Service) ListServiceSpecificCredentials(ctx context.Context, caller *Principal, in ListServiceSpecificCredentialsInput, m Meta) ([]ServiceSpecificCredential, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	action := OpListServiceSpecificCredentials.Action(UserType)
	names := map[string]string{} // user ID -> name
	userID := ""
	if in.AllUsers {
		if err := s.authorizeMeta(ctx, caller, m, action, userARN(acct, "/", "*")); err != nil {
			return nil, "", err
		}
	} else {
		u, _, err := s.authorizedUser(ctx, caller, acct, in.UserName, m, action)
		if err != nil {
			return nil, "", err
		}
		userID, names[u.UserID] = u.UserID, u.Name
	}
	if in.ServiceName != "" && !passwordServices[in.ServiceName] && !apiKeyServices[in.ServiceName] {
		return nil, "", errServiceNotSupported
	}
	f, err := listFilter("", in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, "", err
	}
	rows, err := s.store.ServiceSpecificCredentials(ctx, acct, userID, in.ServiceName)
	if err != nil {
		return nil, "", internal(err, "service-specific credentials")
	}
	now := s.now()
	out := make([]ServiceSpecificCredential, 0, len(rows))
	for i := range rows {
		name, ok := names[rows[i].UserID]
		if !ok {
			u, err := s.store.UserByID(ctx, acct, rows[i].UserID)
			if errors.Is(err, models.ErrNotFound) {
				continue // DeleteUser refuses while a user has credentials
			}
			if err != nil {
				return nil, "", internal(err, "user")
			}
			name, names[rows[i].UserID] = u.Name, u.Name
		}
		out = append(out, serviceCredentialOut(name, &rows[i], now))
	}
	return pageByPosition(out, func(c ServiceSpecificCredential) string { return c.ServiceSpecificCredentialId }, f)
}

// UpdateServiceSpecificCredential makes a user's credential Active or
// Inactive.
func (s *Service) UpdateServiceSpecificCredential(ctx context.Context, caller *Principal, userName, id, status string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpUpdateServiceSpecificCredential.Action(UserType))
	if err != nil {
		return err
	}
	if err := checkServiceCredentialID(id); err != nil {
		return err
	}
	if err := checkStatus(status); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.UpdateServiceSpecificCredential(ctx, acct, u.UserID, id, status, ""); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateServiceSpecificCredential", resource: arn,
			params: map[string]any{"userName": u.Name, "serviceSpecificCredentialId": id, "status": status}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchServiceCredential(id)
	}
	return asInternal(err, "update service-specific credential")
}

// ResetServiceSpecificCredential gives a user's credential a new password
// (or secret), returned this once; the user name stays.
func (s *Service) ResetServiceSpecificCredential(ctx context.Context, caller *Principal, userName, id string, m Meta) (*ServiceSpecificCredential, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpResetServiceSpecificCredential.Action(UserType))
	if err != nil {
		return nil, err
	}
	if err := checkServiceCredentialID(id); err != nil {
		return nil, err
	}
	var c *models.ServiceSpecificCredential
	var secret string
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		var err error
		if c, err = tx.ServiceSpecificCredential(ctx, acct, u.UserID, id); err != nil {
			return err
		}
		secret = newServicePassword()
		if apiKeyServices[c.ServiceName] {
			secret = newAPIKey(c.ServiceUserName)
		}
		if err := tx.UpdateServiceSpecificCredential(ctx, acct, u.UserID, id, "", s.sealServiceSecret(id, secret)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "ResetServiceSpecificCredential", resource: arn,
			params: map[string]any{"userName": u.Name, "serviceSpecificCredentialId": id}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchServiceCredential(id)
	}
	if err != nil {
		return nil, asInternal(err, "reset service-specific credential")
	}
	out := serviceCredentialOut(u.Name, c, s.now())
	out.setSecret(secret)
	return &out, nil
}

// DeleteServiceSpecificCredential deletes a user's credential.
func (s *Service) DeleteServiceSpecificCredential(ctx context.Context, caller *Principal, userName, id string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpDeleteServiceSpecificCredential.Action(UserType))
	if err != nil {
		return err
	}
	if err := checkServiceCredentialID(id); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.DeleteServiceSpecificCredential(ctx, acct, u.UserID, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteServiceSpecificCredential", resource: arn,
			params: map[string]any{"userName": u.Name, "serviceSpecificCredentialId": id}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchServiceCredential(id)
	}
	return asInternal(err, "delete service-specific credential")
}

package iam

import (
	"context"
	"errors"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// AccessKey is a new access key with its secret: CreateAccessKey's answer,
// the one time the secret is shown.
type AccessKey struct {
	UserName        string
	AccessKeyId     string
	Status          string
	SecretAccessKey string
	CreateDate      time.Time
}

// AccessKeyMetadata describes an access key without its secret.
type AccessKeyMetadata struct {
	UserName    string
	AccessKeyId string
	Status      string
	CreateDate  time.Time
}

// AccessKeyLastUsed is when and where a key was last used; ServiceName and
// Region are "N/A" for a key never used, as AWS answers.
type AccessKeyLastUsed struct {
	LastUsedDate *time.Time
	ServiceName  string
	Region       string
}

// UpdateAccessKeyInput sets a key Active or Inactive.
type UpdateAccessKeyInput struct {
	UserName    string
	AccessKeyId string
	Status      string
}

func noSuchAccessKey(id string) *Error {
	return newErr(NotFound, "The Access Key with id %s cannot be found.", id)
}

// CreateAccessKey makes a new access key for a user (the caller's own when
// userName is empty), at most two per user. The secret is sealed under the
// master key before it is stored and is returned this once.
func (s *Service) CreateAccessKey(ctx context.Context, caller *Principal, userName string, m Meta) (*AccessKey, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpCreateAccessKey.Action(UserType))
	if err != nil {
		return nil, err
	}
	id := newID(PrefixAccessKey, 16)
	secret := newSecret()
	sealed := s.cfg.Sealer.Seal([]byte(secret), []byte("accesskey:"+id))
	k := &models.AccessKey{AccessKeyID: id, UserID: u.UserID, SealedSecret: sealed, Status: models.AccessKeyActive, CreatedAt: s.now()}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangeCreateAccessKey, Entity: UserNamed(userNameOr(caller, userName))}, m, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		n, err := tx.CountAccessKeys(ctx, acct, u.UserID)
		if err != nil {
			return err
		}
		if n >= MaxAccessKeysPerUser {
			return newErr(LimitExceeded, "Cannot exceed quota for AccessKeysPerUser: %d", MaxAccessKeysPerUser)
		}
		if err := tx.CreateAccessKey(ctx, acct, k); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateAccessKey", resource: arn,
			params: map[string]any{"userName": u.Name, "accessKeyId": id}}, nil)
	})
	if err != nil {
		return nil, asInternal(err, "create access key")
	}
	return &AccessKey{UserName: u.Name, AccessKeyId: id, Status: k.Status, SecretAccessKey: secret, CreateDate: k.CreatedAt.UTC()}, nil
}

// ListAccessKeys lists a user's keys (the caller's own when userName is
// empty), oldest first, without their secrets.
func (s *Service) ListAccessKeys(ctx context.Context, caller *Principal, userName string, m Meta) ([]AccessKeyMetadata, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, _, err := s.authorizedUser(ctx, caller, acct, userName, m, "iam:ListAccessKeys")
	if err != nil {
		return nil, err
	}
	keys, err := s.store.ListAccessKeys(ctx, acct, u.UserID)
	if err != nil {
		return nil, internal(err, "access keys")
	}
	out := make([]AccessKeyMetadata, len(keys))
	for i, k := range keys {
		out[i] = AccessKeyMetadata{UserName: u.Name, AccessKeyId: k.AccessKeyID, Status: k.Status, CreateDate: k.CreatedAt.UTC()}
	}
	return out, nil
}

// UpdateAccessKey makes a user's key Active or Inactive. An inactive key
// authenticates nothing.
func (s *Service) UpdateAccessKey(ctx context.Context, caller *Principal, in UpdateAccessKeyInput, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, in.UserName, m, OpUpdateAccessKey.Action(UserType))
	if err != nil {
		return err
	}
	if in.Status != models.AccessKeyActive && in.Status != models.AccessKeyInactive {
		return invalidField("Status", "Status must be Active or Inactive.")
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.UpdateAccessKeyStatus(ctx, acct, u.UserID, in.AccessKeyId, in.Status); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateAccessKey", resource: arn,
			params: map[string]any{"userName": u.Name, "accessKeyId": in.AccessKeyId, "status": in.Status}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchAccessKey(in.AccessKeyId)
	}
	return asInternal(err, "update access key")
}

// DeleteAccessKey deletes a user's key (the caller's own user when userName
// is empty).
func (s *Service) DeleteAccessKey(ctx context.Context, caller *Principal, userName, accessKeyID string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpDeleteAccessKey.Action(UserType))
	if err != nil {
		return err
	}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangeDeleteAccessKey, Entity: UserNamed(userNameOr(caller, userName)), Name: accessKeyID}, m, func(tx *models.Store) error {
		if err := tx.DeleteAccessKey(ctx, acct, u.UserID, accessKeyID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteAccessKey", resource: arn,
			params: map[string]any{"userName": u.Name, "accessKeyId": accessKeyID}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchAccessKey(accessKeyID)
	}
	return asInternal(err, "delete access key")
}

// GetAccessKeyLastUsed tells when, for which service and in which region a
// key of the account was last used, and whose it is; authorized on the
// owner's ARN.
func (s *Service) GetAccessKeyLastUsed(ctx context.Context, caller *Principal, accessKeyID string, m Meta) (string, *AccessKeyLastUsed, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return "", nil, err
	}
	k, err := s.store.AccessKey(ctx, acct, accessKeyID)
	if errors.Is(err, models.ErrNotFound) {
		return "", nil, noSuchAccessKey(accessKeyID)
	}
	if err != nil {
		return "", nil, internal(err, "access key")
	}
	u, err := s.store.UserByID(ctx, acct, k.UserID)
	if errors.Is(err, models.ErrNotFound) {
		return "", nil, noSuchAccessKey(accessKeyID)
	}
	if err != nil {
		return "", nil, internal(err, "user")
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetAccessKeyLastUsed", userARN(acct, u.Path, u.Name)); err != nil {
		return "", nil, err
	}
	out := &AccessKeyLastUsed{ServiceName: "N/A", Region: "N/A"}
	if k.LastUsedAt != nil {
		t := k.LastUsedAt.UTC()
		out.LastUsedDate = &t
		out.ServiceName, out.Region = k.LastUsedService, k.LastUsedRegion
	}
	return u.Name, out, nil
}

// RecordAccessKeyUse notes a request signed with the key (for
// GetAccessKeyLastUsed). NotFound for an unknown key.
func (s *Service) RecordAccessKeyUse(ctx context.Context, accessKeyID, service, region string) error {
	k, err := s.store.AccessKeyByID(ctx, accessKeyID)
	if errors.Is(err, models.ErrNotFound) {
		return noSuchAccessKey(accessKeyID)
	}
	if err != nil {
		return internal(err, "access key")
	}
	if err := s.store.RecordAccessKeyUse(ctx, k.AccountID, accessKeyID, s.now(), service, region); err != nil {
		return internal(err, "record access key use")
	}
	return nil
}

// PrincipalForAccessKey is the IAM user a long-term access key belongs to,
// as a caller. NotFound for an unknown key or a user that is gone. The
// account is the key's, never the request's.
func (s *Service) PrincipalForAccessKey(ctx context.Context, accessKeyID string) (*Principal, error) {
	k, err := s.store.AccessKeyByID(ctx, accessKeyID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchAccessKey(accessKeyID)
	}
	if err != nil {
		return nil, internal(err, "access key")
	}
	u, err := s.store.UserByID(ctx, k.AccountID, k.UserID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchAccessKey(accessKeyID)
	}
	if err != nil {
		return nil, internal(err, "user")
	}
	return &Principal{AccountID: k.AccountID, Type: TypeUser, Name: u.Name, ID: u.UserID,
		ARN: userARN(k.AccountID, u.Path, u.Name)}, nil
}

// userNameOr is the user an access key action names: userName, or the
// calling user's own when it names none (as AWS's).
func userNameOr(caller *Principal, userName string) string {
	if userName == "" && caller != nil && caller.Type == TypeUser {
		return caller.Name
	}
	return userName
}

package models

import (
	"context"
	"time"
)

// CreateAccessKey stores a user's new access key; k.AccessKeyID (AKIA…) and
// k.SealedSecret are the caller's. It sets k.AccountID, and k.Status to
// Active when empty. Counting keys against AWS's quota of 2 is the
// caller's. Returns ErrConflict if the key ID is taken.
func (s *Store) CreateAccessKey(ctx context.Context, accountID string, k *AccessKey) error {
	k.AccountID = accountID
	if k.Status == "" {
		k.Status = AccessKeyActive
	}
	return translate(s.q(ctx).Create(k).Error, "create access key "+k.AccessKeyID)
}

// AccessKeyByID returns the access key with the given ID, in whichever
// account it is. It is the one store lookup not narrowed to an account: a
// SigV4 request names only its key, and the key tells the account. Callers
// must take the account from the key they get, never from the request.
func (s *Store) AccessKeyByID(ctx context.Context, accessKeyID string) (*AccessKey, error) {
	var k AccessKey
	if err := s.q(ctx).Where("access_key_id = ?", accessKeyID).Take(&k).Error; err != nil {
		return nil, translate(err, "access key "+accessKeyID)
	}
	return &k, nil
}

// AccessKey returns one of the account's access keys.
func (s *Store) AccessKey(ctx context.Context, accountID, accessKeyID string) (*AccessKey, error) {
	var k AccessKey
	err := s.q(ctx).Where("account_id = ? AND access_key_id = ?", accountID, accessKeyID).Take(&k).Error
	if err != nil {
		return nil, translate(err, "access key "+accessKeyID)
	}
	return &k, nil
}

// ListAccessKeys returns a user's access keys, oldest first.
func (s *Store) ListAccessKeys(ctx context.Context, accountID, userID string) ([]AccessKey, error) {
	var ks []AccessKey
	err := s.q(ctx).Where("account_id = ? AND user_id = ?", accountID, userID).
		Order("created_at, access_key_id").Find(&ks).Error
	return ks, translate(err, "list access keys of user "+userID)
}

// CountAccessKeys counts a user's access keys.
func (s *Store) CountAccessKeys(ctx context.Context, accountID, userID string) (int64, error) {
	return s.count(ctx, &AccessKey{}, "count access keys of user "+userID,
		"account_id = ? AND user_id = ?", accountID, userID)
}

// UpdateAccessKeyStatus sets a user's key Active or Inactive. Returns
// ErrNotFound if the user has no such key.
func (s *Store) UpdateAccessKeyStatus(ctx context.Context, accountID, userID, accessKeyID, status string) error {
	res := s.q(ctx).Model(&AccessKey{}).
		Where("account_id = ? AND user_id = ? AND access_key_id = ?", accountID, userID, accessKeyID).
		Update("status", status)
	return changedOne(res, "update status of access key "+accessKeyID)
}

// RecordAccessKeyUse notes a request signed with the key, for
// GetAccessKeyLastUsed.
func (s *Store) RecordAccessKeyUse(ctx context.Context, accountID, accessKeyID string, at time.Time, service, region string) error {
	res := s.q(ctx).Model(&AccessKey{}).Where("account_id = ? AND access_key_id = ?", accountID, accessKeyID).
		Updates(map[string]any{"last_used_at": at, "last_used_service": service, "last_used_region": region})
	return changedOne(res, "record use of access key "+accessKeyID)
}

// DeleteAccessKey deletes a user's key. Returns ErrNotFound if the user has
// no such key.
func (s *Store) DeleteAccessKey(ctx context.Context, accountID, userID, accessKeyID string) error {
	res := s.q(ctx).Where("account_id = ? AND user_id = ? AND access_key_id = ?", accountID, userID, accessKeyID).
		Delete(&AccessKey{})
	return changedOne(res, "delete access key "+accessKeyID)
}

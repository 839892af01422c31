package models

import (
	"context"
	"strings"
	"time"
)

// LiveAccount returns the account this installation runs (not an imported
// one). Returns ErrNotFound before setup.
func (s *Store) LiveAccount(ctx context.Context) (*Account, error) {
	var a Account
	err := s.q(ctx).Where("imported = ?", false).Take(&a).Error
	if err != nil {
		return nil, translate(err, "live account")
	}
	return &a, nil
}

// Account returns the account with the given ID, live or imported.
func (s *Store) Account(ctx context.Context, id string) (*Account, error) {
	var a Account
	if err := s.q(ctx).Where("id = ?", id).Take(&a).Error; err != nil {
		return nil, translate(err, "account "+id)
	}
	return &a, nil
}

// AccountByRootEmail finds the live account whose root signs in with email
// (compared case-insensitively; emails are stored lower-cased).
func (s *Store) AccountByRootEmail(ctx context.Context, email string) (*Account, error) {
	var a Account
	err := s.q(ctx).Where("root_email = ? AND imported = ?", strings.ToLower(email), false).Take(&a).Error
	if err != nil {
		return nil, translate(err, "root account")
	}
	return &a, nil
}

// SetupDone reports whether root has been created.
func (s *Store) SetupDone(ctx context.Context) (bool, error) {
	var n int64
	if err := s.q(ctx).Model(&SetupState{}).Count(&n).Error; err != nil {
		return false, translate(err, "setup state")
	}
	return n > 0, nil
}

// CompleteSetup records that setup happened and creates the live account.
// The singleton setup row makes a second, racing setup fail with
// ErrConflict; call it inside Tx with the audit event.
func (s *Store) CompleteSetup(ctx context.Context, a *Account, at time.Time) error {
	if err := s.q(ctx).Create(&SetupState{ID: 1, AccountID: a.ID, CompletedAt: at}).Error; err != nil {
		return translate(err, "record setup")
	}
	a.RootEmail = strings.ToLower(a.RootEmail)
	if err := s.q(ctx).Create(a).Error; err != nil {
		return translate(err, "create account")
	}
	// Every outstanding setup token dies with the first root.
	return translate(s.q(ctx).Where("1 = 1").Delete(&SetupToken{}).Error, "delete setup tokens")
}

// UpdateRootPassword replaces root's password hash.
func (s *Store) UpdateRootPassword(ctx context.Context, accountID, hash string) error {
	res := s.q(ctx).Model(&Account{}).Where("id = ?", accountID).Update("root_password_hash", hash)
	if res.Error != nil {
		return translate(res.Error, "update root password")
	}
	if res.RowsAffected == 0 {
		return translate(ErrNotFound, "update root password")
	}
	return nil
}

// AddSetupToken stores the hash of a new one-time setup token.
func (s *Store) AddSetupToken(ctx context.Context, hash string, now, expires time.Time) error {
	return translate(s.q(ctx).Create(&SetupToken{Hash: hash, CreatedAt: now, ExpiresAt: expires}).Error, "add setup token")
}

// SetupTokenHashes returns the hashes of the tokens still valid at now, for
// a constant-time comparison by the caller.
func (s *Store) SetupTokenHashes(ctx context.Context, now time.Time) ([]string, error) {
	var hashes []string
	err := s.q(ctx).Model(&SetupToken{}).Where("expires_at > ?", now).Pluck("hash", &hashes).Error
	return hashes, translate(err, "setup tokens")
}

// SetAccountAlias sets (or, with "", removes) the live account's alias.
// ErrConflict when another account has it.
func (s *Store) SetAccountAlias(ctx context.Context, accountID, alias string) error {
	if alias != "" {
		var n int64
		if err := s.q(ctx).Model(&Account{}).Where("alias = ? AND id <> ?", alias, accountID).Count(&n).Error; err != nil {
			return translate(err, "account alias")
		}
		if n > 0 {
			return ErrConflict
		}
	}
	res := s.q(ctx).Model(&Account{}).Where("id = ?", accountID).Update("alias", alias)
	if res.Error != nil {
		return translate(res.Error, "account alias")
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

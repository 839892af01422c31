package models

import (
	"context"

	"gorm.io/gorm/clause"
)

// PasswordPolicy returns the account's password policy, ErrNotFound when
// none is set.
func (s *Store) PasswordPolicy(ctx context.Context, accountID string) (*PasswordPolicy, error) {
	var p PasswordPolicy
	if err := s.q(ctx).Where("account_id = ?", accountID).Take(&p).Error; err != nil {
		return nil, translate(err, "password policy")
	}
	return &p, nil
}

// PutPasswordPolicy sets the account's password policy, replacing any.
func (s *Store) PutPasswordPolicy(ctx context.Context, p *PasswordPolicy) error {
	return translate(s.q(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(p).Error, "put password policy")
}

// DeletePasswordPolicy removes the account's password policy.
func (s *Store) DeletePasswordPolicy(ctx context.Context, accountID string) error {
	res := s.q(ctx).Where("account_id = ?", accountID).Delete(&PasswordPolicy{})
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(ErrNotFound, "delete password policy")
	}
	return translate(res.Error, "delete password policy")
}

// AddPasswordHistory remembers a password hash of a principal.
func (s *Store) AddPasswordHistory(ctx context.Context, h *PasswordHistory) error {
	return translate(s.q(ctx).Create(h).Error, "add password history")
}

// RecentPasswordHashes returns a principal's n most recent password hashes.
func (s *Store) RecentPasswordHashes(ctx context.Context, accountID, ownerARN string, n int) ([]string, error) {
	var hs []string
	if n <= 0 {
		return nil, nil
	}
	err := s.q(ctx).Model(&PasswordHistory{}).Where("account_id = ? AND owner_arn = ?", accountID, ownerARN).
		Order("id DESC").Limit(n).Pluck("hash", &hs).Error
	return hs, translate(err, "password history")
}

// DeletePasswordHistory forgets a principal's earlier passwords: a deleted
// user's, so a new user given the same name starts with none.
func (s *Store) DeletePasswordHistory(ctx context.Context, accountID, ownerARN string) error {
	err := s.q(ctx).Where("account_id = ? AND owner_arn = ?", accountID, ownerARN).Delete(&PasswordHistory{}).Error
	return translate(err, "delete password history of "+ownerARN)
}

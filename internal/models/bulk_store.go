package models

import (
	"context"
	"database/sql"
)

// The *Of reads below fetch what many entities of one account own in one
// query each (IN lists of at most a page of IDs, MaxListLimit), for reads
// of a whole account or of a caller's groups: a snapshot of 10,000 users
// took six queries per user.

// ownedBy reads the rows of T whose owner column (entity_id for an entity
// type, user_id when entityType is "") is one of ids, in order.
func ownedBy[T any](s *Store, ctx context.Context, what, accountID string, entityType EntityType, ids []string, order string) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := s.q(ctx).Where("account_id = ?", accountID)
	if entityType != "" {
		q = q.Where("entity_type = ? AND entity_id IN ?", string(entityType), ids)
	} else {
		q = q.Where("user_id IN ?", ids)
	}
	if order != "" {
		q = q.Order(order)
	}
	var rows []T
	err := q.Find(&rows).Error
	return rows, translate(err, what)
}

// AttachmentsOf returns the managed policy attachments of several entities
// of one type, by entity then policy ARN.
func (s *Store) AttachmentsOf(ctx context.Context, accountID string, entityType EntityType, entityIDs []string) ([]PolicyAttachment, error) {
	return ownedBy[PolicyAttachment](s, ctx, "list policies attached to "+string(entityType)+"s", accountID, entityType, entityIDs, "entity_id, policy_arn")
}

// InlinePoliciesOf returns the inline policies of several entities of one
// type, by entity then name.
func (s *Store) InlinePoliciesOf(ctx context.Context, accountID string, entityType EntityType, entityIDs []string) ([]InlinePolicy, error) {
	return ownedBy[InlinePolicy](s, ctx, "list inline policies of "+string(entityType)+"s", accountID, entityType, entityIDs, "entity_id, name_key")
}

// InlinePolicyNamesOf returns the inline policy names of several entities
// of one type, keyed by entity ID, each in name order.
func (s *Store) InlinePolicyNamesOf(ctx context.Context, accountID string, entityType EntityType, entityIDs []string) (map[string][]string, error) {
	ps, err := s.InlinePoliciesOf(ctx, accountID, entityType, entityIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string)
	for _, p := range ps {
		out[p.EntityID] = append(out[p.EntityID], p.Name)
	}
	return out, nil
}

// TagsOf returns the tags of several entities of one type, by entity then
// key.
func (s *Store) TagsOf(ctx context.Context, accountID string, entityType EntityType, entityIDs []string) ([]Tag, error) {
	return ownedBy[Tag](s, ctx, "list tags of "+string(entityType)+"s", accountID, entityType, entityIDs, "entity_id, key_lower")
}

// MembershipsOf returns the group memberships of several users.
func (s *Store) MembershipsOf(ctx context.Context, accountID string, userIDs []string) ([]GroupMember, error) {
	return ownedBy[GroupMember](s, ctx, "list group memberships", accountID, "", userIDs, "")
}

// AccessKeysOf returns the access keys of several users, by user, then
// oldest first.
func (s *Store) AccessKeysOf(ctx context.Context, accountID string, userIDs []string) ([]AccessKey, error) {
	return ownedBy[AccessKey](s, ctx, "list access keys", accountID, "", userIDs, "user_id, created_at, access_key_id")
}

// LoginProfilesOf returns the login profiles of several users (those that
// have one).
func (s *Store) LoginProfilesOf(ctx context.Context, accountID string, userIDs []string) ([]LoginProfile, error) {
	return ownedBy[LoginProfile](s, ctx, "list login profiles", accountID, "", userIDs, "")
}

// The Account* reads below fetch what every entity of one account (of one
// type) owns, in one query each, for a whole account's snapshot: its pages
// of IN lists cost more in parsing their bound lists and in GORM's
// reflection, row by row, than in reading the rows. They scan only the
// columns a snapshot uses, into the models' structs (other fields zero).

// scanRows runs query and calls scan on each row.
func (s *Store) scanRows(ctx context.Context, what, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := s.q(ctx).Raw(query, args...).Rows()
	if err != nil {
		return translate(err, what)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return translate(err, what)
		}
	}
	return translate(rows.Err(), what)
}

// AccountAttachments returns the managed policy attachments (EntityID and
// PolicyARN) of every entity of one type, by entity then policy ARN.
func (s *Store) AccountAttachments(ctx context.Context, accountID string, entityType EntityType) ([]PolicyAttachment, error) {
	var out []PolicyAttachment
	err := s.scanRows(ctx, "list policies attached to "+string(entityType)+"s",
		"SELECT entity_id, policy_arn FROM policy_attachments WHERE account_id = ? AND entity_type = ? ORDER BY entity_id, policy_arn",
		[]any{accountID, string(entityType)}, func(r *sql.Rows) error {
			var a PolicyAttachment
			err := r.Scan(&a.EntityID, &a.PolicyARN)
			out = append(out, a)
			return err
		})
	return out, err
}

// AccountInlinePolicies returns the inline policies (EntityID, Name and
// Document) of every entity of one type, by entity then name.
func (s *Store) AccountInlinePolicies(ctx context.Context, accountID string, entityType EntityType) ([]InlinePolicy, error) {
	var out []InlinePolicy
	err := s.scanRows(ctx, "list inline policies of "+string(entityType)+"s",
		"SELECT entity_id, name, document FROM inline_policies WHERE account_id = ? AND entity_type = ? ORDER BY entity_id, name_key",
		[]any{accountID, string(entityType)}, func(r *sql.Rows) error {
			var p InlinePolicy
			err := r.Scan(&p.EntityID, &p.Name, &p.Document)
			out = append(out, p)
			return err
		})
	return out, err
}

// AccountTags returns the tags (EntityID, Key and Value) of every entity of
// one type, by entity then key.
func (s *Store) AccountTags(ctx context.Context, accountID string, entityType EntityType) ([]Tag, error) {
	var out []Tag
	err := s.scanRows(ctx, "list tags of "+string(entityType)+"s",
		"SELECT entity_id, key, value FROM tags WHERE account_id = ? AND entity_type = ? ORDER BY entity_id, key_lower",
		[]any{accountID, string(entityType)}, func(r *sql.Rows) error {
			var t Tag
			err := r.Scan(&t.EntityID, &t.Key, &t.Value)
			out = append(out, t)
			return err
		})
	return out, err
}

// AccountMemberships returns every group membership (GroupID and UserID)
// of the account.
func (s *Store) AccountMemberships(ctx context.Context, accountID string) ([]GroupMember, error) {
	var out []GroupMember
	err := s.scanRows(ctx, "list group memberships",
		"SELECT group_id, user_id FROM group_members WHERE account_id = ?",
		[]any{accountID}, func(r *sql.Rows) error {
			var m GroupMember
			err := r.Scan(&m.GroupID, &m.UserID)
			out = append(out, m)
			return err
		})
	return out, err
}

// AccountAccessKeys returns every user's access keys (all but the sealed
// secret), by user, then oldest first.
func (s *Store) AccountAccessKeys(ctx context.Context, accountID string) ([]AccessKey, error) {
	var out []AccessKey
	err := s.scanRows(ctx, "list access keys",
		"SELECT user_id, access_key_id, status, created_at, last_used_at, last_used_service FROM access_keys WHERE account_id = ? ORDER BY user_id, created_at, access_key_id",
		[]any{accountID}, func(r *sql.Rows) error {
			var k AccessKey
			var used sql.NullTime
			err := r.Scan(&k.UserID, &k.AccessKeyID, &k.Status, &k.CreatedAt, &used, &k.LastUsedService)
			if used.Valid {
				k.LastUsedAt = &used.Time
			}
			out = append(out, k)
			return err
		})
	return out, err
}

// AccountLoginProfiles returns every user's login profile (UserID,
// CreatedAt and PasswordResetRequired).
func (s *Store) AccountLoginProfiles(ctx context.Context, accountID string) ([]LoginProfile, error) {
	var out []LoginProfile
	err := s.scanRows(ctx, "list login profiles",
		"SELECT user_id, created_at, password_reset_required FROM login_profiles WHERE account_id = ?",
		[]any{accountID}, func(r *sql.Rows) error {
			var lp LoginProfile
			err := r.Scan(&lp.UserID, &lp.CreatedAt, &lp.PasswordResetRequired)
			out = append(out, lp)
			return err
		})
	return out, err
}

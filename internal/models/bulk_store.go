package models

import "context"

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

package models

import (
	"context"
	"strings"

	"gorm.io/gorm/clause"
)

// SetTags adds tags to an entity, replacing the value (and the key's case)
// of any key it already has, whatever the case, in one statement. Within
// tags, a later key wins over an earlier one. Counting tags against AWS's
// quota of 50 is the caller's.
func (s *Store) SetTags(ctx context.Context, accountID string, entityType EntityType, entityID string, tags []Tag) error {
	if len(tags) == 0 {
		return nil
	}
	rows := make([]Tag, 0, len(tags))
	at := make(map[string]int, len(tags))
	for _, t := range tags {
		t.AccountID, t.EntityType, t.EntityID, t.KeyLower = accountID, entityType, entityID, strings.ToLower(t.Key)
		if i, ok := at[t.KeyLower]; ok {
			rows[i] = t // one row per key: PostgreSQL refuses to upsert a row twice in one statement
			continue
		}
		at[t.KeyLower] = len(rows)
		rows = append(rows, t)
	}
	err := s.q(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}, {Name: "entity_type"}, {Name: "entity_id"}, {Name: "key_lower"}},
		DoUpdates: clause.AssignmentColumns([]string{"key", "value"}),
	}).Create(&rows).Error
	return translate(err, "tag "+string(entityType)+" "+entityID)
}

// ListTags returns an entity's tags, by key.
func (s *Store) ListTags(ctx context.Context, accountID string, entityType EntityType, entityID string) ([]Tag, error) {
	var tags []Tag
	err := s.q(ctx).Where("account_id = ? AND entity_type = ? AND entity_id = ?", accountID, string(entityType), entityID).
		Order("key_lower").Find(&tags).Error
	return tags, translate(err, "list tags of "+string(entityType)+" "+entityID)
}

// RemoveTags removes the tags with the given keys, whatever their case.
// Keys the entity does not have are ignored, as AWS's Untag calls do.
func (s *Store) RemoveTags(ctx context.Context, accountID string, entityType EntityType, entityID string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	lower := make([]string, len(keys))
	for i, k := range keys {
		lower[i] = strings.ToLower(k)
	}
	err := s.q(ctx).Where("account_id = ? AND entity_type = ? AND entity_id = ? AND key_lower IN ?",
		accountID, string(entityType), entityID, lower).Delete(&Tag{}).Error
	return translate(err, "untag "+string(entityType)+" "+entityID)
}

// DeleteTagsOf removes all of an entity's tags, as deleting the entity
// must (AWS drops tags with their entity).
func (s *Store) DeleteTagsOf(ctx context.Context, accountID string, entityType EntityType, entityID string) error {
	err := s.q(ctx).Where("account_id = ? AND entity_type = ? AND entity_id = ?", accountID, string(entityType), entityID).
		Delete(&Tag{}).Error
	return translate(err, "delete tags of "+string(entityType)+" "+entityID)
}

// CountTags counts an entity's tags.
func (s *Store) CountTags(ctx context.Context, accountID string, entityType EntityType, entityID string) (int64, error) {
	return s.count(ctx, &Tag{}, "count tags of "+string(entityType)+" "+entityID,
		"account_id = ? AND entity_type = ? AND entity_id = ?", accountID, string(entityType), entityID)
}

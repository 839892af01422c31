package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0011InstanceProfiles adds EC2 instance profiles. AWS lets a profile
// hold one role at most, so the role is a column of the profile ("" for
// none) rather than a table of pairs: the quota is the schema's, and adding
// a role is one conditional UPDATE that two racing requests cannot both win.
//
// Tags name their entity type in tags.entity_type, 8 characters until now;
// "instance-profile" needs 16. SQLite does not enforce varchar lengths.
func migrate0011InstanceProfiles(tx *gorm.DB) error {
	type InstanceProfile struct {
		InstanceProfileID string `gorm:"primaryKey;size:32"`
		AccountID         string `gorm:"size:12;uniqueIndex:idx_instance_profiles_name,priority:1;index:idx_instance_profiles_role,priority:1"`
		Name              string `gorm:"size:128"`
		NameKey           string `gorm:"size:128;uniqueIndex:idx_instance_profiles_name,priority:2"`
		Path              string `gorm:"size:512"`
		RoleID            string `gorm:"size:32;index:idx_instance_profiles_role,priority:2"`
		CreatedAt         time.Time
	}
	if err := tx.Migrator().CreateTable(&InstanceProfile{}); err != nil {
		return err
	}
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	for _, s := range []string{
		`ALTER TABLE instance_profiles ALTER COLUMN name_key TYPE varchar(128) COLLATE "C"`,
		`ALTER TABLE tags ALTER COLUMN entity_type TYPE varchar(16)`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

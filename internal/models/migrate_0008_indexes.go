package models

import "gorm.io/gorm"

// migrate0008Indexes adds the indexes the 10,000-user profile asked for:
// counting a policy's uses as a permissions boundary scanned every user and
// role (the policies list counts it for every policy shown).
func migrate0008Indexes(tx *gorm.DB) error {
	for _, stmt := range []string{
		"CREATE INDEX idx_users_boundary ON users (account_id, permissions_boundary_arn)",
		"CREATE INDEX idx_roles_boundary ON roles (account_id, permissions_boundary_arn)",
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}

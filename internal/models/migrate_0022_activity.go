package models

import "gorm.io/gorm"

// migrate0022Activity adds the activity stamp (see Stamps): one row whose
// value moves when a console session ends or a user's password is used,
// so a process may keep sessions and user rows across requests and still
// see a sign-out made by another process on its next request.
func migrate0022Activity(tx *gorm.DB) error {
	for _, s := range []string{
		`CREATE TABLE activity_stamps (id INTEGER NOT NULL PRIMARY KEY, value BIGINT NOT NULL)`,
		`INSERT INTO activity_stamps (id, value) VALUES (1, 0)`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

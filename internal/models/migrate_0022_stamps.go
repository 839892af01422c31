package models

import "gorm.io/gorm"

// migrate0022Stamps adds the stamps row (see Stamps): the activity stamp,
// which moves when a console session ends or a user's password is used, so
// a process may keep sessions and user rows across requests and still see a
// sign-out made by another process on its next request; and, on SQLite, the
// ID of the last state change, so that reading both stamps is one row.
func migrate0022Stamps(tx *gorm.DB) error {
	for _, s := range []string{
		`CREATE TABLE stamps (id INTEGER NOT NULL PRIMARY KEY, activity BIGINT NOT NULL, last_state_change BIGINT NOT NULL)`,
		`INSERT INTO stamps (id, activity, last_state_change)
			SELECT 1, 0, COALESCE(MAX(id), 0) FROM audit_events WHERE state_change`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

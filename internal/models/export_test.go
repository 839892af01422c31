package models

import "context"

// RawExecForTest runs raw SQL, for tests that prove the database itself
// refuses something.
func (s *Store) RawExecForTest(ctx context.Context, sql string) error {
	return s.q(ctx).Exec(sql).Error
}

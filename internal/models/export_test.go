package models

import "context"

// RawExecForTest runs raw SQL, for tests that prove the database itself
// refuses something.
func (s *Store) RawExecForTest(ctx context.Context, sql string) error {
	return s.q(ctx).Exec(sql).Error
}

// WalkedStateStampForTest reads the state stamp by walking the last
// StampWindow state changes, as PostgreSQL's Stamps does: on SQLite,
// Stamps reads the row AppendAudit keeps instead, and must agree.
func (s *Store) WalkedStateStampForTest(ctx context.Context) (StateStamp, error) {
	var st StateStamp
	row := s.q(ctx).Raw(`SELECT COALESCE(MAX(id), 0), COALESCE(MIN(id), 0), COUNT(*) FROM
		(SELECT id FROM audit_events WHERE state_change ORDER BY id DESC LIMIT ?) recent`, s.StampWindow()).Row()
	err := row.Scan(&st.Last, &st.Low, &st.Count)
	return st, err
}

// AnalyzedForTest tells whether the planner has statistics for table: on
// PostgreSQL whether ANALYZE has run on it, on SQLite whether sqlite_stat1
// has rows for it.
func (s *Store) AnalyzedForTest(ctx context.Context, table string) (bool, error) {
	q := `SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname = ? AND schemaname = current_schema() AND last_analyze IS NOT NULL`
	if s.sqlite() {
		q = `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = ?`
	}
	var n int
	err := s.q(ctx).Raw(q, table).Row().Scan(&n)
	return n > 0, err
}

package models

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"gorm.io/gorm"
)

// StateStamp identifies the IAM state: users, groups, roles, policies and
// their versions, attachments, memberships, trusts, boundaries, tags,
// access keys, login profiles and MFA devices. Every change to them commits
// an audit event marked StateChange in the same transaction, so an
// unchanged stamp means unchanged state; sign-ins, refusals, throttles and
// reads log events that are not marked and leave it alone.
//
// IDs are handed out before commit, so on PostgreSQL a change can commit
// after another with a higher ID. The stamp is therefore taken over the
// last StateStampWindow marked events: their highest and lowest IDs and
// their number. A late commit inside that window changes Low (it pushes
// the lowest out) or Count (while fewer than the window exist). One that
// lands below the window (a transaction left open while StateStampWindow
// other changes committed) is missed; the graph's maximum age bounds that.
// The window counts changes, not events: a flood of failed sign-ins does
// not widen the gap a late commit has to cross.
type StateStamp struct {
	Last, Low uint64
	Count     int
}

// StateStampWindow is how many recent state changes the stamp covers on
// PostgreSQL. It is read on every authorization (iam's input cache checks
// it), so it is small: the stamp is a walk of this many entries of a
// partial index.
const StateStampWindow = 256

// StampWindow is how many recent state changes this store's stamp covers:
// StateStampWindow on PostgreSQL; one on SQLite, whose write transactions
// run one at a time (IMMEDIATE, one file lock), so IDs commit in their
// order and no late commit can land below the newest. The walk of 256
// index entries was a quarter of the CPU of a user's page at 10,000 users
// on SQLite (modernc's SQLite steps each entry in Go).
func (s *Store) StampWindow() int {
	if s.sqlite() {
		return 1
	}
	return StateStampWindow
}

func (s *Store) sqlite() bool { return s.db.Dialector.Name() == "sqlite" }

// Stamps is what a request reads once to know which of the values a
// process keeps across requests still hold.
type Stamps struct {
	// State moves with every change to IAM state.
	State StateStamp
	// Activity moves when a console session ends (sign-out, revocation,
	// expiry, a password change ending the others) or a user's password is
	// used to sign in: what a session or a user row kept since shows may be
	// gone or stale. Opening a session does not move it (a new session is
	// in no process's keeping), nor does a session's activity (idle
	// timeouts are checked against the database before a session is ended).
	Activity uint64
}

// Stamps reads both stamps in one statement, on every authenticated
// request. On SQLite that is one row: AppendAudit keeps the last state
// change's ID beside the activity stamp, which is the whole stamp there
// (StampWindow one). modernc's SQLite compiles every statement on every
// run, and compiling the walk of the index cost twice reading the row.
// PostgreSQL walks the window of the partial index of state changes.
func (s *Store) Stamps(ctx context.Context) (Stamps, error) {
	var st Stamps
	var row *sql.Row
	// Read through the connection, not GORM's callbacks: a sixth of
	// the statement's cost, on every request.
	s.statements.Add(1)
	if s.sqlite() {
		row = s.db.Statement.ConnPool.QueryRowContext(ctx, `SELECT last_state_change, activity FROM stamps WHERE id = 1`)
		if err := row.Scan(&st.State.Last, &st.Activity); err != nil {
			return Stamps{}, translate(err, "stamps")
		}
		st.State.Low = st.State.Last
		if st.State.Last > 0 {
			st.State.Count = 1
		}
		return st, nil
	}
	row = s.db.Statement.ConnPool.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0), COALESCE(MIN(id), 0), COUNT(*),
		COALESCE((SELECT activity FROM stamps WHERE id = 1), 0) FROM
		(SELECT id FROM audit_events WHERE state_change ORDER BY id DESC LIMIT $1) recent`, s.StampWindow())
	if err := row.Scan(&st.State.Last, &st.State.Low, &st.State.Count, &st.Activity); err != nil {
		return Stamps{}, translate(err, "stamps")
	}
	return st, nil
}

// StateStamp reads the IAM state's stamp.
func (s *Store) StateStamp(ctx context.Context) (StateStamp, error) {
	st, err := s.Stamps(ctx)
	return st.State, err
}

// moveActivity moves the activity stamp (see Stamps), in the transaction
// of the change that moves it: a process that reads the new value sees the
// change.
func (s *Store) moveActivity(ctx context.Context) error {
	return translate(s.q(ctx).Exec(`UPDATE stamps SET activity = activity + 1 WHERE id = 1`).Error, "move activity stamp")
}

// inTx runs fn in s's transaction, or in a new one when s is none.
func (s *Store) inTx(ctx context.Context, fn func(tx *Store) error) error {
	if _, ok := s.db.Statement.ConnPool.(gorm.TxCommitter); ok {
		return fn(s)
	}
	return s.Tx(ctx, fn)
}

// ChangedSince lists the entities (ARNs, each once) changed by the state
// changes committed since stamp since was read, at most limit of them.
// Everything says the caller cannot patch and must read the whole state
// again: more than limit changes, a change that could not name what it
// changed ("*"), or a late commit inside since's window that cannot be told
// from the changes since already covered (then every change of the window
// is listed, which is a superset, when that fits the limit).
func (s *Store) ChangedSince(ctx context.Context, since StateStamp, limit int) (arns []string, everything bool, err error) {
	type change struct {
		ID      uint64
		Changed string
	}
	var rows []change
	err = s.q(ctx).Model(&AuditEvent{}).Select("id", "changed").Where("state_change AND id >= ?", since.Low).
		Order("id").Limit(since.Count + limit + 1).Find(&rows).Error
	if err != nil {
		return nil, false, translate(err, "state changes since")
	}
	old := 0 // events of since's window found now: more means a late commit
	for _, r := range rows {
		if r.ID <= since.Last {
			old++
		}
	}
	late := old > since.Count || since.Count == 0
	seen := map[string]bool{}
	for _, r := range rows {
		if r.ID <= since.Last && !late {
			continue
		}
		for _, arn := range strings.Split(r.Changed, "\n") {
			switch {
			case arn == "*":
				return nil, true, nil
			case arn != "" && !seen[arn]:
				seen[arn] = true
				arns = append(arns, arn)
			}
		}
		if len(arns) > limit {
			return nil, true, nil
		}
	}
	if len(rows) > since.Count+limit {
		return nil, true, nil
	}
	return arns, false, nil
}

// ImportedAt is when an imported account was last imported: its graph's
// stamp, as nothing else changes it. ErrNotFound when it is not imported.
func (s *Store) ImportedAt(ctx context.Context, id string) (time.Time, error) {
	var ia ImportedAccount
	err := s.q(ctx).Select("imported_at").Where("id = ?", id).Take(&ia).Error
	return ia.ImportedAt, translate(err, "imported account "+id)
}

package models

import "gorm.io/gorm"

// migrate0009StateChanges marks the audit events that changed IAM state
// (users, groups, roles, policies and what hangs off them) and names the
// entities they changed, so the state's stamp (StateStamp) moves with
// those alone and not with sign-ins, refusals or throttles. Events logged
// before this step are unmarked: the stamp only has to tell later states
// apart. Adding a column with a constant default rewrites no row, so the
// append-only triggers do not fire.
func migrate0009StateChanges(tx *gorm.DB) error {
	type AuditEvent struct {
		StateChange bool   `gorm:"not null;default:false"`
		Changed     string `gorm:"type:text;not null;default:''"`
	}
	for _, col := range []string{"StateChange", "Changed"} {
		if err := tx.Migrator().AddColumn(&AuditEvent{}, col); err != nil {
			return err
		}
	}
	// A partial index holds the state changes alone: the stamp reads its
	// top entries whatever the volume of other events.
	return tx.Exec("CREATE INDEX idx_audit_state_changes ON audit_events (id) WHERE state_change").Error
}

package models

import (
	"context"
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// migrations is the schema's whole history, in order. A step is never edited
// once released: each declares the table shapes of its own time (frozen
// structs), so a database made by an old version upgrades without loss.
// New columns and tables are new steps at the end.
func migrations() []*gormigrate.Migration {
	return []*gormigrate.Migration{
		{ID: "0001_foundation", Migrate: migrate0001Foundation},
		{ID: "0002_mfa", Migrate: migrate0002MFA},
		{ID: "0003_entities", Migrate: migrate0003Entities},
		{ID: "0005_sts", Migrate: migrate0005STS},
		{ID: "0004_users", Migrate: migrate0004Users},
		{ID: "0006_settings", Migrate: migrate0006Settings},
		{ID: "0007_imports", Migrate: migrate0007Imports},
		{ID: "0008_indexes", Migrate: migrate0008Indexes},
		{ID: "0009_state_changes", Migrate: migrate0009StateChanges},
		{ID: "0010_account_imports", Migrate: migrate0010AccountImports},
		{ID: "0011_instance_profiles", Migrate: migrate0011InstanceProfiles},
		{ID: "0012_oidc_providers", Migrate: migrate0012OIDCProviders},
		{ID: "0013_saml_providers", Migrate: migrate0013SAMLProviders},
		{ID: "0014_credentials", Migrate: migrate0014Credentials},
		{ID: "0015_sts_federation", Migrate: migrate0015STSFederation},
		{ID: "0016_credential_report", Migrate: migrate0016CredentialReport},
		{ID: "0017_guardrails", Migrate: migrate0017Guardrails},
		{ID: "0018_console_oidc", Migrate: migrate0018ConsoleOIDC},
		{ID: "0019_saml_console", Migrate: migrate0019SAMLConsole},
		{ID: "0020_usage", Migrate: migrate0020Usage},
		{ID: "0021_campaigns", Migrate: migrate0021Campaigns},
		{ID: "0022_stamps", Migrate: migrate0022Stamps},
	}
}

func migrate0001Foundation(tx *gorm.DB) error {
	type Account struct {
		ID               string `gorm:"primaryKey;size:12"`
		Alias            string `gorm:"size:63"`
		RootEmail        string `gorm:"size:254;uniqueIndex"`
		RootPasswordHash string `gorm:"size:255"`
		Imported         bool
		Label            string `gorm:"size:128"`
		CreatedAt        time.Time
	}
	type SetupState struct {
		ID          int `gorm:"primaryKey;autoIncrement:false"`
		AccountID   string
		CompletedAt time.Time
	}
	type SetupToken struct {
		Hash      string `gorm:"primaryKey;size:64"`
		CreatedAt time.Time
		ExpiresAt time.Time
	}
	type Session struct {
		IDHash        string `gorm:"primaryKey;size:64"`
		AccountID     string `gorm:"size:12;index"`
		PrincipalType string `gorm:"size:32"`
		PrincipalID   string `gorm:"size:32"`
		PrincipalName string `gorm:"size:254"`
		PrincipalARN  string `gorm:"size:2048;index"`
		MFA           bool
		CreatedAt     time.Time
		LastSeenAt    time.Time
		ExpiresAt     time.Time
		SourceIP      string `gorm:"size:64"`
		UserAgent     string `gorm:"size:512"`
	}
	type AuditEvent struct {
		ID                uint64    `gorm:"primaryKey;autoIncrement"`
		EventID           string    `gorm:"size:36;uniqueIndex"`
		AccountID         string    `gorm:"size:12;index:idx_audit_account_time,priority:1"`
		EventTime         time.Time `gorm:"index:idx_audit_account_time,priority:2"`
		EventSource       string    `gorm:"size:64"`
		EventName         string    `gorm:"size:128;index"`
		PrincipalARN      string    `gorm:"size:2048"`
		SourceIP          string    `gorm:"size:64"`
		UserAgent         string    `gorm:"size:512"`
		RequestID         string    `gorm:"size:64"`
		Resource          string    `gorm:"size:2048"`
		Result            string    `gorm:"size:16"`
		ErrorCode         string    `gorm:"size:128"`
		ErrorMessage      string    `gorm:"size:1024"`
		RequestParameters string    `gorm:"type:text"`
	}
	if err := tx.Migrator().CreateTable(&Account{}, &SetupState{}, &SetupToken{}, &Session{}, &AuditEvent{}); err != nil {
		return err
	}
	return appendOnlyAudit(tx)
}

// appendOnlyAudit makes the database itself refuse to update or delete an
// audit event, so no code path (or a stray SQL console) can rewrite history.
func appendOnlyAudit(tx *gorm.DB) error {
	var stmts []string
	switch tx.Dialector.Name() {
	case "postgres":
		stmts = []string{
			`CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
			BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql`,
			`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
			FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`,
		}
	default:
		stmts = []string{
			`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
			BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END`,
			`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
			BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END`,
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

// migrate brings the schema up to date. On PostgreSQL an advisory lock keeps
// two processes starting at once from running the same step twice.
func migrate(ctx context.Context, db *gorm.DB) error {
	if db.Dialector.Name() == "postgres" {
		conn, err := db.DB()
		if err != nil {
			return err
		}
		c, err := conn.Conn(ctx)
		if err != nil {
			return err
		}
		defer c.Close()
		const lockID = 0x1a3c0501 // arbitrary, fixed: "iam console migrations"
		if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockID); err != nil {
			return fmt.Errorf("lock migrations: %w", err)
		}
		defer c.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockID) //nolint:errcheck // released with the connection anyway
	}
	m := gormigrate.New(db.WithContext(ctx), &gormigrate.Options{
		TableName:                 "schema_migrations",
		IDColumnName:              "id",
		IDColumnSize:              255,
		UseTransaction:            true,
		ValidateUnknownMigrations: true,
	}, migrations())
	if err := m.Migrate(); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	return nil
}

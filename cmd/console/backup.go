package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/iamconsole/console/internal/models"
)

// BackupCmd copies the SQLite database while the console runs.
type BackupCmd struct {
	File string `arg:"" help:"Where to write the backup (must not exist)."`
}

// Run writes the backup.
func (b *BackupCmd) Run(g *Globals, e *env) error {
	store, err := models.Open(e.ctx, g.DB, g.DataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.BackupTo(e.ctx, b.File); errors.Is(err, models.ErrBackupUnsupported) {
		return fmt.Errorf("%w: pg_dump --format=custom --file=%s '%s'", err, b.File, g.DB)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s\nkeep the master key (--master-key-file, default DATA_DIR/master.key) with it: sealed secrets need it\n", b.File)
	return nil
}

// RestoreCmd replaces the SQLite database with a backup. The console must
// be stopped: a running server keeps the old file open.
type RestoreCmd struct {
	File  string `arg:"" type:"existingfile" help:"A backup made by 'console backup'."`
	Force bool   `name:"force" help:"Replace an existing database."`
}

// Run checks the backup is a console database, then moves it into place.
func (r *RestoreCmd) Run(g *Globals, e *env) error {
	target := models.SQLitePath(g.DB, g.DataDir)
	if target == "" {
		return errors.New("restore is for SQLite; for PostgreSQL use pg_restore")
	}
	if _, err := os.Stat(target); err == nil && !r.Force {
		return fmt.Errorf("%s exists: stop the console and pass --force to replace it", target)
	}
	// Copy first, check the copy opens as a console database (migrating it
	// if it is older), then rename over the target: never a half-restored
	// file in place.
	tmp := target + ".restore"
	if err := copyFile(r.File, tmp); err != nil {
		return err
	}
	check, err := models.Open(e.ctx, "sqlite:"+tmp, "")
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s is not a console database: %w", r.File, err)
	}
	if _, err := check.LiveAccount(e.ctx); err != nil && !errors.Is(err, models.ErrNotFound) {
		check.Close()
		os.Remove(tmp)
		return fmt.Errorf("%s is not a console database: %w", r.File, err)
	}
	check.Close()
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(target + suffix)
		os.Remove(tmp + suffix)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s from %s\n", target, r.File)
	return nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
)

// logger builds the process's slog logger from the global flags.
func (g *Globals) logger(w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(g.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if g.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// open connects to the database (migrating it) and loads the master key.
func (g *Globals) open(ctx context.Context) (*models.Store, *auth.Sealer, error) {
	store, err := models.Open(ctx, g.DB, g.DataDir)
	if err != nil {
		return nil, nil, err
	}
	keyFile, create := g.MasterKeyFile, false
	if keyFile == "" {
		keyFile, create = filepath.Join(g.DataDir, "master.key"), true
	}
	_, statErr := os.Stat(keyFile)
	key, err := auth.LoadOrCreateMasterKey(keyFile, create)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	if create && errors.Is(statErr, fs.ErrNotExist) && g.notices != nil {
		// The database is useless without this key (TOTP seeds and access-key
		// secrets are sealed with it), and nothing else will say so.
		fmt.Fprintf(g.notices, "notice: made a new master key %s: back it up with the database (one cannot be restored without the other)\n", keyFile)
	}
	sealer, err := auth.NewSealer(key)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, sealer, nil
}

func (g *Globals) service(store *models.Store, sealer *auth.Sealer, log *slog.Logger, cfg iam.Config) *iam.Service {
	cfg.Log, cfg.Sealer, cfg.MaxUsers = log, sealer, g.MaxUsers
	return iam.New(store, cfg)
}

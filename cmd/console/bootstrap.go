package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/iamconsole/console/internal/iam"
)

// BootstrapCmd creates root without a browser, for automation.
type BootstrapCmd struct {
	Email        string `name:"email" required:"" help:"Root user's email address."`
	PasswordFile string `name:"password-file" required:"" type:"existingfile" help:"File holding root's password (one trailing newline is ignored)."`
}

// Run creates root, failing cleanly when root exists.
func (b *BootstrapCmd) Run(g *Globals, e *env) error {
	raw, err := os.ReadFile(b.PasswordFile)
	if err != nil {
		return fmt.Errorf("read password file: %w", err)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(string(raw), "\n"), "\r")
	store, sealer, err := g.open(e.ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := g.service(store, sealer, g.logger(e.stderr), iam.Config{})
	res, err := svc.Setup(e.ctx, iam.SetupInput{Email: b.Email, Password: pw}, iam.Meta{Source: "cli", UserAgent: "console bootstrap"})
	if err == iam.ErrSetupDone {
		return fmt.Errorf("root already exists: bootstrap runs once")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "root user %s created in account %s\n", res.Account.RootEmail, res.Account.ID)
	return nil
}

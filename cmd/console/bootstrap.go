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
	AccountID    string `name:"account-id" help:"The live account's 12-digit ID (random when not given; fixed once set)."`
}

// Run creates root, failing cleanly when root exists.
func (b *BootstrapCmd) Run(g *Globals, e *env) error {
	store, sealer, err := g.open(e.ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := g.service(store, sealer, g.logger(e.stderr), iam.Config{})
	return createRoot(e, svc, iam.SetupInput{Email: b.Email, AccountID: b.AccountID}, b.PasswordFile, "console bootstrap")
}

// createRoot creates the root user from an email and a password file, and
// says what comes next: without it, the MFA enrollment that waits at root's
// first sign-in is a surprise.
func createRoot(e *env, svc *iam.Service, in iam.SetupInput, passwordFile, userAgent string) error {
	raw, err := os.ReadFile(passwordFile)
	if err != nil {
		return fmt.Errorf("read password file: %w", err)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(string(raw), "\n"), "\r")
	in.Password = pw
	res, err := svc.Setup(e.ctx, in, iam.Meta{Source: "cli", UserAgent: userAgent})
	if err == iam.ErrSetupDone {
		return fmt.Errorf("root already exists: bootstrap runs once")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "root user %s created in account %s\n", res.Account.RootEmail, res.Account.ID)
	fmt.Fprintln(e.stdout, "next: start the console (console serve) and sign in with this email and password;"+
		" root enrolls an authenticator app (MFA) at its first sign-in, before anything else")
	return nil
}

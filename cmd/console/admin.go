package main

import (
	"fmt"

	"github.com/iamconsole/console/internal/iam"
)

// AdminCmd groups the operator's commands, run with the machine's
// authority (whoever can run the binary against the database).
type AdminCmd struct {
	Unlock UnlockCmd `cmd:"" help:"Lift a sign-in lock on a user name or root's email."`
}

// UnlockCmd lifts a brute-force lock before it runs out.
type UnlockCmd struct {
	Name string `arg:"" help:"IAM user name or root's email."`
}

// Run unlocks the name.
func (u *UnlockCmd) Run(g *Globals, e *env) error {
	store, sealer, err := g.open(e.ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := g.service(store, sealer, g.logger(e.stderr), iam.Config{})
	had, err := svc.UnlockSignIn(e.ctx, nil, u.Name, iam.Meta{Source: "cli", UserAgent: "console admin unlock"})
	if err != nil {
		return err
	}
	if had {
		fmt.Fprintf(e.stdout, "%s unlocked\n", u.Name)
	} else {
		fmt.Fprintf(e.stdout, "%s had no failed sign-ins to forget\n", u.Name)
	}
	return nil
}

package main

import (
	"fmt"

	"github.com/iamconsole/console/internal/iam"
)

// ExportCmd prints an account as GetAccountAuthorizationDetails JSON.
type ExportCmd struct {
	Account string `name:"account" help:"Account ID (default: the live account)."`
}

// Run prints the export.
func (x *ExportCmd) Run(g *Globals, e *env) error {
	store, sealer, err := g.open(e.ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := g.service(store, sealer, g.logger(e.stderr), iam.Config{})
	a, err := svc.Snapshot(e.ctx, nil, x.Account, iam.Meta{Source: "cli", UserAgent: "console export"})
	if err != nil {
		return err
	}
	b, err := a.AuthorizationDetails()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", b)
	return err
}

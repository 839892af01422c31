package main

import (
	"fmt"

	"github.com/iamconsole/console/internal/iam"
)

// AdminCmd groups the operator's commands, run with the machine's
// authority (whoever can run the binary against the database).
type AdminCmd struct {
	CreateUser CreateUserCmd `cmd:"" name:"create-user" help:"Create an IAM user, attach policies, optionally an access key (prints JSON)."`
	Unlock     UnlockCmd     `cmd:"" help:"Lift a sign-in lock on a user name or root's email."`
	Seed       SeedCmd       `cmd:"" help:"Fill the account with one worth reviewing (escalation paths, hidden admins, stale keys), and with --users N generated entities (benchmarks)."`
}

// CreateUserCmd creates an IAM user for automation.
type CreateUserCmd struct {
	Name      string   `arg:"" help:"The user name."`
	Policy    []string `name:"policy" help:"A policy to attach: a name (an AWS managed policy when one has it, else the account's) or an ARN. Repeatable."`
	AccessKey bool     `name:"access-key" help:"Also create an access key and print its secret (shown only now)."`
	Path      string   `name:"path" default:"/" help:"The user's path."`
}

// Run creates the user, its attachments and key in that order; a failure
// after the user exists says what was done.
func (c *CreateUserCmd) Run(g *Globals, e *env) error {
	store, sealer, err := g.open(e.ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := g.service(store, sealer, g.logger(e.stderr), iam.Config{})
	m := iam.Meta{Source: "cli", UserAgent: "console admin create-user"}
	if _, err := store.LiveAccount(e.ctx); err != nil {
		return fmt.Errorf("no live account yet: run 'console bootstrap' first")
	}
	// Resolve every policy before creating anything.
	var arns []string
	for _, p := range c.Policy {
		arn, err := svc.ResolvePolicyARN(e.ctx, nil, p, m)
		if err != nil {
			return fmt.Errorf("--policy %s: %w", p, err)
		}
		if _, err := svc.GetPolicy(e.ctx, nil, arn, m); err != nil {
			return fmt.Errorf("--policy %s: %w", p, err)
		}
		arns = append(arns, arn)
	}
	u, err := svc.CreateUser(e.ctx, nil, iam.CreateUserInput{UserName: c.Name, Path: c.Path}, m)
	if err != nil {
		return err
	}
	out := struct {
		UserName        string
		Arn             string
		AccessKeyId     string `json:",omitempty"`
		SecretAccessKey string `json:",omitempty"`
	}{UserName: u.UserName, Arn: u.Arn}
	for _, arn := range arns {
		if err := svc.AttachPolicy(e.ctx, nil, iam.UserNamed(u.UserName), arn, m); err != nil {
			return fmt.Errorf("user %s created, attaching %s failed: %w", u.UserName, arn, err)
		}
	}
	if c.AccessKey {
		k, err := svc.CreateAccessKey(e.ctx, nil, u.UserName, m)
		if err != nil {
			return fmt.Errorf("user %s created, its access key failed: %w", u.UserName, err)
		}
		out.AccessKeyId, out.SecretAccessKey = k.AccessKeyId, k.SecretAccessKey
	}
	return printJSON(e.stdout, out)
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

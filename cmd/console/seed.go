package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/iamconsole/console/internal/iam"
)

// SeedCmd fills the live account with a realistic IAM configuration, for
// benchmarks and demos.
type SeedCmd struct {
	Users    int    `name:"users" default:"100" help:"How many users."`
	Groups   int    `name:"groups" default:"10" help:"How many groups."`
	Roles    int    `name:"roles" default:"20" help:"How many roles."`
	Policies int    `name:"policies" default:"20" help:"How many customer managed policies."`
	Seed     uint64 `name:"seed" default:"1" help:"Random seed: the same seed makes the same account."`
	Force    bool   `name:"force" help:"Add to an account that already has users."`
}

// Run seeds through the operations (validated and audited like any change).
func (c *SeedCmd) Run(g *Globals, e *env) error {
	store, sealer, err := g.open(e.ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := g.service(store, sealer, g.logger(e.stderr), iam.Config{})
	acct, err := store.LiveAccount(e.ctx)
	if err != nil {
		return fmt.Errorf("no live account yet: run 'console bootstrap' first")
	}
	if n, err := store.CountUsers(e.ctx, acct.ID); err != nil {
		return err
	} else if n > 0 && !c.Force {
		return fmt.Errorf("the account already has %d users: pass --force to add more", n)
	}
	return seedAccount(e, svc, acct.ID, c)
}

func seedAccount(e *env, svc *iam.Service, acct string, c *SeedCmd) error {
	ctx, m := e.ctx, iam.Meta{Source: "cli", UserAgent: "console admin seed"}
	rng := rand.New(rand.NewPCG(c.Seed, 42))
	start := time.Now()
	services := []string{"s3", "ec2", "dynamodb", "lambda", "sqs", "sns", "logs", "kms"}
	verbs := []string{"Get*", "List*", "Describe*", "Put*", "Create*", "Delete*", "*"}
	var policyARNs []string
	for i := range c.Policies {
		svcName := services[rng.IntN(len(services))]
		stmts := ""
		for j := range 2 + rng.IntN(4) {
			if j > 0 {
				stmts += ","
			}
			cond := ""
			switch rng.IntN(5) {
			case 0:
				cond = `,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`
			case 1:
				cond = `,"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`
			}
			effect := "Allow"
			if rng.IntN(10) == 0 {
				effect = "Deny"
			}
			stmts += fmt.Sprintf(`{"Sid":"S%d","Effect":"%s","Action":"%s:%s","Resource":"arn:aws:%s:::team-%d-*"%s}`,
				j, effect, svcName, verbs[rng.IntN(len(verbs))], svcName, rng.IntN(50), cond)
		}
		p, err := svc.CreatePolicy(ctx, nil, iam.CreatePolicyInput{PolicyName: fmt.Sprintf("team-%03d-%s", i, svcName),
			Path: "/seed/", Description: "Seeded policy", PolicyDocument: `{"Version":"2012-10-17","Statement":[` + stmts + `]}`}, m)
		if err != nil {
			return fmt.Errorf("policy %d: %w", i, err)
		}
		policyARNs = append(policyARNs, p.Arn)
	}
	builtins := []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/IAMUserChangePassword", "arn:aws:iam::aws:policy/PowerUserAccess"}
	var groups []string
	for i := range c.Groups {
		name := fmt.Sprintf("group-%03d", i)
		if _, err := svc.CreateGroup(ctx, nil, iam.CreateGroupInput{GroupName: name, Path: "/seed/"}, m); err != nil {
			return fmt.Errorf("group %d: %w", i, err)
		}
		for range 1 + rng.IntN(3) {
			arn := builtins[rng.IntN(len(builtins))]
			if len(policyARNs) > 0 && rng.IntN(3) > 0 {
				arn = policyARNs[rng.IntN(len(policyARNs))]
			}
			if err := svc.AttachGroupPolicy(ctx, nil, name, arn, m); err != nil {
				return fmt.Errorf("group %s: %w", name, err)
			}
		}
		groups = append(groups, name)
	}
	var users []string
	for i := range c.Users {
		name := fmt.Sprintf("user-%05d", i)
		if _, err := svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: name, Path: "/seed/",
			Tags: []iam.Tag{{Key: "team", Value: fmt.Sprintf("team-%d", rng.IntN(50))}}}, m); err != nil {
			return fmt.Errorf("user %d: %w", i, err)
		}
		if len(groups) > 0 {
			for range 1 + rng.IntN(3) {
				if err := svc.AddUserToGroup(ctx, nil, groups[rng.IntN(len(groups))], name, m); err != nil {
					return fmt.Errorf("user %s: %w", name, err)
				}
			}
		}
		if rng.IntN(10) == 0 && len(policyARNs) > 0 {
			if err := svc.AttachUserPolicy(ctx, nil, name, policyARNs[rng.IntN(len(policyARNs))], m); err != nil {
				return fmt.Errorf("user %s: %w", name, err)
			}
		}
		if rng.IntN(20) == 0 {
			if _, err := svc.CreateAccessKey(ctx, nil, name, m); err != nil {
				return fmt.Errorf("user %s: %w", name, err)
			}
		}
		users = append(users, name)
		if (i+1)%1000 == 0 {
			fmt.Fprintf(e.stderr, "seed: %d users (%s)\n", i+1, time.Since(start).Round(time.Second))
		}
	}
	prev := ""
	for i := range c.Roles {
		name := fmt.Sprintf("role-%03d", i)
		principal := `{"Service":"ec2.amazonaws.com"}`
		switch {
		case prev != "" && rng.IntN(2) == 0: // a chain: this role trusts the previous one
			principal = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:role/seed/%s"}`, acct, prev)
		case len(users) > 0:
			principal = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:user/seed/%s"}`, acct, users[rng.IntN(len(users))])
		}
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}]}`
		if _, err := svc.CreateRole(ctx, nil, iam.CreateRoleInput{RoleName: name, Path: "/seed/", AssumeRolePolicyDocument: trust,
			Description: "Seeded role"}, m); err != nil {
			return fmt.Errorf("role %d: %w", i, err)
		}
		arn := builtins[rng.IntN(len(builtins))]
		if len(policyARNs) > 0 && rng.IntN(2) == 0 {
			arn = policyARNs[rng.IntN(len(policyARNs))]
		}
		if err := svc.AttachRolePolicy(ctx, nil, name, arn, m); err != nil {
			return fmt.Errorf("role %s: %w", name, err)
		}
		prev = name
	}
	fmt.Fprintf(e.stdout, "seeded %d users, %d groups, %d roles, %d policies in %s\n", c.Users, c.Groups, c.Roles, c.Policies, time.Since(start).Round(time.Millisecond))
	return nil
}

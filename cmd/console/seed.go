package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
)

// SeedCmd fills the live account: by default with an account worth
// reviewing (escalation paths, hidden administrators, stale keys, a
// cross-account trust), and with --users and the like with as many
// generated entities as a benchmark needs.
type SeedCmd struct {
	Scenario     bool   `name:"scenario" default:"true" negatable:"" help:"Build the review scenario: a small account with escalation paths, hidden admins, users without MFA, stale keys and a cross-account trust (--no-scenario: only the generated entities)."`
	Users        int    `name:"users" default:"0" help:"How many generated users to add (benchmarks)."`
	Groups       int    `name:"groups" default:"0" help:"How many generated groups."`
	Roles        int    `name:"roles" default:"0" help:"How many generated roles."`
	Policies     int    `name:"policies" default:"0" help:"How many generated customer managed policies."`
	Seed         uint64 `name:"seed" default:"1" help:"Random seed: the same seed makes the same generated entities."`
	Force        bool   `name:"force" help:"Add to an account that already has users."`
	Email        string `name:"email" help:"With --password-file: create the root user first when there is none (as 'console bootstrap' does)."`
	PasswordFile string `name:"password-file" type:"existingfile" help:"File holding root's password, for --email."`
}

// Run seeds through the operations (authorized as the operator, validated
// and audited like any change).
func (c *SeedCmd) Run(g *Globals, e *env) error {
	if (c.Email == "") != (c.PasswordFile == "") {
		return fmt.Errorf("--email and --password-file go together: they create the root user when there is none")
	}
	store, sealer, err := g.open(e.ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	clk := &seedClock{}
	svc := g.service(store, sealer, g.logger(e.stderr), iam.Config{Now: clk.now})
	acct, err := store.LiveAccount(e.ctx)
	switch {
	case errors.Is(err, models.ErrNotFound) && c.Email != "":
		if err := createRoot(e, svc, iam.SetupInput{Email: c.Email}, c.PasswordFile, "console admin seed"); err != nil {
			return err
		}
		if acct, err = store.LiveAccount(e.ctx); err != nil {
			return fmt.Errorf("live account: %w", err)
		}
	case errors.Is(err, models.ErrNotFound):
		return fmt.Errorf("there is no root user yet, so no account to seed: create it first with\n  %s\nor give 'admin seed' the same --email and --password-file", g.commandLine("bootstrap --email ADMIN_EMAIL --password-file FILE"))
	case err != nil:
		return fmt.Errorf("live account: %w", err)
	}
	if n, err := store.CountUsers(e.ctx, acct.ID); err != nil {
		return err
	} else if n > 0 && !c.Force {
		return fmt.Errorf("the account already has %d users: pass --force to add more", n)
	}
	if c.Scenario {
		if err := seedScenario(e, svc, clk, acct.ID); err != nil {
			return err
		}
	}
	if c.Users+c.Groups+c.Roles+c.Policies > 0 {
		if err := seedAccount(e, svc, acct.ID, c); err != nil {
			return err
		}
	}
	// The planner's statistics, now: PostgreSQL's autovacuum takes a
	// minute or more to see the load, during which the users list's
	// membership query scanned every membership of the account (140 ms a
	// page at 10,000 users).
	return store.Analyze(e.ctx)
}

// commandLine is the console command line for args run against the same
// database as this one: what to tell the operator to run next. A database
// password is left out (replaced by xxxxx); the operator has it.
func (g *Globals) commandLine(args string) string {
	line := "console"
	if g.DataDir != "./data" {
		line += " --data-dir " + shellQuote(g.DataDir)
	}
	if g.DB != "sqlite:console.db" {
		db := g.DB
		if u, err := url.Parse(db); err == nil && u.User != nil {
			db = u.Redacted()
		}
		line += " --db " + shellQuote(db)
	}
	return line + " " + args
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-:@=+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// seedClock is the seeding service's clock: the scenario's history (keys
// made months ago, a user who left) is written through the operations at
// the times it happened, so creation dates and audit events agree.
type seedClock struct{ back time.Duration }

func (c *seedClock) now() time.Time { return time.Now().Add(-c.back) }

// daysAgo sets the clock n days back (0: now).
func (c *seedClock) daysAgo(n int) { c.back = time.Duration(n) * 24 * time.Hour }

// seedAccount adds the generated entities (benchmarks): policies, groups,
// users and roles named by number, under the path /seed/.
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
			if err := svc.AttachPolicy(ctx, nil, iam.GroupNamed(name), arn, m); err != nil {
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
			if err := svc.AttachPolicy(ctx, nil, iam.UserNamed(name), policyARNs[rng.IntN(len(policyARNs))], m); err != nil {
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
		if err := svc.AttachPolicy(ctx, nil, iam.RoleNamed(name), arn, m); err != nil {
			return fmt.Errorf("role %s: %w", name, err)
		}
		prev = name
	}
	fmt.Fprintf(e.stdout, "seeded %d users, %d groups, %d roles, %d policies in %s\n", c.Users, c.Groups, c.Roles, c.Policies, time.Since(start).Round(time.Millisecond))
	return nil
}

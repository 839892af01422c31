package main

import (
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	"github.com/iamconsole/console/internal/iam"
)

// The review scenario: a small company's account, two years old, with the
// mistakes a first review finds. Each entry says what a reviewer should see.
// Documents name the account as {account}. Times are days before now.
var (
	scenarioPolicies = []seedPolicy{
		// Three versions: the pass-role grant arrived in v2 and stayed.
		{name: "DeveloperAccess", description: "What developers need to ship Lambda functions", versions: []seedVersion{
			{660, stmts(`{"Effect":"Allow","Action":["lambda:*","logs:*"],"Resource":"*"}`,
				`{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}`)},
			{250, stmts(`{"Effect":"Allow","Action":["lambda:*","logs:*"],"Resource":"*"}`,
				`{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}`,
				`{"Sid":"PassFunctionRoles","Effect":"Allow","Action":["iam:PassRole","iam:GetRole","iam:ListRoles"],"Resource":"arn:aws:iam::{account}:role/*"}`)},
			{40, stmts(`{"Effect":"Allow","Action":["lambda:*","logs:*","dynamodb:*"],"Resource":"*"}`,
				`{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}`,
				`{"Sid":"PassFunctionRoles","Effect":"Allow","Action":["iam:PassRole","iam:GetRole","iam:ListRoles"],"Resource":"arn:aws:iam::{account}:role/*"}`)},
		}},
		// v1 let each user rotate its own keys; v2 widened it to every user
		// "so support can help", which lets support take over an admin.
		{name: "KeyRotation", description: "Rotate access keys", versions: []seedVersion{
			{300, stmts(`{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:DeleteAccessKey","iam:ListAccessKeys","iam:UpdateAccessKey"],"Resource":"arn:aws:iam::{account}:user/${aws:username}"}`)},
			{120, stmts(`{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:DeleteAccessKey","iam:ListAccessKeys","iam:UpdateAccessKey"],"Resource":"arn:aws:iam::{account}:user/*"}`)},
		}},
		// The boundary contractors get: data work, Lambda read-only and no
		// IAM, so a contractor in the developers group can neither pass a
		// role nor change a function's code, though the group may.
		{name: "ContractorBoundary", description: "Permissions boundary for contractors", versions: []seedVersion{
			{200, stmts(`{"Effect":"Allow","Action":["dynamodb:*","logs:*","s3:Get*","s3:List*","lambda:Get*","lambda:List*"],"Resource":"*"}`)},
		}},
		// Left over from a migration: grants everything, attached to nothing.
		{name: "LegacyFullAccess", description: "Migration 2024, remove afterwards", versions: []seedVersion{
			{700, stmts(`{"Effect":"Allow","Action":"*","Resource":"*"}`)},
		}},
	}

	scenarioGroups = []seedGroup{
		{name: "Admins", daysAgo: 720, managed: []string{"AdministratorAccess"}},
		{name: "Developers", daysAgo: 660, managed: []string{"DeveloperAccess"}},
		{name: "Support", daysAgo: 300, managed: []string{"KeyRotation", "IAMReadOnlyAccess"}},
		// On-call engineers may enter BreakGlass, which may rewrite its own
		// policy: every on-call engineer is an administrator in two steps.
		{name: "OnCall", daysAgo: 200, inline: &seedInline{"AssumeBreakGlass",
			stmts(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{account}:role/BreakGlass"}`)}},
		{name: "Auditors", daysAgo: 150, managed: []string{"ReadOnlyAccess"}},
	}

	scenarioRoles = []seedRole{
		// Any function given this role runs as an administrator: with
		// DeveloperAccess's iam:PassRole, every developer is one.
		{name: "LambdaOps", path: "/service-role/", daysAgo: 260, description: "Operations automation functions",
			trust:   trust(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`),
			managed: []string{"AdministratorAccess"}},
		{name: "BreakGlass", daysAgo: 200, description: "Emergency access for on-call",
			trust:   trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{account}:root"},"Action":"sts:AssumeRole"}`),
			managed: []string{"ReadOnlyAccess"},
			inline:  &seedInline{"SelfService", stmts(`{"Effect":"Allow","Action":["iam:PutRolePolicy","iam:GetRolePolicy"],"Resource":"arn:aws:iam::{account}:role/BreakGlass"}`)}},
		// A vendor's whole account may enter, with no ExternalId: the
		// confused-deputy shape AWS warns about.
		{name: "VendorAudit", daysAgo: 180, description: "Compliance vendor's scanner",
			trust:   trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}`),
			managed: []string{"ReadOnlyAccess"}},
		// The same done right, for contrast: an ExternalId is required.
		{name: "PartnerDeploy", daysAgo: 100, description: "Partner's CI deploys the static site",
			trust:  trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"example-partner-7f3a"}}}`),
			inline: &seedInline{"DeploySite", stmts(`{"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::example-site/*"}`)}},
		// Created for a service that never launched: never used.
		{name: "AppServer", daysAgo: 210, description: "EC2 instances of the reporting app",
			trust:  trust(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`),
			inline: &seedInline{"ReadConfig", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-app-config/*"}`)}},
	}

	scenarioUsers = []seedUser{
		// The administrator, with an access key made for a script and never used.
		{name: "alice", daysAgo: 700, password: true, groups: []string{"Admins"}, keys: []seedKey{{daysAgo: 200}}},
		// Support: KeyRotation v2 lets carol make a key for alice.
		{name: "carol", daysAgo: 280, password: true, groups: []string{"Support"}},
		// A developer: passes LambdaOps to a new function; also on call.
		{name: "dan", daysAgo: 380, password: true, groups: []string{"Developers", "OnCall"}, keys: []seedKey{{daysAgo: 30, lastUsedDaysAgo: 1}}},
		// A contractor among the developers, held back by a boundary.
		{name: "erin", daysAgo: 90, password: true, groups: []string{"Developers"}, boundary: "ContractorBoundary"},
		// A team lead allowed to manage "his own" policies: he can attach
		// AdministratorAccess to himself.
		{name: "frank", daysAgo: 500, password: true, inline: &seedInline{"ManageOwnPolicies",
			stmts(`{"Effect":"Allow","Action":["iam:AttachUserPolicy","iam:DetachUserPolicy","iam:ListAttachedUserPolicies"],"Resource":"arn:aws:iam::{account}:user/frank"}`)}},
		// An SRE on call: an administrator through BreakGlass.
		{name: "grace", daysAgo: 190, password: true, groups: []string{"OnCall"}},
		// Left the company: password and a key nobody has used for months.
		{name: "bob", daysAgo: 650, password: true, groups: []string{"Developers"}, keys: []seedKey{{daysAgo: 420, lastUsedDaysAgo: 300}}},
		// A deployment robot: its key is used daily but was never rotated.
		{name: "ci-deploy", path: "/service/", daysAgo: 400, keys: []seedKey{{daysAgo: 380, lastUsedDaysAgo: 1}},
			inline: &seedInline{"DeploySite", stmts(`{"Effect":"Allow","Action":["s3:PutObject","cloudfront:CreateInvalidation"],"Resource":"*"}`)}},
		// An auditor with a fresh key: nothing to report.
		{name: "ivan", daysAgo: 20, groups: []string{"Auditors"}, keys: []seedKey{{daysAgo: 10, lastUsedDaysAgo: 2}}},
	}
)

type seedPolicy struct {
	name, description string
	versions          []seedVersion // the first is made with the policy, the last is the default
}

type seedVersion struct {
	daysAgo int
	doc     string
}

type seedInline struct{ name, doc string }

type seedGroup struct {
	name    string
	daysAgo int
	managed []string // policy names: AWS managed ones by their name, else the account's
	inline  *seedInline
}

type seedRole struct {
	name, path, description, trust string
	daysAgo                        int
	managed                        []string
	inline                         *seedInline
}

type seedUser struct {
	name, path string
	daysAgo    int
	password   bool // a console password (random, to be reset by an admin)
	groups     []string
	managed    []string
	inline     *seedInline
	boundary   string
	keys       []seedKey
}

// seedKey is an access key made daysAgo and last used lastUsedDaysAgo
// (0: never).
type seedKey struct{ daysAgo, lastUsedDaysAgo int }

func stmts(s ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(s, ",") + `]}`
}

func trust(s string) string { return stmts(s) }

// seedStep is one operation of the scenario, at the time it happened.
type seedStep struct {
	daysAgo int
	what    string
	do      func() error
}

// seedScenario builds the review scenario through the operations, each run
// with the clock set to when it happened, oldest first.
func seedScenario(e *env, svc *iam.Service, clk *seedClock, acct string) error {
	b := &scenarioBuilder{e: e, svc: svc, acct: acct, m: iam.Meta{Source: "cli", UserAgent: "console admin seed"}}
	if err := b.absent(); err != nil {
		return err
	}
	b.policies(scenarioPolicies)
	b.groups(scenarioGroups)
	b.roles(scenarioRoles)
	b.users(scenarioUsers)
	sort.SliceStable(b.steps, func(i, j int) bool { return b.steps[i].daysAgo > b.steps[j].daysAgo })
	defer clk.daysAgo(0)
	for _, s := range b.steps {
		clk.daysAgo(s.daysAgo)
		if err := s.do(); err != nil {
			return fmt.Errorf("seed scenario: %s: %w", s.what, err)
		}
	}
	fmt.Fprintf(e.stdout, "seeded the review scenario: %d users, %d groups, %d roles, %d customer managed policies\n",
		len(scenarioUsers), len(scenarioGroups), len(scenarioRoles), len(scenarioPolicies))
	fmt.Fprintln(e.stdout, "review it: the console's Findings and Access graph pages, or 'console findings'")
	return nil
}

// scenarioBuilder turns the scenario's tables into steps.
type scenarioBuilder struct {
	e     *env
	svc   *iam.Service
	acct  string
	m     iam.Meta
	steps []seedStep
}

// absent checks that none of the scenario's names is taken (a second seed
// with --force), so that it fails before changing anything.
func (b *scenarioBuilder) absent() error {
	taken := func(kind, name string, err error) error {
		if err == nil {
			return fmt.Errorf("the review scenario is already here (%s %s exists): pass --no-scenario to add only generated entities", kind, name)
		}
		if iam.KindOf(err) == iam.NotFound {
			return nil
		}
		return err
	}
	for _, p := range scenarioPolicies {
		_, err := b.svc.GetPolicy(b.e.ctx, nil, b.policyARN(p.name), b.m)
		if err := taken("policy", p.name, err); err != nil {
			return err
		}
	}
	for _, g := range scenarioGroups {
		_, _, _, err := b.svc.GetGroup(b.e.ctx, nil, iam.GetGroupInput{GroupName: g.name}, b.m)
		if err := taken("group", g.name, err); err != nil {
			return err
		}
	}
	for _, r := range scenarioRoles {
		_, err := b.svc.GetRole(b.e.ctx, nil, r.name, b.m)
		if err := taken("role", r.name, err); err != nil {
			return err
		}
	}
	for _, u := range scenarioUsers {
		_, err := b.svc.GetUser(b.e.ctx, nil, u.name, b.m)
		if err := taken("user", u.name, err); err != nil {
			return err
		}
	}
	return nil
}

func (b *scenarioBuilder) add(daysAgo int, what string, do func() error) {
	b.steps = append(b.steps, seedStep{daysAgo, what, do})
}

func (b *scenarioBuilder) doc(d string) string { return strings.ReplaceAll(d, "{account}", b.acct) }

// policyARN is the ARN of a policy the scenario names: AWS's managed
// policy of that name, else the account's own, which may not exist yet
// (iam.Service.ResolvePolicyARN resolves only existing policies).
func (b *scenarioBuilder) policyARN(name string) string {
	if p := iam.BuiltinByName(name); p != nil {
		return p.ARN()
	}
	return "arn:aws:iam::" + b.acct + ":policy/" + name
}

func (b *scenarioBuilder) policies(ps []seedPolicy) {
	for _, p := range ps {
		arn := b.policyARN(p.name)
		b.add(p.versions[0].daysAgo, "policy "+p.name, func() error {
			_, err := b.svc.CreatePolicy(b.e.ctx, nil, iam.CreatePolicyInput{PolicyName: p.name, Path: "/",
				Description: p.description, PolicyDocument: b.doc(p.versions[0].doc)}, b.m)
			return err
		})
		for i, v := range p.versions[1:] {
			b.add(v.daysAgo, fmt.Sprintf("policy %s version %d", p.name, i+2), func() error {
				_, err := b.svc.CreatePolicyVersion(b.e.ctx, nil, iam.CreatePolicyVersionInput{PolicyArn: arn,
					PolicyDocument: b.doc(v.doc), SetAsDefault: true}, b.m)
				return err
			})
		}
	}
}

func (b *scenarioBuilder) groups(gs []seedGroup) {
	for _, g := range gs {
		b.add(g.daysAgo, "group "+g.name, func() error {
			if _, err := b.svc.CreateGroup(b.e.ctx, nil, iam.CreateGroupInput{GroupName: g.name, Path: "/"}, b.m); err != nil {
				return err
			}
			for _, p := range g.managed {
				if err := b.svc.AttachPolicy(b.e.ctx, nil, iam.GroupNamed(g.name), b.policyARN(p), b.m); err != nil {
					return fmt.Errorf("attach %s: %w", p, err)
				}
			}
			if g.inline != nil {
				_, err := b.svc.PutInlinePolicy(b.e.ctx, nil, iam.GroupNamed(g.name),
					g.inline.name, b.doc(g.inline.doc), b.m)

				return err
			}
			return nil
		})
	}
}

func (b *scenarioBuilder) roles(rs []seedRole) {
	for _, r := range rs {
		b.add(r.daysAgo, "role "+r.name, func() error {
			if _, err := b.svc.CreateRole(b.e.ctx, nil, iam.CreateRoleInput{RoleName: r.name, Path: cmp.Or(r.path, "/"),
				Description: r.description, AssumeRolePolicyDocument: b.doc(r.trust)}, b.m); err != nil {
				return err
			}
			for _, p := range r.managed {
				if err := b.svc.AttachPolicy(b.e.ctx, nil, iam.RoleNamed(r.name), b.policyARN(p), b.m); err != nil {
					return fmt.Errorf("attach %s: %w", p, err)
				}
			}
			if r.inline != nil {
				_, err := b.svc.PutInlinePolicy(b.e.ctx, nil, iam.RoleNamed(r.name),
					r.inline.name, b.doc(r.inline.doc), b.m)

				return err
			}
			return nil
		})
	}
}

func (b *scenarioBuilder) users(us []seedUser) {
	for _, u := range us {
		b.add(u.daysAgo, "user "+u.name, func() error { return b.user(u) })
		for _, g := range u.groups {
			// Joined when both existed.
			when := u.daysAgo
			for _, sg := range scenarioGroups {
				if sg.name == g {
					when = min(when, sg.daysAgo)
				}
			}
			b.add(when, "add "+u.name+" to "+g, func() error { return b.svc.AddUserToGroup(b.e.ctx, nil, g, u.name, b.m) })
		}
		for _, k := range u.keys {
			var id string
			b.add(k.daysAgo, "access key of "+u.name, func() error {
				key, err := b.svc.CreateAccessKey(b.e.ctx, nil, u.name, b.m)
				if err == nil {
					id = key.AccessKeyId
				}
				return err
			})
			if k.lastUsedDaysAgo > 0 {
				// Its last use, recorded as a signed request records it.
				b.add(k.lastUsedDaysAgo, "use of "+u.name+"'s access key", func() error {
					return b.svc.RecordAccessKeyUse(b.e.ctx, id, "s3", "us-east-1")
				})
			}
		}
	}
}

// user creates one user with its password and policies.
func (b *scenarioBuilder) user(u seedUser) error {
	in := iam.CreateUserInput{UserName: u.name, Path: cmp.Or(u.path, "/")}
	if u.boundary != "" {
		in.PermissionsBoundary = b.policyARN(u.boundary)
	}
	if _, err := b.svc.CreateUser(b.e.ctx, nil, in, b.m); err != nil {
		return err
	}
	if u.password {
		pw, err := randomPassword()
		if err != nil {
			return err
		}
		if _, err := b.svc.CreateLoginProfile(b.e.ctx, nil, iam.CreateLoginProfileInput{UserName: u.name,
			Password: pw, PasswordResetRequired: true}, b.m); err != nil {
			return fmt.Errorf("console password: %w", err)
		}
	}
	for _, p := range u.managed {
		if err := b.svc.AttachPolicy(b.e.ctx, nil, iam.UserNamed(u.name), b.policyARN(p), b.m); err != nil {
			return fmt.Errorf("attach %s: %w", p, err)
		}
	}
	if u.inline != nil {
		_, err := b.svc.PutInlinePolicy(b.e.ctx, nil, iam.UserNamed(u.name),
			u.inline.name, b.doc(u.inline.doc), b.m)

		return err
	}
	return nil
}

// randomPassword is a seeded user's console password: random and never
// shown (an administrator sets a known one to sign in as the user), from
// every character class so any password policy takes it.
func randomPassword() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b) + "aZ7!", nil
}

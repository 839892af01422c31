package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// Guardrails are an account's own rules that every change to its
// permissions must keep (issue 14). A change that would break one is
// refused, in the console and through the API, with the path that breaks
// it, unless the caller may OverrideGuardrailAction; what already breaks
// them is reported as findings. The zero value sets none.
//
// The console's other account rule, that every IAM user enrolls an MFA
// device before using the console, is the account setting
// AllowUsersWithoutMFA (off by default), enforced at sign-in; users
// without MFA are already findings (UserWithoutMFA).
type Guardrails struct {
	// AdminGroup, when set: no user outside this group, and no principal
	// of another account, reaches full access.
	AdminGroup string `json:",omitempty"`
	// TrustNeedsCondition: no role lets another account (or anyone) assume
	// it without sts:ExternalId or MFA conditions.
	TrustNeedsCondition bool `json:",omitempty"`
	// NeverOnStar lists actions never granted on Resource "*" (such as
	// iam:PassRole): an Allow whose actions cover one, on every resource.
	NeverOnStar []string `json:",omitempty"`
}

// OverrideGuardrailAction is the permission that lets a change break the
// account's guardrails. It is asked on Resource "*" (IAM's grammar has no
// resource type for a rule) with the rule's name in the request's
// GuardrailKey, so a policy can grant the override of one rule:
// "Condition": {"StringEquals": {"console:Guardrail": "admin-group"}}.
// Root and holders of "*" have it.
const OverrideGuardrailAction = "console:OverrideGuardrail"

// GuardrailKey is the condition key naming the rule an override is asked for.
const GuardrailKey = "console:Guardrail"

// Guardrail rule names, as violations and their ARNs name them.
const (
	RuleAdminGroup          = "admin-group"
	RuleTrustNeedsCondition = "trust-needs-condition"
	RuleNeverOnStar         = "never-on-star"
)

// GuardrailViolation is one way a change, or the account as it is, breaks a rule.
type GuardrailViolation struct {
	Rule      string
	Principal string
	// Explanation says what breaks the rule, with the path or statement.
	Explanation string
}

// Empty reports whether no rule is set.
func (g Guardrails) Empty() bool {
	return g.AdminGroup == "" && !g.TrustNeedsCondition && len(g.NeverOnStar) == 0
}

// validate refuses rules that cannot be kept as written.
func (g Guardrails) validate() error {
	if g.AdminGroup != "" && validName("group", "AdminGroup", g.AdminGroup) != nil {
		return invalidField("AdminGroup", "Name the administrators' group by its name: %q is not a group name.", g.AdminGroup)
	}
	for _, a := range g.NeverOnStar {
		if svc, act, ok := strings.Cut(a, ":"); !ok || svc == "" || act == "" || strings.ContainsAny(a, " \t\n") {
			return invalidField("NeverOnStar", "Name each action as service:Action, such as iam:PassRole: %q is not one.", a)
		}
	}
	return nil
}

// GetGuardrails returns the caller's account's guardrails; reading them
// is iam:GetAccountPasswordPolicy, as the other account settings.
func (s *Service) GetGuardrails(ctx context.Context, caller *Principal, m Meta) (Guardrails, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return Guardrails{}, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetAccountPasswordPolicy", "*"); err != nil {
		return Guardrails{}, err
	}
	return s.guardrails(ctx, acct)
}

// PutGuardrails sets them; it is iam:UpdateAccountPasswordPolicy, the
// permission of whoever sets the account's rules, and audited.
func (s *Service) PutGuardrails(ctx context.Context, caller *Principal, g Guardrails, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:UpdateAccountPasswordPolicy", "*"); err != nil {
		return err
	}
	g.AdminGroup = strings.TrimSpace(g.AdminGroup)
	g.NeverOnStar = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(g.NeverOnStar))), func(a string) bool { return a == "" })
	if err := g.validate(); err != nil {
		return err
	}
	doc := ""
	if !g.Empty() {
		b, err := json.Marshal(g)
		if err != nil {
			return internal(err, "guardrails")
		}
		doc = string(b)
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		st, err := tx.AccountSettings(ctx, acct)
		if err != nil {
			return err
		}
		st.Guardrails, st.UpdatedAt = doc, s.now()
		if err := tx.PutAccountSettings(ctx, st); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "PutGuardrails", resource: "arn:aws:iam::" + acct + ":root",
			params: map[string]any{"adminGroup": g.AdminGroup, "trustNeedsCondition": g.TrustNeedsCondition, "neverOnStar": g.NeverOnStar}}, nil)
	})
	return asInternal(err, "put guardrails")
}

// guardrails reads an account's rules.
func (s *Service) guardrails(ctx context.Context, acct string) (Guardrails, error) {
	st, err := s.store.AccountSettings(ctx, acct)
	if err != nil {
		return Guardrails{}, internal(err, "settings")
	}
	var g Guardrails
	if st.Guardrails != "" {
		if err := json.Unmarshal([]byte(st.Guardrails), &g); err != nil {
			return Guardrails{}, internal(err, "guardrails")
		}
	}
	return g, nil
}

// guardCheck is what guard checked a change against: the state stamp
// read before its preview, when the account has guardrails.
type guardCheck struct {
	acct   string
	stamp  models.StateStamp
	active bool
}

// guard refuses ch when it would break one of the account's guardrails
// and the caller may not override it. With no rule set it costs one read
// of the account's settings. The check runs on the kept access graph
// updated with the change (as a preview). Operations run it through
// guardedTx once they have authorized the caller and checked the input,
// so a caller refused anyway is refused in the operation's words and never
// costs a preview.
func (s *Service) guard(ctx context.Context, caller *Principal, ch Change, m Meta) (guardCheck, error) {
	if caller == nil || caller.IsRoot() {
		return guardCheck{}, nil // root cannot be restricted; the operator is the operator
	}
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return guardCheck{}, err
	}
	rules, err := s.guardrails(ctx, acct)
	if err != nil || rules.Empty() {
		return guardCheck{}, err
	}
	// Read before the preview: the preview's graph shows at least this
	// state, and guardedTx's transaction finding the same stamp means
	// nothing has changed since.
	stamp, err := s.store.StateStamp(ctx)
	if err != nil {
		return guardCheck{}, internal(err, "state stamp")
	}
	chk := guardCheck{acct: acct, stamp: stamp, active: true}
	// The operator's own preview, whatever the caller may read: a
	// caller's refusal must not depend on what it may review.
	p, err := s.PreviewChange(ctx, nil, ch, m)
	switch KindOf(err) {
	case NotFound, Malformed, Invalid:
		return chk, nil // the operation refuses the input itself, in its words
	}
	if err != nil {
		return guardCheck{}, err
	}
	vs := p.Broken
	if len(vs) == 0 {
		return chk, nil
	}
	// Each rule broken needs its own override.
	var held []GuardrailViolation
	overridden := map[string]bool{}
	for _, v := range vs {
		if _, asked := overridden[v.Rule]; !asked {
			ok, err := s.mayOverride(ctx, caller, m, v.Rule)
			if err != nil {
				return guardCheck{}, err
			}
			overridden[v.Rule] = ok
		}
		if !overridden[v.Rule] {
			held = append(held, v)
		}
	}
	if len(held) == 0 {
		return chk, nil
	}
	v := held[0]
	// Only a caller that may review the account hears the path.
	why := "the change would break the account's guardrail " + v.Rule
	if ok, err := s.Allowed(ctx, caller, m, "iam:GetAccountAuthorizationDetails", "*"); err == nil && ok {
		why += ": " + v.Explanation
		if len(held) > 1 {
			why += fmt.Sprintf(" (and %d more)", len(held)-1)
		}
	}
	if err := s.refuse(ctx, caller, m, OverrideGuardrailAction, "*"); err != nil {
		return guardCheck{}, newErr(AccessDenied, "User: %s is not authorized to make this change: %s. Holders of %s with %s %s may.",
			callerARN(caller), why, OverrideGuardrailAction, GuardrailKey, v.Rule)
	}
	return chk, nil
}

// guardAttempts bounds how often guardedTx checks a change again because
// the account changed while it was being checked.
const guardAttempts = 4

var errGuardStale = errors.New("the account changed while the change was checked against its guardrails")

// guardedTx runs fn in a transaction once ch keeps the account's
// guardrails (guard), and only if the transaction sees the state the check
// saw. Guarded transactions of an account run one at a time (they lock the
// account's row first; SQLite's writers run one at a time anyway), so two
// changes that each keep the rules but together break one cannot both pass
// against the state without the other: the second finds the stamp moved and
// is checked again, with the first in its preview. After guardAttempts
// checks overtaken by other changes it answers AWS's ConcurrentModification.
// A change of no Kind is not checked.
func (s *Service) guardedTx(ctx context.Context, caller *Principal, ch Change, m Meta, fn func(tx *models.Store) error) error {
	for attempt := 1; ; attempt++ {
		var chk guardCheck
		if ch.Kind != "" {
			var err error
			if chk, err = s.guard(ctx, caller, ch, m); err != nil {
				return err
			}
		}
		if s.afterGuard != nil {
			s.afterGuard()
		}
		err := s.store.Tx(ctx, func(tx *models.Store) error {
			if chk.active {
				if err := tx.LockAccount(ctx, chk.acct); err != nil {
					return err
				}
				now, err := tx.StateStamp(ctx)
				if err != nil {
					return err
				}
				if now != chk.stamp {
					return errGuardStale
				}
			}
			return fn(tx)
		})
		if !errors.Is(err, errGuardStale) {
			return err
		}
		if attempt == guardAttempts {
			return &Error{Kind: Conflict, Code: "ConcurrentModification",
				Message: "The account kept changing while this change was checked against its guardrails: try again."}
		}
	}
}

// mayOverride asks the engine whether caller may override rule: the
// override action on "*", with the rule named in GuardrailKey.
func (s *Service) mayOverride(ctx context.Context, caller *Principal, m Meta, rule string) (bool, error) {
	in, err := s.inputsFor(ctx, caller)
	if err != nil {
		return false, err
	}
	keys := s.contextKeys(caller, m)
	keys[GuardrailKey] = []string{rule}
	now := s.now()
	req := &policy.Request{Principal: s.enginePrincipal(caller), Action: OverrideGuardrailAction, Resource: "*",
		Context: policy.NewContext(keys), Time: now}
	return policy.Decide(in, req) == policy.Allowed, nil
}

// broken is what a previewed change newly breaks: the principals it makes
// admins outside the group, the trusts it opens without conditions, the
// actions it grants on "*".
func (g Guardrails) broken(p *Preview) []GuardrailViolation {
	var out []GuardrailViolation
	if g.AdminGroup != "" {
		for _, a := range p.Diff.AdminsAdded {
			if v, ok := g.adminOutside(p.After, a.Principal, a.Words); ok {
				out = append(out, v)
			}
		}
	}
	if g.TrustNeedsCondition {
		for _, f := range p.Diff.FindingsAdded {
			if f.Type == graph.FindingPermissiveTrust {
				out = append(out, GuardrailViolation{Rule: RuleTrustNeedsCondition, Principal: f.Principal, Explanation: f.Explanation})
			}
		}
	}
	for _, a := range p.Access {
		for _, sa := range a.Gained {
			out = append(out, g.onStar(a.Principal, sa.Permissions)...)
		}
	}
	return out
}

// adminOutside is the violation of a principal reaching full access
// outside the administrators' group: a user not in it, or a principal of
// another account. Roles are where people act, not who: the user or
// outsider that reaches one is the one flagged. Services are left out.
func (g Guardrails) adminOutside(gr *graph.Graph, principal, words string) (GuardrailViolation, bool) {
	n, ok := gr.Node(principal)
	switch {
	case ok && n.Kind == graph.KindUser:
		if slices.Contains(userGroups(gr.Account(), principal), g.AdminGroup) {
			return GuardrailViolation{}, false
		}
	case ok && n.Kind == graph.KindExternal:
		if !strings.HasPrefix(principal, "arn:") && principal != "*" {
			return GuardrailViolation{}, false // a federated provider's name: its users are not visible
		}
	default:
		return GuardrailViolation{}, false
	}
	return GuardrailViolation{Rule: RuleAdminGroup, Principal: principal,
		Explanation: arnResource(principal) + " would reach full access outside group " + g.AdminGroup + ": " + words}, true
}

// onStar is the violations among permissions: an action of NeverOnStar
// that one covers on every resource.
func (g Guardrails) onStar(principal string, perms []graph.Permission) []GuardrailViolation {
	var out []GuardrailViolation
	for _, p := range perms {
		if p.Resource != "*" {
			continue
		}
		for _, a := range g.NeverOnStar {
			if covers(p.Action, a) {
				out = append(out, GuardrailViolation{Rule: RuleNeverOnStar, Principal: principal,
					Explanation: fmt.Sprintf("%s would be granted %s on every resource (%s on *%s)", arnResource(principal), a, p.Action, citeFirst(p.Statements))})
				break
			}
		}
	}
	return out
}

// covers reports whether a permission's action pattern ("iam:*", "*",
// "NotAction:s3:*") allows action.
func covers(pattern, action string) bool {
	if rest, ok := strings.CutPrefix(pattern, "NotAction:"); ok {
		for _, n := range strings.Split(rest, ",") {
			if policy.MatchAction(n, action) {
				return false
			}
		}
		return true
	}
	return policy.MatchAction(pattern, action)
}

func citeFirst(sts []graph.Statement) string {
	if len(sts) == 0 {
		return ""
	}
	return ", by " + graph.Cite(sts[0])
}

func userGroups(a *graph.Account, arn string) []string {
	for _, u := range a.Users {
		if u.ARN == arn {
			return u.Groups
		}
	}
	return nil
}

// AccountFindings are the findings of an account's graph and, for the
// live account, the violations of its guardrails, in the graph's order.
//
// The live account's unused access (unused.go) comes from the console's
// evidence of use and the account's window, so it replaces the graph's
// fixed-window UnusedRole there.
func (s *Service) AccountFindings(ctx context.Context, g *graph.Graph) ([]graph.Finding, error) {
	fs := g.Findings(s.now())
	gs, err := s.GuardrailFindings(ctx, g)
	if err != nil {
		return fs, err
	}
	us, err := s.UnusedAccessFindings(ctx, g)
	if err != nil {
		return fs, err
	}
	if len(gs) == 0 && us == nil {
		return fs, nil
	}
	if us != nil {
		fs = slices.DeleteFunc(fs, func(f graph.Finding) bool { return f.Type == graph.FindingUnusedRole })
	}
	return graph.SortFindings(append(append(fs, gs...), us...)), nil
}

// GuardrailFindings are the account's existing violations of its
// guardrails, as findings of type GuardrailViolation (High): the reviewer
// sees what the rules would refuse today. g is the account's graph.
func (s *Service) GuardrailFindings(ctx context.Context, g *graph.Graph) ([]graph.Finding, error) {
	rules, err := s.guardrails(ctx, g.Account().ID)
	if err != nil || rules.Empty() {
		return nil, err
	}
	var vs []GuardrailViolation
	if rules.AdminGroup != "" {
		for _, a := range g.Admins() {
			if v, ok := rules.adminOutside(g, a.Principal, graph.SayHops(a.Principal, g.Tell(a.Path))); ok {
				vs = append(vs, v)
			}
		}
	}
	if rules.TrustNeedsCondition {
		for _, f := range g.Findings(s.now()) {
			if f.Type == graph.FindingPermissiveTrust {
				vs = append(vs, GuardrailViolation{Rule: RuleTrustNeedsCondition, Principal: f.Principal, Explanation: f.Explanation})
			}
		}
	}
	if len(rules.NeverOnStar) > 0 {
		for _, n := range g.Nodes {
			if n.Kind != graph.KindUser && n.Kind != graph.KindRole {
				continue
			}
			for _, sp := range g.WhatCan(n.ID) {
				vs = append(vs, rules.onStar(n.ID, sp.Permissions)...)
			}
		}
	}
	out := make([]graph.Finding, 0, len(vs))
	for _, v := range vs {
		out = append(out, graph.Finding{Type: graph.FindingGuardrailViolation, Severity: graph.SeverityHigh, Principal: v.Principal,
			Path: []string{v.Principal}, Explanation: "breaks guardrail " + v.Rule + ": " + v.Explanation})
	}
	return out, nil
}

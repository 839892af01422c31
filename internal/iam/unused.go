package iam

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
)

// Unused access (issue 15): roles, access keys and console passwords not
// used within the account's window (90 days unless set), and permissions
// granted but not used within it. Each finding says its evidence: the last
// use's date, or never. The evidence is the console's own: access keys'
// and passwords' last use, and the use recorded in usage.go (which also
// tells when a role was last used through its sessions).

// DefaultUnusedAccessDays is the window when the account sets none.
const DefaultUnusedAccessDays = 90

// MaxUnusedAccessDays bounds the window (AWS's unused access analyzer
// allows up to 365 days).
const MaxUnusedAccessDays = 365

// UnusedAccessDays is the caller's account's window; reading it is
// iam:GetAccountPasswordPolicy, as the other account settings.
func (s *Service) UnusedAccessDays(ctx context.Context, caller *Principal, m Meta) (int, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return 0, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetAccountPasswordPolicy", "*"); err != nil {
		return 0, err
	}
	return s.unusedDays(ctx, acct)
}

// SetUnusedAccessDays sets the window (1–365; 0 restores the default); it
// is iam:UpdateAccountPasswordPolicy, as the other account settings, and
// audited.
func (s *Service) SetUnusedAccessDays(ctx context.Context, caller *Principal, days int, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:UpdateAccountPasswordPolicy", "*"); err != nil {
		return err
	}
	if days < 0 || days > MaxUnusedAccessDays {
		return invalidField("UnusedAccessDays", "The unused access window must be between 1 and %d days.", MaxUnusedAccessDays)
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.SetUnusedAccessDays(ctx, acct, days, s.now()); err != nil {
			return internal(err, "unused access days")
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "SetUnusedAccessDays", resource: "arn:aws:iam::" + acct + ":root",
			params: map[string]any{"unusedAccessDays": days}}, nil)
	})
	return asInternal(err, "set unused access days")
}

func (s *Service) unusedDays(ctx context.Context, acct string) (int, error) {
	st, err := s.store.AccountSettings(ctx, acct)
	if err != nil {
		return 0, internal(err, "account settings")
	}
	if st.UnusedAccessDays <= 0 {
		return DefaultUnusedAccessDays, nil
	}
	return st.UnusedAccessDays, nil
}

// UnusedAccessFindings are the live account's unused access (never nil,
// though maybe empty); for an imported account, what its evidence of use
// (credential report, services last accessed) shows, nil when it has none.
func (s *Service) UnusedAccessFindings(ctx context.Context, g *graph.Graph) ([]graph.Finding, error) {
	a := g.Account()
	evidence, imported := lastAccessedOf(a)
	if !imported && a.CredentialsKnown {
		live, err := s.store.LiveAccount(ctx)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return nil, internal(err, "live account")
		}
		imported = err != nil || live.ID != a.ID
	}
	if !a.CredentialsKnown && evidence == nil {
		return nil, nil
	}
	days, err := s.unusedDays(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	window := time.Duration(days) * 24 * time.Hour
	cutoff := now.Add(-window)
	if err := s.FlushUsage(ctx); err != nil { // this process's use counts too
		s.cfg.Log.Warn("flush usage", "err", err)
	}
	lastBy, err := s.store.LastUseByPrincipal(ctx, a.ID)
	if err != nil {
		return nil, internal(err, "last use")
	}
	out := []graph.Finding{}
	add := func(typ, principal, what string, created, last time.Time) {
		if created.After(cutoff) || last.After(cutoff) {
			return // too new to judge, or used within the window
		}
		evidence := "never used (created " + day(created) + ")"
		if !last.IsZero() {
			evidence = "last used " + day(last) + ", " + daysAgo(now, last)
		}
		out = append(out, graph.Finding{Type: typ, Severity: graph.SeverityLow, Principal: principal, Path: []string{principal},
			Explanation: fmt.Sprintf("%s: %s; unused for %d days or more", what, evidence, days)})
	}
	for i := range a.Roles {
		r := &a.Roles[i]
		if strings.HasPrefix(r.Path, serviceLinkedPath) {
			continue
		}
		add(graph.FindingUnusedRole, r.ARN, "role "+r.Name, r.CreateDate, later(r.LastUsed, lastBy[r.ARN]))
	}
	for i := range a.Users {
		u := &a.Users[i]
		if !a.CredentialsKnown {
			break
		}
		for _, k := range u.AccessKeys {
			if k.Status == "Active" {
				add(graph.FindingUnusedAccessKey, u.ARN, "access key "+k.ID, k.CreateDate, k.LastUsed)
			}
		}
		if u.LoginProfile != nil {
			add(graph.FindingUnusedPassword, u.ARN, "console password of "+u.Name, u.LoginProfile.CreateDate, u.PasswordLastUsed)
		}
	}
	if imported && evidence == nil {
		return out, nil // use of services unknown: nothing to judge
	}
	perms, err := s.unusedPermissions(ctx, a, now, cutoff, days, evidence)
	if err != nil {
		return nil, err
	}
	return append(out, perms...), nil
}

// unusedPermissions: per user and role older than the window, the granted
// services it did not use within it, each with its last use or never.
// evidence, when not nil, is an imported account's services last
// accessed, which stands for the recorded use, and only the principals it
// covers are judged.
func (s *Service) unusedPermissions(ctx context.Context, a *graph.Account, now, cutoff time.Time, days int, evidence map[string]map[string]time.Time) ([]graph.Finding, error) {
	type subject struct {
		arn     string
		created time.Time
	}
	var subs []subject
	for i := range a.Users {
		subs = append(subs, subject{a.Users[i].ARN, a.Users[i].CreateDate})
	}
	for i := range a.Roles {
		if !strings.HasPrefix(a.Roles[i].Path, serviceLinkedPath) {
			subs = append(subs, subject{a.Roles[i].ARN, a.Roles[i].CreateDate})
		}
	}
	var arns []string
	for _, sb := range subs {
		if _, covered := evidence[sb.arn]; evidence != nil && !covered {
			continue
		}
		if !sb.created.After(cutoff) {
			arns = append(arns, sb.arn)
		}
	}
	last := map[string]map[string]time.Time{} // principal -> namespace -> last use
	var uses []models.ActionUsage
	if evidence != nil {
		last = evidence
	} else {
		var err error
		if uses, err = s.store.UsageOfAccount(ctx, a.ID, time.Time{}); err != nil {
			return nil, internal(err, "usage")
		}
	}
	for _, u := range uses {
		if last[u.PrincipalARN] == nil {
			last[u.PrincipalARN] = map[string]time.Time{}
		}
		ns := serviceOf(u.Action)
		last[u.PrincipalARN][ns] = later(last[u.PrincipalARN][ns], u.LastUsed)
	}
	var out []graph.Finding
	subjects := newSubjectIndex(a)
	for _, arn := range arns {
		sub, err := subjects.of(arn)
		if err != nil {
			continue // gone since the graph was read
		}
		var unused []string
		for ns := range sub.granted {
			if t := last[arn][ns]; !t.After(cutoff) {
				unused = append(unused, ns)
			}
		}
		if len(unused) == 0 {
			continue
		}
		sort.Strings(unused)
		var ev []string
		for i, ns := range unused {
			if i == 10 {
				ev = append(ev, fmt.Sprintf("and %d more", len(unused)-10))
				break
			}
			if t := last[arn][ns]; t.IsZero() {
				ev = append(ev, ns+" (never used)")
			} else {
				ev = append(ev, ns+" (last used "+day(t)+")")
			}
		}
		out = append(out, graph.Finding{Type: graph.FindingUnusedPermission, Severity: graph.SeverityLow, Principal: arn, Path: []string{arn},
			Explanation: fmt.Sprintf("granted %d of %d services unused for %d days or more: %s", len(unused), len(sub.granted), days, strings.Join(ev, ", "))})
	}
	return out, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func daysAgo(now, t time.Time) string {
	return fmt.Sprintf("%d days ago", int(now.Sub(t).Hours()/24))
}

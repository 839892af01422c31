package iam

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
)

// patchSnapshot returns the live account's snapshot as it is now, from old
// (a snapshot read earlier, left untouched: a kept graph still points at it)
// and the entities changed since (ARNs, from models.Store.ChangedSince),
// reading only those again. Reading 10,000 principals is most of a whole
// build's time; a change touches a handful.
//
// What a change can reach beyond its ARN is followed here: a group's
// members (their lists of group names), the customer managed policies an
// entity's attachments or boundary moved to or from (their use counts),
// the AWS managed policies in use, the root user's MFA. The result equals
// snapshot()'s (TestPatchedSnapshotEqualsWhole), except for what changes
// without a state change (the last use of a key, a password or a role),
// which the kept graph's maximum age refreshes.
//
// It also returns the ARNs of the users, groups, roles and managed policies
// whose definition it read again (before and after a rename), for
// graph.Graph.Update.
func (s *Service) patchSnapshot(ctx context.Context, old *graph.Account, changed []string) (*graph.Account, []string, error) {
	a := *old
	a.Users, a.Groups, a.Roles = slices.Clone(old.Users), slices.Clone(old.Groups), slices.Clone(old.Roles)
	a.Policies = nil
	for _, p := range old.Policies {
		if Builtin(p.ARN) == nil {
			a.Policies = append(a.Policies, p)
		}
	}
	p := &patcher{s: s, ctx: ctx, a: &a, members: map[string]bool{}, policies: map[string]bool{}}
	byKind := map[string][]string{}
	for _, arn := range changed {
		acct, kind, ok := arnKind(arn)
		if ok && acct == a.ID {
			byKind[kind] = append(byKind[kind], arn)
		}
	}
	steps := []func([]string) error{p.groups, p.users, p.roles, p.root}
	for i, kind := range []string{"group", "user", "role", "root"} {
		if err := steps[i](byKind[kind]); err != nil {
			return nil, nil, err
		}
	}
	for _, arn := range byKind["policy"] {
		p.policies[arn] = true
	}
	if err := p.customerPolicies(); err != nil {
		return nil, nil, err
	}
	addBuiltins(&a)
	touched := p.touched
	builtins := func(ps []graph.ManagedPolicy) map[string]bool {
		m := map[string]bool{}
		for _, x := range ps {
			if Builtin(x.ARN) != nil {
				m[x.ARN] = true
			}
		}
		return m
	}
	before, after := builtins(old.Policies), builtins(a.Policies)
	for arn := range before {
		if !after[arn] {
			touched = append(touched, arn)
		}
	}
	for arn := range after {
		if !before[arn] {
			touched = append(touched, arn)
		}
	}
	return &a, touched, nil
}

// arnKind splits arn:aws:iam::ACCOUNT:KIND/… (or :root).
func arnKind(arn string) (acct, kind string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", "", false
	}
	acct, res, ok := strings.Cut(rest, ":")
	if !ok {
		return "", "", false
	}
	kind, _, _ = strings.Cut(res, "/")
	return acct, kind, true
}

// pathName splits KIND/PATH/NAME into /PATH/ and NAME.
func pathName(arn string) (path, name string) {
	_, res, _ := strings.Cut(strings.TrimPrefix(arn, "arn:aws:iam::"), ":")
	_, pn, _ := strings.Cut(res, "/")
	i := strings.LastIndex(pn, "/")
	return "/" + pn[:i+1], pn[i+1:]
}

// patcher carries a patch's state between its steps.
type patcher struct {
	s   *Service
	ctx context.Context
	a   *graph.Account
	// members are user IDs to read again, found by the group step.
	members map[string]bool
	// policies are customer managed policy ARNs to read again.
	policies map[string]bool
	// touched are the ARNs of the entities read again.
	touched []string
}

// found looks an entity named by arn up (by name, then checks the path):
// nil when no entity has that ARN now.
func found[T any](err error, row *T, path string, pathOf func(*T) string) (*T, error) {
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if pathOf(row) != path {
		return nil, nil
	}
	return row, nil
}

// ids are the IDs an ARN stands for: the entity it named before (renamed
// since, or deleted) and the one it names now (new, or the same).
func ids(arns []string, before func(string) string, now func(arn string) (string, error)) (map[string]bool, error) {
	out := map[string]bool{}
	for _, arn := range arns {
		if id := before(arn); id != "" {
			out[id] = true
		}
		id, err := now(arn)
		if err != nil {
			return nil, err
		}
		if id != "" {
			out[id] = true
		}
	}
	return out, nil
}

func (p *patcher) groups(arns []string) error {
	if len(arns) == 0 {
		return nil
	}
	st, acct := p.s.store, p.a.ID
	changed, err := ids(arns, func(arn string) string {
		if i := slices.IndexFunc(p.a.Groups, func(g graph.Group) bool { return g.ARN == arn }); i >= 0 {
			return p.a.Groups[i].ID
		}
		return ""
	}, func(arn string) (string, error) {
		path, name := pathName(arn)
		g, err := st.Group(p.ctx, acct, name)
		g, err = found(err, g, path, func(g *models.Group) string { return g.Path })
		if g == nil {
			return "", err
		}
		return g.GroupID, nil
	})
	if err != nil {
		return err
	}
	var rows []models.Group
	for id := range changed {
		// Members before (their lists name the group) and now.
		if i := slices.IndexFunc(p.a.Groups, func(g graph.Group) bool { return g.ID == id }); i >= 0 {
			for _, u := range p.a.Users {
				if slices.Contains(u.Groups, p.a.Groups[i].Name) {
					p.members[u.ID] = true
				}
			}
		}
		g, err := st.GroupByID(p.ctx, acct, id)
		if errors.Is(err, models.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		rows = append(rows, *g)
		if err := eachPage(func(ctx context.Context, acct string, f models.ListFilter) ([]models.User, string, error) {
			return st.ListGroupMembers(ctx, acct, id, f)
		}, p.ctx, acct, func(us []models.User) error {
			for _, u := range us {
				p.members[u.UserID] = true
			}
			return nil
		}); err != nil {
			return err
		}
	}
	r := &snapReader{ctx: p.ctx, st: st, acct: acct, groupNames: map[string]string{}}
	fresh, err := r.groups(rows)
	if err != nil {
		return err
	}
	old := changedOf(p.a.Groups, changed, func(g graph.Group) string { return g.ID })
	p.a.Groups = replaceByID(p, p.a.Groups, changed, fresh, func(g graph.Group) string { return g.ID }, func(g graph.Group) string { return g.ARN }, func(g graph.Group) string { return g.Name })
	notePolicies(p, old, p.a.Groups, changed, func(g graph.Group) (string, []graph.AttachedPolicy, *graph.AttachedPolicy) {
		return g.ID, g.Attached, nil
	})
	return nil
}

func (p *patcher) users(arns []string) error {
	st, acct := p.s.store, p.a.ID
	changed, err := ids(arns, func(arn string) string {
		if i := slices.IndexFunc(p.a.Users, func(u graph.User) bool { return u.ARN == arn }); i >= 0 {
			return p.a.Users[i].ID
		}
		return ""
	}, func(arn string) (string, error) {
		path, name := pathName(arn)
		u, err := st.User(p.ctx, acct, name)
		u, err = found(err, u, path, func(u *models.User) string { return u.Path })
		if u == nil {
			return "", err
		}
		return u.UserID, nil
	})
	if err != nil {
		return err
	}
	for id := range p.members {
		changed[id] = true
	}
	if len(changed) == 0 {
		return nil
	}
	var rows []models.User
	for id := range changed {
		u, err := st.UserByID(p.ctx, acct, id)
		if errors.Is(err, models.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		rows = append(rows, *u)
	}
	r := &snapReader{ctx: p.ctx, st: st, acct: acct, groupNames: map[string]string{}}
	for _, g := range p.a.Groups {
		r.groupNames[g.ID] = g.Name
	}
	fresh, err := r.users(rows)
	if err != nil {
		return err
	}
	old := changedOf(p.a.Users, changed, func(u graph.User) string { return u.ID })
	p.a.Users = replaceByID(p, p.a.Users, changed, fresh, func(u graph.User) string { return u.ID }, func(u graph.User) string { return u.ARN }, func(u graph.User) string { return u.Name })
	notePolicies(p, old, p.a.Users, changed, func(u graph.User) (string, []graph.AttachedPolicy, *graph.AttachedPolicy) {
		return u.ID, u.Attached, u.Boundary
	})
	return nil
}

func (p *patcher) roles(arns []string) error {
	if len(arns) == 0 {
		return nil
	}
	st, acct := p.s.store, p.a.ID
	changed, err := ids(arns, func(arn string) string {
		if i := slices.IndexFunc(p.a.Roles, func(r graph.Role) bool { return r.ARN == arn }); i >= 0 {
			return p.a.Roles[i].ID
		}
		return ""
	}, func(arn string) (string, error) {
		path, name := pathName(arn)
		r, err := st.Role(p.ctx, acct, name)
		r, err = found(err, r, path, func(r *models.Role) string { return r.Path })
		if r == nil {
			return "", err
		}
		return r.RoleID, nil
	})
	if err != nil {
		return err
	}
	var rows []models.Role
	for id := range changed {
		r, err := st.RoleByID(p.ctx, acct, id)
		if errors.Is(err, models.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		rows = append(rows, *r)
	}
	r := &snapReader{ctx: p.ctx, st: st, acct: acct}
	fresh, err := r.roles(rows)
	if err != nil {
		return err
	}
	old := changedOf(p.a.Roles, changed, func(r graph.Role) string { return r.ID })
	p.a.Roles = replaceByID(p, p.a.Roles, changed, fresh, func(r graph.Role) string { return r.ID }, func(r graph.Role) string { return r.ARN }, func(r graph.Role) string { return r.Name })
	notePolicies(p, old, p.a.Roles, changed, func(r graph.Role) (string, []graph.AttachedPolicy, *graph.AttachedPolicy) {
		return r.ID, r.Attached, r.Boundary
	})
	return nil
}

// root reads the root user's MFA again.
func (p *patcher) root(arns []string) error {
	if len(arns) == 0 || p.a.Root == nil {
		return nil
	}
	r := &snapReader{ctx: p.ctx, st: p.s.store, acct: p.a.ID}
	devs, err := r.userDevices("arn:aws:iam::" + p.a.ID + ":root")
	if err != nil {
		return err
	}
	root := *p.a.Root
	root.MFAEnabled = len(devs) > 0
	p.a.Root = &root
	p.touched = append(p.touched, arns...)
	return nil
}

// changedOf copies the entities of list whose IDs are in changed (before
// replaceByID moves list's elements).
func changedOf[T any](list []T, changed map[string]bool, id func(T) string) []T {
	var out []T
	for _, x := range list {
		if changed[id(x)] {
			out = append(out, x)
		}
	}
	return out
}

// replaceByID drops the entities whose IDs are in changed and puts fresh
// in their place in name order (sortSnapshot's), noting the ARNs of both
// in p.touched. Inserting beats sorting 10,000 names again.
func replaceByID[T any](p *patcher, list []T, changed map[string]bool, fresh []T, id, arn, name func(T) string) []T {
	list = slices.DeleteFunc(list, func(x T) bool {
		if changed[id(x)] {
			p.touched = append(p.touched, arn(x))
			return true
		}
		return false
	})
	for _, x := range fresh {
		p.touched = append(p.touched, arn(x))
		key := strings.ToLower(name(x))
		i := sort.Search(len(list), func(i int) bool { return strings.ToLower(name(list[i])) > key })
		list = slices.Insert(list, i, x)
	}
	if len(list) == 0 {
		return nil // as a whole read leaves it
	}
	return list
}

// notePolicies marks for reading again the customer managed policies that
// the changed entities attached, detached, or took or left as a boundary:
// their use counts moved.
func notePolicies[T any](p *patcher, before, after []T, changed map[string]bool, uses func(T) (string, []graph.AttachedPolicy, *graph.AttachedPolicy)) {
	count := map[string]int{} // +1 per use after, -1 per use before
	tally := func(list []T, d int) {
		for _, x := range list {
			id, att, b := uses(x)
			if !changed[id] {
				continue
			}
			for _, ap := range att {
				count[ap.ARN] += d
			}
			if b != nil {
				count["boundary "+b.ARN] += d
			}
		}
	}
	tally(before, -1)
	tally(after, +1)
	for k, n := range count {
		if n != 0 {
			p.policies[strings.TrimPrefix(k, "boundary ")] = true
		}
	}
}

// customerPolicies reads again the customer managed policies marked.
func (p *patcher) customerPolicies() error {
	st, acct := p.s.store, p.a.ID
	var arns []string
	for arn := range p.policies {
		if Builtin(arn) == nil {
			arns = append(arns, arn)
		}
	}
	if len(arns) == 0 {
		return nil
	}
	changed, err := ids(arns, func(arn string) string {
		if i := slices.IndexFunc(p.a.Policies, func(x graph.ManagedPolicy) bool { return x.ARN == arn }); i >= 0 {
			return p.a.Policies[i].ID
		}
		return ""
	}, func(arn string) (string, error) {
		mp, err := st.PolicyByARN(p.ctx, acct, arn)
		if errors.Is(err, models.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return mp.PolicyID, nil
	})
	if err != nil {
		return err
	}
	r := &snapReader{ctx: p.ctx, st: st, acct: acct}
	var fresh []graph.ManagedPolicy
	for id := range changed {
		mp, err := st.PolicyByID(p.ctx, acct, id)
		if errors.Is(err, models.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		gp, err := r.policy(mp)
		if err != nil {
			return err
		}
		fresh = append(fresh, gp)
	}
	p.a.Policies = replaceByID(p, p.a.Policies, changed, fresh, func(x graph.ManagedPolicy) string { return x.ID }, func(x graph.ManagedPolicy) string { return x.ARN }, func(x graph.ManagedPolicy) string { return x.Name })
	return nil
}

package iam

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// ChangeKind is a change to the live account that a preview can show.
type ChangeKind string

// The changes that affect permissions (issue 14): each is one operation's.
const (
	ChangeAttach         ChangeKind = "attach"          // AttachUserPolicy, AttachGroupPolicy, AttachRolePolicy
	ChangeDetach         ChangeKind = "detach"          // Detach…Policy
	ChangePutInline      ChangeKind = "put-inline"      // Put…Policy
	ChangeDeleteInline   ChangeKind = "delete-inline"   // Delete…Policy
	ChangeTrust          ChangeKind = "trust"           // UpdateAssumeRolePolicy
	ChangeAddMember      ChangeKind = "add-member"      // AddUserToGroup
	ChangeRemoveMember   ChangeKind = "remove-member"   // RemoveUserFromGroup
	ChangeBoundary       ChangeKind = "boundary"        // Put…PermissionsBoundary
	ChangeDeleteBoundary ChangeKind = "delete-boundary" // Delete…PermissionsBoundary
	ChangeDefaultVersion ChangeKind = "default-version" // SetDefaultPolicyVersion
	ChangeNewVersion     ChangeKind = "new-version"     // CreatePolicyVersion with SetAsDefault
	// Credentials matter where an escalation depends on them: a user with
	// two keys cannot be given a third (CreateAccessKey), one with a
	// console password cannot be given another (CreateLoginProfile).
	ChangeCreateAccessKey    ChangeKind = "create-access-key"    // CreateAccessKey
	ChangeDeleteAccessKey    ChangeKind = "delete-access-key"    // DeleteAccessKey (Name: the key's ID)
	ChangeCreateLoginProfile ChangeKind = "create-login-profile" // CreateLoginProfile
	ChangeDeleteLoginProfile ChangeKind = "delete-login-profile" // DeleteLoginProfile
	// ChangeDeleteRole is DeleteRole: who loses the ways through it.
	ChangeDeleteRole ChangeKind = "delete-role"
)

// Change is one change to preview, as its operation would take it.
type Change struct {
	Kind ChangeKind
	// Entity is the user, group or role changed: the group for a
	// membership; unset for the policy version changes.
	Entity Entity
	// PolicyARN is the managed policy attached, detached, set as boundary
	// or given a new default version.
	PolicyARN string
	// Name is the inline policy's name, or the user joining or leaving the
	// group.
	Name string
	// Document is the inline policy, trust policy or version put.
	Document string
	// VersionID is the version made default.
	VersionID string
}

// Preview is what a change would do to the account's access, computed on
// the kept access graph and a copy of its snapshot with the change made:
// nothing is saved.
type Preview struct {
	// Diff is the graph's difference: admins gained and lost (with their
	// paths), findings opened and resolved, edges added and removed.
	Diff graph.Diff
	// Access lists the principals whose effective permissions change, at
	// most previewListed of them (More counts the rest), by ARN.
	Access []AccessChange
	More   int
	// Entering are the new ways in from outside the account: an outside
	// principal (another account, anyone, a federated provider, a service)
	// that becomes able to assume a role.
	Entering []graph.Hop
	// Broken are the account's guardrails the change would break: saving
	// it is refused unless the caller may override them.
	Broken []GuardrailViolation
	// Before and After are the two graphs, for drawing what changed.
	Before, After *graph.Graph
}

// AccessChange is one principal's gained and lost permissions, by service
// and access level as the Access tab shows them.
type AccessChange struct {
	Principal, Name string
	Kind            graph.NodeKind
	Gained, Lost    []ServiceAccess
}

// previewListed bounds the principals whose permissions a preview lists:
// a policy attached to a group of 4,000 users changes each the same way.
const previewListed = 50

// Matters reports whether the change opens or closes a way to act as
// someone else: admins gained or lost, a way in from outside, a guardrail
// broken, an escalation edge added or removed. A credential change that
// does none of these needs no preview.
func (p *Preview) Matters() bool {
	if len(p.Diff.AdminsAdded)+len(p.Diff.AdminsRemoved)+len(p.Entering)+len(p.Broken) > 0 {
		return true
	}
	for _, gs := range [][]graph.EdgeGroup{p.Diff.EdgesAdded, p.Diff.EdgesRemoved} {
		for _, g := range gs {
			if g.Kind == graph.EdgeEscalation || g.Kind == graph.EdgeCanAssume {
				return true
			}
		}
	}
	return false
}

// Empty reports whether the change changes nobody's access.
func (p *Preview) Empty() bool {
	return p.Diff.Empty() && len(p.Access) == 0 && len(p.Entering) == 0
}

// PreviewChange says what ch would do to the live account's access,
// without making it: who gains or loses which permissions, which paths to
// admin it opens or closes, who from outside can newly come in. It answers
// from the kept access graph, brought up to date with the change alone
// (graph.Graph.Update), so it needs what the graph needs
// (iam:GetAccountAuthorizationDetails). A change its operation would
// refuse for its input (no such user, a malformed document) is refused
// with the same kind of error; whether the caller may make the change is
// the operation's to say when it is saved.
func (s *Service) PreviewChange(ctx context.Context, caller *Principal, ch Change, m Meta) (*Preview, error) {
	before, err := s.AccessGraph(ctx, caller, "", m)
	if err != nil {
		return nil, err
	}
	a, changed, err := applyChange(before.Account(), ch)
	if err != nil {
		return nil, err
	}
	after, err := before.Update(ctx, a, changed, s.graphOptions())
	if err != nil {
		return nil, err
	}
	p := &Preview{Diff: graph.Compare(before, after), Before: before, After: after}
	affected := affectedPrincipals(before.Account(), a, changed)
	for _, arn := range affected {
		ac, ok := accessChange(before, after, arn)
		if !ok {
			continue
		}
		if len(p.Access) == previewListed {
			p.More++
			continue
		}
		p.Access = append(p.Access, ac)
	}
	for _, g := range p.Diff.EdgesAdded {
		if g.Kind != graph.EdgeCanAssume {
			continue
		}
		for _, e := range g.Edges {
			if n, ok := after.Node(e.From); ok && (n.Kind == graph.KindExternal || n.Kind == graph.KindService) {
				p.Entering = append(p.Entering, after.Tell(graph.Path{Principal: e.From, Path: []string{e.From, e.To}, Steps: []graph.Edge{e}})...)
			}
		}
	}
	rules, err := s.guardrails(ctx, after.Account().ID)
	if err != nil {
		return nil, err
	}
	p.Broken = rules.broken(p)
	return p, nil
}

// accessChange compares what one principal can do before and after.
func accessChange(before, after *graph.Graph, arn string) (AccessChange, bool) {
	n, ok := after.Node(arn)
	if !ok {
		if n, ok = before.Node(arn); !ok {
			return AccessChange{}, false
		}
	}
	if n.Kind != graph.KindUser && n.Kind != graph.KindRole {
		return AccessChange{}, false
	}
	was, is := permissionSet(before.WhatCan(arn)), permissionSet(after.WhatCan(arn))
	gained, lost := minus(is, was), minus(was, is)
	if len(gained)+len(lost) == 0 {
		return AccessChange{}, false
	}
	return AccessChange{Principal: arn, Name: n.Name, Kind: n.Kind, Gained: accessByService(gained), Lost: accessByService(lost)}, true
}

type permKey struct{ action, resource string }

func permissionSet(perms []graph.ServicePermissions) map[permKey]graph.Permission {
	out := map[permKey]graph.Permission{}
	for _, sp := range perms {
		for _, p := range sp.Permissions {
			out[permKey{p.Action, p.Resource}] = p
		}
	}
	return out
}

// minus is a's permissions that b lacks, by service in service order.
func minus(a, b map[permKey]graph.Permission) []graph.ServicePermissions {
	by := map[string][]graph.Permission{}
	for k, p := range a {
		if _, ok := b[k]; ok {
			continue
		}
		svc, _, _ := strings.Cut(p.Action, ":")
		if strings.HasPrefix(p.Action, "NotAction:") || p.Action == "*" {
			svc = "*"
		}
		by[svc] = append(by[svc], p)
	}
	out := make([]graph.ServicePermissions, 0, len(by))
	for svc, ps := range by {
		sort.Slice(ps, func(i, j int) bool {
			return ps[i].Action < ps[j].Action || ps[i].Action == ps[j].Action && ps[i].Resource < ps[j].Resource
		})
		out = append(out, graph.ServicePermissions{Service: svc, Permissions: ps})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out
}

// affectedPrincipals are the users and roles whose policies a change to
// the entities changed can reach, in either account: the changed users
// and roles, the members of a changed group, the holders of a changed
// managed policy (directly, through a group or as boundary).
func affectedPrincipals(before, after *graph.Account, changed []string) []string {
	set := map[string]bool{}
	for _, c := range changed {
		set[c] = true
	}
	seen := map[string]bool{}
	var out []string
	add := func(arn string) {
		if !seen[arn] {
			seen[arn] = true
			out = append(out, arn)
		}
	}
	holds := func(att []graph.AttachedPolicy, b *graph.AttachedPolicy) bool {
		for _, p := range att {
			if set[p.ARN] {
				return true
			}
		}
		return b != nil && set[b.ARN]
	}
	for _, a := range []*graph.Account{before, after} {
		groups := map[string]bool{}
		for _, g := range a.Groups {
			if set[g.ARN] || holds(g.Attached, nil) {
				groups[g.Name] = true
			}
		}
		for _, u := range a.Users {
			hit := set[u.ARN] || holds(u.Attached, u.Boundary)
			for _, g := range u.Groups {
				hit = hit || groups[g]
			}
			if hit {
				add(u.ARN)
			}
		}
		for _, r := range a.Roles {
			if set[r.ARN] || holds(r.Attached, r.Boundary) {
				add(r.ARN)
			}
		}
	}
	sort.Strings(out)
	return out
}

// applyChange returns a copy of a with ch made, and the ARNs whose
// definition changed (for graph.Graph.Update). a is shared with the kept
// graph and left untouched: what is changed is copied first.
func applyChange(a *graph.Account, ch Change) (*graph.Account, []string, error) {
	b := *a
	b.Users, b.Groups, b.Roles = slices.Clone(a.Users), slices.Clone(a.Groups), slices.Clone(a.Roles)
	b.Policies = slices.Clone(a.Policies)
	switch ch.Kind {
	case ChangeDefaultVersion, ChangeNewVersion:
		return versionChange(&b, ch)
	}
	h, err := holderOf(&b, ch.Entity)
	if err != nil {
		return nil, nil, err
	}
	if ch.Kind == ChangeDeleteRole {
		if h.trust == nil {
			return nil, nil, invalidField("Entity", "Only a role is deleted this way.")
		}
		b.Roles = slices.DeleteFunc(b.Roles, func(r graph.Role) bool { return r.ARN == h.arn })
		b.Policies = withoutBuiltins(b.Policies)
		addBuiltins(&b)
		return &b, []string{h.arn}, nil
	}
	changed := []string{h.arn}
	switch ch.Kind {
	case ChangeAttach:
		if err := knownPolicy(&b, ch.PolicyARN); err != nil {
			return nil, nil, err
		}
		if !slices.ContainsFunc(*h.attached, func(p graph.AttachedPolicy) bool { return p.ARN == ch.PolicyARN }) {
			*h.attached = append(slices.Clip(*h.attached), graph.AttachedPolicy{Name: policyNameOf(ch.PolicyARN), ARN: ch.PolicyARN})
		}
	case ChangeDetach:
		i := slices.IndexFunc(*h.attached, func(p graph.AttachedPolicy) bool { return p.ARN == ch.PolicyARN })
		if i < 0 {
			return nil, nil, newErr(NotFound, "Policy %s was not found.", ch.PolicyARN)
		}
		*h.attached = slices.Delete(slices.Clone(*h.attached), i, i+1)
	case ChangePutInline:
		if _, err := CheckPolicyDocument(ch.Document, policy.Identity); err != nil {
			return nil, nil, err
		}
		in := slices.Clone(*h.inline)
		if i := slices.IndexFunc(in, func(p graph.InlinePolicy) bool { return p.Name == ch.Name }); i >= 0 {
			in[i].Document = ch.Document
		} else {
			in = append(in, graph.InlinePolicy{Name: ch.Name, Document: ch.Document})
		}
		*h.inline = in
	case ChangeDeleteInline:
		i := slices.IndexFunc(*h.inline, func(p graph.InlinePolicy) bool { return p.Name == ch.Name })
		if i < 0 {
			return nil, nil, noSuchInline(h.typ, ch.Name)
		}
		*h.inline = slices.Delete(slices.Clone(*h.inline), i, i+1)
	case ChangeTrust:
		if h.trust == nil {
			return nil, nil, invalidField("Entity", "Only a role has a trust policy.")
		}
		if _, err := CheckPolicyDocument(ch.Document, policy.Trust); err != nil {
			return nil, nil, err
		}
		*h.trust = ch.Document
	case ChangeAddMember, ChangeRemoveMember:
		if h.typ != models.EntityGroup {
			return nil, nil, invalidField("Entity", "Only a group has members.")
		}
		i := slices.IndexFunc(b.Users, func(u graph.User) bool { return u.Name == ch.Name })
		if i < 0 {
			return nil, nil, noSuchUser(ch.Name)
		}
		u := &b.Users[i]
		if ch.Kind == ChangeAddMember && !slices.Contains(u.Groups, ch.Entity.Name) {
			u.Groups = append(slices.Clip(u.Groups), ch.Entity.Name)
		}
		if ch.Kind == ChangeRemoveMember {
			u.Groups = slices.DeleteFunc(slices.Clone(u.Groups), func(g string) bool { return g == ch.Entity.Name })
		}
		changed = append(changed, u.ARN)
	case ChangeBoundary, ChangeDeleteBoundary:
		if h.boundary == nil {
			return nil, nil, invalidField("Entity", "Only a user or a role has a permissions boundary.")
		}
		*h.boundary = nil
		if ch.Kind == ChangeBoundary {
			if err := knownPolicy(&b, ch.PolicyARN); err != nil {
				return nil, nil, err
			}
			*h.boundary = &graph.AttachedPolicy{Name: policyNameOf(ch.PolicyARN), ARN: ch.PolicyARN}
		}
	case ChangeCreateAccessKey, ChangeDeleteAccessKey, ChangeCreateLoginProfile, ChangeDeleteLoginProfile:
		if h.typ != models.EntityUser {
			return nil, nil, invalidField("Entity", "Only a user has access keys and a console password.")
		}
		i := slices.IndexFunc(b.Users, func(u graph.User) bool { return u.ARN == h.arn })
		u := &b.Users[i]
		switch ch.Kind {
		case ChangeCreateAccessKey:
			u.AccessKeys = append(slices.Clip(u.AccessKeys), graph.AccessKey{ID: "AKIA-PREVIEW", Status: "Active", CreateDate: time.Now()})
		case ChangeDeleteAccessKey:
			k := slices.IndexFunc(u.AccessKeys, func(k graph.AccessKey) bool { return k.ID == ch.Name })
			if k < 0 {
				return nil, nil, noSuchAccessKey(ch.Name)
			}
			u.AccessKeys = slices.Delete(slices.Clone(u.AccessKeys), k, k+1)
		case ChangeCreateLoginProfile:
			u.LoginProfile = &graph.LoginProfile{CreateDate: time.Now()}
		case ChangeDeleteLoginProfile:
			u.LoginProfile = nil
		}
	default:
		return nil, nil, invalidField("Kind", "No such change: %s.", ch.Kind)
	}
	b.Policies = withoutBuiltins(b.Policies)
	addBuiltins(&b)
	return &b, changed, nil
}

// holder is the parts of a user, group or role a change writes, pointing
// into the copied account.
type holder struct {
	typ      models.EntityType
	arn      string
	attached *[]graph.AttachedPolicy
	inline   *[]graph.InlinePolicy
	boundary **graph.AttachedPolicy // nil for a group
	trust    *string                // roles only
}

func holderOf(a *graph.Account, e Entity) (*holder, error) {
	switch e.Type {
	case UserType:
		if i := slices.IndexFunc(a.Users, func(u graph.User) bool { return u.Name == e.Name }); i >= 0 {
			u := &a.Users[i]
			return &holder{typ: models.EntityUser, arn: u.ARN, attached: &u.Attached, inline: &u.Inline, boundary: &u.Boundary}, nil
		}
		return nil, noSuchUser(e.Name)
	case GroupType:
		if i := slices.IndexFunc(a.Groups, func(g graph.Group) bool { return g.Name == e.Name }); i >= 0 {
			g := &a.Groups[i]
			return &holder{typ: models.EntityGroup, arn: g.ARN, attached: &g.Attached, inline: &g.Inline}, nil
		}
		return nil, noSuchGroup(e.Name)
	case RoleType:
		if i := slices.IndexFunc(a.Roles, func(r graph.Role) bool { return r.Name == e.Name }); i >= 0 {
			r := &a.Roles[i]
			return &holder{typ: models.EntityRole, arn: r.ARN, attached: &r.Attached, inline: &r.Inline, boundary: &r.Boundary, trust: &r.Trust}, nil
		}
		return nil, noSuchRole(e.Name)
	}
	return nil, invalidField("Entity", "A change is made to a user, a group or a role.")
}

// versionChange makes a managed policy's default version another (an
// existing one, or a new one with Document).
func versionChange(a *graph.Account, ch Change) (*graph.Account, []string, error) {
	i := slices.IndexFunc(a.Policies, func(p graph.ManagedPolicy) bool { return p.ARN == ch.PolicyARN })
	if i < 0 || Builtin(ch.PolicyARN) != nil {
		if Builtin(ch.PolicyARN) != nil {
			return nil, nil, newErr(Invalid, "AWS managed policies cannot be changed.")
		}
		return nil, nil, noSuchPolicy(ch.PolicyARN)
	}
	p := a.Policies[i]
	vs := slices.Clone(p.Versions)
	id := ch.VersionID
	if ch.Kind == ChangeNewVersion {
		if _, err := CheckPolicyDocument(ch.Document, policy.Identity); err != nil {
			return nil, nil, err
		}
		id = "v-preview"
		vs = append(vs, graph.PolicyVersion{ID: id, Document: ch.Document})
	} else if !slices.ContainsFunc(vs, func(v graph.PolicyVersion) bool { return v.ID == id }) {
		return nil, nil, noSuchPolicyVersion(ch.PolicyARN, id)
	}
	for j := range vs {
		vs[j].IsDefault = vs[j].ID == id
	}
	p.Versions, p.DefaultVersion = vs, id
	a.Policies[i] = p
	return a, []string{p.ARN}, nil
}

// knownPolicy refuses to attach a policy the account does not have, as
// the operation does.
func knownPolicy(a *graph.Account, arn string) error {
	if Builtin(arn) != nil || slices.ContainsFunc(a.Policies, func(p graph.ManagedPolicy) bool { return p.ARN == arn }) {
		return nil
	}
	return noSuchPolicy(arn)
}

// withoutBuiltins drops the AWS managed policies a snapshot carries
// (addBuiltins puts back those still in use, with their counts).
func withoutBuiltins(ps []graph.ManagedPolicy) []graph.ManagedPolicy {
	return slices.DeleteFunc(ps, func(p graph.ManagedPolicy) bool { return Builtin(p.ARN) != nil })
}

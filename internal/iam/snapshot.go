package iam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
)

// Snapshot reads an account's whole IAM configuration (the live one, or an
// imported one by ID) into the access graph's plain data, with what a dump
// from AWS lacks: access keys, MFA devices, login profiles. It is what
// GetAccountAuthorizationDetails, `console export` and the access graph read.
func (s *Service) Snapshot(ctx context.Context, caller *Principal, accountID string, m Meta) (*graph.Account, error) {
	id, live, err := s.reviewedAccount(ctx, caller, accountID, m)
	if err != nil {
		return nil, err
	}
	return s.loadSnapshot(ctx, id, live)
}

// reviewedAccount authorizes reading an account's whole configuration and
// says which account accountID names ("" for the live one) and whether it
// is the live one.
func (s *Service) reviewedAccount(ctx context.Context, caller *Principal, accountID string, m Meta) (string, bool, error) {
	// The operator may review an imported account on an installation that
	// has no live account yet.
	acct := callerAccount(caller)
	if caller == nil {
		live, err := s.store.LiveAccount(ctx)
		if err == nil {
			acct = live.ID
		} else if !errors.Is(err, models.ErrNotFound) {
			return "", false, internal(err, "live account")
		}
	}
	if accountID == "" {
		accountID = acct
	}
	if accountID == "" {
		return "", false, newErr(NotFound, "There is no live account yet: name an imported account with its ID.")
	}
	live := accountID == acct
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetAccountAuthorizationDetails", reviewResource(accountID, live)); err != nil {
		return "", false, err
	}
	return accountID, live, nil
}

// reviewResource is what reading an account's whole configuration is
// authorized on: "*" for the live account, as AWS's
// GetAccountAuthorizationDetails is (it has no resource-level permissions),
// and an imported account's root ARN, so that a policy can grant or deny
// the review of one imported account (a Deny on arn:aws:iam::ID:* hides
// it) and not the others.
func reviewResource(accountID string, live bool) string {
	if live {
		return "*"
	}
	return "arn:aws:iam::" + accountID + ":root"
}

// loadSnapshot reads the live account or an imported one.
func (s *Service) loadSnapshot(ctx context.Context, id string, live bool) (*graph.Account, error) {
	if !live {
		return s.importedSnapshot(ctx, id)
	}
	a, err := s.snapshot(ctx, id)
	if err != nil {
		return nil, internal(err, "snapshot")
	}
	return a, nil
}

func (s *Service) snapshot(ctx context.Context, id string) (*graph.Account, error) {
	st := s.store
	a := &graph.Account{ID: id, CredentialsKnown: true}
	devices, err := st.AllMFADevices(ctx, id)
	if err != nil {
		return nil, err
	}
	r := &snapReader{ctx: ctx, st: st, acct: id, groupNames: map[string]string{}, devs: map[string][]graph.MFADevice{},
		whole: map[models.EntityType]*owned{}}
	// What the entities own is read for the whole account at once, a
	// query per kind: by pages of IN lists it took six queries per 1,000
	// users, and most of the read's time went to them.
	for _, et := range []models.EntityType{models.EntityGroup, models.EntityUser, models.EntityRole} {
		if r.whole[et], err = ownedByAll(ctx, st, id, et); err != nil {
			return nil, err
		}
	}
	for _, d := range devices {
		r.devs[d.OwnerARN] = append(r.devs[d.OwnerARN], graph.MFADevice{Serial: d.SerialNumber, EnableDate: d.CreatedAt})
	}
	if r.profiles, err = profilesByRole(ctx, st, id, nil); err != nil {
		return nil, err
	}
	if acct, err := st.Account(ctx, id); err == nil && !acct.Imported {
		a.Root = &graph.Root{MFAEnabled: len(r.devs["arn:aws:iam::"+id+":root"]) > 0}
	}
	if err := eachPage(st.ListGroups, ctx, id, func(gs []models.Group) error {
		out, err := r.groups(gs)
		a.Groups = append(a.Groups, out...)
		return err
	}); err != nil {
		return nil, err
	}
	if err := eachPage(st.ListUsers, ctx, id, func(us []models.User) error {
		out, err := r.users(us)
		a.Users = append(a.Users, out...)
		return err
	}); err != nil {
		return nil, err
	}
	if err := eachPage(st.ListRoles, ctx, id, func(rs []models.Role) error {
		out, err := r.roles(rs)
		a.Roles = append(a.Roles, out...)
		return err
	}); err != nil {
		return nil, err
	}
	if err := eachPage(st.ListPolicies, ctx, id, func(ps []models.ManagedPolicy) error {
		for _, p := range ps {
			gp, err := r.policy(&p)
			if err != nil {
				return err
			}
			a.Policies = append(a.Policies, gp)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	sortSnapshot(a)
	addBuiltins(a)
	return a, nil
}

// eachPage calls fn with every page of list's rows.
func eachPage[T any](list func(context.Context, string, models.ListFilter) ([]T, string, error), ctx context.Context, acct string, fn func([]T) error) error {
	for after := ""; ; {
		rows, next, err := list(ctx, acct, models.ListFilter{After: after, Limit: models.MaxListLimit})
		if err != nil {
			return err
		}
		if err := fn(rows); err != nil {
			return err
		}
		if after = next; next == "" {
			return nil
		}
	}
}

// sortSnapshot orders a live snapshot's entities by lower-cased name (the
// order the store lists them in, whatever the database's collation), so a
// patched snapshot (patchSnapshot) and a whole one read alike. Customer
// managed policies come before the AWS managed ones addBuiltins adds.
func sortSnapshot(a *graph.Account) {
	key := strings.ToLower
	sort.SliceStable(a.Users, func(i, j int) bool { return key(a.Users[i].Name) < key(a.Users[j].Name) })
	sort.SliceStable(a.Groups, func(i, j int) bool { return key(a.Groups[i].Name) < key(a.Groups[j].Name) })
	sort.SliceStable(a.Roles, func(i, j int) bool { return key(a.Roles[i].Name) < key(a.Roles[j].Name) })
	sort.SliceStable(a.Policies, func(i, j int) bool { return key(a.Policies[i].Name) < key(a.Policies[j].Name) })
}

// addBuiltins appends the AWS managed policies a's entities use (attached
// or as a boundary), in ARN order, as a dump from AWS lists them, with
// their attachment and boundary counts in this account (AWS's
// AttachmentCount and PermissionsBoundaryUsageCount are the account's).
func addBuiltins(a *graph.Account) {
	used := map[string]bool{}
	attached, bounds := map[string]int{}, map[string]int{}
	mark := func(att []graph.AttachedPolicy, b *graph.AttachedPolicy) {
		for _, p := range att {
			used[p.ARN] = true
			attached[p.ARN]++
		}
		if b != nil {
			used[b.ARN] = true
			bounds[b.ARN]++
		}
	}
	for _, u := range a.Users {
		mark(u.Attached, u.Boundary)
	}
	for _, g := range a.Groups {
		mark(g.Attached, nil)
	}
	for _, r := range a.Roles {
		mark(r.Attached, r.Boundary)
	}
	var arns []string
	for arn := range used {
		if Builtin(arn) != nil {
			arns = append(arns, arn)
		}
	}
	sort.Strings(arns)
	for _, arn := range arns {
		b := Builtin(arn)
		a.Policies = append(a.Policies, graph.ManagedPolicy{Name: b.Name, ID: b.ID, ARN: arn, Path: b.Path, Description: b.Description,
			DefaultVersion: b.VersionID(), AttachmentCount: attached[arn], BoundaryUsageCount: bounds[arn],
			IsAttachable: true, CreateDate: b.Created, UpdateDate: b.Updated,
			Versions: []graph.PolicyVersion{{ID: b.VersionID(), Document: prettyJSON(b.Document()), IsDefault: true, CreateDate: b.Updated}}})
	}
}

// snapReader reads rows of one account into the graph's data, in bulk.
type snapReader struct {
	ctx  context.Context
	st   *models.Store
	acct string
	// groupNames maps group IDs to names, for users' memberships: the
	// groups are read first.
	groupNames map[string]string
	// devs holds the MFA devices by owner ARN; nil reads each user's.
	devs map[string][]graph.MFADevice
	// whole holds what every entity of a type owns, read at once
	// (ownedByAll), and wholeUsers what every user has beyond that; nil
	// reads each page's.
	whole      map[models.EntityType]*owned
	wholeUsers *userExtras
	// profiles holds the instance profiles by the ID of the role they
	// hold, read at once; nil reads each page's.
	profiles map[string][]models.InstanceProfile
}

// profilesByRole reads the instance profiles holding the roles (nil: all
// roles) in one query, by role ID.
func profilesByRole(ctx context.Context, st *models.Store, acct string, roleIDs []string) (map[string][]models.InstanceProfile, error) {
	ps, err := st.InstanceProfilesOfRoles(ctx, acct, roleIDs)
	if err != nil {
		return nil, err
	}
	out := map[string][]models.InstanceProfile{}
	for _, p := range ps {
		out[p.RoleID] = append(out[p.RoleID], p)
	}
	return out, nil
}

// owned is what the entities of a page own: read whole or by the page.
func (r *snapReader) owned(et models.EntityType, ids []string) (*owned, error) {
	if o := r.whole[et]; o != nil {
		return o, nil
	}
	return ownedBy(r.ctx, r.st, r.acct, et, ids)
}

// extras is what the users of a page have beyond policies and tags; the
// groups are read first.
func (r *snapReader) extras(ids []string) (*userExtras, error) {
	if r.whole == nil {
		return userExtrasOf(r.ctx, r.st, r.acct, ids, r.groupNames)
	}
	if r.wholeUsers == nil {
		x, err := userExtrasAll(r.ctx, r.st, r.acct, r.groupNames)
		if err != nil {
			return nil, err
		}
		r.wholeUsers = x
	}
	return r.wholeUsers, nil
}

func (r *snapReader) groups(gs []models.Group) ([]graph.Group, error) {
	ids := idsOf(gs, func(g models.Group) string { return g.GroupID })
	own, err := r.owned(models.EntityGroup, ids)
	if err != nil {
		return nil, err
	}
	out := make([]graph.Group, 0, len(gs))
	for _, g := range gs {
		r.groupNames[g.GroupID] = g.Name
		out = append(out, graph.Group{Name: g.Name, ID: g.GroupID, ARN: groupARN(r.acct, g.Path, g.Name), Path: g.Path,
			CreateDate: g.CreatedAt, Attached: own.attached[g.GroupID], Inline: own.inline[g.GroupID]})
	}
	return out, nil
}

func (r *snapReader) users(us []models.User) ([]graph.User, error) {
	ids := idsOf(us, func(u models.User) string { return u.UserID })
	own, err := r.owned(models.EntityUser, ids)
	if err != nil {
		return nil, err
	}
	ux, err := r.extras(ids)
	if err != nil {
		return nil, err
	}
	out := make([]graph.User, 0, len(us))
	for _, u := range us {
		arn := userARN(r.acct, u.Path, u.Name)
		devs, ok := r.devs[arn]
		if !ok && r.devs == nil {
			if devs, err = r.userDevices(arn); err != nil {
				return nil, err
			}
		}
		gu := graph.User{Name: u.Name, ID: u.UserID, ARN: arn, Path: u.Path, CreateDate: u.CreatedAt,
			Boundary: boundaryOf(u.PermissionsBoundaryARN), MFADevices: devs,
			Attached: own.attached[u.UserID], Inline: own.inline[u.UserID], Tags: own.tags[u.UserID],
			Groups: ux.groups[u.UserID], AccessKeys: ux.keys[u.UserID], LoginProfile: ux.profiles[u.UserID]}
		if u.PasswordLastUsed != nil {
			gu.PasswordLastUsed = *u.PasswordLastUsed
		}
		out = append(out, gu)
	}
	return out, nil
}

func (r *snapReader) userDevices(owner string) ([]graph.MFADevice, error) {
	ds, err := r.st.MFADevices(r.ctx, r.acct, owner)
	if err != nil {
		return nil, err
	}
	var out []graph.MFADevice
	for _, d := range ds {
		out = append(out, graph.MFADevice{Serial: d.SerialNumber, EnableDate: d.CreatedAt})
	}
	return out, nil
}

func (r *snapReader) roles(rs []models.Role) ([]graph.Role, error) {
	ids := idsOf(rs, func(r models.Role) string { return r.RoleID })
	own, err := r.owned(models.EntityRole, ids)
	if err != nil {
		return nil, err
	}
	profiles := r.profiles
	if profiles == nil {
		if profiles, err = profilesByRole(r.ctx, r.st, r.acct, ids); err != nil {
			return nil, err
		}
	}
	out := make([]graph.Role, 0, len(rs))
	for _, x := range rs {
		gr := graph.Role{Name: x.Name, ID: x.RoleID, ARN: roleARN(r.acct, x.Path, x.Name), Path: x.Path, Description: x.Description,
			CreateDate: x.CreatedAt, Trust: prettyJSON(x.AssumeRolePolicyDocument), Boundary: boundaryOf(x.PermissionsBoundaryARN),
			LastUsedRegion: x.LastUsedRegion}
		if x.LastUsedAt != nil {
			gr.LastUsed = *x.LastUsedAt
		}
		gr.Attached, gr.Inline, gr.Tags = own.attached[x.RoleID], own.inline[x.RoleID], own.tags[x.RoleID]
		// The EC2 and SSM techniques need the role in an instance profile.
		for _, p := range profiles[x.RoleID] {
			gr.InstanceProfiles = append(gr.InstanceProfiles, graph.InstanceProfile{Name: p.Name, ID: p.InstanceProfileID,
				ARN: instanceProfileARN(r.acct, p.Path, p.Name), Path: p.Path, CreateDate: p.CreatedAt, Roles: []string{gr.ARN}})
		}
		out = append(out, gr)
	}
	return out, nil
}

// policy reads a customer managed policy's versions and uses.
func (r *snapReader) policy(p *models.ManagedPolicy) (graph.ManagedPolicy, error) {
	vs, err := r.st.ListPolicyVersions(r.ctx, r.acct, p.PolicyID)
	if err != nil {
		return graph.ManagedPolicy{}, err
	}
	n, err := r.st.CountPolicyAttachments(r.ctx, r.acct, p.ARN)
	if err != nil {
		return graph.ManagedPolicy{}, err
	}
	b, err := r.st.CountPermissionsBoundaryUses(r.ctx, r.acct, p.ARN)
	if err != nil {
		return graph.ManagedPolicy{}, err
	}
	gp := graph.ManagedPolicy{Name: p.Name, ID: p.PolicyID, ARN: p.ARN, Path: p.Path, Description: p.Description,
		DefaultVersion: p.DefaultVersionID, AttachmentCount: int(n), BoundaryUsageCount: int(b), IsAttachable: true,
		CreateDate: p.CreatedAt, UpdateDate: p.UpdatedAt}
	for _, v := range vs {
		gp.Versions = append(gp.Versions, graph.PolicyVersion{ID: v.VersionID, Document: prettyJSON(v.Document), IsDefault: v.IsDefault, CreateDate: v.CreatedAt})
	}
	return gp, nil
}

// boundaryOf is the permissions boundary arn names, nil for none.
func boundaryOf(arn string) *graph.AttachedPolicy {
	if arn == "" {
		return nil
	}
	return &graph.AttachedPolicy{Name: policyNameOf(arn), ARN: arn}
}

// policyNameOf is NAME in arn:…:policy/PATH/NAME.
func policyNameOf(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}

// prettyJSON indents a policy document with two spaces (as the graph keeps
// documents); text that is not JSON is returned as it is.
func prettyJSON(doc string) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(doc), "", "  "); err != nil {
		return doc
	}
	return buf.String()
}

// entityPolicies reads an identity's attached managed policies (noting
// their ARNs in used) and its inline policies, as the graph keeps them.
// idsOf lists the IDs of a page of rows.
func idsOf[T any](rows []T, id func(T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

// owned is what a page of entities of one type own, read in bulk.
type owned struct {
	attached map[string][]graph.AttachedPolicy
	inline   map[string][]graph.InlinePolicy
	tags     map[string][]graph.Tag
}

// ownedBy reads the attached and inline policies and the tags of entities
// of one type in three queries.
func ownedBy(ctx context.Context, st *models.Store, acct string, et models.EntityType, ids []string) (*owned, error) {
	atts, err := st.AttachmentsOf(ctx, acct, et, ids)
	if err != nil {
		return nil, err
	}
	inl, err := st.InlinePoliciesOf(ctx, acct, et, ids)
	if err != nil {
		return nil, err
	}
	ts, err := st.TagsOf(ctx, acct, et, ids)
	if err != nil {
		return nil, err
	}
	return ownedOf(atts, inl, ts), nil
}

// ownedByAll reads the attached and inline policies and the tags of every
// entity of one type in three queries.
func ownedByAll(ctx context.Context, st *models.Store, acct string, et models.EntityType) (*owned, error) {
	atts, err := st.AccountAttachments(ctx, acct, et)
	if err != nil {
		return nil, err
	}
	inl, err := st.AccountInlinePolicies(ctx, acct, et)
	if err != nil {
		return nil, err
	}
	ts, err := st.AccountTags(ctx, acct, et)
	if err != nil {
		return nil, err
	}
	return ownedOf(atts, inl, ts), nil
}

// ownedOf groups rows by their owner.
func ownedOf(atts []models.PolicyAttachment, inl []models.InlinePolicy, ts []models.Tag) *owned {
	o := &owned{attached: map[string][]graph.AttachedPolicy{}, inline: map[string][]graph.InlinePolicy{}, tags: map[string][]graph.Tag{}}
	for _, at := range atts {
		o.attached[at.EntityID] = append(o.attached[at.EntityID], graph.AttachedPolicy{Name: policyNameOf(at.PolicyARN), ARN: at.PolicyARN})
	}
	for _, ip := range inl {
		o.inline[ip.EntityID] = append(o.inline[ip.EntityID], graph.InlinePolicy{Name: ip.Name, Document: prettyJSON(ip.Document)})
	}
	for _, t := range ts {
		o.tags[t.EntityID] = append(o.tags[t.EntityID], graph.Tag{Key: t.Key, Value: t.Value})
	}
	return o
}

// userExtras is what a page of users has beyond policies and tags.
type userExtras struct {
	groups   map[string][]string // group names, in name order
	keys     map[string][]graph.AccessKey
	profiles map[string]*graph.LoginProfile
}

// userExtrasOf reads the groups, access keys and login profiles of users
// in three queries; groupNames maps the account's group IDs to names.
func userExtrasOf(ctx context.Context, st *models.Store, acct string, ids []string, groupNames map[string]string) (*userExtras, error) {
	ms, err := st.MembershipsOf(ctx, acct, ids)
	if err != nil {
		return nil, err
	}
	keys, err := st.AccessKeysOf(ctx, acct, ids)
	if err != nil {
		return nil, err
	}
	lps, err := st.LoginProfilesOf(ctx, acct, ids)
	if err != nil {
		return nil, err
	}
	return extrasOf(ms, keys, lps, groupNames), nil
}

// userExtrasAll reads the groups, access keys and login profiles of every
// user in three queries.
func userExtrasAll(ctx context.Context, st *models.Store, acct string, groupNames map[string]string) (*userExtras, error) {
	ms, err := st.AccountMemberships(ctx, acct)
	if err != nil {
		return nil, err
	}
	keys, err := st.AccountAccessKeys(ctx, acct)
	if err != nil {
		return nil, err
	}
	lps, err := st.AccountLoginProfiles(ctx, acct)
	if err != nil {
		return nil, err
	}
	return extrasOf(ms, keys, lps, groupNames), nil
}

// extrasOf groups rows by their user.
func extrasOf(ms []models.GroupMember, keys []models.AccessKey, lps []models.LoginProfile, groupNames map[string]string) *userExtras {
	x := &userExtras{groups: map[string][]string{}, keys: map[string][]graph.AccessKey{}, profiles: map[string]*graph.LoginProfile{}}
	for _, m := range ms {
		if name, ok := groupNames[m.GroupID]; ok {
			x.groups[m.UserID] = append(x.groups[m.UserID], name)
		}
	}
	for _, names := range x.groups {
		sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	}
	for _, k := range keys {
		ak := graph.AccessKey{ID: k.AccessKeyID, Status: k.Status, CreateDate: k.CreatedAt, LastUsedService: k.LastUsedService}
		if k.LastUsedAt != nil {
			ak.LastUsed = *k.LastUsedAt
		}
		x.keys[k.UserID] = append(x.keys[k.UserID], ak)
	}
	for _, lp := range lps {
		x.profiles[lp.UserID] = &graph.LoginProfile{CreateDate: lp.CreatedAt, PasswordResetRequired: lp.PasswordResetRequired}
	}
	return x
}

func entityPolicies(ctx context.Context, st *models.Store, acct string, et models.EntityType, id string, used map[string]bool) ([]graph.AttachedPolicy, []graph.InlinePolicy, error) {
	atts, err := st.ListAttachedPolicies(ctx, acct, et, id)
	if err != nil {
		return nil, nil, err
	}
	var out []graph.AttachedPolicy
	for _, at := range atts {
		out = append(out, graph.AttachedPolicy{Name: policyNameOf(at.PolicyARN), ARN: at.PolicyARN})
		used[at.PolicyARN] = true
	}
	inl, err := st.ListInlinePolicies(ctx, acct, et, id)
	if err != nil {
		return nil, nil, err
	}
	var ins []graph.InlinePolicy
	for _, ip := range inl {
		ins = append(ins, graph.InlinePolicy{Name: ip.Name, Document: prettyJSON(ip.Document)})
	}
	return out, ins, nil
}

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
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetAccountAuthorizationDetails", "*"); err != nil {
		return "", false, err
	}
	return accountID, accountID == acct, nil
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
	usedPolicies := map[string]bool{}
	boundary := func(arn string) *graph.AttachedPolicy {
		if arn == "" {
			return nil
		}
		usedPolicies[arn] = true
		return &graph.AttachedPolicy{Name: policyNameOf(arn), ARN: arn}
	}
	devices, err := st.AllMFADevices(ctx, id)
	if err != nil {
		return nil, err
	}
	devsByOwner := map[string][]graph.MFADevice{}
	rootMFA := false
	for _, d := range devices {
		devsByOwner[d.OwnerARN] = append(devsByOwner[d.OwnerARN], graph.MFADevice{Serial: d.SerialNumber, EnableDate: d.CreatedAt})
		rootMFA = rootMFA || d.OwnerARN == "arn:aws:iam::"+id+":root"
	}
	if acct, err := st.Account(ctx, id); err == nil && !acct.Imported {
		a.Root = &graph.Root{MFAEnabled: rootMFA}
	}

	groupNames := map[string]string{}
	for after := ""; ; {
		gs, next, err := st.ListGroups(ctx, id, models.ListFilter{After: after, Limit: models.MaxListLimit})
		if err != nil {
			return nil, err
		}
		ids := idsOf(gs, func(g models.Group) string { return g.GroupID })
		own, err := ownedBy(ctx, st, id, models.EntityGroup, ids, usedPolicies)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			groupNames[g.GroupID] = g.Name
			a.Groups = append(a.Groups, graph.Group{Name: g.Name, ID: g.GroupID, ARN: groupARN(id, g.Path, g.Name), Path: g.Path,
				CreateDate: g.CreatedAt, Attached: own.attached[g.GroupID], Inline: own.inline[g.GroupID]})
		}
		if after = next; next == "" {
			break
		}
	}
	for after := ""; ; {
		us, next, err := st.ListUsers(ctx, id, models.ListFilter{After: after, Limit: models.MaxListLimit})
		if err != nil {
			return nil, err
		}
		ids := idsOf(us, func(u models.User) string { return u.UserID })
		own, err := ownedBy(ctx, st, id, models.EntityUser, ids, usedPolicies)
		if err != nil {
			return nil, err
		}
		ux, err := userExtrasOf(ctx, st, id, ids, groupNames)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			arn := userARN(id, u.Path, u.Name)
			gu := graph.User{Name: u.Name, ID: u.UserID, ARN: arn, Path: u.Path, CreateDate: u.CreatedAt,
				Boundary: boundary(u.PermissionsBoundaryARN), MFADevices: devsByOwner[arn],
				Attached: own.attached[u.UserID], Inline: own.inline[u.UserID], Tags: own.tags[u.UserID],
				Groups: ux.groups[u.UserID], AccessKeys: ux.keys[u.UserID], LoginProfile: ux.profiles[u.UserID]}
			if u.PasswordLastUsed != nil {
				gu.PasswordLastUsed = *u.PasswordLastUsed
			}
			a.Users = append(a.Users, gu)
		}
		if after = next; next == "" {
			break
		}
	}
	for after := ""; ; {
		rs, next, err := st.ListRoles(ctx, id, models.ListFilter{After: after, Limit: models.MaxListLimit})
		if err != nil {
			return nil, err
		}
		ids := idsOf(rs, func(r models.Role) string { return r.RoleID })
		own, err := ownedBy(ctx, st, id, models.EntityRole, ids, usedPolicies)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			gr := graph.Role{Name: r.Name, ID: r.RoleID, ARN: roleARN(id, r.Path, r.Name), Path: r.Path, Description: r.Description,
				CreateDate: r.CreatedAt, Trust: prettyJSON(r.AssumeRolePolicyDocument), Boundary: boundary(r.PermissionsBoundaryARN),
				LastUsedRegion: r.LastUsedRegion}
			if r.LastUsedAt != nil {
				gr.LastUsed = *r.LastUsedAt
			}
			gr.Attached, gr.Inline, gr.Tags = own.attached[r.RoleID], own.inline[r.RoleID], own.tags[r.RoleID]
			a.Roles = append(a.Roles, gr)
		}
		if after = next; next == "" {
			break
		}
	}
	for after := ""; ; {
		ps, next, err := st.ListPolicies(ctx, id, models.ListFilter{After: after, Limit: models.MaxListLimit})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			vs, err := st.ListPolicyVersions(ctx, id, p.PolicyID)
			if err != nil {
				return nil, err
			}
			n, err := st.CountPolicyAttachments(ctx, id, p.ARN)
			if err != nil {
				return nil, err
			}
			b, err := st.CountPermissionsBoundaryUses(ctx, id, p.ARN)
			if err != nil {
				return nil, err
			}
			gp := graph.ManagedPolicy{Name: p.Name, ID: p.PolicyID, ARN: p.ARN, Path: p.Path, Description: p.Description,
				DefaultVersion: p.DefaultVersionID, AttachmentCount: int(n), BoundaryUsageCount: int(b), IsAttachable: true,
				CreateDate: p.CreatedAt, UpdateDate: p.UpdatedAt}
			for _, v := range vs {
				gp.Versions = append(gp.Versions, graph.PolicyVersion{ID: v.VersionID, Document: prettyJSON(v.Document), IsDefault: v.IsDefault, CreateDate: v.CreatedAt})
			}
			a.Policies = append(a.Policies, gp)
			delete(usedPolicies, p.ARN)
		}
		if after = next; next == "" {
			break
		}
	}
	// AWS managed policies in use appear in the dump too, as AWS's do.
	var builtinARNs []string
	for arn := range usedPolicies {
		if Builtin(arn) != nil {
			builtinARNs = append(builtinARNs, arn)
		}
	}
	sort.Strings(builtinARNs)
	for _, arn := range builtinARNs {
		b := Builtin(arn)
		a.Policies = append(a.Policies, graph.ManagedPolicy{Name: b.Name, ID: b.ID, ARN: arn, Path: b.Path, Description: b.Description,
			DefaultVersion: b.VersionID(), IsAttachable: true, CreateDate: b.Created, UpdateDate: b.Updated,
			Versions: []graph.PolicyVersion{{ID: b.VersionID(), Document: prettyJSON(b.Document()), IsDefault: true, CreateDate: b.Updated}}})
	}
	return a, nil
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
// of one type in three queries, marking the attached policies used.
func ownedBy(ctx context.Context, st *models.Store, acct string, et models.EntityType, ids []string, used map[string]bool) (*owned, error) {
	o := &owned{attached: map[string][]graph.AttachedPolicy{}, inline: map[string][]graph.InlinePolicy{}, tags: map[string][]graph.Tag{}}
	atts, err := st.AttachmentsOf(ctx, acct, et, ids)
	if err != nil {
		return nil, err
	}
	for _, at := range atts {
		o.attached[at.EntityID] = append(o.attached[at.EntityID], graph.AttachedPolicy{Name: policyNameOf(at.PolicyARN), ARN: at.PolicyARN})
		used[at.PolicyARN] = true
	}
	inl, err := st.InlinePoliciesOf(ctx, acct, et, ids)
	if err != nil {
		return nil, err
	}
	for _, ip := range inl {
		o.inline[ip.EntityID] = append(o.inline[ip.EntityID], graph.InlinePolicy{Name: ip.Name, Document: prettyJSON(ip.Document)})
	}
	ts, err := st.TagsOf(ctx, acct, et, ids)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		o.tags[t.EntityID] = append(o.tags[t.EntityID], graph.Tag{Key: t.Key, Value: t.Value})
	}
	return o, nil
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
	x := &userExtras{groups: map[string][]string{}, keys: map[string][]graph.AccessKey{}, profiles: map[string]*graph.LoginProfile{}}
	ms, err := st.MembershipsOf(ctx, acct, ids)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if name, ok := groupNames[m.GroupID]; ok {
			x.groups[m.UserID] = append(x.groups[m.UserID], name)
		}
	}
	for _, names := range x.groups {
		sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	}
	keys, err := st.AccessKeysOf(ctx, acct, ids)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		ak := graph.AccessKey{ID: k.AccessKeyID, Status: k.Status, CreateDate: k.CreatedAt, LastUsedService: k.LastUsedService}
		if k.LastUsedAt != nil {
			ak.LastUsed = *k.LastUsedAt
		}
		x.keys[k.UserID] = append(x.keys[k.UserID], ak)
	}
	lps, err := st.LoginProfilesOf(ctx, acct, ids)
	if err != nil {
		return nil, err
	}
	for _, lp := range lps {
		x.profiles[lp.UserID] = &graph.LoginProfile{CreateDate: lp.CreatedAt, PasswordResetRequired: lp.PasswordResetRequired}
	}
	return x, nil
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

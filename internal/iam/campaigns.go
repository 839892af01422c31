package iam

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
)

// Access review campaigns (issue 15, item 5): a periodic review of who can
// do what, with the evidence an auditor asks for. A campaign snapshots the
// principals in its scope when it starts (their access, paths to admin and
// evidence of use); its reviewers keep or revoke each principal, or revoke
// one of its permissions; every revocation is the account's own operation
// (DetachPolicy, DeleteInlinePolicy, RemoveUserFromGroup, UpdateAccessKey,
// DeleteLoginProfile, PutInlinePolicy), run with the reviewer's own
// authorization, so a reviewer who may not detach a policy gets that
// operation's AccessDenied. The report ties each decision to the audit
// events of what it changed.
//
// The console's own actions govern campaigns. IAM's grammar has no
// resource type for a campaign, so they are asked on Resource "*" with the
// campaign's ID in the condition key AccessReviewIDKey.
const (
	CreateAccessReviewAction = "console:CreateAccessReview"
	ListAccessReviewsAction  = "console:ListAccessReviews"
	GetAccessReviewAction    = "console:GetAccessReview"
	DecideAccessReviewAction = "console:DecideAccessReview"
	CloseAccessReviewAction  = "console:CloseAccessReview"
	// ManageAccessReviewsAction lets its holder decide in and close
	// campaigns it is not a reviewer of. Root and holders of "*" have it.
	ManageAccessReviewsAction = "console:ManageAccessReviews"
)

// AccessReviewIDKey is the condition key naming the campaign an action is
// asked on: "Condition": {"StringEquals": {"console:AccessReviewId": "…"}}.
const AccessReviewIDKey = "console:AccessReviewId"

// Campaign scopes.
const (
	ScopeAllUsers          = "all-users"
	ScopeGroupMembers      = "group-members"
	ScopeCrossAccountRoles = "cross-account-roles"
	ScopeAllRoles          = "all-roles"
)

// Campaign states.
const (
	CampaignOpen   = "open"
	CampaignClosed = "closed"
)

// Decisions.
const (
	DecisionKeep   = "keep"
	DecisionRevoke = "revoke"
	// DecisionUndecided marks a principal left undecided when its campaign
	// was closed explicitly.
	DecisionUndecided = "undecided"
)

// Permission kinds a reviewer may revoke one at a time: "policy:ARN",
// "inline:NAME", "group:NAME".
const (
	PermissionPolicy = "policy"
	PermissionInline = "inline"
	PermissionGroup  = "group"
)

// CreateCampaignInput is what a campaign is started with.
type CreateCampaignInput struct {
	Name string
	// Scope is one of the Scope constants; Group names the group for
	// ScopeGroupMembers.
	Scope string
	Group string
	Due   time.Time
	// Reviewers are IAM user names of the account.
	Reviewers []string
}

// Campaign is an access review campaign with its principals.
type Campaign struct {
	ID, Name, Scope, Group string
	Due                    time.Time
	Reviewers              []string
	State                  string
	CreatedBy              string
	CreatedAt              time.Time
	ClosedBy               string
	ClosedAt               time.Time
	// Items are the principals in scope, in ARN order (GetCampaign only).
	Items []CampaignItem
	// Undecided counts the items without a decision.
	Undecided int
}

// ScopeText says the scope in words.
func (c *Campaign) ScopeText() string {
	switch c.Scope {
	case ScopeAllUsers:
		return "All users"
	case ScopeGroupMembers:
		return "Members of group " + c.Group
	case ScopeCrossAccountRoles:
		return "Roles trusted by other accounts"
	case ScopeAllRoles:
		return "All roles"
	}
	return c.Scope
}

// CampaignItem is one principal of a campaign: its snapshot and what the
// reviewers decided.
type CampaignItem struct {
	ID       uint64
	Snapshot PrincipalSnapshot
	// Decision is the latest principal-level decision ("keep", "revoke",
	// "undecided"), or "revoke-some" when only permissions were revoked;
	// "" while undecided.
	Decision  string
	Reviewer  string
	DecidedAt time.Time
	// Decisions are all of the item's decisions, oldest first.
	Decisions []CampaignDecision
}

// DecisionRevokeSome is an item's outcome when reviewers revoked some of
// its permissions and kept the rest.
const DecisionRevokeSome = "revoke-some"

// Decided reports whether the item has a decision.
func (it *CampaignItem) Decided() bool { return it.Decision != "" }

// CampaignDecision is one recorded decision.
type CampaignDecision struct {
	Permission   string // "" for the whole principal
	Decision     string
	Reviewer     string
	DecidedAt    time.Time
	Revocations  []Revocation
	AuditEventID string // the decision's own audit event
}

// Revocation is one change a decision applied: the operation, what it
// changed, and its audit event's ID.
type Revocation struct {
	Operation    string
	Target       string
	AuditEventID string
	// Gone says the target was already gone when the reviewer revoked it
	// (deleted since the snapshot): nothing changed, so no event.
	Gone string `json:",omitempty"`
}

// PrincipalSnapshot is a principal as a campaign found it.
type PrincipalSnapshot struct {
	ARN, Name, Kind string
	// Access is the effective permissions by service and access level, as
	// the Access tab summarises them.
	Access []AccessRow
	// AdminPath tells the path to full access, one hop a line; empty when
	// the principal cannot become admin.
	AdminPath   []string `json:",omitempty"`
	AdminHidden bool     `json:",omitempty"`
	// Permissions are what a reviewer may revoke one at a time.
	Permissions []ReviewPermission
	Evidence    UsageEvidence
}

// AccessRow is one service's access.
type AccessRow struct {
	Service, Name, Access string
}

// ReviewPermission is a grant a reviewer may revoke alone.
type ReviewPermission struct {
	Kind string // PermissionPolicy, PermissionInline or PermissionGroup
	Name string
	ARN  string `json:",omitempty"` // a managed policy's
}

// Key is the permission as decisions name it: "policy:ARN", "inline:NAME", "group:NAME".
func (p ReviewPermission) Key() string {
	if p.Kind == PermissionPolicy {
		return p.Kind + ":" + p.ARN
	}
	return p.Kind + ":" + p.Name
}

// UsageEvidence is the evidence of use known today.
type UsageEvidence struct {
	AccessKeys       []KeyUsage `json:",omitempty"`
	HasPassword      bool       `json:",omitempty"`
	PasswordLastUsed time.Time  `json:",omitzero"`
	RoleLastUsed     time.Time  `json:",omitzero"`
	RoleLastRegion   string     `json:",omitempty"`
	// ServicesLastAccessed is when the principal last used each service
	// (allowed requests, from the usage records: usage.go).
	ServicesLastAccessed []ServiceUse `json:",omitempty"`
}

// KeyUsage is one access key's use.
type KeyUsage struct {
	ID, Status      string
	LastUsed        time.Time `json:",omitzero"`
	LastUsedService string    `json:",omitempty"`
}

// ServiceUse is when a principal last used one service.
type ServiceUse struct {
	Service      string
	LastAccessed time.Time
}

// serviceLastAccessed is when principalARN last used each service, from
// the usage records (flushed first, so this process's recent use counts):
// allowed requests only, most recent first.
func serviceLastAccessed(ctx context.Context, s *Service, accountID, principalARN string) ([]ServiceUse, error) {
	uses, err := s.FlushAndUsage(ctx, accountID, []string{principalARN}, time.Time{})
	if err != nil {
		return nil, err
	}
	last := map[string]time.Time{}
	for _, u := range uses {
		if u.Count > u.Denied && u.LastUsed.After(last[serviceOf(u.Action)]) {
			last[serviceOf(u.Action)] = u.LastUsed
		}
	}
	out := make([]ServiceUse, 0, len(last))
	for svc, t := range last {
		out = append(out, ServiceUse{Service: svc, LastAccessed: t})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].LastAccessed.After(out[j].LastAccessed) || out[i].LastAccessed.Equal(out[j].LastAccessed) && out[i].Service < out[j].Service
	})
	return out, nil
}

// Summary says the evidence in one line, for the report and the page.
func (e UsageEvidence) Summary() string {
	var parts []string
	day := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, k := range e.AccessKeys {
		s := "key " + k.ID + " (" + k.Status + ") last used " + day(k.LastUsed)
		if k.LastUsedService != "" {
			s += " on " + k.LastUsedService
		}
		parts = append(parts, s)
	}
	if e.HasPassword || !e.PasswordLastUsed.IsZero() {
		parts = append(parts, "password last used "+day(e.PasswordLastUsed))
	}
	if !e.RoleLastUsed.IsZero() {
		parts = append(parts, "role last used "+day(e.RoleLastUsed)+" in "+e.RoleLastRegion)
	}
	for _, sv := range e.ServicesLastAccessed {
		parts = append(parts, sv.Service+" last accessed "+day(sv.LastAccessed))
	}
	if len(parts) == 0 {
		return "no recorded use"
	}
	return strings.Join(parts, "; ")
}

// CreateCampaign starts a campaign: it checks the reviewers are users of
// the account and snapshots the principals in scope from the access graph
// (so it needs iam:GetAccountAuthorizationDetails as well as
// CreateAccessReviewAction). The campaign, its items and its audit event
// are one transaction.
func (s *Service) CreateCampaign(ctx context.Context, caller *Principal, in CreateCampaignInput, m Meta) (*Campaign, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, CreateAccessReviewAction, "*"); err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 128 {
		return nil, invalidField("Name", "Name the campaign in 1 to 128 characters.")
	}
	if in.Due.IsZero() {
		return nil, invalidField("Due", "Give the campaign a due date.")
	}
	switch in.Scope {
	case ScopeAllUsers, ScopeCrossAccountRoles, ScopeAllRoles:
		in.Group = ""
	case ScopeGroupMembers:
		if in.Group = strings.TrimSpace(in.Group); in.Group == "" {
			return nil, invalidField("Group", "Name the group whose members are reviewed.")
		}
	default:
		return nil, invalidField("Scope", "Choose a scope: all users, a group's members, roles trusted by other accounts, or all roles.")
	}
	var reviewers []string
	for _, r := range in.Reviewers {
		if r = strings.TrimSpace(r); r != "" && !slices.Contains(reviewers, r) {
			reviewers = append(reviewers, r)
		}
	}
	if len(reviewers) == 0 {
		return nil, invalidField("Reviewers", "Name at least one reviewer: an IAM user of the account.")
	}
	for _, r := range reviewers {
		if _, err := s.store.User(ctx, acct, r); err != nil {
			if errors.Is(err, models.ErrNotFound) {
				return nil, invalidField("Reviewers", "The account has no IAM user %s to review.", r)
			}
			return nil, internal(err, "reviewer "+r)
		}
	}
	g, err := s.AccessGraph(ctx, caller, "", m)
	if err != nil {
		return nil, err
	}
	arns, err := campaignScope(g, in.Scope, in.Group)
	if err != nil {
		return nil, err
	}
	rs, err := json.Marshal(reviewers)
	if err != nil {
		return nil, internal(err, "reviewers")
	}
	now := s.now()
	c := &models.Campaign{ID: uuid.NewString(), Name: in.Name, Scope: in.Scope, ScopeGroup: in.Group, Reviewers: string(rs),
		DueDate: in.Due.UTC(), State: CampaignOpen, CreatedBy: callerARN(caller), CreatedAt: now}
	items := make([]models.CampaignItem, 0, len(arns))
	for _, arn := range arns {
		snap := s.snapshotPrincipal(ctx, g, arn)
		b, err := json.Marshal(snap)
		if err != nil {
			return nil, internal(err, "snapshot "+arn)
		}
		items = append(items, models.CampaignItem{PrincipalARN: arn, Snapshot: string(b)})
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.CreateCampaign(ctx, acct, c, items); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateAccessReview", resource: campaignResource(acct, c.ID),
			params: map[string]any{"campaignId": c.ID, "name": c.Name, "scope": c.Scope, "group": c.ScopeGroup,
				"due": c.DueDate.Format(time.DateOnly), "reviewers": reviewers, "principals": len(items)}}, nil)
	})
	if err != nil {
		return nil, asInternal(err, "create campaign")
	}
	return s.GetCampaign(ctx, caller, c.ID, m)
}

// campaignResource names a campaign in audit events (not an IAM ARN: the
// console's own resource).
func campaignResource(acct, id string) string {
	return "arn:aws:console::" + acct + ":access-review/" + id
}

// campaignScope lists the ARNs of the principals in scope, sorted.
func campaignScope(g *graph.Graph, scope, group string) ([]string, error) {
	acct := g.Account()
	var out []string
	switch scope {
	case ScopeAllUsers:
		for _, u := range acct.Users {
			out = append(out, u.ARN)
		}
	case ScopeAllRoles:
		for _, r := range acct.Roles {
			out = append(out, r.ARN)
		}
	case ScopeGroupMembers:
		found := false
		for _, gr := range acct.Groups {
			if strings.EqualFold(gr.Name, group) {
				found = true
				out = append(out, g.GroupMembers(gr.ARN)...)
			}
		}
		if !found {
			return nil, invalidField("Group", "The account has no group %s.", group)
		}
	case ScopeCrossAccountRoles:
		// A can-assume edge from a principal of another account (or
		// anyone): the graph has read the trust policies with AWS's logic.
		for _, e := range g.Edges {
			if e.Kind != graph.EdgeCanAssume {
				continue
			}
			n, ok := g.Node(e.From)
			if !ok || n.Kind != graph.KindExternal || !otherAccountPrincipal(e.From, acct.ID) {
				continue
			}
			if t, ok := g.Node(e.To); ok && t.Kind == graph.KindRole && !slices.Contains(out, e.To) {
				out = append(out, e.To)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// otherAccountPrincipal reports whether a trust policy's principal is of
// another account than acct: "*", or an ARN naming another account.
// Identity providers and services are not accounts.
func otherAccountPrincipal(id, acct string) bool {
	if id == "*" {
		return true
	}
	parts := strings.SplitN(id, ":", 6)
	if len(parts) < 6 || parts[2] != "iam" && parts[2] != "sts" {
		return false
	}
	rest := parts[5]
	if strings.HasPrefix(rest, "saml-provider/") || strings.HasPrefix(rest, "oidc-provider/") {
		return false
	}
	return parts[4] != "" && parts[4] != acct
}

// snapshotPrincipal is a principal's access, path to admin and evidence
// from the graph, as the Access tab shows them.
func (s *Service) snapshotPrincipal(ctx context.Context, g *graph.Graph, arn string) PrincipalSnapshot {
	snap := PrincipalSnapshot{ARN: arn}
	if n, ok := g.Node(arn); ok {
		snap.Name, snap.Kind = n.Name, string(n.Kind)
	}
	for _, row := range accessByService(g.WhatCan(arn)) {
		snap.Access = append(snap.Access, AccessRow{Service: row.Service, Name: row.Name, Access: row.Access})
	}
	if admin, ok := g.AdminOf(arn); ok {
		snap.AdminHidden = admin.Hidden
		for _, h := range g.Tell(admin.Path) {
			snap.AdminPath = append(snap.AdminPath, lastPart(h.From)+" — "+h.Verb+" → "+h.ToName)
		}
		if len(snap.AdminPath) == 0 {
			snap.AdminPath = []string{lastPart(arn) + " — has full access"}
		}
	}
	acct := g.Account()
	for _, u := range acct.Users {
		if u.ARN != arn {
			continue
		}
		for _, p := range u.Attached {
			snap.Permissions = append(snap.Permissions, ReviewPermission{Kind: PermissionPolicy, Name: p.Name, ARN: p.ARN})
		}
		for _, p := range u.Inline {
			snap.Permissions = append(snap.Permissions, ReviewPermission{Kind: PermissionInline, Name: p.Name})
		}
		for _, gr := range u.Groups {
			snap.Permissions = append(snap.Permissions, ReviewPermission{Kind: PermissionGroup, Name: gr})
		}
		for _, k := range u.AccessKeys {
			snap.Evidence.AccessKeys = append(snap.Evidence.AccessKeys, KeyUsage{ID: k.ID, Status: k.Status, LastUsed: k.LastUsed, LastUsedService: k.LastUsedService})
		}
		snap.Evidence.HasPassword = u.LoginProfile != nil
		snap.Evidence.PasswordLastUsed = u.PasswordLastUsed
	}
	for _, r := range acct.Roles {
		if r.ARN != arn {
			continue
		}
		for _, p := range r.Attached {
			snap.Permissions = append(snap.Permissions, ReviewPermission{Kind: PermissionPolicy, Name: p.Name, ARN: p.ARN})
		}
		for _, p := range r.Inline {
			snap.Permissions = append(snap.Permissions, ReviewPermission{Kind: PermissionInline, Name: p.Name})
		}
		snap.Evidence.RoleLastUsed, snap.Evidence.RoleLastRegion = r.LastUsed, r.LastUsedRegion
	}
	uses, err := serviceLastAccessed(ctx, s, g.Account().ID, arn)
	if err != nil {
		// The snapshot still holds the rest of its evidence; the report
		// says no service was used, which the log explains.
		s.cfg.Log.Warn("campaign: service last accessed", "principal", arn, "err", err)
	}
	snap.Evidence.ServicesLastAccessed = uses
	return snap
}

// lastPart is an ARN's last part, the name a path shows.
func lastPart(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// ListCampaigns lists the account's campaigns, newest first, without
// their items.
func (s *Service) ListCampaigns(ctx context.Context, caller *Principal, m Meta) ([]Campaign, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeCampaign(ctx, caller, m, ListAccessReviewsAction, ""); err != nil {
		return nil, err
	}
	cs, err := s.store.Campaigns(ctx, acct)
	if err != nil {
		return nil, internal(err, "campaigns")
	}
	out := make([]Campaign, 0, len(cs))
	for i := range cs {
		c, err := campaignOut(&cs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, nil
}

// GetCampaign returns a campaign with its items and decisions. A campaign
// that does not exist is NotFound, after the caller is authorized.
func (s *Service) GetCampaign(ctx context.Context, caller *Principal, id string, m Meta) (*Campaign, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeCampaign(ctx, caller, m, GetAccessReviewAction, id); err != nil {
		return nil, err
	}
	return s.loadCampaign(ctx, s.store, acct, id)
}

// authorizeCampaign asks action on "*" with the campaign's ID (if any) in
// AccessReviewIDKey. Reading campaigns is also allowed to whoever may read
// the account's whole authorization details: a campaign shows a part of
// them, and so a read-only auditor (ReadOnlyAccess, IAMReadOnlyAccess)
// sees the reviews as it sees every other page.
func (s *Service) authorizeCampaign(ctx context.Context, caller *Principal, m Meta, action, id string) error {
	if caller == nil || caller.IsRoot() {
		return nil
	}
	var keys map[string][]string
	if id != "" {
		keys = map[string][]string{AccessReviewIDKey: {id}}
	}
	ok, err := s.allowedWith(ctx, caller, m, action, keys)
	if err != nil {
		return err
	}
	if !ok && (action == GetAccessReviewAction || action == ListAccessReviewsAction) {
		ok, err = s.Allowed(ctx, caller, m, "iam:GetAccountAuthorizationDetails", "*")
		if err != nil {
			return err
		}
	}
	if ok {
		return nil
	}
	return s.refuse(ctx, caller, m, action, "*")
}

// allowedWith is Allowed on Resource "*" with extra condition keys.
func (s *Service) allowedWith(ctx context.Context, caller *Principal, m Meta, action string, keys map[string][]string) (bool, error) {
	if caller == nil || caller.IsRoot() {
		return true, nil
	}
	return s.Allowed(ctx, withRequestContext(caller, keys), m, action, "*")
}

// loadCampaign reads a campaign, its items and their decisions.
func (s *Service) loadCampaign(ctx context.Context, st *models.Store, acct, id string) (*Campaign, error) {
	mc, err := st.Campaign(ctx, acct, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, newErr(NotFound, "The access review %s cannot be found.", id)
	}
	if err != nil {
		return nil, internal(err, "campaign")
	}
	c, err := campaignOut(mc)
	if err != nil {
		return nil, err
	}
	items, err := st.CampaignItems(ctx, acct, id)
	if err != nil {
		return nil, internal(err, "campaign items")
	}
	ds, err := st.CampaignDecisions(ctx, acct, id)
	if err != nil {
		return nil, internal(err, "campaign decisions")
	}
	byItem := map[uint64][]models.CampaignDecision{}
	for _, d := range ds {
		byItem[d.ItemID] = append(byItem[d.ItemID], d)
	}
	for _, mi := range items {
		it := CampaignItem{ID: mi.ID}
		if err := json.Unmarshal([]byte(mi.Snapshot), &it.Snapshot); err != nil {
			return nil, internal(err, "snapshot of "+mi.PrincipalARN)
		}
		for _, d := range byItem[mi.ID] {
			cd := CampaignDecision{Permission: d.Permission, Decision: d.Decision, Reviewer: d.Reviewer, DecidedAt: d.DecidedAt.UTC(), AuditEventID: d.AuditEventID}
			if d.Revocations != "" {
				if err := json.Unmarshal([]byte(d.Revocations), &cd.Revocations); err != nil {
					return nil, internal(err, "revocations")
				}
			}
			it.Decisions = append(it.Decisions, cd)
			switch {
			case d.Permission == "":
				it.Decision = d.Decision
			case it.Decision == "" || it.Decision == DecisionKeep:
				it.Decision = DecisionRevokeSome
			}
			it.Reviewer, it.DecidedAt = d.Reviewer, d.DecidedAt.UTC()
		}
		if !it.Decided() {
			c.Undecided++
		}
		c.Items = append(c.Items, it)
	}
	return c, nil
}

func campaignOut(mc *models.Campaign) (*Campaign, error) {
	c := &Campaign{ID: mc.ID, Name: mc.Name, Scope: mc.Scope, Group: mc.ScopeGroup, Due: mc.DueDate.UTC(), State: mc.State,
		CreatedBy: mc.CreatedBy, CreatedAt: mc.CreatedAt.UTC(), ClosedBy: mc.ClosedBy, ClosedAt: mc.ClosedAt.UTC()}
	if err := json.Unmarshal([]byte(mc.Reviewers), &c.Reviewers); err != nil {
		return nil, internal(err, "reviewers of "+mc.ID)
	}
	return c, nil
}

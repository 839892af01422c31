package iam

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// Policy is AWS's Policy (a managed policy). AWSManaged (not AWS's element)
// marks the built-ins, which no one can change.
type Policy struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	Description                   string
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	CreateDate                    time.Time
	UpdateDate                    time.Time
	Tags                          []Tag
	AWSManaged                    bool
	// Warnings are the document's lint warnings (for the console), set by
	// CreatePolicy.
	Warnings []policy.Diagnostic
}

// PolicyVersion is AWS's PolicyVersion. ListPolicyVersions leaves Document
// out, as AWS's does.
type PolicyVersion struct {
	Document         string
	VersionId        string
	IsDefaultVersion bool
	CreateDate       time.Time
	// Warnings are the document's lint warnings (for the console), set by
	// CreatePolicyVersion.
	Warnings []policy.Diagnostic
}

// CreatePolicyInput is CreatePolicy's input.
type CreatePolicyInput struct {
	PolicyName     string
	Path           string
	PolicyDocument string
	Description    string
	Tags           []Tag
}

// Scopes of ListPolicies.
const (
	ScopeAll   = "All"
	ScopeAWS   = "AWS"
	ScopeLocal = "Local"
)

// ListPoliciesInput is ListPolicies' input. Scope is All (the default), AWS
// (the built-ins) or Local (the account's own); OnlyAttached keeps policies
// attached to at least one user, group or role. NameContains (not AWS's) is
// the console's search.
type ListPoliciesInput struct {
	Scope        string
	OnlyAttached bool
	// PolicyUsageFilter, when set, keeps the policies used that way:
	// PermissionsPolicy those attached to a user, group or role,
	// PermissionsBoundary those some user or role has as its boundary.
	PolicyUsageFilter string
	PathPrefix        string
	Marker            string
	MaxItems          int
	NameContains      string
	// WithoutCounts (not AWS's) skips AttachmentCount and
	// PermissionsBoundaryUsageCount, two queries per policy, for callers
	// that only need names (the console's policy pickers).
	WithoutCounts bool
	// Descending (not AWS's) lists Z to A, for the console's sort.
	Descending bool
}

// CreatePolicyVersionInput is CreatePolicyVersion's input.
type CreatePolicyVersionInput struct {
	PolicyArn      string
	PolicyDocument string
	SetAsDefault   bool
}

// Managed policy quotas, as AWS's.
const (
	MaxPolicyVersions     = 5
	MaxPoliciesPerAccount = 1500
	MaxPolicyDescription  = 1000
)

var versionIDRE = regexp.MustCompile(`^v[1-9][0-9]*$`)

func noSuchPolicy(arn string) *Error {
	return newErr(NotFound, "Policy %s was not found.", arn)
}

func noSuchPolicyVersion(arn, v string) *Error {
	return newErr(NotFound, "Policy %s version %s does not exist or is not attachable.", arn, v)
}

// builtinReadOnly refuses any change to an AWS managed policy, as AWS does:
// no one, not even root, is authorized to change them.
func (s *Service) builtinReadOnly(ctx context.Context, caller *Principal, m Meta, action, arn string) error {
	e := newErr(AccessDenied, "User: %s is not authorized to perform: %s on resource: policy %s (an AWS managed policy cannot be changed)",
		callerARN(caller), action, arn)
	e.Action, e.Resource = action, arn
	name := strings.TrimPrefix(action, "iam:")
	if aerr := s.audit(ctx, s.store, m, callerAccount(caller), callerARN(caller), event{name: name, resource: arn}, e); aerr != nil {
		return aerr
	}
	return e
}

func isAWSPolicyARN(arn string) bool { return strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") }

// authorizedPolicy authorizes action on a customer managed policy of the
// account and finds it. Built-in ARNs are refused by the callers before.
func (s *Service) authorizedPolicy(ctx context.Context, caller *Principal, acct, arn string, m Meta, action string, keys map[string][]string) (*models.ManagedPolicy, error) {
	if arn == "" {
		return nil, invalidField("PolicyArn", "PolicyArn is required.")
	}
	if err := s.authorizeMeta(ctx, withRequestContext(caller, keys), m, action, arn); err != nil {
		return nil, err
	}
	if _, _, _, ok := parsePolicyARN(arn); !ok || len(arn) > 2048 {
		return nil, invalidField("PolicyArn", "ARN %s is not valid.", arn)
	}
	p, err := s.store.PolicyByARN(ctx, acct, arn)
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchPolicy(arn)
	}
	if err != nil {
		return nil, internal(err, "policy")
	}
	return p, nil
}

// policyOut shapes a customer managed policy as AWS's Policy, with its
// counts read through st.
func (s *Service) policyOut(ctx context.Context, st *models.Store, acct string, p *models.ManagedPolicy) (Policy, error) {
	out := policyFields(p)
	return out, s.policyCounts(ctx, st, acct, &out)
}

// policyFields is a customer managed policy's output without its counts.
func policyFields(p *models.ManagedPolicy) Policy {
	return Policy{PolicyName: p.Name, PolicyId: p.PolicyID, Arn: p.ARN, Path: p.Path, DefaultVersionId: p.DefaultVersionID,
		Description: p.Description, IsAttachable: true, CreateDate: p.CreatedAt.UTC(), UpdateDate: p.UpdatedAt.UTC()}
}

func (s *Service) policyCounts(ctx context.Context, st *models.Store, acct string, p *Policy) error {
	n, err := st.CountPolicyAttachments(ctx, acct, p.Arn)
	if err != nil {
		return err
	}
	b, err := st.CountPermissionsBoundaryUses(ctx, acct, p.Arn)
	if err != nil {
		return err
	}
	p.AttachmentCount, p.PermissionsBoundaryUsageCount = int(n), int(b)
	return nil
}

func builtinOut(b *BuiltinPolicy) Policy {
	return Policy{PolicyName: b.Name, PolicyId: b.ID, Arn: b.ARN(), Path: b.Path, DefaultVersionId: b.VersionID(),
		Description: b.Description, IsAttachable: true, CreateDate: b.Created, UpdateDate: b.Updated, AWSManaged: true}
}

// CreatePolicy creates a customer managed policy whose document becomes its
// default version v1. AlreadyExists when the name is taken in any case;
// Malformed (with line and column) or LimitExceeded for a bad document.
func (s *Service) CreatePolicy(ctx context.Context, caller *Principal, in CreatePolicyInput, m Meta) (*Policy, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	path, perr := normalizePath("Path", in.Path)
	if perr != nil {
		path = in.Path
	}
	arn := policyARN(acct, path, in.PolicyName)
	if err := s.authorizeCreate(ctx, caller, m, PolicyType, arn, in.Tags, ""); err != nil {
		return nil, err
	}
	var derr error
	if utf8.RuneCountInString(in.Description) > MaxPolicyDescription {
		derr = violation("Description", fmt.Sprintf("A description is at most %d characters.", MaxPolicyDescription),
			Violation{"description", in.Description, "Member must have length less than or equal to " + strconv.Itoa(MaxPolicyDescription)})
	}
	if err := joinInvalid(validName("policy", "PolicyName", in.PolicyName), perr, derr, validateTags(in.Tags)); err != nil {
		return nil, err
	}
	warnings, err := checkDocument("PolicyDocument", in.PolicyDocument, policy.Identity, true, policy.LimitManaged, "")
	if err != nil {
		return nil, err
	}
	p := &models.ManagedPolicy{PolicyID: newID(PrefixPolicy, 17), Name: in.PolicyName, Path: path, ARN: arn,
		Description: in.Description, CreatedAt: s.now()}
	params := map[string]any{"policyName": in.PolicyName, "path": path, "policyDocument": in.PolicyDocument}
	if in.Description != "" {
		params["description"] = in.Description
	}
	if len(in.Tags) > 0 {
		params["tags"] = in.Tags
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.LockAccount(ctx, acct); err != nil {
			return err
		}
		n, err := tx.CountPolicies(ctx, acct)
		if err != nil {
			return err
		}
		if n >= MaxPoliciesPerAccount {
			return newErr(LimitExceeded, "Cannot exceed quota for PoliciesPerAccount: %d", MaxPoliciesPerAccount)
		}
		if err := tx.CreatePolicy(ctx, acct, p, in.PolicyDocument); err != nil {
			return err
		}
		if err := tx.SetTags(ctx, acct, models.EntityPolicy, p.PolicyID, storeTags(in.Tags)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreatePolicy", resource: arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, newErr(AlreadyExists, "A policy called %s already exists. Duplicate names are not allowed.", in.PolicyName)
	}
	if err != nil {
		return nil, asInternal(err, "create policy")
	}
	out := Policy{PolicyName: p.Name, PolicyId: p.PolicyID, Arn: arn, Path: path, DefaultVersionId: p.DefaultVersionID,
		Description: p.Description, IsAttachable: true, CreateDate: p.CreatedAt.UTC(), UpdateDate: p.UpdatedAt.UTC(),
		Tags: in.Tags, Warnings: warnings}
	return &out, nil
}

// GetPolicy returns a managed policy, built-in or the account's, with its
// counts and tags (not its document: see GetPolicyVersion).
func (s *Service) GetPolicy(ctx context.Context, caller *Principal, arn string, m Meta) (*Policy, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if b := Builtin(arn); b != nil {
		if err := s.authorizeMeta(ctx, caller, m, "iam:GetPolicy", arn); err != nil {
			return nil, err
		}
		out := builtinOut(b)
		if err := s.policyCounts(ctx, s.store, acct, &out); err != nil {
			return nil, internal(err, "policy counts")
		}
		return &out, nil
	}
	p, err := s.authorizedPolicy(ctx, caller, acct, arn, m, "iam:GetPolicy", nil)
	if err != nil {
		return nil, err
	}
	out, err := s.policyOut(ctx, s.store, acct, p)
	if err != nil {
		return nil, internal(err, "policy counts")
	}
	tags, err := s.store.ListTags(ctx, acct, models.EntityPolicy, p.PolicyID)
	if err != nil {
		return nil, internal(err, "tags")
	}
	for _, t := range tags {
		out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	return &out, nil
}

// PolicyARNs lists the ARNs a policy picker offers: AWS managed first, then
// up to 1,000 of the account's own, by name. It needs iam:ListPolicies.
func (s *Service) PolicyARNs(ctx context.Context, caller *Principal, m Meta) ([]string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:ListPolicies", listResource(acct, "policy", "/")); err != nil {
		return nil, err
	}
	local, err := s.store.PolicyARNs(ctx, acct, 1000)
	if err != nil {
		return nil, internal(err, "list policy ARNs")
	}
	return append(BuiltinARNs(), local...), nil
}

// ListPolicies returns one page of managed policies, AWS's and the
// account's own as Scope selects, merged in one order by lower-cased name
// (Z to A when Descending), and the marker of the next page ("" on the
// last).
//
// Markers say which side they stopped on: "aws/KEY" or "local/KEY". Where
// an AWS policy and the account's share a name, the account's comes first
// in either direction, so that a marker is a strict bound on both sides:
// the account's continue strictly past KEY (the store's After), and AWS's
// past KEY too, or at KEY when the marker stopped on the account's side.
func (s *Service) ListPolicies(ctx context.Context, caller *Principal, in ListPoliciesInput, m Meta) ([]Policy, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:ListPolicies", listResource(acct, "policy", in.PathPrefix)); err != nil {
		return nil, "", err
	}
	scope := in.Scope
	if scope == "" {
		scope = ScopeAll
	}
	var errs []error
	if scope != ScopeAll && scope != ScopeAWS && scope != ScopeLocal {
		errs = append(errs, violation("Scope", "Scope must be All, AWS or Local.",
			Violation{"scope", scope, "Member must satisfy enum value set: [All, AWS, Local]"}))
	}
	switch in.PolicyUsageFilter {
	case "", UsagePermissionsPolicy, UsagePermissionsBoundary:
	default:
		errs = append(errs, violation("PolicyUsageFilter", "PolicyUsageFilter must be PermissionsPolicy or PermissionsBoundary.",
			Violation{"policyUsageFilter", in.PolicyUsageFilter, "Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]"}))
	}
	if err := joinInvalid(errs...); err != nil {
		return nil, "", err
	}
	f, err := listFilter(in.PathPrefix, in.Marker, in.MaxItems, in.NameContains)
	if err != nil {
		return nil, "", err
	}
	after, atLocal := "", false
	switch {
	case in.Marker == "":
	case strings.HasPrefix(in.Marker, "aws/"):
		after = strings.TrimPrefix(in.Marker, "aws/")
	case strings.HasPrefix(in.Marker, "local/"):
		after, atLocal = strings.TrimPrefix(in.Marker, "local/"), true
	default:
		return nil, "", invalidField("Marker", "The marker is not valid.")
	}
	var builtins, locals []policyItem
	if scope != ScopeLocal {
		if builtins, err = s.builtinPage(ctx, acct, in, f, after, atLocal); err != nil {
			return nil, "", err
		}
	}
	if scope != ScopeAWS {
		lf := f
		lf.After, lf.Descending = after, in.Descending
		if locals, err = s.localPolicyPage(ctx, acct, in, lf); err != nil {
			return nil, "", err
		}
	}
	items := mergePolicyPages(locals, builtins, f.Limit+1, in.Descending)
	next := ""
	if len(items) > f.Limit {
		items = items[:f.Limit]
		next = items[f.Limit-1].marker
	}
	out := make([]Policy, len(items))
	for i, it := range items {
		if it.row != nil {
			if it.p, err = s.policyOut(ctx, s.store, acct, it.row); err != nil {
				return nil, "", internal(err, "policy counts")
			}
		}
		out[i] = it.p
	}
	return out, next, nil
}

// policyItem is one policy of a ListPolicies page with its sort key and
// marker; row is set for the account's own policies whose counts are still
// to be read (only those that make the page are counted).
type policyItem struct {
	p      Policy
	key    string
	marker string
	row    *models.ManagedPolicy
}

// builtinPage is up to a page and one of AWS's managed policies past the
// marker, in the page's direction.
func (s *Service) builtinPage(ctx context.Context, acct string, in ListPoliciesInput, f models.ListFilter, after string, atLocal bool) ([]policyItem, error) {
	attached, boundaries, err := s.store.PolicyUseCounts(ctx, acct, "arn:aws:iam::aws:policy/")
	if err != nil {
		return nil, internal(err, "policy counts")
	}
	all := Builtins()
	var out []policyItem
	for i := range all {
		b := all[i]
		if in.Descending {
			b = all[len(all)-1-i]
		}
		key := strings.ToLower(b.Name)
		past := after == "" || key > after || atLocal && key == after
		if in.Descending {
			past = after == "" || key < after || atLocal && key == after
		}
		if !past || !strings.HasPrefix(b.Path, f.PathPrefix) || !strings.Contains(key, strings.ToLower(f.NameContains)) {
			continue
		}
		p := builtinOut(b)
		p.AttachmentCount, p.PermissionsBoundaryUsageCount = int(attached[p.Arn]), int(boundaries[p.Arn])
		if !in.keeps(&p) {
			continue
		}
		out = append(out, policyItem{p: p, key: key, marker: "aws/" + key})
		if len(out) > f.Limit {
			break
		}
	}
	return out, nil
}

// localPolicyPage is up to a page and one of the account's own policies
// past lf.After, in lf's direction. Their counts are read here only when
// OnlyAttached needs them to choose; otherwise for the page's alone.
func (s *Service) localPolicyPage(ctx context.Context, acct string, in ListPoliciesInput, lf models.ListFilter) ([]policyItem, error) {
	var out []policyItem
	for len(out) <= lf.Limit {
		rows, next, err := s.store.ListPolicies(ctx, acct, lf)
		if err != nil {
			return nil, internal(err, "list policies")
		}
		for i := range rows {
			it := policyItem{p: policyFields(&rows[i]), key: rows[i].NameKey, marker: "local/" + rows[i].NameKey}
			switch {
			case in.filtersByUse():
				if it.p, err = s.policyOut(ctx, s.store, acct, &rows[i]); err != nil {
					return nil, internal(err, "policy counts")
				}
				if !in.keeps(&it.p) {
					continue
				}
			case !in.WithoutCounts:
				it.row = &rows[i]
			}
			out = append(out, it)
		}
		if next == "" {
			break
		}
		lf.After = next
	}
	return out, nil
}

// Policy usages, ListPolicies' PolicyUsageFilter (AWS's PolicyUsageType).
const (
	UsagePermissionsPolicy   = "PermissionsPolicy"
	UsagePermissionsBoundary = "PermissionsBoundary"
)

// filtersByUse reports whether the list depends on policies' counts.
func (in ListPoliciesInput) filtersByUse() bool { return in.OnlyAttached || in.PolicyUsageFilter != "" }

// keeps reports whether p, with its counts, passes OnlyAttached and
// PolicyUsageFilter.
func (in ListPoliciesInput) keeps(p *Policy) bool {
	switch {
	case in.OnlyAttached && p.AttachmentCount == 0:
		return false
	case in.PolicyUsageFilter == UsagePermissionsPolicy && p.AttachmentCount == 0:
		return false
	case in.PolicyUsageFilter == UsagePermissionsBoundary && p.PermissionsBoundaryUsageCount == 0:
		return false
	}
	return true
}

// mergePolicyPages merges two runs sorted the same way into at most n
// items; on equal names the account's own (locals) come first.
func mergePolicyPages(locals, builtins []policyItem, n int, descending bool) []policyItem {
	out := make([]policyItem, 0, min(n, len(locals)+len(builtins)))
	for len(out) < n && (len(locals) > 0 || len(builtins) > 0) {
		takeLocal := len(builtins) == 0
		if len(locals) > 0 && len(builtins) > 0 {
			l, b := locals[0].key, builtins[0].key
			takeLocal = l == b || (l < b) != descending
		}
		if takeLocal {
			out, locals = append(out, locals[0]), locals[1:]
		} else {
			out, builtins = append(out, builtins[0]), builtins[1:]
		}
	}
	return out
}

// DeletePolicy deletes a customer managed policy with its default version
// and tags. DeleteConflict while it is attached to a user, group or role,
// used as a permissions boundary, or has other versions, as AWS.
func (s *Service) DeletePolicy(ctx context.Context, caller *Principal, arn string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if isAWSPolicyARN(arn) {
		return s.builtinReadOnly(ctx, caller, m, OpDelete.Action(PolicyType), arn)
	}
	p, err := s.authorizedPolicy(ctx, caller, acct, arn, m, OpDelete.Action(PolicyType), nil)
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityPolicy, p.PolicyID, arn); err != nil {
			return err
		}
		n, err := tx.CountPolicyAttachments(ctx, acct, arn)
		if err != nil {
			return err
		}
		b, err := tx.CountPermissionsBoundaryUses(ctx, acct, arn)
		if err != nil {
			return err
		}
		if n+b > 0 {
			return newErr(Conflict, "Cannot delete a policy attached to entities.")
		}
		v, err := tx.CountPolicyVersions(ctx, acct, p.PolicyID)
		if err != nil {
			return err
		}
		if v > 1 {
			return newErr(Conflict, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		if err := tx.DeleteTagsOf(ctx, acct, models.EntityPolicy, p.PolicyID); err != nil {
			return err
		}
		if err := tx.DeletePolicy(ctx, acct, p.PolicyID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeletePolicy", resource: arn,
			params: map[string]any{"policyArn": arn}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchPolicy(arn)
	}
	return asInternal(err, "delete policy")
}

// CreatePolicyVersion adds a version to a customer managed policy, making it
// the default when asked. LimitExceeded when the policy has 5 versions.
func (s *Service) CreatePolicyVersion(ctx context.Context, caller *Principal, in CreatePolicyVersionInput, m Meta) (*PolicyVersion, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if isAWSPolicyARN(in.PolicyArn) {
		return nil, s.builtinReadOnly(ctx, caller, m, OpCreatePolicyVersion.Action(PolicyType), in.PolicyArn)
	}
	p, err := s.authorizedPolicy(ctx, caller, acct, in.PolicyArn, m, OpCreatePolicyVersion.Action(PolicyType), nil)
	if err != nil {
		return nil, err
	}
	warnings, err := checkDocument("PolicyDocument", in.PolicyDocument, policy.Identity, true, policy.LimitManaged, "")
	if err != nil {
		return nil, err
	}
	var v *models.PolicyVersion
	var ch Change // a version that is not the default changes nothing in force
	if in.SetAsDefault {
		ch = Change{Kind: ChangeNewVersion, PolicyARN: in.PolicyArn, Document: in.PolicyDocument}
	}
	err = s.guardedTx(ctx, caller, ch, m, func(tx *models.Store) error {
		// Create first, then count: creating a version locks the policy row
		// (and on SQLite, a transaction that writes first waits for the
		// lock instead of failing), so of two racing creates the later one
		// sees the earlier's version here and rolls back.
		var err error
		if v, err = tx.CreatePolicyVersion(ctx, acct, p.PolicyID, in.PolicyDocument, in.SetAsDefault, s.now()); err != nil {
			return err
		}
		n, err := tx.CountPolicyVersions(ctx, acct, p.PolicyID)
		if err != nil {
			return err
		}
		if n > MaxPolicyVersions {
			return newErr(LimitExceeded, "A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", MaxPolicyVersions)
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreatePolicyVersion", resource: in.PolicyArn,
			params: map[string]any{"policyArn": in.PolicyArn, "policyDocument": in.PolicyDocument, "setAsDefault": in.SetAsDefault}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchPolicy(in.PolicyArn)
	}
	if err != nil {
		return nil, asInternal(err, "create policy version")
	}
	return &PolicyVersion{Document: v.Document, VersionId: v.VersionID, IsDefaultVersion: v.IsDefault,
		CreateDate: v.CreatedAt.UTC(), Warnings: warnings}, nil
}

// GetPolicyVersion returns one version of a managed policy with its
// document (AWS managed policies show only their default version).
func (s *Service) GetPolicyVersion(ctx context.Context, caller *Principal, arn, versionID string, m Meta) (*PolicyVersion, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if b := Builtin(arn); b != nil {
		if err := s.authorizeMeta(ctx, caller, m, "iam:GetPolicyVersion", arn); err != nil {
			return nil, err
		}
		if versionID != b.VersionID() {
			return nil, noSuchPolicyVersion(arn, versionID)
		}
		return &PolicyVersion{Document: b.Document(), VersionId: b.VersionID(), IsDefaultVersion: true, CreateDate: b.Updated}, nil
	}
	p, err := s.authorizedPolicy(ctx, caller, acct, arn, m, "iam:GetPolicyVersion", nil)
	if err != nil {
		return nil, err
	}
	if !versionIDRE.MatchString(versionID) {
		return nil, invalidField("VersionId", "Version %s is not valid: write v followed by its number, such as v2.", versionID)
	}
	v, err := s.store.PolicyVersion(ctx, acct, p.PolicyID, versionID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchPolicyVersion(arn, versionID)
	}
	if err != nil {
		return nil, internal(err, "policy version")
	}
	return &PolicyVersion{Document: v.Document, VersionId: v.VersionID, IsDefaultVersion: v.IsDefault, CreateDate: v.CreatedAt.UTC()}, nil
}

// ListPolicyVersions lists a managed policy's versions, newest first,
// without their documents (as AWS).
func (s *Service) ListPolicyVersions(ctx context.Context, caller *Principal, arn string, in Page, m Meta) ([]PolicyVersion, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	f, ferr := listFilter("", in.Marker, in.MaxItems, "")
	var out []PolicyVersion
	if b := Builtin(arn); b != nil {
		if err := s.authorizeMeta(ctx, caller, m, "iam:ListPolicyVersions", arn); err != nil {
			return nil, "", err
		}
		out = []PolicyVersion{{VersionId: b.VersionID(), IsDefaultVersion: true, CreateDate: b.Updated}}
	} else {
		p, err := s.authorizedPolicy(ctx, caller, acct, arn, m, "iam:ListPolicyVersions", nil)
		if err != nil {
			return nil, "", err
		}
		vs, err := s.store.ListPolicyVersions(ctx, acct, p.PolicyID)
		if err != nil {
			return nil, "", internal(err, "policy versions")
		}
		for _, v := range vs {
			out = append(out, PolicyVersion{VersionId: v.VersionID, IsDefaultVersion: v.IsDefault, CreateDate: v.CreatedAt.UTC()})
		}
	}
	if ferr != nil {
		return nil, "", ferr
	}
	// Newest first: the marker is the position, as versions are few.
	start := 0
	if f.After != "" {
		for i, v := range out {
			if v.VersionId == f.After {
				start = i + 1
			}
		}
	}
	out = out[start:]
	if len(out) > f.Limit {
		return out[:f.Limit], out[f.Limit-1].VersionId, nil
	}
	return out, "", nil
}

// SetDefaultPolicyVersion makes a version the policy's default (the one that
// is in force).
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, caller *Principal, arn, versionID string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if isAWSPolicyARN(arn) {
		return s.builtinReadOnly(ctx, caller, m, OpSetDefaultPolicyVersion.Action(PolicyType), arn)
	}
	p, err := s.authorizedPolicy(ctx, caller, acct, arn, m, OpSetDefaultPolicyVersion.Action(PolicyType), nil)
	if err != nil {
		return err
	}
	if !versionIDRE.MatchString(versionID) {
		return invalidField("VersionId", "Version %s is not valid: write v followed by its number, such as v2.", versionID)
	}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangeDefaultVersion, PolicyARN: arn, VersionID: versionID}, m, func(tx *models.Store) error {
		if err := tx.SetDefaultPolicyVersion(ctx, acct, p.PolicyID, versionID, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "SetDefaultPolicyVersion", resource: arn,
			params: map[string]any{"policyArn": arn, "versionId": versionID}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchPolicyVersion(arn, versionID)
	}
	return asInternal(err, "set default policy version")
}

// DeletePolicyVersion deletes a version that is not the default
// (DeleteConflict for the default: delete the policy instead).
func (s *Service) DeletePolicyVersion(ctx context.Context, caller *Principal, arn, versionID string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if isAWSPolicyARN(arn) {
		return s.builtinReadOnly(ctx, caller, m, OpDeletePolicyVersion.Action(PolicyType), arn)
	}
	p, err := s.authorizedPolicy(ctx, caller, acct, arn, m, OpDeletePolicyVersion.Action(PolicyType), nil)
	if err != nil {
		return err
	}
	if !versionIDRE.MatchString(versionID) {
		return invalidField("VersionId", "Version %s is not valid: write v followed by its number, such as v2.", versionID)
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		v, err := tx.PolicyVersion(ctx, acct, p.PolicyID, versionID)
		if err != nil {
			return err
		}
		if v.IsDefault {
			return newErr(Conflict, "Cannot delete the default version of a policy.")
		}
		if err := tx.DeletePolicyVersion(ctx, acct, p.PolicyID, versionID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeletePolicyVersion", resource: arn,
			params: map[string]any{"policyArn": arn, "versionId": versionID}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchPolicyVersion(arn, versionID)
	}
	return asInternal(err, "delete policy version")
}

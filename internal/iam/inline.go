package iam

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// InlinePolicy is an inline policy with the user, group or role it is
// embedded in (AWS's Get{User,Group,Role}Policy result: EntityName is the
// UserName, GroupName or RoleName).
type InlinePolicy struct {
	EntityName     string
	PolicyName     string
	PolicyDocument string
}

// inlineLimit is AWS's aggregate quota of inline policy characters for one
// entity of type t.
func inlineLimit(t models.EntityType) int {
	switch t {
	case models.EntityGroup:
		return policy.LimitGroupInline
	case models.EntityRole:
		return policy.LimitRoleInline
	}
	return policy.LimitUserInline
}

func noSuchInline(t models.EntityType, name string) *Error {
	return newErr(NotFound, "The %s policy with name %s cannot be found.", entityWord(t), name)
}

// PutInlinePolicy creates or replaces an inline policy of a user, group or
// role. It returns the document's lint warnings. LimitExceeded when the
// entity's inline policies would together pass AWS's quota (2,048
// characters for a user, 5,120 for a group, 10,240 for a role; whitespace
// not counted).
func (s *Service) PutInlinePolicy(ctx context.Context, caller *Principal, of Entity, policyName, document string, m Meta) ([]policy.Diagnostic, error) {
	if err := OpPutInlinePolicy.supports(of); err != nil {
		return nil, err
	}
	return s.putInline(ctx, caller, of, policyName, document, m)
}

func (s *Service) putInline(ctx context.Context, caller *Principal, of Entity, policyName, document string, m Meta) ([]policy.Diagnostic, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	t, op := of.model(), OpPutInlinePolicy.name(of.Type)
	e, err := s.authorizedEntity(ctx, caller, acct, t, of.Name, m, "iam:"+op, nil)
	if err != nil {
		return nil, err
	}
	if err := validName("policy", "PolicyName", policyName); err != nil {
		return nil, err
	}
	limit := inlineLimit(t)
	quota := "Maximum policy size of " + strconv.Itoa(limit) + " bytes exceeded for " + entityWord(t) + " " + e.name
	warnings, err := checkDocument("PolicyDocument", document, policy.Identity, false, limit, quota)
	if err != nil {
		return nil, err
	}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangePutInline, Entity: of, Name: policyName, Document: document}, m, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, t, e.id, e.name); err != nil {
			return err
		}
		total, err := tx.InlinePolicySize(ctx, acct, t, e.id)
		if err != nil {
			return err
		}
		if old, err := tx.InlinePolicy(ctx, acct, t, e.id, policyName); err == nil {
			total -= int64(old.Size)
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
		if total+int64(models.DocumentSize(document)) > int64(limit) {
			return newErr(LimitExceeded, "%s", quota)
		}
		now := s.now()
		if err := tx.PutInlinePolicy(ctx, acct, &models.InlinePolicy{EntityType: t, EntityID: e.id, Name: policyName,
			Document: document, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: op, resource: e.arn,
			params: map[string]any{string(t) + "Name": e.name, "policyName": policyName, "policyDocument": document}}, nil)
	})
	if err != nil {
		return nil, asInternal(err, strings.ToLower(op))
	}
	return warnings, nil
}

// GetInlinePolicy returns one of a user's, group's or role's inline
// policies.
func (s *Service) GetInlinePolicy(ctx context.Context, caller *Principal, of Entity, policyName string, m Meta) (*InlinePolicy, error) {
	if err := OpGetInlinePolicy.supports(of); err != nil {
		return nil, err
	}
	return s.getInline(ctx, caller, of, policyName, m)
}

func (s *Service) getInline(ctx context.Context, caller *Principal, of Entity, policyName string, m Meta) (*InlinePolicy, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	t, op := of.model(), OpGetInlinePolicy.name(of.Type)
	e, err := s.authorizedEntity(ctx, caller, acct, t, of.Name, m, "iam:"+op, nil)
	if err != nil {
		return nil, err
	}
	p, err := s.store.InlinePolicy(ctx, acct, t, e.id, policyName)
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchInline(t, policyName)
	}
	if err != nil {
		return nil, internal(err, "inline policy")
	}
	return &InlinePolicy{EntityName: e.name, PolicyName: p.Name, PolicyDocument: p.Document}, nil
}

// ListInlinePolicies lists one page of the names of a user's, group's or
// role's inline policies.
func (s *Service) ListInlinePolicies(ctx context.Context, caller *Principal, of Entity, in Page, m Meta) ([]string, string, error) {
	if err := OpListInlinePolicies.supports(of); err != nil {
		return nil, "", err
	}
	return s.listInline(ctx, caller, of, in, m)
}

func (s *Service) listInline(ctx context.Context, caller *Principal, of Entity, in Page, m Meta) ([]string, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	t, op := of.model(), OpListInlinePolicies.name(of.Type)
	e, err := s.authorizedEntity(ctx, caller, acct, t, of.Name, m, "iam:"+op, nil)
	if err != nil {
		return nil, "", err
	}
	f, err := listFilter("", in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, "", err
	}
	names, err := s.store.InlinePolicyNames(ctx, acct, t, e.id)
	if err != nil {
		return nil, "", internal(err, "inline policy names")
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	f.After = strings.ToLower(f.After)
	return pageOf(names, strings.ToLower, f)
}

// DeleteInlinePolicy deletes one of a user's, group's or role's inline
// policies.
func (s *Service) DeleteInlinePolicy(ctx context.Context, caller *Principal, of Entity, policyName string, m Meta) error {
	if err := OpDeleteInlinePolicy.supports(of); err != nil {
		return err
	}
	return s.deleteInline(ctx, caller, of, policyName, m)
}

func (s *Service) deleteInline(ctx context.Context, caller *Principal, of Entity, policyName string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	t, op := of.model(), OpDeleteInlinePolicy.name(of.Type)
	e, err := s.authorizedEntity(ctx, caller, acct, t, of.Name, m, "iam:"+op, nil)
	if err != nil {
		return err
	}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangeDeleteInline, Entity: of, Name: policyName}, m, func(tx *models.Store) error {
		if err := tx.DeleteInlinePolicy(ctx, acct, t, e.id, policyName); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: op, resource: e.arn,
			params: map[string]any{string(t) + "Name": e.name, "policyName": policyName}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchInline(t, policyName)
	}
	return asInternal(err, strings.ToLower(op))
}

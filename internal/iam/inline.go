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

// PutInlinePolicyInput is Put{User,Group,Role}Policy's input: Name is the
// user, group or role.
type PutInlinePolicyInput struct {
	Name           string
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

// inlineOps are the AWS action names for t's inline policies.
func inlineOps(t models.EntityType) (put, get, list, del string) {
	w := map[models.EntityType]string{models.EntityUser: "User", models.EntityGroup: "Group", models.EntityRole: "Role"}[t]
	return "Put" + w + "Policy", "Get" + w + "Policy", "List" + w + "Policies", "Delete" + w + "Policy"
}

func noSuchInline(t models.EntityType, name string) *Error {
	return newErr(NotFound, "The %s policy with name %s cannot be found.", entityWord(t), name)
}

// PutUserPolicy creates or replaces an inline policy of a user. It returns
// the document's lint warnings. LimitExceeded when the user's inline
// policies would together pass 2,048 characters (whitespace not counted).
func (s *Service) PutUserPolicy(ctx context.Context, caller *Principal, in PutInlinePolicyInput, m Meta) ([]policy.Diagnostic, error) {
	return s.putInline(ctx, caller, models.EntityUser, in, m)
}

// PutGroupPolicy creates or replaces an inline policy of a group (5,120
// characters for all of them).
func (s *Service) PutGroupPolicy(ctx context.Context, caller *Principal, in PutInlinePolicyInput, m Meta) ([]policy.Diagnostic, error) {
	return s.putInline(ctx, caller, models.EntityGroup, in, m)
}

// PutRolePolicy creates or replaces an inline policy of a role (10,240
// characters for all of them).
func (s *Service) PutRolePolicy(ctx context.Context, caller *Principal, in PutInlinePolicyInput, m Meta) ([]policy.Diagnostic, error) {
	return s.putInline(ctx, caller, models.EntityRole, in, m)
}

func (s *Service) putInline(ctx context.Context, caller *Principal, t models.EntityType, in PutInlinePolicyInput, m Meta) ([]policy.Diagnostic, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	op, _, _, _ := inlineOps(t)
	e, err := s.authorizedEntity(ctx, caller, acct, t, in.Name, m, "iam:"+op, nil)
	if err != nil {
		return nil, err
	}
	if err := validName("policy", "PolicyName", in.PolicyName); err != nil {
		return nil, err
	}
	limit := inlineLimit(t)
	quota := "Maximum policy size of " + strconv.Itoa(limit) + " bytes exceeded for " + entityWord(t) + " " + e.name
	warnings, err := checkDocument("PolicyDocument", in.PolicyDocument, policy.Identity, limit, quota)
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, t, e.id, e.name); err != nil {
			return err
		}
		total, err := tx.InlinePolicySize(ctx, acct, t, e.id)
		if err != nil {
			return err
		}
		if old, err := tx.InlinePolicy(ctx, acct, t, e.id, in.PolicyName); err == nil {
			total -= int64(old.Size)
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
		if total+int64(models.DocumentSize(in.PolicyDocument)) > int64(limit) {
			return newErr(LimitExceeded, "%s", quota)
		}
		now := s.now()
		if err := tx.PutInlinePolicy(ctx, acct, &models.InlinePolicy{EntityType: t, EntityID: e.id, Name: in.PolicyName,
			Document: in.PolicyDocument, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: op, resource: e.arn,
			params: map[string]any{string(t) + "Name": e.name, "policyName": in.PolicyName, "policyDocument": in.PolicyDocument}}, nil)
	})
	if err != nil {
		return nil, asInternal(err, strings.ToLower(op))
	}
	return warnings, nil
}

// GetUserPolicy returns one of a user's inline policies.
func (s *Service) GetUserPolicy(ctx context.Context, caller *Principal, userName, policyName string, m Meta) (*InlinePolicy, error) {
	return s.getInline(ctx, caller, models.EntityUser, userName, policyName, m)
}

// GetGroupPolicy returns one of a group's inline policies.
func (s *Service) GetGroupPolicy(ctx context.Context, caller *Principal, groupName, policyName string, m Meta) (*InlinePolicy, error) {
	return s.getInline(ctx, caller, models.EntityGroup, groupName, policyName, m)
}

// GetRolePolicy returns one of a role's inline policies.
func (s *Service) GetRolePolicy(ctx context.Context, caller *Principal, roleName, policyName string, m Meta) (*InlinePolicy, error) {
	return s.getInline(ctx, caller, models.EntityRole, roleName, policyName, m)
}

func (s *Service) getInline(ctx context.Context, caller *Principal, t models.EntityType, name, policyName string, m Meta) (*InlinePolicy, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	_, op, _, _ := inlineOps(t)
	e, err := s.authorizedEntity(ctx, caller, acct, t, name, m, "iam:"+op, nil)
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

// ListUserPolicies lists one page of the names of a user's inline policies.
func (s *Service) ListUserPolicies(ctx context.Context, caller *Principal, in EntityPageInput, m Meta) ([]string, string, error) {
	return s.listInline(ctx, caller, models.EntityUser, in, m)
}

// ListGroupPolicies lists one page of the names of a group's inline
// policies.
func (s *Service) ListGroupPolicies(ctx context.Context, caller *Principal, in EntityPageInput, m Meta) ([]string, string, error) {
	return s.listInline(ctx, caller, models.EntityGroup, in, m)
}

// ListRolePolicies lists one page of the names of a role's inline policies.
func (s *Service) ListRolePolicies(ctx context.Context, caller *Principal, in EntityPageInput, m Meta) ([]string, string, error) {
	return s.listInline(ctx, caller, models.EntityRole, in, m)
}

func (s *Service) listInline(ctx context.Context, caller *Principal, t models.EntityType, in EntityPageInput, m Meta) ([]string, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	_, _, op, _ := inlineOps(t)
	e, err := s.authorizedEntity(ctx, caller, acct, t, in.Name, m, "iam:"+op, nil)
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

// DeleteUserPolicy deletes one of a user's inline policies.
func (s *Service) DeleteUserPolicy(ctx context.Context, caller *Principal, userName, policyName string, m Meta) error {
	return s.deleteInline(ctx, caller, models.EntityUser, userName, policyName, m)
}

// DeleteGroupPolicy deletes one of a group's inline policies.
func (s *Service) DeleteGroupPolicy(ctx context.Context, caller *Principal, groupName, policyName string, m Meta) error {
	return s.deleteInline(ctx, caller, models.EntityGroup, groupName, policyName, m)
}

// DeleteRolePolicy deletes one of a role's inline policies.
func (s *Service) DeleteRolePolicy(ctx context.Context, caller *Principal, roleName, policyName string, m Meta) error {
	return s.deleteInline(ctx, caller, models.EntityRole, roleName, policyName, m)
}

func (s *Service) deleteInline(ctx context.Context, caller *Principal, t models.EntityType, name, policyName string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	_, _, _, op := inlineOps(t)
	e, err := s.authorizedEntity(ctx, caller, acct, t, name, m, "iam:"+op, nil)
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
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

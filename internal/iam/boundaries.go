package iam

import (
	"context"
	"errors"

	"github.com/iamconsole/console/internal/models"
)

// PutPermissionsBoundary sets a user's or role's permissions boundary to a
// managed policy (built-in or the account's), replacing any. The caller
// needs iam:Put{User,Role}PermissionsBoundary with iam:PermissionsBoundary
// naming the policy, so a boundary can be required by policy.
func (s *Service) PutPermissionsBoundary(ctx context.Context, caller *Principal, of Entity, boundaryArn string, m Meta) error {
	if err := OpPutPermissionsBoundary.supports(of); err != nil {
		return err
	}
	if boundaryArn == "" {
		return invalidField("PermissionsBoundary", "PermissionsBoundary is required.")
	}
	return s.setBoundary(ctx, caller, of, boundaryArn, m)
}

// DeletePermissionsBoundary removes a user's or role's permissions boundary
// (none set is not an error).
func (s *Service) DeletePermissionsBoundary(ctx context.Context, caller *Principal, of Entity, m Meta) error {
	if err := OpDeletePermissionsBoundary.supports(of); err != nil {
		return err
	}
	return s.setBoundary(ctx, caller, of, "", m)
}

// setBoundary sets (arn != "") or removes (arn == "") the boundary of a user
// or role.
func (s *Service) setBoundary(ctx context.Context, caller *Principal, of Entity, arn string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	t, name, op := of.model(), of.Name, OpDeletePermissionsBoundary.name(of.Type)
	var keys map[string][]string
	if arn != "" {
		op = OpPutPermissionsBoundary.name(of.Type)
		keys = map[string][]string{"iam:PermissionsBoundary": {arn}}
	}
	e, err := s.authorizedEntity(ctx, caller, acct, t, name, m, "iam:"+op, keys)
	if err != nil {
		return err
	}
	if err := s.boundaryPolicy(ctx, acct, arn); err != nil {
		return err
	}
	change := Change{Kind: ChangeDeleteBoundary, Entity: of}
	params := map[string]any{string(t) + "Name": e.name}
	if arn != "" {
		change = Change{Kind: ChangeBoundary, Entity: of, PolicyARN: arn}
		params["permissionsBoundary"] = arn
	}
	err = s.guardedTx(ctx, caller, change, m, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, t, e.id, e.name); err != nil {
			return err
		}
		if err := lockAttachable(ctx, tx, acct, arn); err != nil {
			return err
		}
		var err error
		if t == models.EntityUser {
			err = tx.SetUserPermissionsBoundary(ctx, acct, e.id, arn)
		} else {
			err = tx.SetRolePermissionsBoundary(ctx, acct, e.id, arn)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: op, resource: e.arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchEntity(t, name)
	}
	return asInternal(err, "permissions boundary")
}

// boundaryPolicy checks that a permissions boundary ARN ("" for none) names
// a managed policy that exists.
func (s *Service) boundaryPolicy(ctx context.Context, acct, arn string) error {
	if arn == "" {
		return nil
	}
	if _, err := s.attachablePolicy(ctx, s.store, acct, arn); err != nil {
		if KindOf(err) == Invalid {
			return invalidField("PermissionsBoundary", "ARN %s is not valid.", arn)
		}
		return err
	}
	return nil
}

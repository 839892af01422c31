package iam

import (
	"context"
	"errors"

	"github.com/iamconsole/console/internal/models"
)

// PutUserPermissionsBoundary sets a user's permissions boundary to a managed
// policy (built-in or the account's), replacing any. The caller needs
// iam:PutUserPermissionsBoundary with iam:PermissionsBoundary naming the
// policy, so a boundary can be required by policy.
func (s *Service) PutUserPermissionsBoundary(ctx context.Context, caller *Principal, userName, boundaryArn string, m Meta) error {
	return s.setBoundary(ctx, caller, models.EntityUser, userName, boundaryArn, m)
}

// DeleteUserPermissionsBoundary removes a user's permissions boundary (none
// set is not an error).
func (s *Service) DeleteUserPermissionsBoundary(ctx context.Context, caller *Principal, userName string, m Meta) error {
	return s.setBoundary(ctx, caller, models.EntityUser, userName, "", m)
}

// PutRolePermissionsBoundary sets a role's permissions boundary.
func (s *Service) PutRolePermissionsBoundary(ctx context.Context, caller *Principal, roleName, boundaryArn string, m Meta) error {
	return s.setBoundary(ctx, caller, models.EntityRole, roleName, boundaryArn, m)
}

// DeleteRolePermissionsBoundary removes a role's permissions boundary.
func (s *Service) DeleteRolePermissionsBoundary(ctx context.Context, caller *Principal, roleName string, m Meta) error {
	return s.setBoundary(ctx, caller, models.EntityRole, roleName, "", m)
}

// setBoundary sets (arn != "") or removes (arn == "") the boundary of a user
// or role.
func (s *Service) setBoundary(ctx context.Context, caller *Principal, t models.EntityType, name, arn string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	w := map[models.EntityType]string{models.EntityUser: "User", models.EntityRole: "Role"}[t]
	op := "Delete" + w + "PermissionsBoundary"
	var keys map[string][]string
	if arn != "" {
		op = "Put" + w + "PermissionsBoundary"
		keys = map[string][]string{"iam:PermissionsBoundary": {arn}}
	}
	e, err := s.authorizedEntity(ctx, caller, acct, t, name, m, "iam:"+op, keys)
	if err != nil {
		return err
	}
	if err := s.boundaryPolicy(ctx, acct, arn); err != nil {
		return err
	}
	params := map[string]any{string(t) + "Name": e.name}
	if arn != "" {
		params["permissionsBoundary"] = arn
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
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

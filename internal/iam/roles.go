package iam

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// Role is AWS's Role. Lists leave Tags and RoleLastUsed out, as AWS's do.
type Role struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               time.Time
	AssumeRolePolicyDocument string
	Description              string
	MaxSessionDuration       int
	PermissionsBoundary      *AttachedPermissionsBoundary
	Tags                     []Tag
	RoleLastUsed             *RoleLastUsed
	// Warnings are the trust policy's lint warnings (not AWS's: for the
	// console), set by the calls that take a trust policy.
	Warnings []policy.Diagnostic
}

// RoleLastUsed is AWS's RoleLastUsed: when and where the role was last
// assumed.
type RoleLastUsed struct {
	LastUsedDate *time.Time
	Region       string
}

// CreateRoleInput is CreateRole's input. MaxSessionDuration is in seconds,
// 3600 when zero; PermissionsBoundary is a managed policy's ARN or empty.
type CreateRoleInput struct {
	RoleName                 string
	Path                     string
	AssumeRolePolicyDocument string
	Description              string
	MaxSessionDuration       int
	PermissionsBoundary      string
	Tags                     []Tag
}

// UpdateRoleInput is UpdateRole's input: nil Description and zero
// MaxSessionDuration keep the current values.
type UpdateRoleInput struct {
	RoleName           string
	Description        *string
	MaxSessionDuration int
}

// Role quotas and bounds, as AWS's.
const (
	MaxRolesPerAccount        = 1000
	DefaultMaxSessionDuration = 3600
	MinMaxSessionDuration     = 3600
	MaxMaxSessionDuration     = 43200
	MaxRoleDescription        = 1000
)

// roleDescriptionRE is AWS's pattern for a role description.
var roleDescriptionRE = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{00A1}-\x{00FF}]*$`)

func noSuchRole(name string) *Error {
	return newErr(NotFound, "The role with name %s cannot be found.", name)
}

func roleOut(acct string, r *models.Role) Role {
	out := Role{Path: r.Path, RoleName: r.Name, RoleId: r.RoleID, Arn: roleARN(acct, r.Path, r.Name),
		CreateDate: r.CreatedAt.UTC(), AssumeRolePolicyDocument: r.AssumeRolePolicyDocument,
		Description: r.Description, MaxSessionDuration: r.MaxSessionDuration}
	if out.MaxSessionDuration == 0 {
		out.MaxSessionDuration = DefaultMaxSessionDuration
	}
	if r.PermissionsBoundaryARN != "" {
		out.PermissionsBoundary = &AttachedPermissionsBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy",
			PermissionsBoundaryArn: r.PermissionsBoundaryARN}
	}
	return out
}

func checkRoleDescription(d string) error {
	if utf8.RuneCountInString(d) > MaxRoleDescription {
		return invalidField("Description", "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to %d", MaxRoleDescription)
	}
	if !roleDescriptionRE.MatchString(d) {
		return invalidField("Description", "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*")
	}
	return nil
}

func checkMaxSessionDuration(n int) error {
	switch {
	case n < MinMaxSessionDuration:
		return invalidField("MaxSessionDuration", "1 validation error detected: Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to %d", n, MinMaxSessionDuration)
	case n > MaxMaxSessionDuration:
		return invalidField("MaxSessionDuration", "1 validation error detected: Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to %d", n, MaxMaxSessionDuration)
	}
	return nil
}

// checkTrustPolicy validates a role's trust policy (a Principal required, no
// Resource), within AWS's default 2,048-character quota.
func checkTrustPolicy(doc string) ([]policy.Diagnostic, error) {
	return checkDocument("AssumeRolePolicyDocument", doc, policy.Trust, false, policy.LimitTrust,
		fmt.Sprintf("Cannot exceed quota for ACLSizePerRole: %d", policy.LimitTrust))
}

// checkTrustPrincipals refuses, as IAM does, a trust policy that names a
// user or role of this account that does not exist (IAM keeps principals
// by unique ID and has none for it): "Invalid principal in policy". The
// principals of other accounts cannot be looked up here and are accepted.
func (s *Service) checkTrustPrincipals(ctx context.Context, acct, doc string) error {
	d, err := policy.Parse([]byte(doc), policy.Trust)
	if err != nil {
		return nil // checkTrustPolicy has answered for it
	}
	prefix := "arn:aws:iam::" + acct + ":"
	for _, st := range d.Statements {
		for _, p := range st.Principal {
			rest, ok := strings.CutPrefix(p.Value, prefix)
			if p.Type != "AWS" || !ok {
				continue
			}
			typ, pathName, ok := strings.Cut(rest, "/")
			if !ok || typ != "user" && typ != "role" {
				continue
			}
			path, name := "/", pathName
			if i := strings.LastIndexByte(pathName, '/'); i >= 0 {
				path, name = "/"+pathName[:i+1], pathName[i+1:]
			}
			var found string
			var lerr error
			if typ == "user" {
				var u *models.User
				if u, lerr = s.store.User(ctx, acct, name); lerr == nil {
					found = u.Path
				}
			} else {
				var r *models.Role
				if r, lerr = s.store.Role(ctx, acct, name); lerr == nil {
					found = r.Path
				}
			}
			if lerr != nil && !errors.Is(lerr, models.ErrNotFound) {
				return asInternal(lerr, "look up trust principal")
			}
			if lerr != nil || found != path {
				e := newErr(Malformed, "AssumeRolePolicyDocument, line %d, column %d: the %s %s does not exist in this account", p.Pos.Line, p.Pos.Column, typ, p.Value)
				e.APIMessage = `Invalid principal in policy: "AWS":"` + p.Value + `"`
				e.Field = "AssumeRolePolicyDocument"
				return e
			}
		}
	}
	return nil
}

// authorizedRole finds a role and authorizes action on its ARN.
func (s *Service) authorizedRole(ctx context.Context, caller *Principal, acct, name string, m Meta, action string, keys map[string][]string) (*models.Role, string, error) {
	e, err := s.authorizedEntity(ctx, caller, acct, models.EntityRole, name, m, action, keys)
	if err != nil {
		return nil, "", err
	}
	r, err := s.store.RoleByID(ctx, acct, e.id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, "", noSuchRole(name)
	}
	if err != nil {
		return nil, "", internal(err, "role")
	}
	return r, e.arn, nil
}

// CreateRole creates a role with its trust policy, tags and permissions
// boundary. AlreadyExists when the name is taken in any case; tags need
// iam:TagRole too, as in AWS.
func (s *Service) CreateRole(ctx context.Context, caller *Principal, in CreateRoleInput, m Meta) (*Role, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	path, perr := normalizePath("Path", in.Path)
	if perr != nil {
		path = in.Path
	}
	arn := roleARN(acct, path, in.RoleName)
	if err := s.authorizeCreate(ctx, caller, m, RoleType, arn, in.Tags, in.PermissionsBoundary); err != nil {
		return nil, err
	}
	if err := joinInvalid(validName("role", "RoleName", in.RoleName), perr, validateTags(in.Tags)); err != nil {
		return nil, err
	}
	if isServiceLinkedPath(path) {
		return nil, errReservedPath
	}
	if err := checkRoleDescription(in.Description); err != nil {
		return nil, err
	}
	if in.MaxSessionDuration == 0 {
		in.MaxSessionDuration = DefaultMaxSessionDuration
	}
	if err := checkMaxSessionDuration(in.MaxSessionDuration); err != nil {
		return nil, err
	}
	warnings, err := checkTrustPolicy(in.AssumeRolePolicyDocument)
	if err != nil {
		return nil, err
	}
	if err := s.checkTrustPrincipals(ctx, acct, in.AssumeRolePolicyDocument); err != nil {
		return nil, err
	}
	if err := s.boundaryPolicy(ctx, acct, in.PermissionsBoundary); err != nil {
		return nil, err
	}
	r := &models.Role{RoleID: newID(PrefixRole, 17), Name: in.RoleName, Path: path,
		AssumeRolePolicyDocument: in.AssumeRolePolicyDocument, Description: in.Description,
		MaxSessionDuration: in.MaxSessionDuration, PermissionsBoundaryARN: in.PermissionsBoundary, CreatedAt: s.now()}
	params := map[string]any{"roleName": in.RoleName, "path": path, "assumeRolePolicyDocument": in.AssumeRolePolicyDocument,
		"maxSessionDuration": in.MaxSessionDuration}
	if in.Description != "" {
		params["description"] = in.Description
	}
	if in.PermissionsBoundary != "" {
		params["permissionsBoundary"] = in.PermissionsBoundary
	}
	if len(in.Tags) > 0 {
		params["tags"] = in.Tags
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.LockAccount(ctx, acct); err != nil {
			return err
		}
		if err := lockAttachable(ctx, tx, acct, in.PermissionsBoundary); err != nil {
			return err
		}
		n, err := tx.CountRoles(ctx, acct)
		if err != nil {
			return err
		}
		if n >= MaxRolesPerAccount {
			return newErr(LimitExceeded, "Cannot exceed quota for RolesPerAccount: %d", MaxRolesPerAccount)
		}
		if err := tx.CreateRole(ctx, acct, r); err != nil {
			return err
		}
		if err := tx.SetTags(ctx, acct, models.EntityRole, r.RoleID, storeTags(in.Tags)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateRole", resource: arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, newErr(AlreadyExists, "Role with name %s already exists.", in.RoleName)
	}
	if err != nil {
		return nil, asInternal(err, "create role")
	}
	out := roleOut(acct, r)
	out.Tags = in.Tags
	out.Warnings = warnings
	return &out, nil
}

// GetRole returns a role with its trust policy, tags and last use.
func (s *Service) GetRole(ctx context.Context, caller *Principal, name string, m Meta) (*Role, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	r, _, err := s.authorizedRole(ctx, caller, acct, name, m, "iam:GetRole", nil)
	if err != nil {
		return nil, err
	}
	tags, err := s.store.ListTags(ctx, acct, models.EntityRole, r.RoleID)
	if err != nil {
		return nil, internal(err, "tags")
	}
	out := roleOut(acct, r)
	for _, t := range tags {
		out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	out.RoleLastUsed = &RoleLastUsed{}
	if r.LastUsedAt != nil {
		at := r.LastUsedAt.UTC()
		out.RoleLastUsed = &RoleLastUsed{LastUsedDate: &at, Region: r.LastUsedRegion}
	}
	return &out, nil
}

// ListRoles returns one page of the account's roles in name order and the
// marker of the next page ("" on the last).
func (s *Service) ListRoles(ctx context.Context, caller *Principal, in ListInput, m Meta) ([]Role, string, error) {
	return listPage(ctx, s, caller, m, RoleType, in, s.store.ListRoles, roleOut)
}

// UpdateRole changes a role's description and maximum session duration.
func (s *Service) UpdateRole(ctx context.Context, caller *Principal, in UpdateRoleInput, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	r, arn, err := s.authorizedRole(ctx, caller, acct, in.RoleName, m, OpUpdate.Action(RoleType), nil)
	if err != nil {
		return err
	}
	params := map[string]any{"roleName": r.Name}
	if in.Description != nil {
		if err := checkRoleDescription(*in.Description); err != nil {
			return err
		}
		params["description"] = *in.Description
	}
	if in.MaxSessionDuration != 0 {
		if err := checkMaxSessionDuration(in.MaxSessionDuration); err != nil {
			return err
		}
		params["maxSessionDuration"] = in.MaxSessionDuration
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if in.Description != nil {
			if err := tx.UpdateRoleDescription(ctx, acct, r.RoleID, *in.Description); err != nil {
				return err
			}
		}
		if in.MaxSessionDuration != 0 {
			if err := tx.UpdateRoleMaxSessionDuration(ctx, acct, r.RoleID, in.MaxSessionDuration); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateRole", resource: arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchRole(in.RoleName)
	}
	return asInternal(err, "update role")
}

// UpdateRoleDescription replaces a role's description and returns the role,
// as AWS's UpdateRoleDescription does.
func (s *Service) UpdateRoleDescription(ctx context.Context, caller *Principal, roleName, description string, m Meta) (*Role, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	r, arn, err := s.authorizedRole(ctx, caller, acct, roleName, m, "iam:UpdateRoleDescription", nil)
	if err != nil {
		return nil, err
	}
	if err := checkRoleDescription(description); err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.UpdateRoleDescription(ctx, acct, r.RoleID, description); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateRoleDescription", resource: arn,
			params: map[string]any{"roleName": r.Name, "description": description}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchRole(roleName)
	}
	if err != nil {
		return nil, asInternal(err, "update role description")
	}
	r.Description = description
	out := roleOut(acct, r)
	return &out, nil
}

// UpdateAssumeRolePolicy replaces a role's trust policy. It returns the new
// policy's lint warnings.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, caller *Principal, roleName, document string, m Meta) ([]policy.Diagnostic, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	r, arn, err := s.authorizedRole(ctx, caller, acct, roleName, m, OpUpdateTrust.Action(RoleType), nil)
	if err != nil {
		return nil, err
	}
	warnings, err := checkTrustPolicy(document)
	if err != nil {
		return nil, err
	}
	if err := s.checkTrustPrincipals(ctx, acct, document); err != nil {
		return nil, err
	}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangeTrust, Entity: RoleNamed(roleName), Document: document}, m, func(tx *models.Store) error {
		if err := tx.UpdateRoleTrustPolicy(ctx, acct, r.RoleID, document); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateAssumeRolePolicy", resource: arn,
			params: map[string]any{"roleName": r.Name, "policyDocument": document}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchRole(roleName)
	}
	if err != nil {
		return nil, asInternal(err, "update assume role policy")
	}
	return warnings, nil
}

// DeleteRole deletes a role that has no policies left and is in no instance
// profile: DeleteConflict, with AWS's message, while managed policies are
// attached, inline policies remain or a profile holds it. Its tags go with it.
func (s *Service) DeleteRole(ctx context.Context, caller *Principal, roleName string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	r, arn, err := s.authorizedRole(ctx, caller, acct, roleName, m, OpDelete.Action(RoleType), nil)
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityRole, r.RoleID, r.Name); err != nil {
			return err
		}
		d, err := tx.RoleDependents(ctx, acct, r.RoleID)
		if err != nil {
			return err
		}
		switch {
		case d.AttachedPolicies > 0:
			return newErr(Conflict, "Cannot delete entity, must detach all policies first.")
		case d.InlinePolicies > 0:
			return newErr(Conflict, "Cannot delete entity, must delete policies first.")
		}
		// AddRoleToInstanceProfile locks the role too: one that commits
		// first is seen here.
		if n, err := tx.CountRoleInstanceProfiles(ctx, acct, r.RoleID); err != nil {
			return err
		} else if n > 0 {
			return errProfileHoldsRole
		}
		if err := tx.DeleteTagsOf(ctx, acct, models.EntityRole, r.RoleID); err != nil {
			return err
		}
		if err := tx.DeleteRole(ctx, acct, r.RoleID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteRole", resource: arn,
			params: map[string]any{"roleName": r.Name}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchRole(roleName)
	}
	return asInternal(err, "delete role")
}

package iam

import (
	"context"
	"errors"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// InstanceProfile is AWS's InstanceProfile: what an EC2 instance is
// launched with to act as the role it holds. Roles has one role at most
// (AWS's quota, which cannot be raised). Lists leave Tags out, as AWS's do.
type InstanceProfile struct {
	Path                string
	InstanceProfileName string
	InstanceProfileId   string
	Arn                 string
	CreateDate          time.Time
	Roles               []Role
	Tags                []Tag
}

// CreateInstanceProfileInput is CreateInstanceProfile's input.
type CreateInstanceProfileInput struct {
	InstanceProfileName string
	Path                string
	Tags                []Tag
}

// Instance profile quotas, as AWS's.
const (
	MaxInstanceProfilesPerAccount = 1000
	// MaxRolesPerInstanceProfile is AWS's InstanceSessionsPerInstanceProfile.
	MaxRolesPerInstanceProfile = 1
)

// errProfileHoldsRole is AWS's DeleteConflict for deleting a profile that
// holds a role, and a role that is in a profile: the same words for both.
var errProfileHoldsRole = newErr(Conflict, "Cannot delete entity, must remove roles from instance profile first.")

func noSuchInstanceProfile(name string) *Error {
	return newErr(NotFound, "Instance Profile %s cannot be found.", name)
}

// authorizedInstanceProfile finds a profile and authorizes action on its
// ARN (at path "/" for one that does not exist, before NotFound is told).
func (s *Service) authorizedInstanceProfile(ctx context.Context, caller *Principal, acct, name string, m Meta, action string) (*models.InstanceProfile, string, error) {
	e, err := s.authorizedEntity(ctx, caller, acct, models.EntityInstanceProfile, name, m, action, nil)
	if err != nil {
		return nil, "", err
	}
	p, err := s.store.InstanceProfile(ctx, acct, e.name)
	if errors.Is(err, models.ErrNotFound) {
		return nil, "", noSuchInstanceProfile(name)
	}
	if err != nil {
		return nil, "", internal(err, "instance profile")
	}
	return p, e.arn, nil
}

// profileOut shapes a profile with its role, read through st.
func (s *Service) profileOut(ctx context.Context, st *models.Store, acct string, p *models.InstanceProfile) (InstanceProfile, error) {
	out := InstanceProfile{Path: p.Path, InstanceProfileName: p.Name, InstanceProfileId: p.InstanceProfileID,
		Arn: instanceProfileARN(acct, p.Path, p.Name), CreateDate: p.CreatedAt.UTC()}
	if p.RoleID == "" {
		return out, nil
	}
	r, err := st.RoleByID(ctx, acct, p.RoleID)
	if errors.Is(err, models.ErrNotFound) { // DeleteRole refuses while the role is in a profile
		return out, nil
	}
	if err != nil {
		return out, internal(err, "role of instance profile")
	}
	out.Roles = []Role{roleOut(acct, r)}
	return out, nil
}

// CreateInstanceProfile creates an empty instance profile. AlreadyExists
// when the name is taken in any case; tags need iam:TagInstanceProfile too,
// as in AWS; LimitExceeded past 1,000 profiles.
func (s *Service) CreateInstanceProfile(ctx context.Context, caller *Principal, in CreateInstanceProfileInput, m Meta) (*InstanceProfile, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	path, perr := normalizePath("Path", in.Path)
	if perr != nil {
		path = in.Path
	}
	arn := instanceProfileARN(acct, path, in.InstanceProfileName)
	if err := s.authorizeCreate(ctx, caller, m, InstanceProfileType, arn, in.Tags, ""); err != nil {
		return nil, err
	}
	if err := joinInvalid(validName(string(InstanceProfileType), "InstanceProfileName", in.InstanceProfileName), perr, validateTags(in.Tags)); err != nil {
		return nil, err
	}
	p := &models.InstanceProfile{InstanceProfileID: newID(PrefixProfile, 17), Name: in.InstanceProfileName, Path: path, CreatedAt: s.now()}
	params := map[string]any{"instanceProfileName": in.InstanceProfileName, "path": path}
	if len(in.Tags) > 0 {
		params["tags"] = in.Tags
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.LockAccount(ctx, acct); err != nil {
			return err
		}
		n, err := tx.CountInstanceProfiles(ctx, acct)
		if err != nil {
			return err
		}
		if n >= MaxInstanceProfilesPerAccount {
			return newErr(LimitExceeded, "Cannot exceed quota for InstanceProfilesPerAccount: %d", MaxInstanceProfilesPerAccount)
		}
		if err := tx.CreateInstanceProfile(ctx, acct, p); err != nil {
			return err
		}
		if err := tx.SetTags(ctx, acct, models.EntityInstanceProfile, p.InstanceProfileID, storeTags(in.Tags)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateInstanceProfile", resource: arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, newErr(AlreadyExists, "Instance Profile %s already exists.", in.InstanceProfileName)
	}
	if err != nil {
		return nil, asInternal(err, "create instance profile")
	}
	out, err := s.profileOut(ctx, s.store, acct, p)
	if err != nil {
		return nil, err
	}
	out.Tags = in.Tags
	return &out, nil
}

// GetInstanceProfile returns a profile with its role and tags.
func (s *Service) GetInstanceProfile(ctx context.Context, caller *Principal, name string, m Meta) (*InstanceProfile, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	p, _, err := s.authorizedInstanceProfile(ctx, caller, acct, name, m, "iam:GetInstanceProfile")
	if err != nil {
		return nil, err
	}
	out, err := s.profileOut(ctx, s.store, acct, p)
	if err != nil {
		return nil, err
	}
	tags, err := s.store.ListTags(ctx, acct, models.EntityInstanceProfile, p.InstanceProfileID)
	if err != nil {
		return nil, internal(err, "tags")
	}
	for _, t := range tags {
		out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	return &out, nil
}

// DeleteInstanceProfile deletes a profile that holds no role (DeleteConflict
// while it holds one, as AWS's); its tags go with it.
func (s *Service) DeleteInstanceProfile(ctx context.Context, caller *Principal, name string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	p, arn, err := s.authorizedInstanceProfile(ctx, caller, acct, name, m, OpDelete.Action(InstanceProfileType))
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityInstanceProfile, p.InstanceProfileID, name); err != nil {
			return err
		}
		if err := tx.DeleteTagsOf(ctx, acct, models.EntityInstanceProfile, p.InstanceProfileID); err != nil {
			return err
		}
		switch err := tx.DeleteInstanceProfile(ctx, acct, p.InstanceProfileID); {
		case errors.Is(err, models.ErrProfileHoldsRole):
			return errProfileHoldsRole
		case err != nil:
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteInstanceProfile", resource: arn,
			params: map[string]any{"instanceProfileName": p.Name}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchInstanceProfile(name)
	}
	return asInternal(err, "delete instance profile")
}

// profileAndRole finds the profile and the role a role change of a
// profile names, authorizing action on the profile.
func (s *Service) profileAndRole(ctx context.Context, caller *Principal, acct, profileName, roleName string, m Meta, action string) (*models.InstanceProfile, string, *models.Role, string, error) {
	p, parn, err := s.authorizedInstanceProfile(ctx, caller, acct, profileName, m, action)
	if err != nil {
		return nil, "", nil, "", err
	}
	if err := validName("role", "RoleName", roleName); err != nil {
		return nil, "", nil, "", err
	}
	r, err := s.store.Role(ctx, acct, roleName)
	if errors.Is(err, models.ErrNotFound) {
		return nil, "", nil, "", noSuchRole(roleName)
	}
	if err != nil {
		return nil, "", nil, "", internal(err, "role")
	}
	return p, parn, r, roleARN(acct, r.Path, r.Name), nil
}

// AddRoleToInstanceProfile puts a role in a profile that holds none. The
// caller must also be allowed iam:PassRole on the role, as AWS requires: an
// instance launched with the profile acts as the role. LimitExceeded, in
// AWS's words, when the profile already holds a role (this one included).
func (s *Service) AddRoleToInstanceProfile(ctx context.Context, caller *Principal, profileName, roleName string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	p, parn, r, rarn, err := s.profileAndRole(ctx, caller, acct, profileName, roleName, m, "iam:AddRoleToInstanceProfile")
	if err != nil {
		return err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:PassRole", rarn); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		// The role first (the lock order), so that a DeleteRole waits and
		// then finds the role in the profile.
		if err := lockOwner(ctx, tx, acct, models.EntityRole, r.RoleID, r.Name); err != nil {
			return err
		}
		switch err := tx.AddRoleToInstanceProfile(ctx, acct, p.InstanceProfileID, r.RoleID); {
		case errors.Is(err, models.ErrProfileFull):
			return newErr(LimitExceeded, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d", MaxRolesPerInstanceProfile)
		case errors.Is(err, models.ErrNotFound):
			return noSuchInstanceProfile(profileName)
		case err != nil:
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "AddRoleToInstanceProfile", resource: parn,
			params: map[string]any{"instanceProfileName": p.Name, "roleName": r.Name}, also: []string{rarn}}, nil)
	})
	return asInternal(err, "add role to instance profile")
}

// RemoveRoleFromInstanceProfile takes a role out of a profile. NotFound,
// naming the role, when the profile does not hold it.
func (s *Service) RemoveRoleFromInstanceProfile(ctx context.Context, caller *Principal, profileName, roleName string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	p, parn, r, rarn, err := s.profileAndRole(ctx, caller, acct, profileName, roleName, m, "iam:RemoveRoleFromInstanceProfile")
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.RemoveRoleFromInstanceProfile(ctx, acct, p.InstanceProfileID, r.RoleID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "RemoveRoleFromInstanceProfile", resource: parn,
			params: map[string]any{"instanceProfileName": p.Name, "roleName": r.Name}, also: []string{rarn}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchRole(roleName)
	}
	return asInternal(err, "remove role from instance profile")
}

// ListInstanceProfiles returns one page of the account's profiles, each
// with its role, in name order, and the marker of the next page.
func (s *Service) ListInstanceProfiles(ctx context.Context, caller *Principal, in ListInput, m Meta) ([]InstanceProfile, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	if err := s.authorizeMeta(ctx, caller, m, OpList.Action(InstanceProfileType), listResource(acct, string(InstanceProfileType), in.PathPrefix)); err != nil {
		return nil, "", err
	}
	f, err := listFilter(in.PathPrefix, in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, "", err
	}
	rows, next, err := s.store.ListInstanceProfiles(ctx, acct, f)
	if err != nil {
		return nil, "", internal(err, "list instance profiles")
	}
	return s.profilesOut(ctx, acct, rows, next)
}

// ListInstanceProfilesForRole returns one page of the profiles that hold
// a role, in name order.
func (s *Service) ListInstanceProfilesForRole(ctx context.Context, caller *Principal, roleName string, in Page, m Meta) ([]InstanceProfile, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	r, _, err := s.authorizedRole(ctx, caller, acct, roleName, m, "iam:ListInstanceProfilesForRole", nil)
	if err != nil {
		return nil, "", err
	}
	f, err := listFilter("", in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, "", err
	}
	rows, next, err := s.store.ListInstanceProfilesForRole(ctx, acct, r.RoleID, f)
	if err != nil {
		return nil, "", internal(err, "list instance profiles for role")
	}
	return s.profilesOut(ctx, acct, rows, next)
}

func (s *Service) profilesOut(ctx context.Context, acct string, rows []models.InstanceProfile, next string) ([]InstanceProfile, string, error) {
	out := make([]InstanceProfile, len(rows))
	for i := range rows {
		p, err := s.profileOut(ctx, s.store, acct, &rows[i])
		if err != nil {
			return nil, "", err
		}
		out[i] = p
	}
	return out, next, nil
}

package iam

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// User is AWS's User. Lists leave Tags out, as AWS's do.
type User struct {
	Path                string
	UserName            string
	UserId              string
	Arn                 string
	CreateDate          time.Time
	PasswordLastUsed    *time.Time
	PermissionsBoundary *AttachedPermissionsBoundary
	Tags                []Tag
}

// CreateUserInput is CreateUser's input. PermissionsBoundary is the ARN of
// a managed policy (built-in or the account's), or empty.
type CreateUserInput struct {
	UserName            string
	Path                string
	PermissionsBoundary string
	Tags                []Tag
}

// UpdateUserInput renames a user or moves it to another path; empty new
// fields keep the current value.
type UpdateUserInput struct {
	UserName    string
	NewUserName string
	NewPath     string
}

// Quotas, as AWS's.
const (
	MaxUsersPerAccount   = 5000
	MaxGroupsPerAccount  = 300
	MaxGroupsPerUser     = 10
	MaxAccessKeysPerUser = 2
)

func noSuchUser(name string) *Error {
	return newErr(NotFound, "The user with name %s cannot be found.", name)
}

// userOut shapes a stored user as AWS's User.
func userOut(acct string, u *models.User) User {
	out := User{Path: u.Path, UserName: u.Name, UserId: u.UserID, Arn: userARN(acct, u.Path, u.Name),
		CreateDate: u.CreatedAt.UTC(), PasswordLastUsed: u.PasswordLastUsed}
	if u.PermissionsBoundaryARN != "" {
		out.PermissionsBoundary = &AttachedPermissionsBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy",
			PermissionsBoundaryArn: u.PermissionsBoundaryARN}
	}
	return out
}

var boundaryARNRE = regexp.MustCompile(`^arn:aws:iam::(aws|\d{12}):policy/`)

// ownUser is the IAM user behind caller, for calls whose UserName may be
// omitted (AWS then acts on the caller's own user).
func (s *Service) ownUser(ctx context.Context, caller *Principal, acct string) (*models.User, error) {
	if caller == nil || caller.Type != TypeUser {
		return nil, invalidField("UserName", "Must specify userName when calling with non-User credentials")
	}
	u, err := s.store.UserByID(ctx, acct, caller.userID())
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchUser(caller.Name)
	}
	if err != nil {
		return nil, internal(err, "user")
	}
	return u, nil
}

// usersMax bounds the user rows kept: past it the cache starts over.
const usersMax = 20_000

// keptUser is the named user's row, kept under the request's stamps: a
// change to the user moves the state's, a sign-in with its password (its
// last use) the activity's. A user that does not exist is not kept. The
// caller gets its own copy.
func (s *Service) keptUser(ctx context.Context, caller *Principal, acct, name string) (*models.User, error) {
	st, err := s.requestStamps(ctx, caller)
	if err != nil {
		return nil, err
	}
	key := acct + "/" + strings.ToLower(name)
	u, ok := s.users.get(st, key)
	if !ok {
		if u, err = s.store.User(ctx, acct, name); err != nil {
			return nil, err
		}
		s.users.put(st, key, u, usersMax)
	}
	own := *u
	return &own, nil
}

// lookupFailed answers a lookup by name that failed with err: when nothing
// has the name, action is authorized on atRoot, the ARN the name would have
// at path "/", before notFound is told, so a caller without the right
// learns nothing of which names exist; any other failure is internal.
func (s *Service) lookupFailed(ctx context.Context, caller *Principal, m Meta, action string, err error, atRoot string, notFound error, what string) error {
	if !errors.Is(err, models.ErrNotFound) {
		return internal(err, what)
	}
	if aerr := s.authorizeMeta(ctx, caller, m, action, atRoot); aerr != nil {
		return aerr
	}
	return notFound
}

// authorizedUser finds the named user (the caller's own when name is empty)
// and authorizes action on its ARN. A user that does not exist is
// authorized at path "/" before NotFound is told, so a caller without the
// right learns nothing of which users exist.
func (s *Service) authorizedUser(ctx context.Context, caller *Principal, acct, name string, m Meta, action string) (*models.User, string, error) {
	var u *models.User
	var err error
	if name == "" {
		if u, err = s.ownUser(ctx, caller, acct); err != nil {
			return nil, "", err
		}
	} else {
		if u, err = s.keptUser(ctx, caller, acct, name); err != nil {
			return nil, "", s.lookupFailed(ctx, caller, m, action, err, userARN(acct, "/", name), noSuchUser(name), "user")
		}
	}
	arn := userARN(acct, u.Path, u.Name)
	if err := s.authorizeMeta(ctx, caller, m, action, arn); err != nil {
		return nil, "", err
	}
	return u, arn, nil
}

// checkBoundaryPolicy makes sure a permissions boundary names a managed
// policy that exists.
func (s *Service) checkBoundaryPolicy(ctx context.Context, acct, arn string) error {
	if arn == "" || Builtin(arn) != nil {
		return nil
	}
	if !boundaryARNRE.MatchString(arn) || len(arn) > 2048 {
		return invalidField("PermissionsBoundary", "ARN %s is not valid.", arn)
	}
	_, err := s.store.PolicyByARN(ctx, acct, arn)
	if errors.Is(err, models.ErrNotFound) {
		return newErr(NotFound, "Policy %s does not exist or is not attachable.", arn)
	}
	if err != nil {
		return internal(err, "policy")
	}
	return nil
}

// CreateUser creates an IAM user, with its tags and permissions boundary.
// AlreadyExists when the name is taken in any case; tags need iam:TagUser
// too.
func (s *Service) CreateUser(ctx context.Context, caller *Principal, in CreateUserInput, m Meta) (*User, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	path, perr := normalizePath("Path", in.Path)
	if perr != nil {
		path = in.Path
	}
	arn := userARN(acct, path, in.UserName)
	if err := s.authorizeCreate(ctx, caller, m, UserType, arn, in.Tags, in.PermissionsBoundary); err != nil {
		return nil, err
	}
	if err := joinInvalid(validName("user", "UserName", in.UserName), perr, validateTags(in.Tags)); err != nil {
		return nil, err
	}
	if err := s.checkBoundaryPolicy(ctx, acct, in.PermissionsBoundary); err != nil {
		return nil, err
	}
	u := &models.User{UserID: newID(PrefixUser, 17), Name: in.UserName, Path: path,
		PermissionsBoundaryARN: in.PermissionsBoundary, CreatedAt: s.now()}
	params := map[string]any{"userName": in.UserName, "path": path}
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
		n, err := tx.CountUsers(ctx, acct)
		if err != nil {
			return err
		}
		if limit := s.cfg.MaxUsers; n >= int64(limit) {
			return newErr(LimitExceeded, "Cannot exceed quota for UsersPerAccount: %d", limit)
		}
		if err := tx.CreateUser(ctx, acct, u); err != nil {
			return err
		}
		if err := tx.SetTags(ctx, acct, models.EntityUser, u.UserID, storeTags(in.Tags)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateUser", resource: arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, newErr(AlreadyExists, "User with name %s already exists.", in.UserName)
	}
	if err != nil {
		return nil, asInternal(err, "create user")
	}
	out := userOut(acct, u)
	out.Tags = in.Tags
	return &out, nil
}

// GetUser returns a user with its tags and permissions boundary. An empty
// name is the caller's own user, as AWS's GetUser; root gets its own
// identity (no name, the root ARN).
func (s *Service) GetUser(ctx context.Context, caller *Principal, name string, m Meta) (*User, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if name == "" && caller.IsRoot() {
		a, err := s.store.Account(ctx, acct)
		if err != nil {
			return nil, internal(err, "account")
		}
		return &User{UserId: acct, Arn: a.RootARN(), CreateDate: a.CreatedAt.UTC()}, nil
	}
	u, _, err := s.authorizedUser(ctx, caller, acct, name, m, "iam:GetUser")
	if err != nil {
		return nil, err
	}
	tags, err := s.store.ListTags(ctx, acct, models.EntityUser, u.UserID)
	if err != nil {
		return nil, internal(err, "tags")
	}
	out := userOut(acct, u)
	for _, t := range tags {
		out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	return &out, nil
}

// ListUsers returns one page of the account's users in name order and the
// marker of the next page ("" on the last).
func (s *Service) ListUsers(ctx context.Context, caller *Principal, in ListInput, m Meta) ([]User, string, error) {
	return listPage(ctx, s, caller, m, UserType, in, s.store.ListUsers, userOut)
}

// UpdateUser renames a user or changes its path, authorized on both the old
// and the new ARN as AWS does. Its MFA devices keep their serial numbers
// (mfa/NAME, not the user's name) and follow it to the new ARN with its
// recovery codes and password history, in the rename's transaction; its
// console sessions and any half-done enrollment or MFA sign-in step end
// (they carry the old ARN).
func (s *Service) UpdateUser(ctx context.Context, caller *Principal, in UpdateUserInput, m Meta) (*User, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, oldARN, err := s.authorizedUser(ctx, caller, acct, in.UserName, m, OpUpdate.Action(UserType))
	if err != nil {
		return nil, err
	}
	mv, err := s.authorizedMove(ctx, caller, m, acct, UserNamed(u.Name), u.Path, oldARN, in.NewUserName, in.NewPath)
	if err != nil {
		return nil, err
	}
	name, path, newARN, params := mv.name, mv.path, mv.arn, mv.params
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.RenameUser(ctx, acct, u.UserID, name, path); err != nil {
			return err
		}
		if newARN != oldARN {
			// Challenges go before sessions: a sign-in that took its
			// challenge first has committed its session by then, so the
			// session is found and ended too.
			if err := tx.MoveOwnerARN(ctx, acct, oldARN, newARN); err != nil {
				return err
			}
			if _, err := tx.DeleteSessionsOf(ctx, acct, oldARN, ""); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateUser", resource: oldARN, params: params}, nil)
	})
	switch {
	case errors.Is(err, models.ErrConflict):
		return nil, newErr(AlreadyExists, "User with name %s already exists.", name)
	case errors.Is(err, models.ErrNotFound):
		return nil, noSuchUser(in.UserName)
	case err != nil:
		return nil, asInternal(err, "update user")
	}
	u.Name, u.Path = name, path
	out := userOut(acct, u)
	return &out, nil
}

// userConflict is AWS's DeleteConflict for what a user still has.
func (s *Service) userConflict(ctx context.Context, tx *models.Store, acct, arn, userID string) error {
	d, err := tx.UserDependents(ctx, acct, userID)
	if err != nil {
		return err
	}
	devs, err := tx.MFADevices(ctx, acct, arn)
	if err != nil {
		return err
	}
	creds, err := tx.CountUserCredentials(ctx, acct, userID)
	if err != nil {
		return err
	}
	switch {
	case d.LoginProfile:
		return newErr(Conflict, "Cannot delete entity, must delete login profile first.")
	case d.AccessKeys > 0:
		return newErr(Conflict, "Cannot delete entity, must delete access keys first.")
	case creds.SigningCertificates > 0:
		return newErr(Conflict, "Cannot delete entity, must delete signing certificates first.")
	case creds.SSHPublicKeys > 0:
		return newErr(Conflict, "Cannot delete entity, must delete SSH public keys first.")
	case creds.ServiceSpecificCredentials > 0:
		return newErr(Conflict, "Cannot delete entity, must delete service specific credentials first.")
	case len(devs) > 0:
		return newErr(Conflict, "Cannot delete entity, must delete MFA device first.")
	case d.AttachedPolicies > 0:
		return newErr(Conflict, "Cannot delete entity, must detach all policies first.")
	case d.InlinePolicies > 0:
		return newErr(Conflict, "Cannot delete entity, must delete policies first.")
	case d.Groups > 0:
		return newErr(Conflict, "Cannot delete entity, must remove users from group first.")
	}
	return nil
}

// dropUserRow removes a user that has nothing left, with its tags, sessions,
// recovery codes and unfinished MFA enrollment, through tx.
func (s *Service) dropUserRow(ctx context.Context, tx *models.Store, acct, arn, userID string) error {
	if err := tx.DeleteTagsOf(ctx, acct, models.EntityUser, userID); err != nil {
		return err
	}
	if _, err := tx.DeleteSessionsOf(ctx, acct, arn, ""); err != nil {
		return err
	}
	if err := tx.ReplaceRecoveryCodes(ctx, acct, arn, nil, s.now()); err != nil {
		return err
	}
	if err := tx.DeleteMFAEnrollment(ctx, acct, arn); err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	// Password history is kept by ARN: left behind, it would refuse a new
	// user of the same name passwords it never had.
	if err := tx.DeletePasswordHistory(ctx, acct, arn); err != nil {
		return err
	}
	return tx.DeleteUser(ctx, acct, userID)
}

// DeleteUser deletes a user that has nothing left: DeleteConflict, with
// AWS's message, while it has a login profile, access keys, MFA devices,
// policies or group memberships. Its tags go with it.
func (s *Service) DeleteUser(ctx context.Context, caller *Principal, name string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if name == "" {
		return invalidField("UserName", "UserName is required.")
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, name, m, OpDelete.Action(UserType))
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		if err := s.userConflict(ctx, tx, acct, arn, u.UserID); err != nil {
			return err
		}
		if err := s.dropUserRow(ctx, tx, acct, arn, u.UserID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteUser", resource: arn,
			params: map[string]any{"userName": u.Name}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchUser(name)
	}
	return asInternal(err, "delete user")
}

// userEverything is what DeleteUserWithEverything removes.
type userEverything struct {
	keys     []models.AccessKey
	certs    []models.SigningCertificate
	sshKeys  []models.SSHPublicKey
	svcCreds []models.ServiceSpecificCredential
	profile  bool
	devices  []models.MFADevice
	attached []models.PolicyAttachment
	inline   []string
	groups   []models.Group
}

func (s *Service) gatherUser(ctx context.Context, st *models.Store, acct, arn, userID string) (*userEverything, error) {
	var e userEverything
	var err error
	if e.keys, err = st.ListAccessKeys(ctx, acct, userID); err != nil {
		return nil, err
	}
	if e.certs, err = st.SigningCertificates(ctx, acct, userID); err != nil {
		return nil, err
	}
	if e.sshKeys, err = st.SSHPublicKeys(ctx, acct, userID); err != nil {
		return nil, err
	}
	if e.svcCreds, err = st.ServiceSpecificCredentials(ctx, acct, userID, ""); err != nil {
		return nil, err
	}
	if _, err := st.LoginProfile(ctx, acct, userID); err == nil {
		e.profile = true
	} else if !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	if e.devices, err = st.MFADevices(ctx, acct, arn); err != nil {
		return nil, err
	}
	if e.attached, err = st.ListAttachedPolicies(ctx, acct, models.EntityUser, userID); err != nil {
		return nil, err
	}
	if e.inline, err = st.InlinePolicyNames(ctx, acct, models.EntityUser, userID); err != nil {
		return nil, err
	}
	f := models.ListFilter{Limit: models.MaxListLimit}
	for {
		gs, next, err := st.ListGroupsForUser(ctx, acct, userID, f)
		if err != nil {
			return nil, err
		}
		e.groups = append(e.groups, gs...)
		if next == "" {
			break
		}
		f.After = next
	}
	return &e, nil
}

// removal is one step of deleting a user with everything: the change, the
// audit event that records it, and the permissions the API call that makes
// the same change needs.
type removal struct {
	needs  []permission
	event  string
	params map[string]any
	apply  func(ctx context.Context, tx *models.Store) error
}

// permission is an action on a resource.
type permission struct{ action, resource string }

// removals are the steps that take everything away from user u (ARN arn),
// dependents first, in the order the console lists them.
func (e *userEverything) removals(acct, arn string, u *models.User) []removal {
	var out []removal
	for _, k := range e.keys {
		out = append(out, removal{needs: []permission{{OpDeleteAccessKey.Action(UserType), arn}},
			event: "DeleteAccessKey", params: map[string]any{"accessKeyId": k.AccessKeyID},
			apply: func(ctx context.Context, tx *models.Store) error {
				return tx.DeleteAccessKey(ctx, acct, u.UserID, k.AccessKeyID)
			}})
	}
	out = append(out, e.credentialRemovals(acct, arn, u)...)
	if e.profile {
		out = append(out, removal{needs: []permission{{OpDeleteLoginProfile.Action(UserType), arn}},
			event: "DeleteLoginProfile", params: map[string]any{},
			apply: func(ctx context.Context, tx *models.Store) error { return tx.DeleteLoginProfile(ctx, acct, u.UserID) }})
	}
	for _, d := range e.devices {
		out = append(out, removal{needs: []permission{{"iam:DeactivateMFADevice", arn}, {"iam:DeleteVirtualMFADevice", d.SerialNumber}},
			event: "DeactivateMFADevice", params: map[string]any{"serialNumber": d.SerialNumber},
			apply: func(ctx context.Context, tx *models.Store) error { return tx.DeleteMFADevice(ctx, acct, d.ID) }})
	}
	for _, a := range e.attached {
		out = append(out, removal{needs: []permission{{OpDetachPolicy.Action(UserType), arn}},
			event: OpDetachPolicy.name(UserType), params: map[string]any{"policyArn": a.PolicyARN},
			apply: func(ctx context.Context, tx *models.Store) error {
				return tx.DetachPolicy(ctx, acct, models.EntityUser, u.UserID, a.PolicyARN)
			}})
	}
	for _, n := range e.inline {
		out = append(out, removal{needs: []permission{{OpDeleteInlinePolicy.Action(UserType), arn}},
			event: OpDeleteInlinePolicy.name(UserType), params: map[string]any{"policyName": n},
			apply: func(ctx context.Context, tx *models.Store) error {
				return tx.DeleteInlinePolicy(ctx, acct, models.EntityUser, u.UserID, n)
			}})
	}
	for _, g := range e.groups {
		out = append(out, removal{needs: []permission{{OpRemoveMember.Action(GroupType), groupARN(acct, g.Path, g.Name)}},
			event: OpRemoveMember.name(GroupType), params: map[string]any{"groupName": g.Name},
			apply: func(ctx context.Context, tx *models.Store) error {
				return tx.RemoveUserFromGroup(ctx, acct, g.GroupID, u.UserID)
			}})
	}
	return out
}

// DeleteUserWithEverything is the console's "delete with everything": it
// deletes the user's access keys, login profile (ending its sessions), MFA
// devices and recovery codes, detaches its managed policies, deletes its
// inline policies, removes it from its groups, drops its tags, then deletes
// the user, all in one transaction with one audit event per step. Each step
// is authorized as the API call that does it would be, before anything
// changes.
func (s *Service) DeleteUserWithEverything(ctx context.Context, caller *Principal, name string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if name == "" {
		return invalidField("UserName", "UserName is required.")
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, name, m, OpDelete.Action(UserType))
	if err != nil {
		return err
	}
	e, err := s.gatherUser(ctx, s.store, acct, arn, u.UserID)
	if err != nil {
		return internal(err, "user's dependents")
	}
	if err := s.authorizeRemovals(ctx, caller, m, e.removals(acct, arn, u)); err != nil {
		return err
	}
	who := callerARN(caller)
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		// Read again inside the transaction, under the lock: what was
		// added since is removed too, and nothing more can be added.
		e, err := s.gatherUser(ctx, tx, acct, arn, u.UserID)
		if err != nil {
			return err
		}
		record := func(name string, params map[string]any) error {
			params["userName"] = u.Name
			return s.audit(ctx, tx, m, acct, who, event{name: name, resource: arn, params: params}, nil)
		}
		for _, r := range e.removals(acct, arn, u) {
			if err := r.apply(ctx, tx); err != nil {
				return err
			}
			if err := record(r.event, r.params); err != nil {
				return err
			}
		}
		if err := s.dropUserRow(ctx, tx, acct, arn, u.UserID); err != nil {
			return err
		}
		return record(OpDelete.name(UserType), map[string]any{"withEverything": true})
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchUser(name)
	}
	return asInternal(err, "delete user with everything")
}

// authorizeRemovals asks each permission the removals need once, before
// anything changes: the deletion happens whole or not at all.
func (s *Service) authorizeRemovals(ctx context.Context, caller *Principal, m Meta, rs []removal) error {
	asked := map[permission]bool{}
	for _, r := range rs {
		for _, p := range r.needs {
			if asked[p] {
				continue
			}
			asked[p] = true
			if err := s.authorizeMeta(ctx, caller, m, p.action, p.resource); err != nil {
				return err
			}
		}
	}
	return nil
}

// ListGroupsForUserInput is ListGroupsForUser's input.
type ListGroupsForUserInput struct {
	UserName string
	Marker   string
	MaxItems int
}

// ListGroupsForUser returns one page of the groups a user is in.
func (s *Service) ListGroupsForUser(ctx context.Context, caller *Principal, in ListGroupsForUserInput, m Meta) ([]Group, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	u, _, err := s.authorizedUser(ctx, caller, acct, in.UserName, m, "iam:ListGroupsForUser")
	if err != nil {
		return nil, "", err
	}
	f, err := listFilter("", in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, "", err
	}
	rows, next, err := s.store.ListGroupsForUser(ctx, acct, u.UserID, f)
	if err != nil {
		return nil, "", internal(err, "groups for user")
	}
	out := make([]Group, len(rows))
	for i := range rows {
		out[i] = groupOut(acct, &rows[i])
	}
	return out, next, nil
}

// GroupPolicies is one of a user's groups with the policies it gives its
// members, as far as the caller may list them.
type GroupPolicies struct {
	Group    Group
	Attached []AttachedPolicy // nil when the caller may not list them
	Inline   []string         // nil when the caller may not list them
}

// UserGroupPolicies returns the groups a user is in (by name) with each
// group's managed and inline policies, in three queries whatever the number
// of groups. It needs iam:ListGroupsForUser on the user; each group's lists
// are given where the caller may iam:ListAttachedGroupPolicies or
// iam:ListGroupPolicies on that group, and left out silently elsewhere, as
// a page leaves out what its reader may not see.
func (s *Service) UserGroupPolicies(ctx context.Context, caller *Principal, userName string, m Meta) ([]GroupPolicies, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, _, err := s.authorizedUser(ctx, caller, acct, userName, m, "iam:ListGroupsForUser")
	if err != nil {
		return nil, err
	}
	return s.userGroupPolicies(ctx, caller, acct, u, m)
}

// userGroupPolicies is UserGroupPolicies for a user already read and
// authorized: three reads, whatever the number of groups.
func (s *Service) userGroupPolicies(ctx context.Context, caller *Principal, acct string, u *models.User, m Meta) ([]GroupPolicies, error) {
	groups, _, err := s.store.ListGroupsForUser(ctx, acct, u.UserID, models.ListFilter{Limit: models.MaxListLimit})
	if err != nil {
		return nil, internal(err, "groups for user")
	}
	ids := make([]string, len(groups))
	for i := range groups {
		ids[i] = groups[i].GroupID
	}
	atts, err := s.store.AttachmentsOf(ctx, acct, models.EntityGroup, ids)
	if err != nil {
		return nil, internal(err, "group attached policies")
	}
	names, err := s.store.InlinePolicyNamesOf(ctx, acct, models.EntityGroup, ids)
	if err != nil {
		return nil, internal(err, "group inline policies")
	}
	return s.groupPolicies(ctx, caller, acct, groups, atts, names, m)
}

// groupPolicies gives each of groups (in order) its attached policies
// (from atts) and inline policy names (from names, by group ID), each only
// if the caller may list them (nil otherwise).
func (s *Service) groupPolicies(ctx context.Context, caller *Principal, acct string, groups []models.Group,
	atts []models.PolicyAttachment, names map[string][]string, m Meta) ([]GroupPolicies, error) {
	out := make([]GroupPolicies, len(groups))
	index := make(map[string]int, len(groups))
	for i := range groups {
		g := groupOut(acct, &groups[i])
		out[i].Group, index[groups[i].GroupID] = g, i
		if ok, err := s.Allowed(ctx, caller, m, OpListAttachedPolicies.Action(GroupType), g.Arn); err != nil {
			return nil, err
		} else if ok {
			out[i].Attached = []AttachedPolicy{}
		}
		if ok, err := s.Allowed(ctx, caller, m, OpListInlinePolicies.Action(GroupType), g.Arn); err != nil {
			return nil, err
		} else if ok && names[groups[i].GroupID] != nil {
			out[i].Inline = slices.Clone(names[groups[i].GroupID]) // names may be kept
		} else if ok {
			out[i].Inline = []string{}
		}
	}
	for _, a := range atts {
		i, ok := index[a.EntityID]
		if !ok || out[i].Attached == nil {
			continue
		}
		if _, _, name, ok := parsePolicyARN(a.PolicyARN); ok {
			out[i].Attached = append(out[i].Attached, AttachedPolicy{PolicyName: name, PolicyArn: a.PolicyARN})
		}
	}
	return out, nil
}

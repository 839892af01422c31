package iam_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// deleteRaceRounds is how many times each delete-versus-add race runs, each
// round on fresh entities.
const deleteRaceRounds = 20

// raceRound is what one round of a delete-versus-add race works on.
type raceRound struct {
	// name is the entity deleted: a user, group or role name, or a policy
	// ARN. id is its ID, to look for what points at it once it is gone.
	name, id string
	// other is what the add pairs it with: the group a user joins, the user
	// put in a group, the policy attached, the user a policy is attached
	// to, …
	other string
	// p is the caller of adds that act on their own principal (MFA).
	p *iam.Principal
	// codes are two consecutive codes of a pending MFA enrollment.
	codes [2]string
}

// TestDeletesRaceAdds runs a delete (DeleteUser, DeleteGroup, DeleteRole,
// DeletePolicy) at the same moment as a call that gives the entity a
// dependent (a membership, a key, a policy, a version, a boundary, an MFA
// device, …), many times, on fresh entities each time. A delete checks that
// nothing depends on the entity, then deletes it: under PostgreSQL's READ
// COMMITTED an add committing between the check and the delete leaves a row
// pointing at an entity that is gone, unless the delete locks the entity's
// row first and the add locks every row its dependent points at. Each round
// must end one of two ways (raceVerdict): the delete won, or the add won.
// Never an internal error, never an orphan. Deletes that take what the add
// makes with them (tags, DeleteUserWithEverything) must leave nothing.
func TestDeletesRaceAdds(t *testing.T) {
	meta := iam.Meta{}
	// Entities each round makes fresh, named by the round.
	newUser := func(t *testing.T, svc *iam.Service, root *iam.Principal, i int) raceRound {
		u := mustCreateUser(t, svc, root, fmt.Sprintf("u%02d", i))
		return raceRound{name: u.UserName, id: u.UserId}
	}
	newGroup := func(t *testing.T, svc *iam.Service, root *iam.Principal, i int) raceRound {
		g, err := svc.CreateGroup(context.Background(), root, iam.CreateGroupInput{GroupName: fmt.Sprintf("g%02d", i)}, meta)
		if err != nil {
			t.Fatal(err)
		}
		return raceRound{name: g.GroupName, id: g.GroupId}
	}
	newRole := func(t *testing.T, svc *iam.Service, root *iam.Principal, i int) raceRound {
		r := mustCreateRole(t, svc, root, fmt.Sprintf("r%02d", i))
		return raceRound{name: r.RoleName, id: r.RoleId}
	}
	newPolicy := func(t *testing.T, svc *iam.Service, root *iam.Principal, i int) raceRound {
		p := mustCreatePolicy(t, svc, root, fmt.Sprintf("p%02d", i), s3Read)
		return raceRound{name: p.Arn, id: p.PolicyId}
	}
	// with adds the name of a fresh "other" entity to a round.
	with := func(r raceRound, other raceRound) raceRound { r.other = other.name; return r }

	// enrolling is a user that started an MFA enrollment while it had its
	// password and a policy allowing it, both taken away since (so that
	// DeleteUser can win); confirming authorizes nothing, the start did.
	enrolling := func(t *testing.T, svc *iam.Service, st *models.Store, root *iam.Principal, clk *clock, i int) raceRound {
		ctx := context.Background()
		name := fmt.Sprintf("u%02d", i)
		p := signedInUser(t, svc, st, root, name, "arn:aws:iam::aws:policy/IAMFullAccess")
		e, err := svc.StartEnrollment(ctx, p, fmt.Sprintf("phone%02d", i), userPassword, meta)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.DetachPolicy(ctx, root, iam.UserNamed(name), "arn:aws:iam::aws:policy/IAMFullAccess", meta); err != nil {
			t.Fatal(err)
		}
		if err := svc.DeleteLoginProfile(ctx, root, name, meta); err != nil {
			t.Fatal(err)
		}
		p.SessionID = "" // ended with the password: confirm as an API caller would
		now := clk.Now()
		return raceRound{name: name, id: p.ID, p: p,
			codes: [2]string{codeAt(t, e.Secret, now.Add(-30*time.Second)), codeAt(t, e.Secret, now)}}
	}
	deleteUser := func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
		return svc.DeleteUser(ctx, root, r.name, meta)
	}
	deleteEverything := func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
		return svc.DeleteUserWithEverything(ctx, root, r.name, meta)
	}
	deleteGroup := func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
		return svc.DeleteGroup(ctx, root, r.name, meta)
	}
	deleteRole := func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
		return svc.DeleteRole(ctx, root, r.name, meta)
	}
	deletePolicy := func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
		return svc.DeletePolicy(ctx, root, r.name, meta)
	}
	attached := func(t models.EntityType) func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
		return func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
			return st.CountAttachedPolicies(ctx, acct, t, r.id)
		}
	}
	inline := func(t models.EntityType) func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
		return func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
			return st.CountInlinePolicies(ctx, acct, t, r.id)
		}
	}
	putInline := func(t models.EntityType) func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
		return func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
			_, err := svc.PutInlinePolicy(ctx, root, iam.Entity{Type: iam.EntityType(t), Name: r.name}, "inline", s3Read, meta)
			return err
		}
	}
	confirm := func(ctx context.Context, svc *iam.Service, _ *iam.Principal, r raceRound) error {
		_, err := svc.ConfirmEnrollment(ctx, r.p, r.codes[0], r.codes[1], meta)
		return err
	}
	devices := func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
		devs, err := st.MFADevices(ctx, acct, r.p.ARN)
		return int64(len(devs)), err
	}
	tags := func(t models.EntityType) func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
		return func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
			return st.CountTags(ctx, acct, t, r.id)
		}
	}
	oneTag := []iam.Tag{{Key: "team", Value: "data"}}
	boundaryUses := func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
		return st.CountPermissionsBoundaryUses(ctx, acct, r.name)
	}

	cases := []struct {
		name string
		// prepare makes round i's entity to delete and what the add needs.
		prepare func(t *testing.T, svc *iam.Service, st *models.Store, root *iam.Principal, clk *clock, i int) raceRound
		del     func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error
		add     func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error
		// dependents counts, in the store itself, the rows the add makes
		// that point at the deleted entity.
		dependents func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error)
		// takesThem is set when the delete removes what the add makes (tags,
		// or everything for DeleteUserWithEverything) rather than refusing:
		// then the add may succeed first, and the delete always does.
		takesThem bool
	}{
		{
			name: "DeleteUser/AddUserToGroup",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return with(newUser(t, svc, root, i), newGroup(t, svc, root, i))
			},
			del: deleteUser,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.AddUserToGroup(ctx, root, r.other, r.name, meta)
			},
			dependents: func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
				return st.CountGroupsForUser(ctx, acct, r.id)
			},
		},
		{
			name: "DeleteUser/CreateAccessKey",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return newUser(t, svc, root, i)
			},
			del: deleteUser,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				_, err := svc.CreateAccessKey(ctx, root, r.name, meta)
				return err
			},
			dependents: func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
				return st.CountAccessKeys(ctx, acct, r.id)
			},
		},
		{
			name: "DeleteUser/PutUserPolicy",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return newUser(t, svc, root, i)
			},
			del:        deleteUser,
			add:        putInline(models.EntityUser),
			dependents: inline(models.EntityUser),
		},
		{
			name: "DeleteUser/AttachUserPolicy",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return with(newUser(t, svc, root, i), newPolicy(t, svc, root, i))
			},
			del: deleteUser,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.AttachPolicy(ctx, root, iam.UserNamed(r.name), r.other, meta)
			},
			dependents: attached(models.EntityUser),
		},
		{
			name: "DeleteUser/CreateLoginProfile",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return newUser(t, svc, root, i)
			},
			del: deleteUser,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				_, err := svc.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: r.name, Password: userPassword}, meta)
				return err
			},
			dependents: func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
				_, err := st.LoginProfile(ctx, acct, r.id)
				if errors.Is(err, models.ErrNotFound) {
					return 0, nil
				}
				return 1, err
			},
		},
		{
			name:       "DeleteUser/ConfirmEnrollment",
			prepare:    enrolling,
			del:        deleteUser,
			add:        confirm,
			dependents: devices,
		},
		{
			name: "DeleteGroup/AddUserToGroup",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return with(newGroup(t, svc, root, i), newUser(t, svc, root, i))
			},
			del: deleteGroup,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.AddUserToGroup(ctx, root, r.name, r.other, meta)
			},
			dependents: func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
				return st.CountGroupMembers(ctx, acct, r.id)
			},
		},
		{
			name: "DeleteGroup/AttachGroupPolicy",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return with(newGroup(t, svc, root, i), newPolicy(t, svc, root, i))
			},
			del: deleteGroup,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.AttachPolicy(ctx, root, iam.GroupNamed(r.name), r.other, meta)
			},
			dependents: attached(models.EntityGroup),
		},
		{
			name: "DeleteGroup/PutGroupPolicy",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return newGroup(t, svc, root, i)
			},
			del:        deleteGroup,
			add:        putInline(models.EntityGroup),
			dependents: inline(models.EntityGroup),
		},
		{
			name: "DeleteRole/AttachRolePolicy",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return with(newRole(t, svc, root, i), newPolicy(t, svc, root, i))
			},
			del: deleteRole,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.AttachPolicy(ctx, root, iam.RoleNamed(r.name), r.other, meta)
			},
			dependents: attached(models.EntityRole),
		},
		{
			// A built-in policy has no row to lock: the role's lock alone
			// must do.
			name: "DeleteRole/AttachRolePolicy(built-in)",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				r := newRole(t, svc, root, i)
				r.other = "arn:aws:iam::aws:policy/ReadOnlyAccess"
				return r
			},
			del: deleteRole,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.AttachPolicy(ctx, root, iam.RoleNamed(r.name), r.other, meta)
			},
			dependents: attached(models.EntityRole),
		},
		{
			name: "DeleteRole/PutRolePolicy",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return newRole(t, svc, root, i)
			},
			del:        deleteRole,
			add:        putInline(models.EntityRole),
			dependents: inline(models.EntityRole),
		},
		{
			name: "DeleteRole/AddRoleToInstanceProfile",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				p, err := svc.CreateInstanceProfile(context.Background(), root, iam.CreateInstanceProfileInput{InstanceProfileName: fmt.Sprintf("ip%02d", i)}, meta)
				if err != nil {
					t.Fatal(err)
				}
				r := newRole(t, svc, root, i)
				r.other = p.InstanceProfileName
				return r
			},
			del: deleteRole,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.AddRoleToInstanceProfile(ctx, root, r.other, r.name, meta)
			},
			dependents: func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
				return st.CountRoleInstanceProfiles(ctx, acct, r.id)
			},
		},
		{
			name: "DeleteInstanceProfile/TagInstanceProfile",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				p, err := svc.CreateInstanceProfile(context.Background(), root, iam.CreateInstanceProfileInput{InstanceProfileName: fmt.Sprintf("ip%02d", i)}, meta)
				if err != nil {
					t.Fatal(err)
				}
				return raceRound{name: p.InstanceProfileName, id: p.InstanceProfileId}
			},
			del: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.DeleteInstanceProfile(ctx, root, r.name, meta)
			},
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.Tag(ctx, root, iam.InstanceProfileNamed(r.name), oneTag, meta)
			},
			dependents: tags(models.EntityInstanceProfile),
			takesThem:  true,
		},
		{
			name: "DeletePolicy/AttachUserPolicy",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return with(newPolicy(t, svc, root, i), newUser(t, svc, root, i))
			},
			del: deletePolicy,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.AttachPolicy(ctx, root, iam.UserNamed(r.other), r.name, meta)
			},
			dependents: func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
				return st.CountPolicyAttachments(ctx, acct, r.name)
			},
		},
		{
			name: "DeletePolicy/AttachRolePolicy",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return with(newPolicy(t, svc, root, i), newRole(t, svc, root, i))
			},
			del: deletePolicy,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.AttachPolicy(ctx, root, iam.RoleNamed(r.other), r.name, meta)
			},
			dependents: func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
				return st.CountPolicyAttachments(ctx, acct, r.name)
			},
		},
		{
			name: "DeletePolicy/PutUserPermissionsBoundary",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return with(newPolicy(t, svc, root, i), newUser(t, svc, root, i))
			},
			del: deletePolicy,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.PutPermissionsBoundary(ctx, root, iam.UserNamed(r.other), r.name, meta)
			},
			dependents: boundaryUses,
		},
		{
			name: "DeletePolicy/CreateRoleWithBoundary",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				r := newPolicy(t, svc, root, i)
				r.other = fmt.Sprintf("r%02d", i)
				return r
			},
			del: deletePolicy,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				_, err := svc.CreateRole(ctx, root, iam.CreateRoleInput{RoleName: r.other, AssumeRolePolicyDocument: ec2Trust,
					PermissionsBoundary: r.name}, meta)
				return err
			},
			dependents: boundaryUses,
		},
		{
			name: "DeletePolicy/CreatePolicyVersion",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return newPolicy(t, svc, root, i)
			},
			del: deletePolicy,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				_, err := svc.CreatePolicyVersion(ctx, root, iam.CreatePolicyVersionInput{PolicyArn: r.name, PolicyDocument: s3Read}, meta)
				return err
			},
			// Versions other than the default: the delete takes the default
			// with it.
			dependents: func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
				vs, err := st.ListPolicyVersions(ctx, acct, r.id)
				n := int64(0)
				for _, v := range vs {
					if !v.IsDefault {
						n++
					}
				}
				return n, err
			},
		},
		{
			name: "DeleteRole/TagRole",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return newRole(t, svc, root, i)
			},
			del: deleteRole,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.Tag(ctx, root, iam.RoleNamed(r.name), oneTag, meta)
			},
			dependents: tags(models.EntityRole),
			takesThem:  true,
		},
		{
			name: "DeletePolicy/TagPolicy",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return newPolicy(t, svc, root, i)
			},
			del: deletePolicy,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.Tag(ctx, root, iam.PolicyWithARN(r.name), oneTag, meta)
			},
			dependents: tags(models.EntityPolicy),
			takesThem:  true,
		},
		{
			name: "DeleteUserWithEverything/AddUserToGroup",
			prepare: func(t *testing.T, svc *iam.Service, _ *models.Store, root *iam.Principal, _ *clock, i int) raceRound {
				return with(newUser(t, svc, root, i), newGroup(t, svc, root, i))
			},
			del: deleteEverything,
			add: func(ctx context.Context, svc *iam.Service, root *iam.Principal, r raceRound) error {
				return svc.AddUserToGroup(ctx, root, r.other, r.name, meta)
			},
			dependents: func(ctx context.Context, st *models.Store, acct string, r raceRound) (int64, error) {
				return st.CountGroupsForUser(ctx, acct, r.id)
			},
			takesThem: true,
		},
		{
			name:       "DeleteUserWithEverything/ConfirmEnrollment",
			prepare:    enrolling,
			del:        deleteEverything,
			add:        confirm,
			dependents: devices,
			takesThem:  true,
		},
	}
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					ctx := context.Background()
					svc, store, clk := newService(t, b.DSN(t))
					root := rootOf(mustSetup(t, svc))
					acct := root.AccountID
					deletes, adds := 0, 0
					for i := range deleteRaceRounds {
						r := c.prepare(t, svc, store, root, clk, i)
						var addErr, delErr error
						var wg sync.WaitGroup
						start := make(chan struct{})
						wg.Add(2)
						go func() { defer wg.Done(); <-start; addErr = c.add(ctx, svc, root, r) }()
						go func() { defer wg.Done(); <-start; delErr = c.del(ctx, svc, root, r) }()
						close(start)
						wg.Wait()
						n, err := c.dependents(ctx, store, acct, r)
						if err != nil {
							t.Fatal(err)
						}
						if delErr == nil {
							deletes++
						}
						if addErr == nil {
							adds++
						}
						if bad := raceVerdict(delErr, addErr, n, c.takesThem); bad != "" {
							t.Errorf("round %d: %s (delete: %v; add: %v; %d dependent rows)", i, bad, delErr, addErr, n)
						}
					}
					t.Logf("of %d rounds, the delete succeeded in %d, the add in %d", deleteRaceRounds, deletes, adds)
				})
			}
		})
	}
}

// raceVerdict says what is wrong with the end of one delete-versus-add
// round, or "" when it is one of the two allowed ends: the delete won (the
// add got NoSuchEntity, and nothing points at the entity) or the add won
// (it succeeded, and the delete got DeleteConflict and left the dependent).
// When the delete takes the add's rows with it (takesThem), it always
// succeeds, the add may have won first, and nothing may be left.
func raceVerdict(delErr, addErr error, dependents int64, takesThem bool) string {
	addLost := iam.KindOf(addErr) == iam.NotFound
	switch {
	case addErr != nil && !addLost:
		return "the add failed, want success or NoSuchEntity"
	case delErr == nil && dependents > 0:
		return "the delete succeeded and left orphans"
	case delErr == nil && !addLost && !takesThem:
		return "the delete succeeded after the add did, yet saw nothing to refuse"
	case delErr == nil:
		return ""
	case takesThem:
		return "the delete failed, want success"
	case iam.KindOf(delErr) != iam.Conflict:
		return "the delete failed, want success or DeleteConflict"
	case addErr != nil || dependents == 0:
		return "the delete got DeleteConflict, but the add did not win"
	}
	return ""
}

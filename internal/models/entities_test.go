package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/models"
)

const (
	entAcct  = "123456789012"
	entOther = "210987654321"
)

// entKind drives the tests common to users, groups, roles and managed
// policies through the same steps.
type entKind struct {
	name   string
	create func(s *models.Store, account, id, name, path string) error
	get    func(s *models.Store, account, name string) (id string, err error)
	byID   func(s *models.Store, account, id string) (name string, err error)
	rename func(s *models.Store, account, id, name, path string) error
	del    func(s *models.Store, account, id string) error
	list   func(s *models.Store, account string, f models.ListFilter) (names []string, next string, err error)
}

var entCtx = context.Background()

var entKinds = []entKind{
	{
		name: "user",
		create: func(s *models.Store, a, id, name, path string) error {
			return s.CreateUser(entCtx, a, &models.User{UserID: id, Name: name, Path: path})
		},
		get: func(s *models.Store, a, name string) (string, error) {
			u, err := s.User(entCtx, a, name)
			if err != nil {
				return "", err
			}
			return u.UserID, nil
		},
		byID: func(s *models.Store, a, id string) (string, error) {
			u, err := s.UserByID(entCtx, a, id)
			if err != nil {
				return "", err
			}
			return u.Name, nil
		},
		rename: func(s *models.Store, a, id, name, path string) error { return s.RenameUser(entCtx, a, id, name, path) },
		del:    func(s *models.Store, a, id string) error { return s.DeleteUser(entCtx, a, id) },
		list: func(s *models.Store, a string, f models.ListFilter) ([]string, string, error) {
			us, next, err := s.ListUsers(entCtx, a, f)
			names := make([]string, len(us))
			for i, u := range us {
				names[i] = u.Name
			}
			return names, next, err
		},
	},
	{
		name: "group",
		create: func(s *models.Store, a, id, name, path string) error {
			return s.CreateGroup(entCtx, a, &models.Group{GroupID: id, Name: name, Path: path})
		},
		get: func(s *models.Store, a, name string) (string, error) {
			g, err := s.Group(entCtx, a, name)
			if err != nil {
				return "", err
			}
			return g.GroupID, nil
		},
		byID: func(s *models.Store, a, id string) (string, error) {
			g, err := s.GroupByID(entCtx, a, id)
			if err != nil {
				return "", err
			}
			return g.Name, nil
		},
		rename: func(s *models.Store, a, id, name, path string) error { return s.RenameGroup(entCtx, a, id, name, path) },
		del:    func(s *models.Store, a, id string) error { return s.DeleteGroup(entCtx, a, id) },
		list: func(s *models.Store, a string, f models.ListFilter) ([]string, string, error) {
			gs, next, err := s.ListGroups(entCtx, a, f)
			names := make([]string, len(gs))
			for i, g := range gs {
				names[i] = g.Name
			}
			return names, next, err
		},
	},
	{
		name: "role",
		create: func(s *models.Store, a, id, name, path string) error {
			return s.CreateRole(entCtx, a, &models.Role{RoleID: id, Name: name, Path: path, MaxSessionDuration: 3600})
		},
		get: func(s *models.Store, a, name string) (string, error) {
			r, err := s.Role(entCtx, a, name)
			if err != nil {
				return "", err
			}
			return r.RoleID, nil
		},
		byID: func(s *models.Store, a, id string) (string, error) {
			r, err := s.RoleByID(entCtx, a, id)
			if err != nil {
				return "", err
			}
			return r.Name, nil
		},
		rename: func(s *models.Store, a, id, name, path string) error { return s.RenameRole(entCtx, a, id, name, path) },
		del:    func(s *models.Store, a, id string) error { return s.DeleteRole(entCtx, a, id) },
		list: func(s *models.Store, a string, f models.ListFilter) ([]string, string, error) {
			rs, next, err := s.ListRoles(entCtx, a, f)
			names := make([]string, len(rs))
			for i, r := range rs {
				names[i] = r.Name
			}
			return names, next, err
		},
	},
	{
		name: "policy",
		create: func(s *models.Store, a, id, name, path string) error {
			p := &models.ManagedPolicy{PolicyID: id, Name: name, Path: path, ARN: entPolicyARN(a, path, name)}
			return s.CreatePolicy(entCtx, a, p, `{"Version":"2012-10-17","Statement":[]}`)
		},
		get: func(s *models.Store, a, name string) (string, error) {
			p, err := s.Policy(entCtx, a, name)
			if err != nil {
				return "", err
			}
			return p.PolicyID, nil
		},
		byID: func(s *models.Store, a, id string) (string, error) {
			p, err := s.PolicyByID(entCtx, a, id)
			if err != nil {
				return "", err
			}
			return p.Name, nil
		},
		rename: func(s *models.Store, a, id, name, path string) error {
			return s.RenamePolicy(entCtx, a, id, name, path, entPolicyARN(a, path, name))
		},
		del: func(s *models.Store, a, id string) error { return s.DeletePolicy(entCtx, a, id) },
		list: func(s *models.Store, a string, f models.ListFilter) ([]string, string, error) {
			ps, next, err := s.ListPolicies(entCtx, a, f)
			names := make([]string, len(ps))
			for i, p := range ps {
				names[i] = p.Name
			}
			return names, next, err
		},
	},
}

func entPolicyARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":policy" + path + name
}

func entMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func entWantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got %v, want %v", what, err, want)
	}
}

func TestEntityNamesAndNotFound(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		for _, k := range entKinds {
			t.Run(k.name, func(t *testing.T) {
				entMust(t, k.create(s, entAcct, "ID1", "Alice", "/"))
				entWantErr(t, "same name, other case", k.create(s, entAcct, "ID2", "alice", "/"), models.ErrConflict)
				entWantErr(t, "same ID", k.create(s, entAcct, "ID1", "Carol", "/"), models.ErrConflict)
				entMust(t, k.create(s, entOther, "ID3", "alice", "/")) // names are per account

				id, err := k.get(s, entAcct, "ALICE")
				if err != nil || id != "ID1" {
					t.Fatalf("get ALICE = %q, %v", id, err)
				}
				if name, err := k.byID(s, entAcct, "ID1"); err != nil || name != "Alice" {
					t.Fatalf("by ID = %q, %v", name, err)
				}
				_, err = k.get(s, entAcct, "bob")
				entWantErr(t, "get missing", err, models.ErrNotFound)
				_, err = k.byID(s, entOther, "ID1")
				entWantErr(t, "by ID from another account", err, models.ErrNotFound)
				entWantErr(t, "rename missing", k.rename(s, entAcct, "nope", "X", "/"), models.ErrNotFound)
				entWantErr(t, "delete missing", k.del(s, entAcct, "nope"), models.ErrNotFound)
				entWantErr(t, "delete from another account", k.del(s, entOther, "ID1"), models.ErrNotFound)

				entMust(t, k.create(s, entAcct, "ID4", "Bob", "/"))
				entWantErr(t, "rename onto a taken name", k.rename(s, entAcct, "ID4", "ALICE", "/"), models.ErrConflict)
				entMust(t, k.rename(s, entAcct, "ID4", "Robert", "/eng/"))
				if _, err := k.get(s, entAcct, "bob"); !errors.Is(err, models.ErrNotFound) {
					t.Fatalf("old name still found: %v", err)
				}
				if id, err := k.get(s, entAcct, "robert"); err != nil || id != "ID4" {
					t.Fatalf("new name = %q, %v", id, err)
				}
				entMust(t, k.rename(s, entAcct, "ID1", "ALICE", "/")) // a change of case only is allowed

				entMust(t, k.del(s, entAcct, "ID1"))
				_, err = k.byID(s, entAcct, "ID1")
				entWantErr(t, "after delete", err, models.ErrNotFound)
				entMust(t, k.create(s, entAcct, "ID5", "alice", "/")) // the name is free again
			})
		}
	})
}

func TestListPagination(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		for _, k := range entKinds {
			t.Run(k.name, func(t *testing.T) {
				const n = 250
				var want []string
				entMust(t, s.Tx(entCtx, func(tx *models.Store) error {
					for i := n - 1; i >= 0; i-- { // not in name order
						name := fmt.Sprintf("Entity%03d", i)
						if i%2 == 1 {
							name = strings.ToLower(name) // case must not change the order
						}
						path := "/eng/"
						if i%5 == 0 {
							path = "/ops/team_1/"
						}
						if err := k.create(tx, entAcct, fmt.Sprintf("ID%03d", i), name, path); err != nil {
							return err
						}
						want = append(want, name)
					}
					return k.create(tx, entOther, "OTHER", "Entity000x", "/") // another account's: never listed
				}))
				slices.SortFunc(want, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })

				var got []string
				f := models.ListFilter{Limit: 100}
				for pages := 0; ; pages++ {
					if pages > 3 {
						t.Fatal("pagination does not end")
					}
					names, next, err := k.list(s, entAcct, f)
					entMust(t, err)
					if len(names) > 100 {
						t.Fatalf("page of %d", len(names))
					}
					got = append(got, names...)
					if next == "" {
						break
					}
					f.After = next
				}
				if !slices.Equal(got, want) {
					t.Fatalf("paged through %d names, want %d in order:\ngot  %v\nwant %v", len(got), len(want), got, want)
				}
				// The same, Z to A.
				got = nil
				f = models.ListFilter{Limit: 100, Descending: true}
				for pages := 0; ; pages++ {
					if pages > 3 {
						t.Fatal("descending pagination does not end")
					}
					names, next, err := k.list(s, entAcct, f)
					entMust(t, err)
					got = append(got, names...)
					if next == "" {
						break
					}
					f.After = next
				}
				rev := slices.Clone(want)
				slices.Reverse(rev)
				if !slices.Equal(got, rev) {
					t.Fatalf("paged Z to A through %d names, want %d in reverse order", len(got), len(want))
				}

				tests := []struct {
					name string
					f    models.ListFilter
					want int
				}{
					{"path prefix", models.ListFilter{PathPrefix: "/ops/", Limit: 1000}, 50},
					{"path prefix is case-sensitive", models.ListFilter{PathPrefix: "/OPS/", Limit: 1000}, 0},
					{"path prefix with LIKE wildcard", models.ListFilter{PathPrefix: "/ops/team_", Limit: 1000}, 50},
					{"underscore is not a wildcard", models.ListFilter{PathPrefix: "/ops/teamX", Limit: 1000}, 0},
					{"whole path", models.ListFilter{PathPrefix: "/", Limit: 1000}, n},
					{"name prefix, any case", models.ListFilter{NamePrefix: "ENTITY1", Limit: 1000}, 100},
					{"name contains", models.ListFilter{NameContains: "y24", Limit: 1000}, 10},
					{"contains escapes %", models.ListFilter{NameContains: "%", Limit: 1000}, 0},
					{"default limit", models.ListFilter{}, 100},
					{"after a marker", models.ListFilter{After: "entity247", Limit: 1000}, 2},
					{"filters combine", models.ListFilter{PathPrefix: "/ops/", NamePrefix: "entity2", Limit: 1000}, 10},
				}
				for _, tt := range tests {
					names, _, err := k.list(s, entAcct, tt.f)
					if err != nil || len(names) != tt.want {
						t.Errorf("%s: %d names (%v), want %d", tt.name, len(names), err, tt.want)
					}
				}
			})
		}
	})
}

func TestFailedTxLeavesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		boom := errors.New("boom")
		now := time.Now().UTC()
		err := s.Tx(entCtx, func(tx *models.Store) error {
			steps := []error{
				tx.CreateUser(entCtx, entAcct, &models.User{UserID: "AIDA1", Name: "alice", Path: "/"}),
				tx.CreateAccessKey(entCtx, entAcct, &models.AccessKey{AccessKeyID: "AKIA1", UserID: "AIDA1", SealedSecret: "s"}),
				tx.CreatePolicy(entCtx, entAcct, &models.ManagedPolicy{PolicyID: "ANPA1", Name: "p", Path: "/", ARN: entPolicyARN(entAcct, "/", "p")}, "{}"),
				tx.AttachPolicy(entCtx, entAcct, models.EntityUser, "AIDA1", entPolicyARN(entAcct, "/", "p"), now),
				tx.SetTags(entCtx, entAcct, models.EntityUser, "AIDA1", []models.Tag{{Key: "k", Value: "v"}}),
				tx.CreateGroup(entCtx, entAcct, &models.Group{GroupID: "AGPA1", Name: "g", Path: "/"}),
				tx.AddUserToGroup(entCtx, entAcct, "AGPA1", "AIDA1", now),
			}
			for _, err := range steps {
				if err != nil {
					return err
				}
			}
			return boom
		})
		entWantErr(t, "Tx", err, boom)
		c, err := s.EntityCounts(entCtx, entAcct)
		if err != nil || c != (models.EntityCounts{}) {
			t.Fatalf("after rollback: %+v, %v", c, err)
		}
		if _, err := s.AccessKeyByID(entCtx, "AKIA1"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("access key survived: %v", err)
		}
		d, err := s.UserDependents(entCtx, entAcct, "AIDA1")
		if err != nil || d.Any() {
			t.Fatalf("dependents survived: %+v, %v", d, err)
		}
		if n, _ := s.CountTags(entCtx, entAcct, models.EntityUser, "AIDA1"); n != 0 {
			t.Fatalf("%d tags survived", n)
		}
		if n, _ := s.CountPolicyVersions(entCtx, entAcct, "ANPA1"); n != 0 {
			t.Fatalf("%d policy versions survived", n)
		}
	})
}

func TestAttachments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		now := time.Now().UTC()
		admin := "arn:aws:iam::aws:policy/AdministratorAccess" // built-in: no row of its own
		own := entPolicyARN(entAcct, "/", "mine")
		tests := []struct {
			et  models.EntityType
			id  string
			arn string
		}{
			{models.EntityUser, "AIDA1", admin},
			{models.EntityUser, "AIDA1", own},
			{models.EntityGroup, "AGPA1", admin},
			{models.EntityRole, "AROA1", admin},
			{models.EntityUser, "AIDA2", own},
		}
		for _, tt := range tests {
			entMust(t, s.AttachPolicy(entCtx, entAcct, tt.et, tt.id, tt.arn, now))
		}
		entWantErr(t, "attach twice", s.AttachPolicy(entCtx, entAcct, models.EntityUser, "AIDA1", admin, now), models.ErrConflict)
		entMust(t, s.AttachPolicy(entCtx, entOther, models.EntityUser, "AIDA1", admin, now)) // another account's

		as, err := s.ListAttachedPolicies(entCtx, entAcct, models.EntityUser, "AIDA1")
		if err != nil || len(as) != 2 || as[0].PolicyARN != own || as[1].PolicyARN != admin {
			t.Fatalf("ListAttachedPolicies = %+v, %v", as, err)
		}
		as, err = s.ListEntitiesForPolicy(entCtx, entAcct, admin, "")
		if err != nil || len(as) != 3 || as[0].EntityType != models.EntityGroup || as[2].EntityType != models.EntityUser {
			t.Fatalf("ListEntitiesForPolicy = %+v, %v", as, err)
		}
		as, err = s.ListEntitiesForPolicy(entCtx, entAcct, admin, models.EntityRole)
		if err != nil || len(as) != 1 || as[0].EntityID != "AROA1" {
			t.Fatalf("ListEntitiesForPolicy(role) = %+v, %v", as, err)
		}
		counts := []struct {
			name string
			fn   func() (int64, error)
			want int64
		}{
			{"attached to AIDA1", func() (int64, error) { return s.CountAttachedPolicies(entCtx, entAcct, models.EntityUser, "AIDA1") }, 2},
			{"attached to AGPA1", func() (int64, error) { return s.CountAttachedPolicies(entCtx, entAcct, models.EntityGroup, "AGPA1") }, 1},
			{"attachments of admin", func() (int64, error) { return s.CountPolicyAttachments(entCtx, entAcct, admin) }, 3},
			{"attachments of own", func() (int64, error) { return s.CountPolicyAttachments(entCtx, entAcct, own) }, 2},
		}
		for _, c := range counts {
			if n, err := c.fn(); err != nil || n != c.want {
				t.Errorf("%s = %d, %v; want %d", c.name, n, err, c.want)
			}
		}
		entMust(t, s.DetachPolicy(entCtx, entAcct, models.EntityUser, "AIDA1", admin))
		entWantErr(t, "detach twice", s.DetachPolicy(entCtx, entAcct, models.EntityUser, "AIDA1", admin), models.ErrNotFound)
		if n, _ := s.CountPolicyAttachments(entCtx, entAcct, admin); n != 2 {
			t.Fatalf("after detach: %d attachments", n)
		}
	})
}

func TestRenamePolicyMovesAttachments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		now := time.Now().UTC()
		old := entPolicyARN(entAcct, "/", "p")
		entMust(t, s.CreatePolicy(entCtx, entAcct, &models.ManagedPolicy{PolicyID: "ANPA1", Name: "p", Path: "/", ARN: old}, "{}"))
		entMust(t, s.CreateUser(entCtx, entAcct, &models.User{UserID: "AIDA1", Name: "u", Path: "/", PermissionsBoundaryARN: old}))
		entMust(t, s.AttachPolicy(entCtx, entAcct, models.EntityRole, "AROA1", old, now))
		renamed := entPolicyARN(entAcct, "/x/", "q")
		entMust(t, s.RenamePolicy(entCtx, entAcct, "ANPA1", "q", "/x/", renamed))
		if p, err := s.PolicyByARN(entCtx, entAcct, renamed); err != nil || p.PolicyID != "ANPA1" {
			t.Fatalf("PolicyByARN(new) = %+v, %v", p, err)
		}
		if n, _ := s.CountPolicyAttachments(entCtx, entAcct, renamed); n != 1 {
			t.Fatalf("attachments did not follow: %d", n)
		}
		if n, _ := s.CountPermissionsBoundaryUses(entCtx, entAcct, renamed); n != 1 {
			t.Fatalf("boundary did not follow: %d", n)
		}
		_, err := s.PolicyByARN(entCtx, entAcct, old)
		entWantErr(t, "old ARN", err, models.ErrNotFound)
	})
}

// TestMoveOwnerARN: a renamed user's devices, recovery codes and password
// history follow it to its new ARN; its half-done enrollment and sign-in
// step do not (they are bound to the old ARN); nobody else's move.
func TestMoveOwnerARN(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		now := time.Now().UTC().Truncate(time.Second)
		old, renamed := "arn:aws:iam::"+entAcct+":user/alice", "arn:aws:iam::"+entAcct+":user/eng/alicia"
		bob := "arn:aws:iam::" + entAcct + ":user/bob"
		for _, owner := range []string{old, bob} {
			entMust(t, s.CreateMFADevice(entCtx, &models.MFADevice{AccountID: entAcct, OwnerARN: owner, Name: "phone",
				SerialNumber: owner + "-phone", CreatedAt: now}))
			entMust(t, s.ReplaceRecoveryCodes(entCtx, entAcct, owner, []string{"h1", "h2"}, now))
			entMust(t, s.AddPasswordHistory(entCtx, &models.PasswordHistory{AccountID: entAcct, OwnerARN: owner, Hash: "p1", CreatedAt: now}))
			entMust(t, s.PutMFAEnrollment(entCtx, &models.MFAEnrollment{AccountID: entAcct, OwnerARN: owner, Name: "new", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
			entMust(t, s.CreateMFAChallenge(entCtx, &models.MFAChallenge{IDHash: owner, AccountID: entAcct, PrincipalARN: owner, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
		}
		// The same ARN in another account is another principal.
		entMust(t, s.ReplaceRecoveryCodes(entCtx, entOther, old, []string{"h"}, now))

		entMust(t, s.Tx(entCtx, func(tx *models.Store) error { return tx.MoveOwnerARN(entCtx, entAcct, old, renamed) }))

		counts := func(owner string) string {
			devs, err1 := s.MFADevices(entCtx, entAcct, owner)
			codes, err2 := s.UnusedRecoveryCodes(entCtx, entAcct, owner)
			hist, err3 := s.RecentPasswordHashes(entCtx, entAcct, owner, 5)
			_, err4 := s.MFAEnrollment(entCtx, entAcct, owner)
			_, err5 := s.MFAChallenge(entCtx, owner, now)
			return fmt.Sprintf("devices=%d codes=%d history=%d enrollment=%v challenge=%v %v",
				len(devs), len(codes), len(hist), err4 == nil, err5 == nil, errors.Join(err1, err2, err3))
		}
		for _, c := range []struct{ owner, want string }{
			{old, "devices=0 codes=0 history=0 enrollment=false challenge=false <nil>"},
			{renamed, "devices=1 codes=2 history=1 enrollment=false challenge=false <nil>"},
			{bob, "devices=1 codes=2 history=1 enrollment=true challenge=true <nil>"},
		} {
			if got := counts(c.owner); got != c.want {
				t.Errorf("%s: %s, want %s", c.owner, got, c.want)
			}
		}
		if d, err := s.MFADeviceBySerial(entCtx, entAcct, old+"-phone"); err != nil || d.OwnerARN != renamed {
			t.Errorf("the device keeps its serial and has the new owner: %+v %v", d, err)
		}
		if codes, _ := s.UnusedRecoveryCodes(entCtx, entOther, old); len(codes) != 1 {
			t.Errorf("another account's codes moved: %d left", len(codes))
		}
	})
}

func TestTagsUpsert(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		et, id := models.EntityUser, "AIDA1"
		steps := []struct {
			set    []models.Tag
			remove []string
			want   string // "key=value,…" by key
		}{
			{set: []models.Tag{{Key: "Env", Value: "prod"}, {Key: "team", Value: "a"}}, want: "Env=prod,team=a"},
			{set: []models.Tag{{Key: "env", Value: "dev"}}, want: "env=dev,team=a"},                                     // same key, other case: replaced
			{set: []models.Tag{{Key: "Owner", Value: "x"}, {Key: "OWNER", Value: "y"}}, want: "env=dev,OWNER=y,team=a"}, // the later wins
			{set: []models.Tag{{Key: "team", Value: ""}}, want: "env=dev,OWNER=y,team="},
			{remove: []string{"ENV", "absent"}, want: "OWNER=y,team="},
			{remove: []string{}, want: "OWNER=y,team="},
		}
		for i, st := range steps {
			entMust(t, s.SetTags(entCtx, entAcct, et, id, st.set))
			entMust(t, s.RemoveTags(entCtx, entAcct, et, id, st.remove))
			tags, err := s.ListTags(entCtx, entAcct, et, id)
			entMust(t, err)
			var kv []string
			for _, tg := range tags {
				kv = append(kv, tg.Key+"="+tg.Value)
			}
			if got := strings.Join(kv, ","); got != st.want {
				t.Fatalf("step %d: tags %q, want %q", i, got, st.want)
			}
			if n, _ := s.CountTags(entCtx, entAcct, et, id); n != int64(len(tags)) {
				t.Fatalf("step %d: CountTags = %d", i, n)
			}
		}
		entMust(t, s.SetTags(entCtx, entAcct, models.EntityRole, id, []models.Tag{{Key: "env", Value: "r"}})) // another entity type, same ID
		entMust(t, s.DeleteTagsOf(entCtx, entAcct, et, id))
		if n, _ := s.CountTags(entCtx, entAcct, et, id); n != 0 {
			t.Fatalf("after DeleteTagsOf: %d tags", n)
		}
		if n, _ := s.CountTags(entCtx, entAcct, models.EntityRole, id); n != 1 {
			t.Fatalf("the role's tag went too: %d", n)
		}
	})
}

func TestAccessKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		now := time.Now().UTC().Truncate(time.Second)
		entMust(t, s.CreateUser(entCtx, entAcct, &models.User{UserID: "AIDA1", Name: "alice", Path: "/"}))
		entMust(t, s.CreateAccessKey(entCtx, entAcct, &models.AccessKey{AccessKeyID: "AKIA1", UserID: "AIDA1", SealedSecret: "s1", CreatedAt: now}))
		entMust(t, s.CreateAccessKey(entCtx, entAcct, &models.AccessKey{AccessKeyID: "AKIA2", UserID: "AIDA1", SealedSecret: "s2", CreatedAt: now.Add(time.Second)}))
		entWantErr(t, "same key ID", s.CreateAccessKey(entCtx, entOther, &models.AccessKey{AccessKeyID: "AKIA1", UserID: "AIDA9"}), models.ErrConflict)

		k, err := s.AccessKeyByID(entCtx, "AKIA1") // any account: SigV4 knows only the key
		if err != nil || k.AccountID != entAcct || k.Status != models.AccessKeyActive || k.SealedSecret != "s1" {
			t.Fatalf("AccessKeyByID = %+v, %v", k, err)
		}
		_, err = s.AccessKey(entCtx, entOther, "AKIA1")
		entWantErr(t, "key from another account", err, models.ErrNotFound)

		tests := []struct {
			name          string
			account, user string
			key, status   string
			want          error
		}{
			{"deactivate", entAcct, "AIDA1", "AKIA1", models.AccessKeyInactive, nil},
			{"again", entAcct, "AIDA1", "AKIA1", models.AccessKeyInactive, nil},
			{"another user's key", entAcct, "AIDA2", "AKIA2", models.AccessKeyInactive, models.ErrNotFound},
			{"another account", entOther, "AIDA1", "AKIA2", models.AccessKeyInactive, models.ErrNotFound},
			{"missing key", entAcct, "AIDA1", "AKIA9", models.AccessKeyActive, models.ErrNotFound},
		}
		for _, tt := range tests {
			err := s.UpdateAccessKeyStatus(entCtx, tt.account, tt.user, tt.key, tt.status)
			if (tt.want == nil && err != nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
			}
		}
		entMust(t, s.RecordAccessKeyUse(entCtx, entAcct, "AKIA2", now, "iam", "us-east-1"))
		ks, err := s.ListAccessKeys(entCtx, entAcct, "AIDA1")
		if err != nil || len(ks) != 2 || ks[0].AccessKeyID != "AKIA1" || ks[0].Status != models.AccessKeyInactive ||
			ks[1].Status != models.AccessKeyActive || ks[1].LastUsedAt == nil || !ks[1].LastUsedAt.Equal(now) ||
			ks[1].LastUsedService != "iam" || ks[1].LastUsedRegion != "us-east-1" {
			t.Fatalf("ListAccessKeys = %+v, %v", ks, err)
		}

		// The store deletes what it is told: a user with keys goes, the
		// keys stay until the caller deletes them.
		entMust(t, s.DeleteUser(entCtx, entAcct, "AIDA1"))
		if n, _ := s.CountAccessKeys(entCtx, entAcct, "AIDA1"); n != 2 {
			t.Fatalf("keys after DeleteUser: %d", n)
		}
		entMust(t, s.DeleteAccessKey(entCtx, entAcct, "AIDA1", "AKIA1"))
		entWantErr(t, "delete twice", s.DeleteAccessKey(entCtx, entAcct, "AIDA1", "AKIA1"), models.ErrNotFound)
		if n, _ := s.CountAccessKeys(entCtx, entAcct, "AIDA1"); n != 1 {
			t.Fatalf("keys after delete: %d", n)
		}
	})
}

func TestPolicyVersionsNeverReuseNumbers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		now := time.Now().UTC().Truncate(time.Second)
		entMust(t, s.CreatePolicy(entCtx, entAcct, &models.ManagedPolicy{PolicyID: "ANPA1", Name: "p", Path: "/", ARN: entPolicyARN(entAcct, "/", "p"), CreatedAt: now}, "doc1"))
		add := func(doc string, asDefault bool) string {
			t.Helper()
			v, err := s.CreatePolicyVersion(entCtx, entAcct, "ANPA1", doc, asDefault, now.Add(time.Minute))
			entMust(t, err)
			return v.VersionID
		}
		if v := add("doc2", false); v != "v2" {
			t.Fatalf("second version %s", v)
		}
		if v := add("doc3", true); v != "v3" {
			t.Fatalf("third version %s", v)
		}
		entMust(t, s.DeletePolicyVersion(entCtx, entAcct, "ANPA1", "v2"))
		if v := add("doc4", false); v != "v4" {
			t.Fatalf("after deleting v2: %s, want v4", v)
		}
		for i := 5; i <= 11; i++ { // past v9: order must be by number, not text
			entMust(t, s.DeletePolicyVersion(entCtx, entAcct, "ANPA1", "v"+fmt.Sprint(i-1)))
			if v := add(fmt.Sprint("doc", i), false); v != fmt.Sprint("v", i) {
				t.Fatalf("got %s, want v%d", v, i)
			}
		}
		_, err := s.CreatePolicyVersion(entCtx, entAcct, "ANPA9", "x", false, now)
		entWantErr(t, "version of a missing policy", err, models.ErrNotFound)

		vs, err := s.ListPolicyVersions(entCtx, entAcct, "ANPA1")
		entMust(t, err)
		var ids []string
		for _, v := range vs {
			ids = append(ids, v.VersionID)
		}
		if got := strings.Join(ids, ","); got != "v11,v3,v1" {
			t.Fatalf("versions %s", got)
		}
		p, err := s.PolicyByID(entCtx, entAcct, "ANPA1")
		if err != nil || p.DefaultVersionID != "v3" || !p.UpdatedAt.Equal(now.Add(time.Minute)) || !p.CreatedAt.Equal(now) {
			t.Fatalf("policy %+v, %v", p, err)
		}

		entMust(t, s.SetDefaultPolicyVersion(entCtx, entAcct, "ANPA1", "v1", now.Add(time.Hour)))
		entWantErr(t, "default to a deleted version", s.SetDefaultPolicyVersion(entCtx, entAcct, "ANPA1", "v2", now), models.ErrNotFound)
		vs, _ = s.ListPolicyVersions(entCtx, entAcct, "ANPA1")
		for _, v := range vs {
			if v.IsDefault != (v.VersionID == "v1") {
				t.Fatalf("%s IsDefault=%v after setting v1", v.VersionID, v.IsDefault)
			}
		}
		v, err := s.PolicyVersion(entCtx, entAcct, "ANPA1", "v1")
		if err != nil || v.Document != "doc1" || !v.IsDefault {
			t.Fatalf("PolicyVersion(v1) = %+v, %v", v, err)
		}
		if n, _ := s.CountPolicyVersions(entCtx, entAcct, "ANPA1"); n != 3 {
			t.Fatalf("CountPolicyVersions = %d", n)
		}

		// Concurrent versions each get their own number.
		var wg sync.WaitGroup
		got := make([]string, 4)
		for i := range got {
			wg.Go(func() {
				v, err := s.CreatePolicyVersion(entCtx, entAcct, "ANPA1", "c", false, now)
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = v.VersionID
			})
		}
		wg.Wait()
		slices.Sort(got)
		if strings.Join(got, ",") != "v12,v13,v14,v15" {
			t.Fatalf("concurrent versions %v", got)
		}

		entMust(t, s.DeletePolicy(entCtx, entAcct, "ANPA1"))
		if n, _ := s.CountPolicyVersions(entCtx, entAcct, "ANPA1"); n != 0 {
			t.Fatalf("versions outlived their policy: %d", n)
		}
	})
}

func TestGroupMembership(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		now := time.Now().UTC()
		for _, u := range []string{"carol", "Alice", "bob"} {
			entMust(t, s.CreateUser(entCtx, entAcct, &models.User{UserID: "AIDA" + u, Name: u, Path: "/"}))
		}
		for _, g := range []string{"devs", "Admins"} {
			entMust(t, s.CreateGroup(entCtx, entAcct, &models.Group{GroupID: "AGPA" + g, Name: g, Path: "/"}))
		}
		for _, m := range [][2]string{{"devs", "carol"}, {"devs", "Alice"}, {"Admins", "Alice"}} {
			entMust(t, s.AddUserToGroup(entCtx, entAcct, "AGPA"+m[0], "AIDA"+m[1], now))
		}
		entWantErr(t, "add twice", s.AddUserToGroup(entCtx, entAcct, "AGPAdevs", "AIDAcarol", now), models.ErrConflict)

		us, next, err := s.ListGroupMembers(entCtx, entAcct, "AGPAdevs", models.ListFilter{Limit: 1})
		if err != nil || len(us) != 1 || us[0].Name != "Alice" || next == "" {
			t.Fatalf("members page 1 = %+v, %q, %v", us, next, err)
		}
		us, next, err = s.ListGroupMembers(entCtx, entAcct, "AGPAdevs", models.ListFilter{After: next})
		if err != nil || len(us) != 1 || us[0].Name != "carol" || next != "" {
			t.Fatalf("members page 2 = %+v, %q, %v", us, next, err)
		}
		gs, _, err := s.ListGroupsForUser(entCtx, entAcct, "AIDAAlice", models.ListFilter{})
		if err != nil || len(gs) != 2 || gs[0].Name != "Admins" || gs[1].Name != "devs" {
			t.Fatalf("groups for Alice = %+v, %v", gs, err)
		}
		if gs, _, _ := s.ListGroupsForUser(entCtx, entOther, "AIDAAlice", models.ListFilter{}); len(gs) != 0 {
			t.Fatalf("groups seen from another account: %+v", gs)
		}
		if ok, err := s.IsGroupMember(entCtx, entAcct, "AGPAAdmins", "AIDAbob"); ok || err != nil {
			t.Fatalf("IsGroupMember(bob) = %v, %v", ok, err)
		}
		if n, _ := s.CountGroupMembers(entCtx, entAcct, "AGPAdevs"); n != 2 {
			t.Fatalf("CountGroupMembers = %d", n)
		}
		if n, _ := s.CountGroupsForUser(entCtx, entAcct, "AIDAAlice"); n != 2 {
			t.Fatalf("CountGroupsForUser = %d", n)
		}
		gd, err := s.GroupDependents(entCtx, entAcct, "AGPAdevs")
		if err != nil || gd.Members != 2 || !gd.Any() {
			t.Fatalf("GroupDependents = %+v, %v", gd, err)
		}
		entMust(t, s.RemoveUserFromGroup(entCtx, entAcct, "AGPAdevs", "AIDAAlice"))
		entWantErr(t, "remove twice", s.RemoveUserFromGroup(entCtx, entAcct, "AGPAdevs", "AIDAAlice"), models.ErrNotFound)
		if n, _ := s.CountGroupsForUser(entCtx, entAcct, "AIDAAlice"); n != 1 {
			t.Fatalf("CountGroupsForUser after remove = %d", n)
		}
	})
}

func TestInlinePolicies(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		et, id := models.EntityRole, "AROA1"
		put := func(name, doc string) {
			t.Helper()
			entMust(t, s.PutInlinePolicy(entCtx, entAcct, &models.InlinePolicy{EntityType: et, EntityID: id, Name: name, Document: doc}))
		}
		put("S3", `{"a": 1}`)           // size 7
		put("ec2", "{ }")               // size 2
		put("s3", "{\n  \"bb\": 22\n}") // replaces S3: size 9
		names, err := s.InlinePolicyNames(entCtx, entAcct, et, id)
		if err != nil || strings.Join(names, ",") != "ec2,s3" {
			t.Fatalf("names %v, %v", names, err)
		}
		if n, err := s.InlinePolicySize(entCtx, entAcct, et, id); err != nil || n != 11 {
			t.Fatalf("InlinePolicySize = %d, %v", n, err)
		}
		if n, err := s.InlinePolicySize(entCtx, entAcct, models.EntityUser, id); err != nil || n != 0 {
			t.Fatalf("InlinePolicySize of none = %d, %v", n, err)
		}
		p, err := s.InlinePolicy(entCtx, entAcct, et, id, "S3")
		if err != nil || p.Name != "s3" || p.Size != 9 || !strings.Contains(p.Document, "bb") {
			t.Fatalf("InlinePolicy = %+v, %v", p, err)
		}
		_, err = s.InlinePolicy(entCtx, entAcct, models.EntityUser, id, "s3")
		entWantErr(t, "other entity type", err, models.ErrNotFound)
		rd, err := s.RoleDependents(entCtx, entAcct, id)
		if err != nil || rd.InlinePolicies != 2 {
			t.Fatalf("RoleDependents = %+v, %v", rd, err)
		}
		entMust(t, s.DeleteInlinePolicy(entCtx, entAcct, et, id, "EC2"))
		entWantErr(t, "delete twice", s.DeleteInlinePolicy(entCtx, entAcct, et, id, "ec2"), models.ErrNotFound)
		ps, err := s.ListInlinePolicies(entCtx, entAcct, et, id)
		if err != nil || len(ps) != 1 || ps[0].Name != "s3" {
			t.Fatalf("ListInlinePolicies = %+v, %v", ps, err)
		}
	})
}

func TestUserExtras(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		now := time.Now().UTC().Truncate(time.Second)
		entMust(t, s.CreateUser(entCtx, entAcct, &models.User{UserID: "AIDA1", Name: "alice", Path: "/"}))

		_, err := s.LoginProfile(entCtx, entAcct, "AIDA1")
		entWantErr(t, "no login profile", err, models.ErrNotFound)
		entWantErr(t, "update missing", s.UpdateLoginProfile(entCtx, entAcct, &models.LoginProfile{UserID: "AIDA1"}), models.ErrNotFound)
		entMust(t, s.CreateLoginProfile(entCtx, entAcct, &models.LoginProfile{UserID: "AIDA1", PasswordHash: "h1", PasswordResetRequired: true, CreatedAt: now, PasswordChangedAt: now}))
		entWantErr(t, "create twice", s.CreateLoginProfile(entCtx, entAcct, &models.LoginProfile{UserID: "AIDA1"}), models.ErrConflict)
		entMust(t, s.UpdateLoginProfile(entCtx, entAcct, &models.LoginProfile{UserID: "AIDA1", PasswordHash: "h2", PasswordChangedAt: now.Add(time.Hour)}))
		p, err := s.LoginProfile(entCtx, entAcct, "AIDA1")
		if err != nil || p.PasswordHash != "h2" || p.PasswordResetRequired || !p.CreatedAt.Equal(now) || !p.PasswordChangedAt.Equal(now.Add(time.Hour)) {
			t.Fatalf("LoginProfile = %+v, %v", p, err)
		}
		_, err = s.LoginProfile(entCtx, entOther, "AIDA1")
		entWantErr(t, "from another account", err, models.ErrNotFound)

		entMust(t, s.RecordPasswordUse(entCtx, entAcct, "AIDA1", now))
		entMust(t, s.SetUserPermissionsBoundary(entCtx, entAcct, "AIDA1", "arn:aws:iam::aws:policy/PowerUserAccess"))
		u, err := s.UserByID(entCtx, entAcct, "AIDA1")
		if err != nil || u.PasswordLastUsed == nil || !u.PasswordLastUsed.Equal(now) || u.PermissionsBoundaryARN == "" {
			t.Fatalf("user %+v, %v", u, err)
		}
		if n, _ := s.CountPermissionsBoundaryUses(entCtx, entAcct, "arn:aws:iam::aws:policy/PowerUserAccess"); n != 1 {
			t.Fatalf("CountPermissionsBoundaryUses = %d", n)
		}

		entMust(t, s.AttachPolicy(entCtx, entAcct, models.EntityUser, "AIDA1", "arn:aws:iam::aws:policy/ReadOnlyAccess", now))
		entMust(t, s.PutInlinePolicy(entCtx, entAcct, &models.InlinePolicy{EntityType: models.EntityUser, EntityID: "AIDA1", Name: "x", Document: "{}"}))
		entMust(t, s.CreateAccessKey(entCtx, entAcct, &models.AccessKey{AccessKeyID: "AKIA1", UserID: "AIDA1"}))
		entMust(t, s.AddUserToGroup(entCtx, entAcct, "AGPA1", "AIDA1", now))
		d, err := s.UserDependents(entCtx, entAcct, "AIDA1")
		want := models.UserDependents{AccessKeys: 1, AttachedPolicies: 1, InlinePolicies: 1, Groups: 1, LoginProfile: true}
		if err != nil || d != want {
			t.Fatalf("UserDependents = %+v, %v; want %+v", d, err, want)
		}
		entMust(t, s.DeleteLoginProfile(entCtx, entAcct, "AIDA1"))
		entWantErr(t, "delete twice", s.DeleteLoginProfile(entCtx, entAcct, "AIDA1"), models.ErrNotFound)
		if d, _ := s.UserDependents(entCtx, entAcct, "AIDA1"); d.LoginProfile {
			t.Fatal("login profile still counted")
		}
	})
}

func TestRoleUpdates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		now := time.Now().UTC().Truncate(time.Second)
		entMust(t, s.CreateRole(entCtx, entAcct, &models.Role{RoleID: "AROA1", Name: "deploy", Path: "/", AssumeRolePolicyDocument: "t1", MaxSessionDuration: 3600}))
		tests := []struct {
			name string
			fn   func(account, id string) error
		}{
			{"trust policy", func(a, id string) error { return s.UpdateRoleTrustPolicy(entCtx, a, id, "t2") }},
			{"description", func(a, id string) error { return s.UpdateRoleDescription(entCtx, a, id, "deploys") }},
			{"max session", func(a, id string) error { return s.UpdateRoleMaxSessionDuration(entCtx, a, id, 7200) }},
			{"boundary", func(a, id string) error { return s.SetRolePermissionsBoundary(entCtx, a, id, "arn:b") }},
			{"last used", func(a, id string) error { return s.RecordRoleUse(entCtx, a, id, now, "eu-west-1") }},
		}
		for _, tt := range tests {
			entMust(t, tt.fn(entAcct, "AROA1"))
			entWantErr(t, tt.name+" of a missing role", tt.fn(entAcct, "AROA9"), models.ErrNotFound)
			entWantErr(t, tt.name+" from another account", tt.fn(entOther, "AROA1"), models.ErrNotFound)
		}
		r, err := s.RoleByID(entCtx, entAcct, "AROA1")
		if err != nil || r.AssumeRolePolicyDocument != "t2" || r.Description != "deploys" || r.MaxSessionDuration != 7200 ||
			r.PermissionsBoundaryARN != "arn:b" || r.LastUsedAt == nil || !r.LastUsedAt.Equal(now) || r.LastUsedRegion != "eu-west-1" {
			t.Fatalf("role %+v, %v", r, err)
		}
		entMust(t, s.UpdateRoleDescription(entCtx, entAcct, "AROA1", "")) // clearing is a change too
		if r, _ := s.RoleByID(entCtx, entAcct, "AROA1"); r.Description != "" {
			t.Fatalf("description %q", r.Description)
		}
	})
}

func TestEntityCounts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		for i := range 3 {
			entMust(t, s.CreateUser(entCtx, entAcct, &models.User{UserID: fmt.Sprint("AIDA", i), Name: fmt.Sprint("u", i), Path: "/"}))
		}
		entMust(t, s.CreateGroup(entCtx, entAcct, &models.Group{GroupID: "AGPA1", Name: "g", Path: "/"}))
		entMust(t, s.CreateRole(entCtx, entOther, &models.Role{RoleID: "AROA1", Name: "r", Path: "/"}))
		entMust(t, s.CreatePolicy(entCtx, entAcct, &models.ManagedPolicy{PolicyID: "ANPA1", Name: "p", Path: "/", ARN: entPolicyARN(entAcct, "/", "p")}, "{}"))
		c, err := s.EntityCounts(entCtx, entAcct)
		if want := (models.EntityCounts{Users: 3, Groups: 1, Roles: 0, Policies: 1}); err != nil || c != want {
			t.Fatalf("EntityCounts = %+v, %v; want %+v", c, err, want)
		}
		for _, x := range []struct {
			name string
			fn   func(context.Context, string) (int64, error)
			want int64
		}{{"users", s.CountUsers, 3}, {"groups", s.CountGroups, 1}, {"roles", s.CountRoles, 0}, {"policies", s.CountPolicies, 1}} {
			if n, err := x.fn(entCtx, entAcct); err != nil || n != x.want {
				t.Errorf("Count %s = %d, %v", x.name, n, err)
			}
		}
	})
}

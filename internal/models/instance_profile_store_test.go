package models_test

import (
	"errors"
	"testing"

	"github.com/iamconsole/console/internal/models"
)

// TestInstanceProfileStore walks a profile through its life on both
// databases: names unique whatever their case, one role at most, no delete
// while it holds one, paging, tags with the 16-character entity type.
func TestInstanceProfileStore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *models.Store, _ string) {
		mk := func(id, name, path string) {
			t.Helper()
			entMust(t, s.CreateInstanceProfile(entCtx, entAcct, &models.InstanceProfile{InstanceProfileID: id, Name: name, Path: path}))
		}
		mk("AIPA1", "Web", "/")
		mk("AIPA2", "batch", "/jobs/")
		mk("AIPA3", "cron", "/jobs/")
		if err := s.CreateInstanceProfile(entCtx, entAcct, &models.InstanceProfile{InstanceProfileID: "AIPA9", Name: "WEB", Path: "/"}); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("same name in another case: %v, want ErrConflict", err)
		}
		// The same name in another account is another profile.
		entMust(t, s.CreateInstanceProfile(entCtx, entOther, &models.InstanceProfile{InstanceProfileID: "AIPA4", Name: "web", Path: "/"}))
		entMust(t, s.CreateRole(entCtx, entAcct, &models.Role{RoleID: "AROA1", Name: "ec2", Path: "/"}))
		entMust(t, s.CreateRole(entCtx, entAcct, &models.Role{RoleID: "AROA2", Name: "other", Path: "/"}))

		p, err := s.InstanceProfile(entCtx, entAcct, "wEb")
		if err != nil || p.InstanceProfileID != "AIPA1" || p.Name != "Web" {
			t.Fatalf("InstanceProfile(wEb) = %+v, %v", p, err)
		}
		if _, err := s.InstanceProfile(entCtx, entAcct, "nope"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("missing profile: %v", err)
		}

		entMust(t, s.AddRoleToInstanceProfile(entCtx, entAcct, "AIPA1", "AROA1"))
		entMust(t, s.AddRoleToInstanceProfile(entCtx, entAcct, "AIPA2", "AROA1"))
		for _, role := range []string{"AROA1", "AROA2"} {
			if err := s.AddRoleToInstanceProfile(entCtx, entAcct, "AIPA1", role); !errors.Is(err, models.ErrProfileFull) {
				t.Fatalf("second role %s: %v, want ErrProfileFull", role, err)
			}
		}
		if err := s.AddRoleToInstanceProfile(entCtx, entAcct, "AIPA8", "AROA1"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("role into a missing profile: %v", err)
		}
		if err := s.AddRoleToInstanceProfile(entCtx, entOther, "AIPA1", "AROA2"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("profile of another account: %v", err)
		}
		if n, err := s.CountRoleInstanceProfiles(entCtx, entAcct, "AROA1"); err != nil || n != 2 {
			t.Fatalf("profiles of AROA1: %d, %v", n, err)
		}
		held, err := s.InstanceProfilesOfRoles(entCtx, entAcct, nil)
		if err != nil || len(held) != 2 || held[0].Name != "batch" || held[1].Name != "Web" {
			t.Fatalf("profiles holding roles: %+v, %v", held, err)
		}
		if held, err = s.InstanceProfilesOfRoles(entCtx, entAcct, []string{"AROA2"}); err != nil || len(held) != 0 {
			t.Fatalf("profiles of AROA2: %+v, %v", held, err)
		}
		page, next, err := s.ListInstanceProfilesForRole(entCtx, entAcct, "AROA1", models.ListFilter{Limit: 1})
		if err != nil || len(page) != 1 || page[0].Name != "batch" || next == "" {
			t.Fatalf("first page for role: %+v %q %v", page, next, err)
		}
		page, next, err = s.ListInstanceProfilesForRole(entCtx, entAcct, "AROA1", models.ListFilter{Limit: 1, After: next})
		if err != nil || len(page) != 1 || page[0].Name != "Web" || next != "" {
			t.Fatalf("second page for role: %+v %q %v", page, next, err)
		}
		page, _, err = s.ListInstanceProfiles(entCtx, entAcct, models.ListFilter{PathPrefix: "/jobs/"})
		if err != nil || len(page) != 2 || page[0].Name != "batch" || page[1].Name != "cron" {
			t.Fatalf("profiles under /jobs/: %+v, %v", page, err)
		}
		if n, err := s.CountInstanceProfiles(entCtx, entAcct); err != nil || n != 3 {
			t.Fatalf("count: %d, %v", n, err)
		}

		if err := s.DeleteInstanceProfile(entCtx, entAcct, "AIPA1"); !errors.Is(err, models.ErrProfileHoldsRole) {
			t.Fatalf("delete while holding a role: %v", err)
		}
		if err := s.RemoveRoleFromInstanceProfile(entCtx, entAcct, "AIPA1", "AROA2"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("remove a role it does not hold: %v", err)
		}
		entMust(t, s.RemoveRoleFromInstanceProfile(entCtx, entAcct, "AIPA1", "AROA1"))

		tags := []models.Tag{{Key: "team", Value: "web"}, {Key: "Env", Value: "prod"}}
		entMust(t, s.SetTags(entCtx, entAcct, models.EntityInstanceProfile, "AIPA1", tags))
		got, err := s.ListTags(entCtx, entAcct, models.EntityInstanceProfile, "AIPA1")
		if err != nil || len(got) != 2 || got[0].Key != "Env" {
			t.Fatalf("tags: %+v, %v", got, err)
		}
		entMust(t, s.LockEntity(entCtx, entAcct, models.EntityInstanceProfile, "AIPA1"))
		entMust(t, s.DeleteTagsOf(entCtx, entAcct, models.EntityInstanceProfile, "AIPA1"))
		entMust(t, s.DeleteInstanceProfile(entCtx, entAcct, "AIPA1"))
		if err := s.DeleteInstanceProfile(entCtx, entAcct, "AIPA1"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
		if err := s.LockEntity(entCtx, entAcct, models.EntityInstanceProfile, "AIPA1"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("lock a deleted profile: %v", err)
		}
	})
}

package iam_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

const userPassword = "a long and winding passphrase"

// rootOf is the account's root user as a caller.
func rootOf(res *iam.SetupResult) *iam.Principal {
	return &iam.Principal{Type: iam.TypeRoot, AccountID: res.Account.ID, ID: res.Account.ID, ARN: res.Account.RootARN(), Name: res.Account.RootEmail}
}

// mustCreateUser creates a user as root.
func mustCreateUser(t *testing.T, svc *iam.Service, root *iam.Principal, name string) *iam.User {
	t.Helper()
	u, err := svc.CreateUser(context.Background(), root, iam.CreateUserInput{UserName: name}, iam.Meta{})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// signedInUser creates an IAM user with a console password and the given
// managed policies, signs it in and returns it as a caller.
func signedInUser(t *testing.T, svc *iam.Service, store *models.Store, root *iam.Principal, name string, policies ...string) *iam.Principal {
	t.Helper()
	ctx := context.Background()
	u := mustCreateUser(t, svc, root, name)
	if _, err := svc.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: name, Password: userPassword}, iam.Meta{}); err != nil {
		t.Fatalf("login profile: %v", err)
	}
	for _, p := range policies {
		if err := store.AttachPolicy(ctx, root.AccountID, models.EntityUser, u.UserId, p, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	return signIn(t, svc, name, userPassword)
}

func signIn(t *testing.T, svc *iam.Service, name, password string) *iam.Principal {
	t.Helper()
	res, err := svc.SignIn(context.Background(), name, password, iam.Meta{SourceIP: "192.0.2.9"})
	if err != nil {
		t.Fatalf("sign in %s: %v", name, err)
	}
	p, err := svc.Authenticate(context.Background(), res.Token)
	if err != nil {
		t.Fatalf("authenticate %s: %v", name, err)
	}
	return p
}

func putInline(t *testing.T, store *models.Store, acct string, et models.EntityType, id, name, doc string) {
	t.Helper()
	if err := store.PutInlinePolicy(context.Background(), acct, &models.InlinePolicy{EntityType: et, EntityID: id, Name: name, Document: doc}); err != nil {
		t.Fatal(err)
	}
}

func wantKind(t *testing.T, err error, k iam.Kind, what string) *iam.Error {
	t.Helper()
	var e *iam.Error
	if !errors.As(err, &e) || e.Kind != k {
		t.Fatalf("%s: got %v, want %v", what, err, k)
	}
	return e
}

func TestUserNamesAndUniqueness(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, _, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			cases := []struct {
				name, path string
				field      string
			}{
				{"ok+=,.@_-", "", ""},
				{strings.Repeat("a", 64), "/team/a/", ""},
				{"", "", "UserName"},
				{strings.Repeat("a", 65), "", "UserName"},
				{"has space", "", "UserName"},
				{"slash/name", "", "UserName"},
				{"ünïcode", "", "UserName"},
				{"goodname", "no-slash", "Path"},
				{"goodname", "/a//b/", "Path"},
			}
			for _, c := range cases {
				u, err := svc.CreateUser(ctx, root, iam.CreateUserInput{UserName: c.name, Path: c.path}, iam.Meta{})
				if c.field == "" {
					if err != nil {
						t.Fatalf("%q: %v", c.name, err)
					}
					if !strings.HasPrefix(u.UserId, "AIDA") || len(u.UserId) != 21 || u.Arn != "arn:aws:iam::"+root.AccountID+":user"+map[bool]string{true: "/", false: c.path}[c.path == ""]+c.name {
						t.Fatalf("user %+v", u)
					}
					continue
				}
				if e := wantKind(t, err, iam.Invalid, c.name); e.Field != c.field {
					t.Fatalf("%q: field %q, want %q", c.name, e.Field, c.field)
				}
			}
			mustCreateUser(t, svc, root, "Alice")
			_, err := svc.CreateUser(ctx, root, iam.CreateUserInput{UserName: "aLICE"}, iam.Meta{})
			if e := wantKind(t, err, iam.AlreadyExists, "same name, other case"); e.Message != "User with name aLICE already exists." || e.Code != "" {
				t.Fatalf("message %q code %q", e.Message, e.Code)
			}
			got, err := svc.GetUser(ctx, root, "ALICE", iam.Meta{})
			if err != nil || got.UserName != "Alice" {
				t.Fatalf("get by other case: %+v %v", got, err)
			}
			_, err = svc.GetUser(ctx, root, "nobody", iam.Meta{})
			if e := wantKind(t, err, iam.NotFound, "unknown"); e.Message != "The user with name nobody cannot be found." || e.Code != "" {
				t.Fatal(e.Message)
			}
			// Paging: 3 users in name order, 2 per page.
			var names []string
			marker := ""
			for {
				us, next, err := svc.ListUsers(ctx, root, iam.ListInput{Marker: marker, MaxItems: 2}, iam.Meta{})
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range us {
					names = append(names, u.UserName)
				}
				if next == "" {
					break
				}
				marker = next
			}
			if len(names) != 3 || names[0] != strings.Repeat("a", 64) || names[1] != "Alice" {
				t.Fatalf("pages: %v", names)
			}
			us, _, err := svc.ListUsers(ctx, root, iam.ListInput{PathPrefix: "/team/"}, iam.Meta{})
			if err != nil || len(us) != 1 {
				t.Fatalf("path prefix: %v %v", us, err)
			}
			us, _, _ = svc.ListUsers(ctx, root, iam.ListInput{NameContains: "LIC"}, iam.Meta{})
			if len(us) != 1 || us[0].UserName != "Alice" {
				t.Fatalf("name contains: %v", us)
			}
			if _, _, err := svc.ListUsers(ctx, root, iam.ListInput{MaxItems: 1001}, iam.Meta{}); iam.KindOf(err) != iam.Invalid {
				t.Fatalf("MaxItems 1001: %v", err)
			}
			// Rename: to a taken name (any case) refused, else done.
			mustCreateUser(t, svc, root, "bob")
			if _, err := svc.UpdateUser(ctx, root, iam.UpdateUserInput{UserName: "bob", NewUserName: "ALICE"}, iam.Meta{}); iam.KindOf(err) != iam.AlreadyExists {
				t.Fatalf("rename onto alice: %v", err)
			}
			u, err := svc.UpdateUser(ctx, root, iam.UpdateUserInput{UserName: "bob", NewUserName: "robert", NewPath: "/eng/"}, iam.Meta{})
			if err != nil || u.Arn != "arn:aws:iam::"+root.AccountID+":user/eng/robert" {
				t.Fatalf("rename: %+v %v", u, err)
			}
			if _, err := svc.GetUser(ctx, root, "bob", iam.Meta{}); iam.KindOf(err) != iam.NotFound {
				t.Fatalf("old name still there: %v", err)
			}
		})
	}
}

func TestCreateUserTagsAndBoundary(t *testing.T) {
	svc, store, _ := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	root := rootOf(mustSetup(t, svc))
	bad := []struct {
		name string
		in   iam.CreateUserInput
		kind iam.Kind
	}{
		{"aws: prefix", iam.CreateUserInput{UserName: "u1", Tags: []iam.Tag{{Key: "ok", Value: "1"}, {Key: "aws:x", Value: "y"}}}, iam.Invalid},
		{"long key", iam.CreateUserInput{UserName: "u1", Tags: []iam.Tag{{Key: strings.Repeat("k", 129)}}}, iam.Invalid},
		{"long value", iam.CreateUserInput{UserName: "u1", Tags: []iam.Tag{{Key: "k", Value: strings.Repeat("v", 257)}}}, iam.Invalid},
		{"51 tags", iam.CreateUserInput{UserName: "u1", Tags: func() []iam.Tag {
			var ts []iam.Tag
			for i := range 51 {
				ts = append(ts, iam.Tag{Key: "k" + string(rune('A'+i%26)) + string(rune('a'+i/26))})
			}
			return ts
		}()}, iam.Invalid}, // AWS's ValidationError: Member must have length less than or equal to 50
		{"missing boundary", iam.CreateUserInput{UserName: "u1", PermissionsBoundary: "arn:aws:iam::" + root.AccountID + ":policy/nope"}, iam.NotFound},
		{"bad boundary", iam.CreateUserInput{UserName: "u1", PermissionsBoundary: "not-an-arn"}, iam.Invalid},
	}
	for _, c := range bad {
		_, err := svc.CreateUser(ctx, root, c.in, iam.Meta{})
		wantKind(t, err, c.kind, c.name)
	}
	// A refused CreateUser left nothing behind.
	if _, err := store.User(ctx, root.AccountID, "u1"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("refused user exists: %v", err)
	}
	u, err := svc.CreateUser(ctx, root, iam.CreateUserInput{UserName: "u1", Tags: []iam.Tag{{Key: "team", Value: "blue"}},
		PermissionsBoundary: "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.GetUser(ctx, root, "u1", iam.Meta{})
	if err != nil || len(got.Tags) != 1 || got.Tags[0] != (iam.Tag{Key: "team", Value: "blue"}) ||
		got.PermissionsBoundary == nil || got.PermissionsBoundary.PermissionsBoundaryArn != "arn:aws:iam::aws:policy/IAMReadOnlyAccess" ||
		got.PermissionsBoundary.PermissionsBoundaryType != "PermissionsBoundaryPolicy" || got.UserId != u.UserId {
		t.Fatalf("get: %+v %v", got, err)
	}
}

// addEverything gives a user one of every dependent DeleteUser refuses.
func addEverything(t *testing.T, svc *iam.Service, store *models.Store, root *iam.Principal, u *iam.User) {
	t.Helper()
	ctx := context.Background()
	acct := root.AccountID
	if _, err := svc.CreateAccessKey(ctx, root, u.UserName, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateLoginProfile(ctx, root, iam.CreateLoginProfileInput{UserName: u.UserName, Password: userPassword}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateMFADevice(ctx, &models.MFADevice{AccountID: acct, OwnerARN: u.Arn, Name: u.UserName,
		SerialNumber: "arn:aws:iam::" + acct + ":mfa/" + u.UserName, SealedSeed: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := store.AttachPolicy(ctx, acct, models.EntityUser, u.UserId, "arn:aws:iam::aws:policy/ReadOnlyAccess", time.Time{}); err != nil {
		t.Fatal(err)
	}
	putInline(t, store, acct, models.EntityUser, u.UserId, "inline", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	if _, err := svc.CreateGroup(ctx, root, iam.CreateGroupInput{GroupName: "g-" + u.UserName}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.AddUserToGroup(ctx, root, "g-"+u.UserName, u.UserName, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
	if err := store.SetTags(ctx, acct, models.EntityUser, u.UserId, []models.Tag{{Key: "k", Value: "v"}}); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteUserConflicts(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			acct := root.AccountID
			u := mustCreateUser(t, svc, root, "carol")
			addEverything(t, svc, store, root, u)
			// Each dependent in turn: refused with AWS's message until removed.
			steps := []struct {
				msg    string
				remove func() error
			}{
				{"Cannot delete entity, must delete login profile first.", func() error { return svc.DeleteLoginProfile(ctx, root, "carol", iam.Meta{}) }},
				{"Cannot delete entity, must delete access keys first.", func() error {
					ks, err := svc.ListAccessKeys(ctx, root, "carol", iam.Meta{})
					if err != nil {
						return err
					}
					return svc.DeleteAccessKey(ctx, root, "carol", ks[0].AccessKeyId, iam.Meta{})
				}},
				{"Cannot delete entity, must delete MFA device first.", func() error {
					ds, _ := store.MFADevices(ctx, acct, u.Arn)
					return store.DeleteMFADevice(ctx, acct, ds[0].ID)
				}},
				{"Cannot delete entity, must detach all policies first.", func() error {
					return store.DetachPolicy(ctx, acct, models.EntityUser, u.UserId, "arn:aws:iam::aws:policy/ReadOnlyAccess")
				}},
				{"Cannot delete entity, must delete policies first.", func() error {
					return store.DeleteInlinePolicy(ctx, acct, models.EntityUser, u.UserId, "inline")
				}},
				{"Cannot delete entity, must remove users from group first.", func() error {
					return svc.RemoveUserFromGroup(ctx, root, "g-carol", "carol", iam.Meta{})
				}},
			}
			for _, s := range steps {
				err := svc.DeleteUser(ctx, root, "carol", iam.Meta{})
				if e := wantKind(t, err, iam.Conflict, s.msg); e.Message != s.msg || e.Code != "" {
					t.Fatalf("got %q, want %q", e.Message, s.msg)
				}
				if err := s.remove(); err != nil {
					t.Fatalf("remove for %q: %v", s.msg, err)
				}
			}
			if err := svc.DeleteUser(ctx, root, "carol", iam.Meta{}); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if tags, _ := store.ListTags(ctx, acct, models.EntityUser, u.UserId); len(tags) != 0 {
				t.Fatalf("tags outlived the user: %v", tags)
			}
			if err := svc.DeleteUser(ctx, root, "carol", iam.Meta{}); iam.KindOf(err) != iam.NotFound {
				t.Fatalf("second delete: %v", err)
			}
		})
	}
}

func TestDeleteUserWithEverything(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			acct := root.AccountID
			u := mustCreateUser(t, svc, root, "dave")
			addEverything(t, svc, store, root, u)
			now := time.Now()
			if err := store.CreateSession(ctx, &models.Session{IDHash: "dave-session", AccountID: acct, PrincipalType: iam.TypeUser,
				PrincipalID: u.UserId, PrincipalName: "dave", PrincipalARN: u.Arn, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}

			// An administrator who may do everything but remove users from
			// groups is refused before anything changes.
			admin := signedInUser(t, svc, store, root, "admin", "arn:aws:iam::aws:policy/AdministratorAccess")
			adminUser, _ := store.User(ctx, acct, "admin")
			putInline(t, store, acct, models.EntityUser, adminUser.UserID, "no-remove",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:RemoveUserFromGroup","Resource":"*"}]}`)
			err := svc.DeleteUserWithEverything(ctx, admin, "dave", iam.Meta{})
			if e := wantKind(t, err, iam.AccessDenied, "delete everything without RemoveUserFromGroup"); e.Action != "iam:RemoveUserFromGroup" {
				t.Fatalf("denied action %q", e.Action)
			}
			d, _ := store.UserDependents(ctx, acct, u.UserId)
			if d.AccessKeys != 1 || !d.LoginProfile || d.AttachedPolicies != 1 || d.InlinePolicies != 1 || d.Groups != 1 {
				t.Fatalf("a refused delete changed something: %+v", d)
			}

			if err := svc.DeleteUserWithEverything(ctx, root, "dave", iam.Meta{}); err != nil {
				t.Fatalf("delete with everything: %v", err)
			}
			if _, err := store.User(ctx, acct, "dave"); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("user left: %v", err)
			}
			d, _ = store.UserDependents(ctx, acct, u.UserId)
			devs, _ := store.MFADevices(ctx, acct, u.Arn)
			tags, _ := store.ListTags(ctx, acct, models.EntityUser, u.UserId)
			sess, _ := store.SessionsOf(ctx, acct, u.Arn)
			if d.Any() || len(devs) != 0 || len(tags) != 0 || len(sess) != 0 {
				t.Fatalf("left behind: %+v devices %d tags %d sessions %d", d, len(devs), len(tags), len(sess))
			}
			evs, _ := store.ListAudit(ctx, acct, models.AuditFilter{Resource: u.Arn, Result: models.ResultSuccess, Since: time.Time{}})
			seen := map[string]bool{}
			for _, e := range evs {
				seen[e.EventName] = true
			}
			for _, n := range []string{"DeleteAccessKey", "DeleteLoginProfile", "DeactivateMFADevice", "DetachUserPolicy", "DeleteUserPolicy", "RemoveUserFromGroup", "DeleteUser"} {
				if !seen[n] {
					t.Errorf("no %s event", n)
				}
			}
		})
	}
}

// TestUserOperationsAuthorizeBeforeNotFound: an operation on a named user
// answers a caller without the right the same for a user that exists and
// one that does not, so the answer does not tell which users exist.
func TestUserOperationsAuthorizeBeforeNotFound(t *testing.T) {
	svc, store, root := rootService(t, dbtest.SQLite(t))
	ctx := context.Background()
	mustCreateUser(t, svc, root, "alice")
	self := signedInUser(t, svc, store, root, "mallory")
	u, err := store.User(ctx, root.AccountID, "mallory")
	if err != nil {
		t.Fatal(err)
	}
	putInline(t, store, root.AccountID, models.EntityUser, u.UserID, "self", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":"iam:*","Resource":"arn:aws:iam::`+root.AccountID+`:user/${aws:username}"}]}`)
	ops := []struct {
		name string
		call func(caller *iam.Principal, user string) error
	}{
		{"EndUserSessions", func(c *iam.Principal, user string) error {
			_, err := svc.EndUserSessions(ctx, c, user, iam.Meta{})
			return err
		}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			for _, c := range []struct {
				caller *iam.Principal
				user   string
				want   iam.Kind
			}{
				{self, "alice", iam.AccessDenied},
				{self, "nobody", iam.AccessDenied},
				{root, "nobody", iam.NotFound},
				{self, "", iam.Invalid},
			} {
				wantKind(t, op.call(c.caller, c.user), c.want, c.caller.Name+" on "+c.user)
			}
			if err := op.call(self, "mallory"); err != nil {
				t.Fatalf("mallory on herself: %v", err)
			}
		})
	}
}

// TestRenameUserWithMFADevice: as AWS allows, a user with a virtual MFA
// device may be renamed and moved. The device keeps its serial number
// (mfa/NAME), follows the user to its new ARN in the rename's transaction
// and still signs it in, with its code or a recovery code, under the new
// name; the old name signs no one in, and a new user given it has no
// device of the renamed user's.
func TestRenameUserWithMFADevice(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, clk := newService(t, b.DSN(t))
			root := rootOf(mustSetup(t, svc))
			ctx, m := context.Background(), iam.Meta{SourceIP: "192.0.2.9"}
			acct := root.AccountID
			alice := signedInUser(t, svc, store, root, "alice")
			putInline(t, store, acct, models.EntityUser, alice.ID, "own-mfa", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
				"Action":"iam:CreateVirtualMFADevice","Resource":"arn:aws:iam::*:mfa/${aws:username}"}]}`)
			enr, err := svc.StartEnrollment(ctx, alice, "alice", userPassword, m)
			if err != nil {
				t.Fatal(err)
			}
			conf, err := svc.ConfirmEnrollment(ctx, alice, codeAt(t, enr.Secret, clk.Now().Add(-30*time.Second)), codeAt(t, enr.Secret, clk.Now()), m)
			if err != nil {
				t.Fatal(err)
			}

			u, err := svc.UpdateUser(ctx, root, iam.UpdateUserInput{UserName: "alice", NewUserName: "alicia", NewPath: "/eng/"}, m)
			if err != nil {
				t.Fatalf("rename a user with a device: %v", err)
			}
			newARN := "arn:aws:iam::" + acct + ":user/eng/alicia"
			devs, err := svc.ListMFADevices(ctx, root, "alicia", m)
			if err != nil || len(devs) != 1 || devs[0].Serial != enr.Serial || devs[0].Serial != "arn:aws:iam::"+acct+":mfa/alice" || devs[0].OwnerARN != newARN {
				t.Fatalf("devices after rename: %+v %v", devs, err)
			}
			evs, _ := store.ListAudit(ctx, acct, models.AuditFilter{EventName: "UpdateUser", Result: models.ResultSuccess})
			if len(evs) != 1 || evs[0].Resource != alice.ARN || !strings.Contains(evs[0].RequestParameters, "alicia") {
				t.Fatalf("audit: %+v", evs)
			}
			if _, err := svc.Authenticate(ctx, conf.Session.Token); err == nil {
				t.Fatal("the session under the old ARN survived the rename")
			}

			// Password and TOTP under the new name.
			clk.Advance(30 * time.Second)
			res, err := svc.SignIn(ctx, "alicia", userPassword, m)
			if err != nil || res.MFAChallenge == "" || res.Token != "" {
				t.Fatalf("password step under the new name: %+v %v", res, err)
			}
			res, err = svc.VerifyMFA(ctx, res.MFAChallenge, codeAt(t, enr.Secret, clk.Now()), m)
			if err != nil || res.Principal.ARN != newARN || !res.Principal.MFA {
				t.Fatalf("TOTP under the new name: %+v %v", res, err)
			}
			// A recovery code too.
			res, err = svc.SignIn(ctx, "ALICIA", userPassword, m)
			if err != nil {
				t.Fatal(err)
			}
			if res, err = svc.VerifyMFA(ctx, res.MFAChallenge, conf.RecoveryCodes[0], m); err != nil || res.RecoveryCodesLeft != 9 {
				t.Fatalf("recovery code under the new name: %+v %v", res, err)
			}

			// The old name is nobody's; a new alice has no device.
			if _, err := svc.SignIn(ctx, "alice", userPassword, m); err != iam.ErrSignInFailed {
				t.Fatalf("the old name signed in: %v", err)
			}
			mustCreateUser(t, svc, root, "alice")
			if devs, err := svc.ListMFADevices(ctx, root, "alice", m); err != nil || len(devs) != 0 {
				t.Fatalf("the new alice has devices: %+v %v", devs, err)
			}
			if u.Arn != newARN {
				t.Fatalf("UpdateUser answered %s", u.Arn)
			}
		})
	}
}

// signInRacing signs name in while change runs, both at once, and returns
// the session token (if the sign-in succeeded) and both errors.
func signInRacing(svc *iam.Service, name string, change func() error) (token string, signErr, changeErr error) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		var res *iam.SignInResult
		res, signErr = svc.SignIn(context.Background(), name, userPassword, iam.Meta{SourceIP: "192.0.2.9"})
		if res != nil {
			token = res.Token
		}
	}()
	go func() { defer wg.Done(); changeErr = change() }()
	wg.Wait()
	return token, signErr, changeErr
}

// TestSignInRacingARename: a sign-in that read the user before a rename
// committed must not get a session under the old name (which a new user
// could be given): its session carries the current name, or it is ended.
func TestSignInRacingARename(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			signedInUser(t, svc, store, root, "name0")
			for round := range 8 {
				from, to := fmt.Sprintf("name%d", round), fmt.Sprintf("name%d", round+1)
				token, signErr, renameErr := signInRacing(svc, from, func() error {
					_, err := svc.UpdateUser(ctx, root, iam.UpdateUserInput{UserName: from, NewUserName: to}, iam.Meta{})
					return err
				})
				if renameErr != nil {
					t.Fatalf("round %d: rename: %v", round, renameErr)
				}
				if signErr != nil {
					if iam.KindOf(signErr) != iam.Unauthenticated {
						t.Fatalf("round %d: sign-in: %v", round, signErr)
					}
					continue // it looked the old name up after the rename
				}
				p, err := svc.Authenticate(ctx, token)
				if err == nil && p.ARN != "arn:aws:iam::"+root.AccountID+":user/"+to {
					t.Fatalf("round %d: a session under %s after the rename to %s", round, p.ARN, to)
				}
			}
		})
	}
}

// TestSignInRacingPasswordChanges: a sign-in whose password check raced an
// administrator resetting or removing that password never leaves a live
// session opened with the old one.
func TestSignInRacingPasswordChanges(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			const newPassword = "a brand new and long passphrase"
			changes := map[string]func(name string) error{
				"reset": func(name string) error {
					pw := newPassword
					return svc.UpdateLoginProfile(ctx, root, iam.UpdateLoginProfileInput{UserName: name, Password: &pw}, iam.Meta{})
				},
				"remove": func(name string) error { return svc.DeleteLoginProfile(ctx, root, name, iam.Meta{}) },
			}
			for what, change := range changes {
				for round := range 6 {
					name := fmt.Sprintf("%s%d", what, round)
					signedInUser(t, svc, store, root, name)
					token, signErr, changeErr := signInRacing(svc, name, func() error { return change(name) })
					if changeErr != nil {
						t.Fatalf("%s: %v", name, changeErr)
					}
					if signErr != nil {
						if iam.KindOf(signErr) != iam.Unauthenticated {
							t.Fatalf("%s: sign-in: %v", name, signErr)
						}
						continue
					}
					if _, err := svc.Authenticate(ctx, token); err == nil {
						t.Fatalf("%s: a session opened with the old password outlived the %s", name, what)
					}
				}
			}
		})
	}
}

// TestChangePasswordRacingAReset: a user changing their password while an
// administrator resets it: one wins, neither fails with an internal error
// (both lock the user first, so they cannot deadlock on PostgreSQL).
func TestChangePasswordRacingAReset(t *testing.T) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, store, _ := newService(t, b.DSN(t))
			ctx := context.Background()
			root := rootOf(mustSetup(t, svc))
			p := signedInUser(t, svc, store, root, "dana", "arn:aws:iam::aws:policy/IAMUserChangePassword")
			for round := range 8 {
				mine, theirs := fmt.Sprintf("my own new passphrase %d", round), fmt.Sprintf("an admin's new passphrase %d", round)
				var wg sync.WaitGroup
				var changeErr, resetErr error
				wg.Add(2)
				go func() {
					defer wg.Done()
					_, changeErr = svc.ChangePassword(ctx, p, userPassword, mine, iam.Meta{})
				}()
				go func() {
					defer wg.Done()
					resetErr = svc.UpdateLoginProfile(ctx, root, iam.UpdateLoginProfileInput{UserName: "dana", Password: &theirs}, iam.Meta{})
				}()
				wg.Wait()
				for what, err := range map[string]error{"change": changeErr, "reset": resetErr} {
					if err != nil && iam.KindOf(err) == iam.Internal {
						t.Fatalf("round %d: %s: %v", round, what, err)
					}
				}
				// Back to the known password, signed in afresh.
				pw := userPassword
				no := false
				if err := svc.UpdateLoginProfile(ctx, root, iam.UpdateLoginProfileInput{UserName: "dana", Password: &pw, PasswordResetRequired: &no}, iam.Meta{}); err != nil {
					t.Fatal(err)
				}
				p = signIn(t, svc, "dana", userPassword)
			}
		})
	}
}

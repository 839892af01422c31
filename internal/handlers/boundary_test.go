package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestBoundaryByName: the console's boundary fields (create user, create
// role, set boundary on either) take a policy's name as the attach picker
// does, AWS's or the account's own; an unknown name is the field's error
// with what was typed kept; the operations (and so the AWS API) still take
// ARNs only.
func TestBoundaryByName(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	ctx, m := context.Background(), iam.Meta{}
	mine, err := e.svc.CreatePolicy(ctx, nil, iam.CreatePolicyInput{PolicyName: "TeamBoundary",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}, m)
	if err != nil {
		t.Fatal(err)
	}
	userBoundary := func(name string) string {
		t.Helper()
		u, err := e.svc.GetUser(ctx, nil, name, m)
		if err != nil || u.PermissionsBoundary == nil {
			return ""
		}
		return u.PermissionsBoundary.PermissionsBoundaryArn
	}
	roleBoundary := func(name string) string {
		t.Helper()
		r, err := e.svc.GetRole(ctx, nil, name, m)
		if err != nil || r.PermissionsBoundary == nil {
			return ""
		}
		return r.PermissionsBoundary.PermissionsBoundaryArn
	}
	for _, tc := range []struct {
		name, page, action string
		fields             []string
		got                func() string
		want               string
	}{
		{"create user with AWS's", "/users/new", "/users", []string{"UserName", "dev1", "PermissionsBoundary", "PowerUserAccess"},
			func() string { return userBoundary("dev1") }, "arn:aws:iam::aws:policy/PowerUserAccess"},
		{"create user with a path's", "/users/new", "/users", []string{"UserName", "dev2", "PermissionsBoundary", "ViewOnlyAccess"},
			func() string { return userBoundary("dev2") }, "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"},
		{"create role with the account's, any case", "/roles/new", "/roles", []string{"RoleName", "App", "Trust", "account", "MaxSessionHours", "1", "PermissionsBoundary", "teamboundary"},
			func() string { return roleBoundary("App") }, mine.Arn},
		{"set a user's", "/users/dev1", "/users/dev1/boundary", []string{"PermissionsBoundary", "TeamBoundary"},
			func() string { return userBoundary("dev1") }, mine.Arn},
		{"set a role's", "/roles/App", "/roles/App/boundary", []string{"PermissionsBoundary", "ReadOnlyAccess"},
			func() string { return roleBoundary("App") }, "arn:aws:iam::aws:policy/ReadOnlyAccess"},
		{"an ARN still works", "/users/dev2", "/users/dev2/boundary", []string{"PermissionsBoundary", "arn:aws:iam::aws:policy/ReadOnlyAccess"},
			func() string { return userBoundary("dev2") }, "arn:aws:iam::aws:policy/ReadOnlyAccess"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.form(tc.page, tc.action, tc.fields...)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
			if got := tc.got(); got != tc.want {
				t.Fatalf("boundary %q, want %q", got, tc.want)
			}
		})
	}
	for _, tc := range []struct{ page, action string }{{"/users/dev1", "/users/dev1/boundary"}, {"/roles/App", "/roles/App/boundary"}} {
		res, body := b.form(tc.page, tc.action, "PermissionsBoundary", "NoSuchPolicy")
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "NoSuchPolicy") || !strings.Contains(body, `id="PermissionsBoundary-error"`) {
			t.Errorf("%s: unknown name answers %d", tc.action, res.StatusCode)
		}
	}
	if res, body := b.form("/users/new", "/users", "UserName", "dev3", "PermissionsBoundary", "NoSuchPolicy"); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "NoSuchPolicy") || userBoundary("dev3") != "" {
		t.Errorf("create user with an unknown name: %d", res.StatusCode)
	}
	// The operation, which the AWS API calls, keeps AWS's contract: ARNs.
	if err := e.svc.PutPermissionsBoundary(ctx, nil, iam.UserNamed("dev1"), "PowerUserAccess", m); iam.KindOf(err) != iam.Invalid {
		t.Errorf("the operation took a name: %v", err)
	}
}

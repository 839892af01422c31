package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestUserPageStatements counts the SQL statements the user page runs for
// a signed-in IAM administrator: what the page costs on SQLite is mostly
// how many statements it runs (BENCHMARKS.md, "Load at 10,000 users"), so
// a new read on every view shows here, not only in a load run.
func TestUserPageStatements(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	ctx, m := context.Background(), iam.Meta{}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	_, err := e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "admin"}, m)
	must(err)
	must(e.svc.AttachPolicy(ctx, nil, iam.UserNamed("admin"), "arn:aws:iam::aws:policy/AdministratorAccess", m))
	_, err = e.svc.CreateLoginProfile(ctx, nil, iam.CreateLoginProfileInput{UserName: "admin", Password: alicePassword}, m)
	must(err)
	_, err = e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "bob", Tags: []iam.Tag{{Key: "team", Value: "ops"}}}, m)
	must(err)
	must(e.svc.AttachPolicy(ctx, nil, iam.UserNamed("bob"), "arn:aws:iam::aws:policy/ReadOnlyAccess", m))
	for _, n := range []string{"one", "two", "three"} {
		_, err = e.svc.PutInlinePolicy(ctx, nil, iam.UserNamed("bob"), n, doc, m)
		must(err)
	}
	for _, g := range []string{"ops", "dev"} {
		_, err = e.svc.CreateGroup(ctx, nil, iam.CreateGroupInput{GroupName: g}, m)
		must(err)
		must(e.svc.AddUserToGroup(ctx, nil, g, "bob", m))
		must(e.svc.AttachPolicy(ctx, nil, iam.GroupNamed(g), "arn:aws:iam::aws:policy/ReadOnlyAccess", m))
		_, err = e.svc.PutInlinePolicy(ctx, nil, iam.GroupNamed(g), g+"-inline", doc, m)
		must(err)
	}

	admin := e.browser()
	if res := admin.login("admin", alicePassword, ""); res.StatusCode != 303 {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	admin.get("/users/bob") // the caller's policies are read once, then kept
	before := e.store.Statements()
	res, body := admin.get("/users/bob")
	n := e.store.Statements() - before
	if res.StatusCode != 200 || !strings.Contains(body, "ops-inline") || !strings.Contains(body, "three") {
		t.Fatalf("user page: %d", res.StatusCode)
	}
	t.Logf("GET /users/bob: %d statements", n)
	if n > userPageStatements {
		t.Errorf("GET /users/bob ran %d SQL statements, more than %d", n, userPageStatements)
	}
}

// userPageStatements is what the page runs once its reads are kept: the
// stamps (models.Stamps), under which the page's reads, the caller's
// policies, the account's settings, the session and the user row are kept
// (the last two under the activity stamp, which a sign-out or a sign-in
// moves). It ran twenty-two, one more per inline policy, then four.
const userPageStatements = 1

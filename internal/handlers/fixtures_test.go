package handlers_test

import (
	"context"

	"github.com/iamconsole/console/internal/iam"
)

// The tests' fixtures are built through the operations, as an operator
// would build them (a nil caller is the operator, as for the CLI): each
// change is validated, audited and moves the IAM state's stamp as in
// production, so what a page reads from the graph or the authorizer's
// cache is what a real change leaves behind.

// userFixture is a user being built.
type userFixture struct {
	e    *env
	name string
}

// user creates an IAM user at path "/".
func (e *env) user(name string) userFixture {
	e.t.Helper()
	if _, err := e.svc.CreateUser(context.Background(), nil, iam.CreateUserInput{UserName: name}, iam.Meta{}); err != nil {
		e.t.Fatalf("create user %s: %v", name, err)
	}
	return userFixture{e, name}
}

// password gives the user a console password; mustChange makes it change
// it at the next sign-in.
func (u userFixture) password(password string, mustChange bool) userFixture {
	u.e.t.Helper()
	_, err := u.e.svc.CreateLoginProfile(context.Background(), nil,
		iam.CreateLoginProfileInput{UserName: u.name, Password: password, PasswordResetRequired: mustChange}, iam.Meta{})
	if err != nil {
		u.e.t.Fatalf("login profile of %s: %v", u.name, err)
	}
	return u
}

// inline puts each document as an inline policy NAME-policy-a, -b, ….
func (u userFixture) inline(docs ...string) userFixture {
	u.e.t.Helper()
	u.e.inline(iam.UserNamed(u.name), docs...)
	return u
}

// attach attaches managed policies by ARN.
func (u userFixture) attach(arns ...string) userFixture {
	u.e.t.Helper()
	u.e.attach(iam.UserNamed(u.name), arns...)
	return u
}

func (e *env) inline(to iam.Entity, docs ...string) {
	e.t.Helper()
	for i, doc := range docs {
		name := to.Name + "-policy-" + string(rune('a'+i))
		if _, err := e.svc.PutInlinePolicy(context.Background(), nil, to, name, doc, iam.Meta{}); err != nil {
			e.t.Fatalf("inline policy %s: %v", name, err)
		}
	}
}

func (e *env) attach(to iam.Entity, arns ...string) {
	e.t.Helper()
	for _, arn := range arns {
		if err := e.svc.AttachPolicy(context.Background(), nil, to, arn, iam.Meta{}); err != nil {
			e.t.Fatalf("attach %s to %s: %v", arn, to.Name, err)
		}
	}
}

// mkUser is the common case: a user with a console password and inline
// policies.
func (e *env) mkUser(name, password string, inline ...string) {
	e.t.Helper()
	e.user(name).password(password, false).inline(inline...)
}

// mkRole creates a role with a trust policy and managed policies.
func (e *env) mkRole(name, trust string, managed ...string) {
	e.t.Helper()
	e.mkRoleWith(iam.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: trust}, managed...)
}

// mkRoleWith creates a role as in, with managed policies.
func (e *env) mkRoleWith(in iam.CreateRoleInput, managed ...string) {
	e.t.Helper()
	if _, err := e.svc.CreateRole(context.Background(), nil, in, iam.Meta{}); err != nil {
		e.t.Fatalf("create role %s: %v", in.RoleName, err)
	}
	e.attach(iam.RoleNamed(in.RoleName), managed...)
}

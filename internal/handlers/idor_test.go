package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/auth/sigv4"
	"github.com/iamconsole/console/internal/federation/saml/samltest"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// The IDOR sweep (issue 07, "IDOR on every {name} route"): a signed-in user
// with self-service rights only tries every route of the console on things
// that are not hers. The table below names every route Echo has; a route
// added without a line here fails the test, so a new {name} route cannot
// ship unswept. Routes that take no identifier say why instead.

// outcomeKind is how a route may refuse another's entity.
type outcomeKind int

const (
	denied      outcomeKind = iota // 403, naming the action
	notFound                       // 404
	bounced                        // 303 back to the caller's own page with a flash that is no success
	refusedForm                    // 400: the form says there is no such thing
	ownPage                        // 200: the caller's own page, with nothing of anyone else's
)

type outcome struct {
	kind   outcomeKind
	action string // denied: the action the answer names
	to     string // bounced: the caller's own page
}

func deny(action string) outcome { return outcome{kind: denied, action: action} }
func bounce(to string) outcome   { return outcome{kind: bounced, to: to} }

var (
	gone      = outcome{kind: notFound}
	badForm   = outcome{kind: refusedForm}
	yoursOnly = outcome{kind: ownPage}
)

// idorCase is one attempt on someone else's entity.
type idorCase struct {
	what string
	path string   // the route with the entity's name or ID, and any query
	form []string // field, value pairs: the form, or the API's parameters
	want outcome
	// hidden are values (beyond everyone's canaries) the answer must not
	// show: IDs of other principals' objects, on the caller's own pages.
	hidden []string
}

// idorRoute is a route's line in the sweep: its cases, or why it names no
// entity (only a route without path parameters may say so).
type idorRoute struct {
	cases []idorCase
	none  string
	api   bool // the AWS query API: cases are signed with mallory's access key
}

// idorWorld is what mallory goes after: everyone else's things.
type idorWorld struct {
	acct                      string
	aliceKey, aliceSerial     string
	aliceCredential           string
	aliceSession, rootSession string
	readerARN                 string
	imported                  string
	malloryKey                *iam.AccessKey
	reviewID                  string // an access review campaign alice reviews
	canaries                  []string
}

const (
	malloryPassword = "purple otters juggle at dawn"
	canaryInline    = "CanaryAliceInline"
)

// idorSetup builds an account of other people's things, and mallory, who
// may act on her own user and nothing else (and, to show that a path in an
// ARN cannot stand for another, read the users under /dev/).
func idorSetup(t *testing.T, e *env) *idorWorld {
	t.Helper()
	ctx, m := context.Background(), iam.Meta{}
	w := &idorWorld{acct: mustAccount(t, e)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	doc := func(sid, action string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
	}

	alice, err := e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "alice", Tags: []iam.Tag{{Key: "team", Value: "canary-alice-tag"}}}, m)
	must(err)
	must(e.svc.AttachPolicy(ctx, nil, iam.UserNamed("alice"), "arn:aws:iam::aws:policy/AdministratorAccess", m))
	_, err = e.svc.PutInlinePolicy(ctx, nil, iam.UserNamed("alice"), "alice-notes", doc(canaryInline, "s3:GetObject"), m)
	must(err)
	_, err = e.svc.CreateLoginProfile(ctx, nil, iam.CreateLoginProfileInput{UserName: "alice", Password: alicePassword}, m)
	must(err)
	key, err := e.svc.CreateAccessKey(ctx, nil, "alice", m)
	must(err)
	w.aliceKey = key.AccessKeyId
	cred, err := e.svc.CreateServiceSpecificCredential(ctx, nil, iam.CreateServiceSpecificCredentialInput{UserName: "alice",
		ServiceName: "codecommit.amazonaws.com"}, m)
	must(err)
	w.aliceCredential = cred.ServiceSpecificCredentialId

	ops, err := e.svc.CreateGroup(ctx, nil, iam.CreateGroupInput{GroupName: "ops"}, m)
	must(err)
	must(e.svc.AddUserToGroup(ctx, nil, "ops", "alice", m))
	must(e.svc.AttachPolicy(ctx, nil, iam.GroupNamed("ops"), "arn:aws:iam::aws:policy/ReadOnlyAccess", m))
	_, err = e.svc.PutInlinePolicy(ctx, nil, iam.GroupNamed("ops"), "ops-inline", doc("CanaryOpsInline", "s3:ListBucket"), m)
	must(err)

	reader, err := e.svc.CreatePolicy(ctx, nil, iam.CreatePolicyInput{PolicyName: "Reader", PolicyDocument: doc("CanaryReaderV1", "s3:GetObject"),
		Tags: []iam.Tag{{Key: "k", Value: "canary-policy-tag"}}}, m)
	must(err)
	w.readerARN = reader.Arn
	_, err = e.svc.CreatePolicyVersion(ctx, nil, iam.CreatePolicyVersionInput{PolicyArn: reader.Arn, PolicyDocument: doc("CanaryReaderV2", "s3:PutObject")}, m)
	must(err)

	app, err := e.svc.CreateRole(ctx, nil, iam.CreateRoleInput{RoleName: "App", Description: "canary-role-description",
		AssumeRolePolicyDocument: iam.TrustTemplateService("ec2.amazonaws.com"), PermissionsBoundary: "arn:aws:iam::aws:policy/ReadOnlyAccess",
		Tags: []iam.Tag{{Key: "k", Value: "canary-role-tag"}}}, m)
	must(err)
	must(e.svc.AttachPolicy(ctx, nil, iam.RoleNamed("App"), reader.Arn, m))
	_, err = e.svc.PutInlinePolicy(ctx, nil, iam.RoleNamed("App"), "app-inline", doc("CanaryAppInline", "s3:GetObject"), m)
	must(err)

	_, err = e.svc.CreateOIDCProvider(ctx, nil, iam.CreateOIDCProviderInput{Url: "https://token.actions.githubusercontent.com",
		ClientIDList: []string{"canary-oidc-audience"}}, m)
	must(err)
	idp, err := samltest.New("https://idp.example.com/saml", time.Now())
	must(err)
	_, err = e.svc.CreateSAMLProvider(ctx, nil, iam.CreateSAMLProviderInput{Name: "corp", SAMLMetadataDocument: idp.Metadata()}, m)
	must(err)

	f, err := os.Open(filepath.Join("..", "graph", "testdata", "aws-authorization-details", "small.json"))
	must(err)
	defer f.Close()
	imp, err := e.svc.ImportAccount(ctx, nil, f, "small", m)
	must(err)
	w.imported = imp.AccountID

	// Alice signs in and enrolls an authenticator: she has a session and a
	// device of her own.
	ab := e.browser()
	if res := ab.login("alice", alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("alice sign-in: %d", res.StatusCode)
	}
	ab.enrollWith("alice-phone", alicePassword)
	w.aliceSerial = "arn:aws:iam::" + w.acct + ":mfa/alice-phone"
	sessionOf := func(arn string) string {
		t.Helper()
		ss, err := e.store.SessionsOf(ctx, w.acct, arn)
		if err != nil || len(ss) == 0 {
			t.Fatalf("sessions of %s: %v %v", arn, ss, err)
		}
		return ss[0].PublicID
	}
	w.aliceSession = sessionOf(alice.Arn)
	w.rootSession = sessionOf("arn:aws:iam::" + w.acct + ":root")

	review, err := e.svc.CreateCampaign(ctx, nil, iam.CreateCampaignInput{Name: "canary-review", Scope: iam.ScopeGroupMembers, Group: "ops",
		Due: time.Now().AddDate(0, 1, 0), Reviewers: []string{"alice"}}, m)
	must(err)
	w.reviewID = review.ID

	_, err = e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "mallory"}, m)
	must(err)
	_, err = e.svc.CreateLoginProfile(ctx, nil, iam.CreateLoginProfileInput{UserName: "mallory", Password: malloryPassword}, m)
	must(err)
	must(e.svc.AttachPolicy(ctx, nil, iam.UserNamed("mallory"), "arn:aws:iam::aws:policy/IAMUserChangePassword", m))
	_, err = e.svc.PutInlinePolicy(ctx, nil, iam.UserNamed("mallory"), "self-service", `{
		"Version": "2012-10-17",
		"Statement": [
			{"Sid": "Self", "Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::`+w.acct+`:user/${aws:username}"},
			{"Sid": "DevTeam", "Effect": "Allow", "Action": ["iam:GetUser", "iam:SimulatePrincipalPolicy"], "Resource": "arn:aws:iam::`+w.acct+`:user/dev/*"}
		]}`, m)

	must(err)
	w.malloryKey, err = e.svc.CreateAccessKey(ctx, nil, "mallory", m)
	must(err)

	w.canaries = []string{alice.UserId, canaryInline, "canary-alice-tag", ops.GroupId, "CanaryOpsInline", app.RoleId,
		"canary-role-description", "canary-role-tag", "CanaryAppInline", "CanaryReaderV1", "CanaryReaderV2", "canary-policy-tag",
		"userwithlotsofpermissions", rootEmail, "canary-oidc-audience"}
	return w
}

// idorTable is the sweep: every route of the console, keyed "METHOD path".
func idorTable(w *idorWorld) map[string]idorRoute {
	// Each {name} route is tried on the real entity and on one that does not
	// exist: both must be refused alike, or the answer tells which exist.
	user := func(sub, action string, form ...string) idorRoute {
		return idorRoute{cases: []idorCase{
			{what: "alice's", path: "/users/alice" + sub, form: form, want: deny(action)},
			{what: "a user that does not exist", path: "/users/nobody" + sub, form: form, want: deny(action)},
		}}
	}
	group := func(sub, action string, form ...string) idorRoute {
		return idorRoute{cases: []idorCase{
			{what: "group ops", path: "/groups/ops" + sub, form: form, want: deny(action)},
			{what: "a group that does not exist", path: "/groups/nogroup" + sub, form: form, want: deny(action)},
		}}
	}
	role := func(sub, action string, form ...string) idorRoute {
		return idorRoute{cases: []idorCase{
			{what: "role App", path: "/roles/App" + sub, form: form, want: deny(action)},
			{what: "a role that does not exist", path: "/roles/NoRole" + sub, form: form, want: deny(action)},
		}}
	}
	with := func(r idorRoute, more ...idorCase) idorRoute { r.cases = append(r.cases, more...); return r }
	policyPage := func(form ...string) []string { return append([]string{"arn", w.readerARN}, form...) }
	own := "/users/mallory?tab=security"
	everything := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	pol := url.QueryEscape(w.readerARN)
	oidcARN := "arn:aws:iam::" + w.acct + ":oidc-provider/token.actions.githubusercontent.com"
	samlARN := "arn:aws:iam::" + w.acct + ":saml-provider/corp"
	review := func(path, action string) idorRoute {
		return idorRoute{cases: []idorCase{{what: "the imported account", path: path + "?account=" + w.imported + "&action=s3:GetObject", want: deny(action)},
			{what: "the live account", path: path, want: deny(action)}}}
	}
	api := func(cases ...idorCase) idorRoute { return idorRoute{cases: cases, api: true} }
	aliceARN := "arn:aws:iam::" + w.acct + ":user/alice"
	campaign := func(sub, action string, form ...string) idorRoute {
		return idorRoute{cases: []idorCase{
			{what: "alice's campaign", path: "/reviews/" + w.reviewID + sub, form: form, want: deny(action)},
			{what: "a campaign that does not exist", path: "/reviews/00000000-0000-0000-0000-000000000000" + sub, form: form, want: deny(action)},
		}}
	}

	return map[string]idorRoute{
		// Users.
		"GET /users/:name": with(user("", "iam:GetUser"),
			idorCase{what: "alice's groups tab", path: "/users/alice?tab=groups", want: deny("iam:GetUser")},
			idorCase{what: "alice's credentials tab", path: "/users/alice?tab=security", want: deny("iam:GetUser")},
			idorCase{what: "alice's tags tab", path: "/users/alice?tab=tags", want: deny("iam:GetUser")},
			idorCase{what: "alice's access tab", path: "/users/alice?tab=access", want: deny("iam:GetUser")}),
		"GET /users/:name/delete": user("/delete", "iam:GetUser"),
		"POST /users/:name/delete": {cases: []idorCase{
			{what: "alice with everything", path: "/users/alice/delete", form: []string{"confirm", "alice", "Everything", "true"}, want: deny("iam:DeleteUser")},
			{what: "alice", path: "/users/alice/delete", form: []string{"confirm", "alice"}, want: deny("iam:DeleteUser")},
			{what: "a user that does not exist", path: "/users/nobody/delete", form: []string{"confirm", "nobody"}, want: deny("iam:DeleteUser")},
		}},
		"POST /users/:name/rename":       user("/rename", "iam:UpdateUser", "NewName", "alice2"),
		"GET /users/:name/sessions/end":  user("/sessions/end", "iam:GetLoginProfile"),
		"POST /users/:name/sessions/end": user("/sessions/end", "iam:UpdateLoginProfile", "confirm", "yes"),
		"POST /users/:name/unlock": with(user("/unlock", "iam:UpdateLoginProfile"),
			idorCase{what: "root's sign-in", path: "/users/" + url.PathEscape(rootEmail) + "/unlock", want: deny("iam:UpdateLoginProfile")}),
		"POST /users/:name/login-profile":        user("/login-profile", "iam:GetLoginProfile", "Password", "a brand new long passphrase"),
		"GET /users/:name/login-profile/delete":  user("/login-profile/delete", "iam:GetLoginProfile"),
		"POST /users/:name/login-profile/delete": user("/login-profile/delete", "iam:DeleteLoginProfile", "confirm", "yes"),
		"POST /users/:name/access-keys":          user("/access-keys", "iam:CreateAccessKey"),
		"GET /users/:name/credentials/delete": with(user("/credentials/delete?Kind=service-credential&Id="+w.aliceCredential, "iam:ListServiceSpecificCredentials"),
			idorCase{what: "alice's credential through mallory's own page", path: "/users/mallory/credentials/delete?Kind=service-credential&Id=" + w.aliceCredential, want: bounce(own)}),
		"POST /users/:name/credentials/delete": with(user("/credentials/delete", "iam:DeleteServiceSpecificCredential", "Kind", "service-credential", "Id", w.aliceCredential, "confirm", "yes"),
			idorCase{what: "alice's credential through mallory's own page", path: "/users/mallory/credentials/delete",
				form: []string{"Kind", "service-credential", "Id", w.aliceCredential, "confirm", "yes"}, want: bounce(own)},
			idorCase{what: "alice's credential through mallory's own page, unconfirmed", path: "/users/mallory/credentials/delete",
				form: []string{"Kind", "service-credential", "Id", w.aliceCredential}, want: bounce(own)}),
		"POST /users/:name/boundary":        user("/boundary", "iam:PutUserPermissionsBoundary", "PermissionsBoundary", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
		"GET /users/:name/boundary/delete":  user("/boundary/delete", "iam:GetUser"),
		"POST /users/:name/boundary/delete": user("/boundary/delete", "iam:DeleteUserPermissionsBoundary", "confirm", "yes"),
		"POST /users/:name/tags":            user("/tags", "iam:GetUser", "tag_key", "team", "tag_value", "mallory"),
		"POST /users/:name/policies":        user("/policies", "iam:AttachUserPolicy", "PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
		"GET /users/:name/policies/detach":  user("/policies/detach?PolicyArn=arn:aws:iam::aws:policy/AdministratorAccess", "iam:ListAttachedUserPolicies"),
		"POST /users/:name/policies/detach": user("/policies/detach", "iam:DetachUserPolicy", "PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess", "confirm", "yes"),
		"POST /users/:name/inline":          user("/inline", "iam:PutUserPolicy", "PolicyName", "x", "PolicyDocument", everything),
		"GET /users/:name/access-keys/status": with(user("/access-keys/status?AccessKeyId="+w.aliceKey, "iam:ListAccessKeys"),
			idorCase{what: "alice's key through mallory's own page", path: "/users/mallory/access-keys/status?AccessKeyId=" + w.aliceKey, want: bounce(own)}),
		"POST /users/:name/access-keys/status": with(user("/access-keys/status", "iam:UpdateAccessKey", "AccessKeyId", w.aliceKey, "Status", "Inactive", "confirm", "yes"),
			idorCase{what: "alice's key through mallory's own page", path: "/users/mallory/access-keys/status", form: []string{"AccessKeyId", w.aliceKey, "Status", "Inactive", "confirm", "yes"}, want: bounce(own)},
			idorCase{what: "alice's key through mallory's own page, unconfirmed", path: "/users/mallory/access-keys/status", form: []string{"AccessKeyId", w.aliceKey, "Status", "Inactive"}, want: bounce(own)}),
		"GET /users/:name/access-keys/delete": with(user("/access-keys/delete?AccessKeyId="+w.aliceKey, "iam:ListAccessKeys"),
			idorCase{what: "alice's key through mallory's own page", path: "/users/mallory/access-keys/delete?AccessKeyId=" + w.aliceKey, want: bounce(own)}),
		"POST /users/:name/access-keys/delete": with(user("/access-keys/delete", "iam:DeleteAccessKey", "AccessKeyId", w.aliceKey, "confirm", "yes"),
			idorCase{what: "alice's key through mallory's own page", path: "/users/mallory/access-keys/delete", form: []string{"AccessKeyId", w.aliceKey, "confirm", "yes"}, want: bounce(own)},
			idorCase{what: "alice's key through mallory's own page, unconfirmed", path: "/users/mallory/access-keys/delete", form: []string{"AccessKeyId", w.aliceKey}, want: bounce(own)}),
		"GET /users/:name/inline/delete": with(user("/inline/delete?PolicyName=alice-notes", "iam:GetUserPolicy"),
			idorCase{what: "alice's inline policy through mallory's own page", path: "/users/mallory/inline/delete?PolicyName=alice-notes", want: bounce("/users/mallory?tab=permissions")}),
		"POST /users/:name/inline/delete": with(user("/inline/delete", "iam:DeleteUserPolicy", "PolicyName", "alice-notes", "confirm", "alice-notes"),
			idorCase{what: "alice's inline policy through mallory's own page", path: "/users/mallory/inline/delete", form: []string{"PolicyName", "alice-notes", "confirm", "alice-notes"}, want: bounce("/users/mallory?tab=permissions")}),
		"POST /users/:name/groups": with(user("/groups", "iam:AddUserToGroup", "GroupName", "ops"),
			idorCase{what: "mallory into ops", path: "/users/mallory/groups", form: []string{"GroupName", "ops"}, want: deny("iam:AddUserToGroup")}),
		"GET /users/:name/groups/remove": user("/groups/remove?GroupName=ops", "iam:GetUser"),
		"POST /users/:name/groups/remove": with(user("/groups/remove", "iam:RemoveUserFromGroup", "GroupName", "ops", "confirm", "yes"),
			idorCase{what: "alice's group through mallory's own page", path: "/users/mallory/groups/remove", form: []string{"GroupName", "ops", "confirm", "yes"}, want: deny("iam:RemoveUserFromGroup")}),

		// Groups.
		"GET /groups/:name": with(group("", "iam:GetGroup"),
			idorCase{what: "ops's permissions tab", path: "/groups/ops?tab=permissions", want: deny("iam:GetGroup")}),
		"GET /groups/:name/delete": group("/delete", "iam:GetGroup"),
		"POST /groups/:name/delete": {cases: []idorCase{
			{what: "group ops", path: "/groups/ops/delete", form: []string{"confirm", "ops"}, want: deny("iam:DeleteGroup")},
			{what: "a group that does not exist", path: "/groups/nogroup/delete", form: []string{"confirm", "nogroup"}, want: deny("iam:DeleteGroup")},
			{what: "group ops, unconfirmed", path: "/groups/ops/delete", want: deny("iam:GetGroup")},
		}},
		"POST /groups/:name/rename":          group("/rename", "iam:UpdateGroup", "NewName", "ops2"),
		"POST /groups/:name/members":         group("/members", "iam:AddUserToGroup", "UserName", "mallory"),
		"GET /groups/:name/members/remove":   group("/members/remove?UserName=alice", "iam:GetGroup"),
		"POST /groups/:name/members/remove":  group("/members/remove", "iam:RemoveUserFromGroup", "UserName", "alice", "confirm", "yes"),
		"POST /groups/:name/policies":        group("/policies", "iam:AttachGroupPolicy", "PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
		"GET /groups/:name/policies/detach":  group("/policies/detach?PolicyArn=arn:aws:iam::aws:policy/ReadOnlyAccess", "iam:ListAttachedGroupPolicies"),
		"POST /groups/:name/policies/detach": group("/policies/detach", "iam:DetachGroupPolicy", "PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess", "confirm", "yes"),
		"POST /groups/:name/inline":          group("/inline", "iam:PutGroupPolicy", "PolicyName", "x", "PolicyDocument", everything),
		"GET /groups/:name/inline/delete":    group("/inline/delete?PolicyName=ops-inline", "iam:GetGroupPolicy"),
		"POST /groups/:name/inline/delete":   group("/inline/delete", "iam:DeleteGroupPolicy", "PolicyName", "ops-inline", "confirm", "ops-inline"),

		// Roles.
		"GET /roles/:name": with(role("", "iam:GetRole"),
			idorCase{what: "App's trust tab", path: "/roles/App?tab=trust", want: deny("iam:GetRole")},
			idorCase{what: "App's tags tab", path: "/roles/App?tab=tags", want: deny("iam:GetRole")}),
		"GET /roles/:name/delete": role("/delete", "iam:GetRole"),
		"POST /roles/:name/delete": {cases: []idorCase{
			{what: "role App", path: "/roles/App/delete", form: []string{"confirm", "App"}, want: deny("iam:DeleteRole")},
			{what: "a role that does not exist", path: "/roles/NoRole/delete", form: []string{"confirm", "NoRole"}, want: deny("iam:DeleteRole")},
			{what: "role App, unconfirmed", path: "/roles/App/delete", want: deny("iam:GetRole")},
		}},
		"POST /roles/:name/trust":           role("/trust", "iam:UpdateAssumeRolePolicy", "AssumeRolePolicyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`),
		"POST /roles/:name/settings":        role("/settings", "iam:UpdateRole", "Description", "mine", "MaxSessionHours", "12"),
		"POST /roles/:name/boundary":        role("/boundary", "iam:PutRolePermissionsBoundary", "PermissionsBoundary", "arn:aws:iam::aws:policy/AdministratorAccess"),
		"GET /roles/:name/boundary/delete":  role("/boundary/delete", "iam:GetRole"),
		"POST /roles/:name/boundary/delete": role("/boundary/delete", "iam:DeleteRolePermissionsBoundary", "confirm", "yes"),
		"POST /roles/:name/tags":            role("/tags", "iam:GetRole", "tag_key", "k", "tag_value", "mine"),
		"POST /roles/:name/policies":        role("/policies", "iam:AttachRolePolicy", "PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
		"GET /roles/:name/policies/detach":  role("/policies/detach?PolicyArn="+pol, "iam:ListAttachedRolePolicies"),
		"POST /roles/:name/policies/detach": role("/policies/detach", "iam:DetachRolePolicy", "PolicyArn", w.readerARN, "confirm", "yes"),
		"POST /roles/:name/inline":          role("/inline", "iam:PutRolePolicy", "PolicyName", "x", "PolicyDocument", everything),
		"GET /roles/:name/inline/delete":    role("/inline/delete?PolicyName=app-inline", "iam:GetRolePolicy"),
		"POST /roles/:name/inline/delete":   role("/inline/delete", "iam:DeleteRolePolicy", "PolicyName", "app-inline", "confirm", "app-inline"),

		// Sessions and MFA devices are the caller's own: another's ID finds
		// nothing.
		"GET /sessions/:id/delete": {cases: []idorCase{
			{what: "alice's session", path: "/sessions/" + w.aliceSession + "/delete", want: bounce("/sessions")},
			{what: "a session that does not exist", path: "/sessions/nosuchsession/delete", want: bounce("/sessions")},
		}},
		"POST /sessions/:id/delete": {cases: []idorCase{
			{what: "alice's session, confirmed", path: "/sessions/" + w.aliceSession + "/delete", form: []string{"confirm", "yes"}, want: bounce("/sessions")},
			{what: "alice's session", path: "/sessions/" + w.aliceSession + "/delete", want: bounce("/sessions")},
			{what: "root's session", path: "/sessions/" + w.rootSession + "/delete", want: bounce("/sessions")},
			{what: "a session that does not exist", path: "/sessions/nosuchsession/delete", want: bounce("/sessions")},
		}},
		"GET /sessions": {cases: []idorCase{{what: "the sessions list", path: "/sessions", want: yoursOnly, hidden: []string{w.aliceSession, w.rootSession}}}},
		"GET /security": {cases: []idorCase{{what: "the devices list", path: "/security", want: yoursOnly, hidden: []string{w.aliceSerial}}}},
		"GET /mfa/devices/delete": {cases: []idorCase{
			{what: "alice's device", path: "/mfa/devices/delete?serial=" + url.QueryEscape(w.aliceSerial), want: bounce("/security")},
		}},
		"POST /mfa/devices/delete": {cases: []idorCase{
			{what: "alice's device, confirmed", path: "/mfa/devices/delete", form: []string{"serial", w.aliceSerial, "password", malloryPassword, "confirm", "yes"}, want: bounce("/security")},
			{what: "alice's device", path: "/mfa/devices/delete", form: []string{"serial", w.aliceSerial, "password", malloryPassword}, want: bounce("/security")},
			{what: "root's device", path: "/mfa/devices/delete", form: []string{"serial", "arn:aws:iam::" + w.acct + ":mfa/phone", "password", malloryPassword}, want: bounce("/security")},
		}},

		// Managed policies are named by ARN in the query or the form.
		"GET /policies/view": {cases: []idorCase{
			{what: "Reader", path: "/policies/view?arn=" + pol, want: deny("iam:GetPolicy")},
			{what: "Reader's JSON tab", path: "/policies/view?arn=" + pol + "&tab=json&version=v1", want: deny("iam:GetPolicy")},
			{what: "Reader's versions tab", path: "/policies/view?arn=" + pol + "&tab=versions", want: deny("iam:GetPolicy")},
			{what: "Reader's entities tab", path: "/policies/view?arn=" + pol + "&tab=entities", want: deny("iam:GetPolicy")},
			{what: "Reader's last accessed tab", path: "/policies/view?arn=" + pol + "&tab=last-accessed", want: deny("iam:GetPolicy")},
		}},
		"GET /policies/generate": {cases: []idorCase{{what: "alice's activity", path: "/policies/generate?arn=" + url.QueryEscape("arn:aws:iam::"+w.acct+":user/alice") + "&days=30",
			want: deny("access-analyzer:StartPolicyGeneration")}}},
		"GET /policies/diff":   {cases: []idorCase{{what: "Reader's versions", path: "/policies/diff?arn=" + pol + "&from=v1&to=v2", want: deny("iam:GetPolicy")}}},
		"GET /policies/delete": {cases: []idorCase{{what: "Reader", path: "/policies/delete?arn=" + pol, want: deny("iam:GetPolicy")}}},
		"POST /policies/delete": {cases: []idorCase{{what: "Reader", path: "/policies/delete", form: policyPage("confirm", "Reader"), want: deny("iam:DeletePolicy")},
			{what: "Reader, unconfirmed", path: "/policies/delete", form: policyPage(), want: deny("iam:GetPolicy")}}},
		"POST /policies/tags":             {cases: []idorCase{{what: "Reader", path: "/policies/tags", form: policyPage("tag_key", "k", "tag_value", "mine"), want: deny("iam:GetPolicy")}}},
		"POST /policies/versions":         {cases: []idorCase{{what: "Reader", path: "/policies/versions", form: policyPage("PolicyDocument", everything, "SetAsDefault", "true"), want: deny("iam:CreatePolicyVersion")}}},
		"POST /policies/versions/default": {cases: []idorCase{{what: "Reader", path: "/policies/versions/default", form: policyPage("VersionId", "v2"), want: deny("iam:SetDefaultPolicyVersion")}}},
		"GET /policies/versions/delete":   {cases: []idorCase{{what: "Reader's v1", path: "/policies/versions/delete?arn=" + pol + "&VersionId=v1", want: deny("iam:GetPolicy")}}},
		"POST /policies/versions/delete": {cases: []idorCase{{what: "Reader's v1", path: "/policies/versions/delete", form: policyPage("VersionId", "v1", "confirm", "v1"), want: deny("iam:DeletePolicyVersion")},
			{what: "Reader's v1, unconfirmed", path: "/policies/versions/delete", form: policyPage("VersionId", "v1"), want: deny("iam:GetPolicy")}}},

		// Reviews name an account, the live one or an imported one.
		"GET /graph":      review("/graph", "iam:GetAccountAuthorizationDetails"),
		"GET /graph.dot":  review("/graph.dot", "iam:GetAccountAuthorizationDetails"),
		"GET /graph.svg":  review("/graph.svg", "iam:GetAccountAuthorizationDetails"),
		"GET /graph.json": review("/graph.json", "iam:GetAccountAuthorizationDetails"),
		// Access reviews: another's campaign, and one that does not exist,
		// refused alike before it is looked up.
		"GET /reviews/:id":             campaign("", "console:GetAccessReview"),
		"GET /reviews/:id/report.csv":  campaign("/report.csv", "console:GetAccessReview"),
		"GET /reviews/:id/report.json": campaign("/report.json", "console:GetAccessReview"),
		"GET /reviews/:id/decide":      campaign("/decide?Decision=revoke&PrincipalArn="+url.QueryEscape(aliceARN), "console:GetAccessReview"),
		"POST /reviews/:id/decide": with(campaign("/decide", "console:DecideAccessReview", "PrincipalArn", aliceARN, "Decision", "keep"),
			idorCase{what: "revoking alice, confirmed", path: "/reviews/" + w.reviewID + "/decide",
				form: []string{"PrincipalArn", aliceARN, "Decision", "revoke", "confirm", "yes"}, want: deny("console:DecideAccessReview")}),
		"POST /reviews/:id/close": campaign("/close", "console:CloseAccessReview", "Force", "true"),
		"GET /findings":           review("/findings", "iam:GetAccountAuthorizationDetails"),
		"GET /findings.csv":       review("/findings.csv", "iam:GetAccountAuthorizationDetails"),
		"GET /findings.json":      review("/findings.json", "iam:GetAccountAuthorizationDetails"),
		"GET /techniques":         {none: "the catalogue of escalation techniques, no account's data"},
		"GET /techniques/:id":     {cases: []idorCase{{what: "a catalogue technique, the same for everyone", path: "/techniques/iam-002", want: yoursOnly}}},
		"GET /who-can":            review("/who-can", "iam:GetAccountAuthorizationDetails"),
		"GET /access":             review("/access", "iam:GetAccountAuthorizationDetails"),
		"GET /who-can.csv":        review("/who-can.csv", "iam:GetAccountAuthorizationDetails"),
		"GET /paths":              review("/paths", "iam:GetAccountAuthorizationDetails"),
		"GET /graph/principals": {cases: []idorCase{
			{what: "the imported account's principals", path: "/graph/principals?q=a&account=" + w.imported, want: deny("iam:GetAccountAuthorizationDetails")},
			{what: "the live account's principals", path: "/graph/principals?q=a", want: deny("iam:GetAccountAuthorizationDetails")}}},
		"GET /paths.csv": review("/paths.csv", "iam:GetAccountAuthorizationDetails"),
		"GET /graph/compare": {cases: append(review("/graph/compare", "iam:GetAccountAuthorizationDetails").cases,
			idorCase{what: "the imported account's first import", path: "/graph/compare?account=" + w.imported + "&before=1&after=1", want: deny("iam:GetAccountAuthorizationDetails")})},
		// Keeping a snapshot reads the whole live account, then writes it.
		"POST /graph/compare/snapshot": {cases: []idorCase{{what: "the live account", path: "/graph/compare/snapshot", form: []string{"label", "mine"},
			want: deny("iam:GetAccountAuthorizationDetails")}}},
		// A poll names an overview by its content hash and answers only its
		// state, but still needs the graph page's right.
		"GET /graph/overview": {cases: []idorCase{{what: "an overview's state", path: "/graph/overview?key=" + strings.Repeat("ab", 32),
			want: deny("iam:GetAccountAuthorizationDetails")}}},
		"GET /audit":       {cases: []idorCase{{what: "alice's events", path: "/audit?principal=" + url.QueryEscape("arn:aws:iam::"+w.acct+":user/alice"), want: deny("cloudtrail:LookupEvents")}}},
		"GET /audit.jsonl": {cases: []idorCase{{what: "alice's events", path: "/audit.jsonl?principal=" + url.QueryEscape("arn:aws:iam::"+w.acct+":user/alice"), want: deny("cloudtrail:LookupEvents")}}},

		// Simulating and switching name a principal by ARN.
		"POST /simulator": {cases: []idorCase{
			{what: "alice", path: "/simulator", form: []string{"source", "user/alice", "actions", "s3:GetObject"}, want: deny("iam:SimulatePrincipalPolicy")},
			{what: "alice under a path mallory may simulate", path: "/simulator", form: []string{"source", "user/dev/alice", "actions", "s3:GetObject"}, want: badForm},
			{what: "role App", path: "/simulator", form: []string{"source", "role/App", "actions", "s3:GetObject"}, want: deny("iam:SimulatePrincipalPolicy")},
		}},
		"POST /switch-role": {cases: []idorCase{{what: "role App", path: "/switch-role", form: []string{"role", "App"}, want: deny("sts:AssumeRole")}}},
		"GET /switch-role":  {cases: []idorCase{{what: "role App", path: "/switch-role?role=App", want: yoursOnly}}},

		// The AWS API: the same operations, signed with mallory's key.
		"POST /aws": api(
			idorCase{what: "GetUser alice", form: []string{"Action", "GetUser", "UserName", "alice"}, want: deny("iam:GetUser")},
			idorCase{what: "ListAccessKeys alice", form: []string{"Action", "ListAccessKeys", "UserName", "alice"}, want: deny("iam:ListAccessKeys")},
			idorCase{what: "GetAccessKeyLastUsed of alice's key", form: []string{"Action", "GetAccessKeyLastUsed", "AccessKeyId", w.aliceKey}, want: deny("iam:GetAccessKeyLastUsed")},
			idorCase{what: "UpdateAccessKey of alice's key as mallory's own", form: []string{"Action", "UpdateAccessKey", "AccessKeyId", w.aliceKey, "Status", "Inactive"}, want: gone},
			idorCase{what: "DeleteAccessKey of alice's key as mallory's own", form: []string{"Action", "DeleteAccessKey", "AccessKeyId", w.aliceKey}, want: gone},
			idorCase{what: "ListServiceSpecificCredentials alice", form: []string{"Action", "ListServiceSpecificCredentials", "UserName", "alice"}, want: deny("iam:ListServiceSpecificCredentials")},
			idorCase{what: "DeleteServiceSpecificCredential of alice's as mallory's own", form: []string{"Action", "DeleteServiceSpecificCredential", "ServiceSpecificCredentialId", w.aliceCredential}, want: gone},
			idorCase{what: "ListServiceSpecificCredentials of every user", form: []string{"Action", "ListServiceSpecificCredentials", "AllUsers", "true"}, want: deny("iam:ListServiceSpecificCredentials")},
			idorCase{what: "ListMFADevices alice", form: []string{"Action", "ListMFADevices", "UserName", "alice"}, want: deny("iam:ListMFADevices")},
			idorCase{what: "GetLoginProfile alice", form: []string{"Action", "GetLoginProfile", "UserName", "alice"}, want: deny("iam:GetLoginProfile")},
			idorCase{what: "GetUserPolicy alice", form: []string{"Action", "GetUserPolicy", "UserName", "alice", "PolicyName", "alice-notes"}, want: deny("iam:GetUserPolicy")},
			idorCase{what: "GetUserPolicy alice's, as mallory's", form: []string{"Action", "GetUserPolicy", "UserName", "mallory", "PolicyName", "alice-notes"}, want: gone},
			idorCase{what: "SimulatePrincipalPolicy alice under /dev/", form: []string{"Action", "SimulatePrincipalPolicy",
				"PolicySourceArn", "arn:aws:iam::" + w.acct + ":user/dev/alice", "ActionNames.member.1", "s3:GetObject"}, want: gone},
		),
		// Outbound federation issuers' discovery documents: public keys,
		// public by design (token verifiers fetch them unauthenticated);
		// an ID no account has is not found.
		"GET /aws/oidc/:id/.well-known/openid-configuration": {cases: []idorCase{{what: "an issuer no account has",
			path: "/aws/oidc/00000000-0000-0000-0000-000000000000/.well-known/openid-configuration", want: gone}}},
		"GET /aws/oidc/:id/.well-known/jwks.json": {cases: []idorCase{{what: "an issuer no account has",
			path: "/aws/oidc/00000000-0000-0000-0000-000000000000/.well-known/jwks.json", want: gone}}},
		"GET /aws":   {none: "the API's handler, swept through POST /aws"},
		"GET /aws/":  {none: "the API's handler, swept through POST /aws"},
		"POST /aws/": {none: "the API's handler, swept through POST /aws"},
		// IAM Access Analyzer's policy checks read only the documents the
		// request carries: no account entity to reach.
		"POST /aws/policy/validation":               {none: "Access Analyzer ValidatePolicy: the request's own document"},
		"POST /aws/policy/check-no-new-access":      {none: "Access Analyzer CheckNoNewAccess: the request's own documents"},
		"POST /aws/policy/check-access-not-granted": {none: "Access Analyzer CheckAccessNotGranted: the request's own document"},
		"POST /aws/policy/check-no-public-access":   {none: "Access Analyzer CheckNoPublicAccess: the request's own document"},

		// No identifier: lists filtered by the caller's rights, forms for
		// new things, the caller's own settings, sign-in.
		"GET /":                                 {none: "the caller's own dashboard"},
		"GET /healthz":                          {none: "no session, no data"},
		"GET /readyz":                           {none: "no session, no data"},
		"GET /metrics":                          {none: "request counts by route, no entity"},
		"GET /static/*":                         {none: "embedded files"},
		"GET /setup":                            {none: "dead once root exists"},
		"POST /setup":                           {none: "dead once root exists"},
		"GET /login":                            {none: "sign-in"},
		"POST /login":                           {none: "sign-in"},
		"GET /login/mfa":                        {none: "sign-in: the challenge is the caller's cookie"},
		"POST /login/mfa":                       {none: "sign-in: the challenge is the caller's cookie"},
		"POST /login/cancel":                    {none: "sign-in"},
		"GET /login/oidc":                       {none: "sign-in through the account's one OIDC provider: names nothing"},
		"GET /login/oidc/callback":              {none: "sign-in: the state is bound to the caller's cookie"},
		"POST /logout":                          {none: "the caller's own session"},
		"GET /mfa/enroll":                       {none: "the caller's own enrollment, found by the caller"},
		"POST /mfa/enroll":                      {none: "enrolls for the caller"},
		"POST /mfa/enroll/confirm":              {none: "the caller's own enrollment"},
		"GET /mfa/recovery-codes":               {none: "the caller's own codes"},
		"POST /mfa/recovery-codes":              {none: "the caller's own codes"},
		"GET /security/password":                {none: "the caller's own password"},
		"POST /security/password":               {none: "the caller's own password"},
		"GET /settings":                         {none: "account settings, authorized as such"},
		"GET /reviews":                          {none: "the account's campaigns, authorized as console:ListAccessReviews"},
		"POST /reviews":                         {none: "starts a new campaign, authorized as console:CreateAccessReview"},
		"POST /settings/account":                {none: "account settings, authorized as such"},
		"POST /settings/guardrails":             {none: "account settings, authorized as such"},
		"POST /settings/console-oidc":           {none: "account settings, authorized as such"},
		"POST /settings/unused-access":          {none: "account settings, authorized as such"},
		"POST /settings/password-policy":        {none: "account settings, authorized as such"},
		"GET /settings/password-policy/delete":  {none: "account settings, authorized as such"},
		"POST /settings/password-policy/delete": {none: "account settings, authorized as such"},
		// Identity providers are named by ARN in the query or the form.
		"GET /identity-providers/delete": {cases: []idorCase{{what: "the CI provider", path: "/identity-providers/delete?arn=" + url.QueryEscape(oidcARN),
			want: deny("iam:GetOpenIDConnectProvider")}}},
		"POST /identity-providers/delete": {cases: []idorCase{
			{what: "the CI provider", path: "/identity-providers/delete", form: []string{"arn", oidcARN, "confirm", "token.actions.githubusercontent.com"},
				want: deny("iam:DeleteOpenIDConnectProvider")},
			{what: "the CI provider, unconfirmed", path: "/identity-providers/delete", form: []string{"arn", oidcARN}, want: deny("iam:GetOpenIDConnectProvider")}}},
		"GET /identity-providers":     {cases: []idorCase{{what: "the account's providers", path: "/identity-providers", want: deny("iam:ListOpenIDConnectProviders")}}},
		"GET /identity-providers/new": {none: "the empty form"},
		"GET /identity-providers/saml/delete": {cases: []idorCase{{what: "the corp SAML provider", path: "/identity-providers/saml/delete?arn=" + url.QueryEscape(samlARN),
			want: deny("iam:GetSAMLProvider")}}},
		"POST /identity-providers/saml/delete": {cases: []idorCase{
			{what: "the corp SAML provider", path: "/identity-providers/saml/delete", form: []string{"arn", samlARN, "confirm", "corp"},
				want: deny("iam:DeleteSAMLProvider")},
			{what: "the corp SAML provider, unconfirmed", path: "/identity-providers/saml/delete", form: []string{"arn", samlARN}, want: deny("iam:GetSAMLProvider")}}},
		"POST /identity-providers/saml/console": {cases: []idorCase{{what: "console sign-in through the corp SAML provider", path: "/identity-providers/saml/console",
			form: []string{"SAMLProviderArn", samlARN, "ACSURL", "https://console.example.com/saml/acs"}, want: deny("iam:UpdateSAMLProvider")}}},
		"GET /identity-providers/saml/new": {none: "the empty form"},
		"POST /identity-providers/saml":    {none: "creates"},
		"POST /saml/acs":                   {none: "SAML sign-in: no session; the signed assertion, addressed to this console, is the credential"},
		"POST /identity-providers":         {none: "creates"},
		"GET /import":                      {none: "the upload form"},
		"POST /import":                     {none: "makes a new imported account"},
		"POST /switch-back":                {none: "the caller's own role session"},
		"GET /simulator":                   {none: "the empty form"},
		"GET /users":                       {none: "a list, authorized by path"},
		"GET /users/new":                   {none: "the empty form"},
		"POST /users":                      {none: "creates"},
		"GET /groups":                      {none: "a list, authorized by path"},
		"GET /groups/new":                  {none: "the empty form"},
		"POST /groups":                     {none: "creates"},
		"GET /roles":                       {none: "a list, authorized by path"},
		"GET /roles/new":                   {none: "the empty form"},
		"POST /roles":                      {none: "creates"},
		"GET /policies":                    {none: "a list, authorized by path"},
		"GET /policies/new":                {none: "the empty form"},
		"GET /policies/arns":               {cases: []idorCase{{what: "the account's policy ARNs", path: "/policies/arns", want: deny("iam:ListPolicies")}}},
		"GET /policies/actions":            {none: "AWS's public list of action names (the Service Authorization Reference); nothing of any account"},
		"POST /policies":                   {none: "creates"},
	}
}

// TestIDORSweep signs mallory in and tries every case of the table, with
// the route's own method and with GET, and checks that each was refused,
// showed nothing of anyone else's and changed nothing.
func TestIDORSweep(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	w := idorSetup(t, e)
	table := idorTable(w)

	mal := e.browser()
	if res := mal.login("mallory", malloryPassword, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mallory sign-in: %d", res.StatusCode)
	}
	// Her own rights work: a refusal below is about whose entity it is.
	if res, _ := mal.get("/users/mallory?tab=security"); res.StatusCode != http.StatusOK {
		t.Fatalf("mallory's own page: %d", res.StatusCode)
	}

	var routes []string
	registered := map[string]bool{}
	for _, r := range e.app.Routes() {
		if strings.HasPrefix(r.Method, "echo_") { // Echo's own not-found entries
			continue
		}
		key := r.Method + " " + r.Path
		registered[key] = true
		routes = append(routes, key)
	}
	sort.Strings(routes)
	swept, params, cases := 0, 0, 0
	for _, key := range routes {
		line, ok := table[key]
		parameterised := strings.ContainsAny(key, ":*") && key != "GET /static/*"
		switch {
		case !ok:
			t.Errorf("%s is not in the IDOR sweep: add cases that try it on another's entity (or, without parameters, say why it names none)", key)
			continue
		case len(line.cases) == 0 && (parameterised || line.none == ""):
			t.Errorf("%s has no IDOR case", key)
			continue
		}
		if len(line.cases) > 0 {
			swept++
		}
		if parameterised {
			params++
		}
		cases += len(line.cases)
		method := strings.SplitN(key, " ", 2)[0]
		for _, c := range line.cases {
			t.Run(key+"/"+c.what, func(t *testing.T) {
				if line.api {
					e.idorAPI(t, w, c)
					return
				}
				e.idorTry(t, mal, w, method, c, c.want)
				if method != http.MethodGet && !registered["GET "+routePath(key)] {
					// GET on a POST route must not reach it.
					e.idorTry(t, mal, w, http.MethodGet, idorCase{what: c.what, path: c.path, hidden: c.hidden}, outcome{kind: notFound})
				}
			})
		}
	}
	for key := range table {
		if !registered[key] {
			t.Errorf("the IDOR sweep has %s, which is no longer a route: remove it", key)
		}
	}
	t.Logf("IDOR sweep: %d routes, %d with path parameters, %d tried with %d cases", len(routes), params, swept, cases)
}

func routePath(key string) string { return strings.SplitN(key, " ", 2)[1] }

// idorTry makes one request as b and checks its answer and that the
// account did not change.
func (e *env) idorTry(t *testing.T, b *browser, w *idorWorld, method string, c idorCase, want outcome) {
	t.Helper()
	before := accountState(t, e, w)
	var res *http.Response
	var body string
	if method == http.MethodGet {
		res, body = b.get(c.path)
	} else {
		form := url.Values{"_csrf": {b.csrf("/")}} // bound to the session: read from a page
		for i := 0; i+1 < len(c.form); i += 2 {
			form.Add(c.form[i], c.form[i+1])
		}
		res, body = b.post(c.path, form)
	}
	got := fmt.Sprintf("%s %s: %d %s", method, c.path, res.StatusCode, res.Header.Get("Location"))
	switch want.kind {
	case denied:
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, want.action) {
			t.Errorf("%s, want 403 naming %s", got, want.action)
		}
	case notFound:
		// A GET on a POST-only route is 405; either way, not reached.
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s, want 404 (or 405)", got)
		}
	case refusedForm:
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "cannot be found") {
			t.Errorf("%s, want 422 saying it cannot be found", got)
		}
	case ownPage:
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s, want 200", got)
		}
	case bounced:
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want.to {
			t.Errorf("%s, want 303 to %s", got, want.to)
			break
		}
		_, body = b.get(want.to)
		if strings.Contains(body, "flash-success") || !strings.Contains(body, "flash-error") && !strings.Contains(body, "flash-info") {
			t.Errorf("%s: the page it led to does not say it failed", got)
		}
	}
	for _, s := range append(append([]string{}, w.canaries...), c.hidden...) {
		if strings.Contains(body, s) {
			t.Errorf("%s shows %q, someone else's", got, s)
		}
	}
	if after := accountState(t, e, w); after != before {
		t.Errorf("%s changed the account:\n%s", got, stateDiff(before, after))
	}
}

// idorAPI makes one API call signed with mallory's key.
func (e *env) idorAPI(t *testing.T, w *idorWorld, c idorCase) {
	t.Helper()
	before := accountState(t, e, w)
	form := url.Values{"Version": {"2010-05-08"}}
	for i := 0; i+1 < len(c.form); i += 2 {
		form.Set(c.form[i], c.form[i+1])
	}
	raw := form.Encode()
	r, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/aws", strings.NewReader(raw))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := sigv4.Sign(r, []byte(raw), sigv4.Credential{AccessKeyID: w.malloryKey.AccessKeyId, Secret: w.malloryKey.SecretAccessKey},
		"us-east-1", "iam", e.clk.Now()); err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	body := string(b)
	got := fmt.Sprintf("%s: %d", c.what, res.StatusCode)
	switch c.want.kind {
	case denied:
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "<Code>AccessDenied</Code>") || !strings.Contains(body, c.want.action) {
			t.Errorf("%s, want AccessDenied naming %s: %s", got, c.want.action, body)
		}
	case notFound:
		if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "<Code>NoSuchEntity</Code>") {
			t.Errorf("%s, want NoSuchEntity: %s", got, body)
		}
	default:
		t.Fatalf("%s: API cases are denied or not found", c.what)
	}
	for _, s := range w.canaries {
		if strings.Contains(body, s) {
			t.Errorf("%s shows %q, someone else's", got, s)
		}
	}
	if after := accountState(t, e, w); after != before {
		t.Errorf("%s changed the account:\n%s", got, stateDiff(before, after))
	}
}

// accountState is everything a forged request could change, one fact a
// line, read as the operator: snapshotCounts plus what it leaves out (key
// statuses, devices, sessions, paths, tags, boundaries, members, settings).
func accountState(t *testing.T, e *env, w *idorWorld) string {
	t.Helper()
	ctx, m := context.Background(), iam.Meta{}
	lines := strings.Split(snapshotCounts(t, e), " ")
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	users, _, err := e.svc.ListUsers(ctx, nil, iam.ListInput{}, m)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		keys, _ := e.svc.ListAccessKeys(ctx, nil, u.UserName, m)
		for _, k := range keys {
			add("user %s key %s %s", u.Arn, k.AccessKeyId, k.Status)
		}
		ss, _ := e.store.SessionsOf(ctx, w.acct, u.Arn)
		add("user %s sessions %d", u.Arn, len(ss))
		inl, _, _ := e.svc.ListInlinePolicies(ctx, nil, iam.UserNamed(u.UserName), iam.Page{}, m)
		for _, n := range inl {
			p, _ := e.svc.GetInlinePolicy(ctx, nil, iam.UserNamed(u.UserName), n, m)
			add("user %s inline %s %s", u.Arn, n, p.PolicyDocument)
		}
	}
	root, _ := e.store.SessionsOf(ctx, w.acct, "arn:aws:iam::"+w.acct+":root")
	add("root sessions %d", len(root))
	devs, err := e.store.AllMFADevices(ctx, w.acct)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range devs {
		add("device %s of %s", d.SerialNumber, d.OwnerARN)
	}
	groups, _, _ := e.svc.ListGroups(ctx, nil, iam.ListInput{}, m)
	for _, g := range groups {
		_, members, _, _ := e.svc.GetGroup(ctx, nil, iam.GetGroupInput{GroupName: g.GroupName}, m)
		names := []string{}
		for _, u := range members {
			names = append(names, u.UserName)
		}
		inl, _, _ := e.svc.ListInlinePolicies(ctx, nil, iam.GroupNamed(g.GroupName), iam.Page{}, m)
		add("group %s members %v inline %v", g.Arn, names, inl)
	}
	roles, _, _ := e.svc.ListRoles(ctx, nil, iam.ListInput{}, m)
	for _, r := range roles {
		full, _ := e.svc.GetRole(ctx, nil, r.RoleName, m)
		inl, _, _ := e.svc.ListInlinePolicies(ctx, nil, iam.RoleNamed(r.RoleName), iam.Page{}, m)
		add("role %s boundary %v tags %v inline %v", full.Arn, full.PermissionsBoundary, full.Tags, inl)
	}
	p, err := e.svc.GetPolicy(ctx, nil, w.readerARN, m)
	if err == nil {
		add("policy %s tags %v", p.Arn, p.Tags)
	} else {
		add("policy %s: %v", w.readerARN, err)
	}
	st, _ := e.svc.GetAccountSettings(ctx, nil, m)
	pp, err := e.store.PasswordPolicy(ctx, w.acct)
	add("settings %+v password policy %+v %v", st, pp, err)
	return strings.Join(lines, "\n")
}

// stateDiff shows the lines that differ.
func stateDiff(before, after string) string {
	was := map[string]bool{}
	for _, l := range strings.Split(before, "\n") {
		was[l] = true
	}
	is := map[string]bool{}
	for _, l := range strings.Split(after, "\n") {
		is[l] = true
	}
	var out []string
	for l := range was {
		if !is[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range is {
		if !was[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

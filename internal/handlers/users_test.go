package handlers_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
)

const alicePassword = "correct kettle marching sideways"

// form posts fields to path with the CSRF token of page.
func (b *browser) form(page, path string, fields ...string) (*http.Response, string) {
	b.t.Helper()
	v := url.Values{"_csrf": {b.csrf(page)}}
	for i := 0; i+1 < len(fields); i += 2 {
		v.Add(fields[i], fields[i+1])
	}
	res, body := b.post(path, v)
	if res.StatusCode == http.StatusOK && strings.Contains(body, `id="preview"`) {
		// A permission change is previewed before it is saved: read, then
		// press Save, as a person does (TestPreviewBeforeSave looks at the
		// preview itself).
		return b.post(path, previewedForm(b.t, body))
	}
	return res, body
}

var hiddenFieldRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// previewedForm is the fields of a preview step's Save form.
func previewedForm(t *testing.T, body string) url.Values {
	t.Helper()
	_, form, ok := strings.Cut(body, `id="confirm-form">`)
	if !ok {
		t.Fatal("a preview without its Save form")
	}
	form, _, _ = strings.Cut(form, "</form>")
	v := url.Values{}
	for _, m := range hiddenFieldRE.FindAllStringSubmatch(form, -1) {
		v.Add(m[1], html.UnescapeString(m[2]))
	}
	if v.Get("confirm") != "yes" {
		t.Fatalf("the preview's Save form does not confirm: %v", v)
	}
	return v
}

// mustRedirect checks a POST-redirect-GET answer.
func mustRedirect(t *testing.T, res *http.Response, body, to string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || (to != "" && res.Header.Get("Location") != to) {
		t.Fatalf("want 303 to %s, got %d to %q: %v", to, res.StatusCode, res.Header.Get("Location"), regexp.MustCompile(`class="field-error" id="[^"]*">[^<]*`).FindAllString(body, -1))
	}
}

func TestUserPagesAsRoot(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()

	res, body := b.get("/users")
	if res.StatusCode != 200 || !strings.Contains(body, `id="create-user"`) {
		t.Fatalf("users list: %d", res.StatusCode)
	}

	// Refused input comes back beside its field, with what was typed.
	for _, tc := range []struct {
		name, field string
		fields      []string
	}{
		{"bad name", "UserName", []string{"UserName", "bad name!", "Path", "/eng/"}},
		{"bad path", "Path", []string{"UserName", "bob", "Path", "no-slash"}},
		{"reserved tag", "tags", []string{"UserName", "bob", "tag_key", "aws:x", "tag_value", "y"}},
		{"no password", "Password", []string{"UserName", "bob", "ConsoleAccess", "true"}},
		// A password typed without the console box is an error, not lost.
		{"password without console access", "Password", []string{"UserName", "bob", "Password", alicePassword}},
		{"confirmation differs", "PasswordConfirm", []string{"UserName", "bob", "ConsoleAccess", "true", "Password", alicePassword, "PasswordConfirm", alicePassword + "x"}},
		{"weak password", "Password", []string{"UserName", "weakling", "ConsoleAccess", "true", "Password", "password"}},
		{"unknown boundary", "PermissionsBoundary", []string{"UserName", "bob", "PermissionsBoundary", "arn:aws:iam::aws:policy/Nope"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.form("/users/new", "/users", tc.fields...)
			if tc.name == "weak password" {
				// The user exists; the password is refused on its page.
				mustRedirect(t, res, body, "/users/weakling?tab=security")
				if _, body := b.get("/users/weakling?tab=security"); !strings.Contains(body, "password was refused") {
					t.Fatal("no word of the refused password")
				}
				return
			}
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tc.field+`-error"`) {
				t.Fatalf("%d, no error beside %s: %v", res.StatusCode, tc.field, regexp.MustCompile(`class="field-error" id="[^"]*">[^<]*`).FindAllString(body, -1))
			}
			if !strings.Contains(body, `value="`+html.EscapeString(tc.fields[1])+`"`) {
				t.Fatalf("the form lost what was typed")
			}
		})
	}

	res, body = b.form("/users/new", "/users", "UserName", "alice", "Path", "/eng/", "ConsoleAccess", "true",
		"Password", alicePassword, "tag_key", "team", "tag_value", "blue", "PermissionsBoundary", "arn:aws:iam::aws:policy/PowerUserAccess")
	mustRedirect(t, res, body, "/users/alice")
	res, body = b.form("/users/new", "/users", "UserName", "ALICE")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="UserName-error"`) {
		t.Fatalf("duplicate name: %d", res.StatusCode)
	}
	_, body = b.get("/users/alice")
	for _, want := range []string{"arn:aws:iam::" + mustAccount(t, e) + ":user/eng/alice", "PowerUserAccess", `id="delete-user"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("user page lacks %q", want)
		}
	}
	if _, body := b.get("/users/alice?tab=tags"); !strings.Contains(body, `value="blue"`) {
		t.Fatal("tags tab lacks the tag")
	}
	if _, body := b.get("/users/alice?tab=security"); !strings.Contains(body, "Enabled since") || !strings.Contains(body, `id="create-access-key"`) {
		t.Fatal("security tab: no console password or no create-key button")
	}
	if res, _ := b.get("/users/nobody"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("missing user: %d", res.StatusCode)
	}

	// Groups: create one, put alice in it, see it on both sides.
	res, body = b.form("/groups/new", "/groups", "GroupName", "devs")
	mustRedirect(t, res, body, "/groups/devs")
	res, body = b.form("/users/alice?tab=groups", "/users/alice/groups", "GroupName", "nogroup")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="GroupName-error"`) || !strings.Contains(body, `value="nogroup"`) {
		t.Fatalf("unknown group: %d", res.StatusCode)
	}
	res, body = b.form("/users/alice?tab=groups", "/users/alice/groups", "GroupName", "devs")
	mustRedirect(t, res, body, "/users/alice?tab=groups")
	if _, body := b.get("/groups/devs"); !strings.Contains(body, `href="/users/alice"`) {
		t.Fatal("alice is not listed in devs")
	}
	res, body = b.form("/groups/devs", "/groups/devs/delete", "confirm", "devs")
	mustRedirect(t, res, body, "/groups/devs")
	if _, body := b.get("/groups/devs"); !strings.Contains(body, "must remove users") {
		t.Fatal("deleting a group with members did not say why it failed")
	}

	// Permissions: attach, inline (refused with line and column, then
	// saved), through the group, detach.
	res, body = b.form("/users/alice", "/users/alice/policies", "PolicyArn", "arn:aws:iam::aws:policy/NoSuchPolicy")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="PolicyArn-error"`) || !strings.Contains(body, "NoSuchPolicy") {
		t.Fatalf("attach unknown policy: %d", res.StatusCode)
	}
	res, body = b.form("/users/alice", "/users/alice/policies", "PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
	mustRedirect(t, res, body, "/users/alice?tab=permissions")
	bad := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\",}\n  ]\n}"
	res, body = b.form("/users/alice", "/users/alice/inline", "PolicyName", "s3read", "PolicyDocument", bad)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="PolicyDocument-error"`) || !strings.Contains(body, "line 4") ||
		!strings.Contains(body, `value="s3read"`) {
		t.Fatalf("malformed inline policy: %d %.4000s", res.StatusCode, body)
	}
	good := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	res, body = b.form("/users/alice", "/users/alice/inline", "PolicyName", "s3read", "PolicyDocument", good)
	mustRedirect(t, res, body, "/users/alice?tab=permissions")
	b.form("/groups/devs", "/groups/devs/policies", "PolicyArn", "arn:aws:iam::aws:policy/IAMUserChangePassword")
	_, body = b.get("/users/alice?tab=permissions")
	for _, want := range []string{">ReadOnlyAccess<", ">s3read<", "s3:GetObject", ">IAMUserChangePassword<", `href="/groups/devs?tab=permissions"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("permissions tab lacks %s", want)
		}
	}
	res, body = b.form("/users/alice", "/users/alice/policies/detach", "PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess", "confirm", "yes")
	mustRedirect(t, res, body, "/users/alice?tab=permissions")
	if _, body := b.get("/users/alice"); strings.Contains(body, ">ReadOnlyAccess<") {
		t.Fatal("ReadOnlyAccess is still attached")
	}
	res, body = b.form("/users/alice?tab=tags", "/users/alice/tags", "tag_key", "team", "tag_value", "green", "tag_key", "env", "tag_value", "prod")
	mustRedirect(t, res, body, "/users/alice?tab=tags")
	res, body = b.form("/users/alice?tab=tags", "/users/alice/tags", "tag_key", "env", "tag_value", "<b>")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="tags-error"`) {
		t.Fatalf("markup in a tag value: %d", res.StatusCode)
	}
	b.form("/users/alice?tab=tags", "/users/alice/tags", "tag_key", "env", "tag_value", "prod")
	if u, _ := e.svc.GetUser(context.Background(), nil, "alice", iam.Meta{}); len(u.Tags) != 1 || u.Tags[0].Value != "prod" {
		t.Fatalf("tags %v", u.Tags)
	}
	b.form("/groups/devs", "/groups/devs/policies/detach", "PolicyArn", "arn:aws:iam::aws:policy/IAMUserChangePassword", "confirm", "yes")

	// Console password reset, then alice signs in with it.
	res, body = b.form("/users/alice?tab=security", "/users/alice/login-profile", "Password", alicePassword, "PasswordConfirm", "")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="PasswordConfirm-error"`) {
		t.Fatalf("unconfirmed password: %d", res.StatusCode)
	}
	res, body = b.form("/users/alice?tab=security", "/users/alice/login-profile", "Password", "short")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="Password-error"`) {
		t.Fatalf("short password: %d", res.StatusCode)
	}
	a := e.browser()
	if res := a.login("alice", alicePassword, "/"); res.StatusCode != http.StatusSeeOther || a.cookie("session") == "" {
		t.Fatalf("alice's sign-in: %d", res.StatusCode)
	}

	// Delete with everything, after confirming by name.
	res, body = b.form("/users/alice/delete", "/users/alice/delete", "confirm", "alic", "Everything", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="confirm-error"`) {
		t.Fatalf("wrong confirmation: %d", res.StatusCode)
	}
	res, body = b.form("/users/alice/delete", "/users/alice/delete", "confirm", "alice")
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="confirm-error"`) {
		t.Fatalf("plain delete of a user with a password and a group: %d", res.StatusCode)
	}
	res, body = b.form("/users/alice/delete", "/users/alice/delete", "confirm", "alice", "Everything", "true")
	mustRedirect(t, res, body, "/users")
	if res, _ := b.get("/users/alice"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("alice after deletion: %d", res.StatusCode)
	}
	res, body = b.form("/groups/devs", "/groups/devs/delete", "confirm", "devs")
	mustRedirect(t, res, body, "/groups")
}

var (
	secretRE2 = regexp.MustCompile(`id="secret-access-key">([^<]+)<`)
	keyIDRE   = regexp.MustCompile(`id="access-key-id">(AKIA[A-Z0-9]{16})<`)
	csvRE     = regexp.MustCompile(`href="(data:text/csv[^"]+)"`)
)

// TestAccessKeySecretShownOnce: the secret is on the creation answer, in
// the CSV download, and on no page after.
func TestAccessKeySecretShownOnce(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	res, body := b.form("/users/new", "/users", "UserName", "ci-bot")
	mustRedirect(t, res, body, "/users/ci-bot")

	res, body = b.form("/users/ci-bot?tab=security", "/users/ci-bot/access-keys")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("create key: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	sm, km, cm := secretRE2.FindStringSubmatch(body), keyIDRE.FindStringSubmatch(body), csvRE.FindStringSubmatch(body)
	if sm == nil || km == nil || cm == nil {
		t.Fatalf("no secret, key ID or CSV link: %.3000s", body)
	}
	secret, id := sm[1], km[1]
	if len(secret) != 40 {
		t.Fatalf("secret %q", secret)
	}
	csv, err := url.PathUnescape(strings.TrimPrefix(html.UnescapeString(cm[1]), "data:text/csv;charset=utf-8,"))
	if err != nil || csv != "Access key ID,Secret access key\n"+id+","+secret+"\n" {
		t.Fatalf("CSV %q %v", csv, err)
	}
	// The key works (the secret is real), and is listed without its secret.
	if _, err := e.svc.APICredential(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/users", "/users/ci-bot", "/users/ci-bot?tab=security", "/users/ci-bot?tab=groups",
		"/users/ci-bot?tab=tags", "/users/ci-bot/delete", "/audit", "/groups", "/security"} {
		res, body := b.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		if strings.Contains(body, secret) {
			t.Fatalf("the secret is on %s", path)
		}
	}
	if _, body := b.get("/users/ci-bot?tab=security"); !strings.Contains(body, id) || !strings.Contains(body, "Deactivate") {
		t.Fatal("the key is not listed")
	}

	// Deactivate, then delete; a third key is refused with a message.
	res, body = b.form("/users/ci-bot?tab=security", "/users/ci-bot/access-keys/status", "AccessKeyId", id, "Status", "Inactive", "confirm", "yes")
	mustRedirect(t, res, body, "/users/ci-bot?tab=security")
	if _, body := b.get("/users/ci-bot?tab=security"); !strings.Contains(body, "Inactive") {
		t.Fatal("the key is still active")
	}
	b.form("/users/ci-bot?tab=security", "/users/ci-bot/access-keys")
	b.form("/users/ci-bot?tab=security", "/users/ci-bot/access-keys")
	res, body = b.form("/users/ci-bot?tab=security", "/users/ci-bot/access-keys")
	mustRedirect(t, res, body, "/users/ci-bot?tab=security")
	res, body = b.form("/users/ci-bot?tab=security", "/users/ci-bot/access-keys/delete", "AccessKeyId", id, "confirm", "yes")
	mustRedirect(t, res, body, "/users/ci-bot?tab=security")
	if keys, _ := e.svc.ListAccessKeys(context.Background(), nil, "ci-bot", iam.Meta{}); len(keys) != 1 {
		t.Fatalf("%d keys left, want 1", len(keys))
	}
}

// TestReadOnlyUserSeesNoButtons: an auditor with IAMReadOnlyAccess reads
// every page, is shown no button it may not use, and a POST it forges is
// refused with 403 and changes nothing.
func TestReadOnlyUserSeesNoButtons(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	for _, u := range []string{"auditor", "victim"} {
		res, body := b.form("/users/new", "/users", "UserName", u, "ConsoleAccess", "true", "Password", alicePassword)
		mustRedirect(t, res, body, "/users/"+u)
	}
	res, body := b.form("/groups/new", "/groups", "GroupName", "ops")
	mustRedirect(t, res, body, "/groups/ops")
	b.form("/users/victim?tab=groups", "/users/victim/groups", "GroupName", "ops")
	b.form("/users/victim?tab=security", "/users/victim/access-keys")
	res, body = b.form("/users/auditor", "/users/auditor/policies", "PolicyArn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
	mustRedirect(t, res, body, "/users/auditor?tab=permissions")
	res, body = b.form("/roles/new", "/roles", "RoleName", "App", "Trust", "service", "Service", "ec2.amazonaws.com")
	mustRedirect(t, res, body, "/roles/App")
	polARN := "arn:aws:iam::" + mustAccount(t, e) + ":policy/Reader"
	pol := "/policies/view?arn=" + url.QueryEscape(polARN)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	res, body = b.form("/policies/new", "/policies", "PolicyName", "Reader", "PolicyDocument", doc)
	mustRedirect(t, res, body, pol)
	b.form(pol+"&tab=versions", "/policies/versions", "arn", polARN, "PolicyDocument", doc)

	a := e.browser()
	if res := a.login("auditor", alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("auditor sign-in: %d", res.StatusCode)
	}
	for _, tc := range []struct {
		path   string
		must   []string
		mustNo []string
	}{
		{"/users", []string{`href="/users/victim"`}, []string{`id="create-user"`}},
		{"/users/victim", []string{"victim"}, []string{`id="delete-user"`, `id="attach-form"`, `id="inline-form"`, `id="boundary-form"`}},
		{"/users/victim?tab=groups", []string{`href="/groups/ops"`}, []string{`id="add-to-group"`, ">Remove<"}},
		{"/users/victim?tab=security", []string{"Enabled since", "AKIA"}, []string{`id="create-access-key"`, `id="password-form"`,
			`id="remove-password"`, ">Deactivate<", ">Delete<"}},
		{"/users/victim?tab=tags", []string{`id="tags"`}, []string{`id="tags-form"`}},
		{"/groups", []string{`href="/groups/ops"`}, []string{`id="create-group"`}},
		{"/groups/ops", []string{`href="/users/victim"`}, []string{`id="delete-group"`, `id="add-member"`, ">Remove<"}},
		{"/groups/ops?tab=permissions", []string{"Managed policies"}, []string{`id="attach-form"`, `id="inline-form"`}},
		{"/roles", []string{`href="/roles/App"`}, []string{`id="create-role"`}},
		{"/roles/App", []string{"App"}, []string{`id="delete-role"`, `id="role-settings"`, `id="attach-form"`, `id="inline-form"`, `id="boundary-form"`}},
		{"/roles/App?tab=trust", []string{"AWS service: ec2.amazonaws.com", `id="trust-document"`}, []string{`id="trust-form"`}},
		{"/roles/App?tab=tags", []string{`id="tags"`}, []string{`id="tags-form"`}},
		{"/policies?scope=Local", []string{">Reader<"}, []string{`id="create-policy"`}},
		{pol, []string{"s3:GetObject"}, []string{`id="delete-policy"`}},
		{pol + "&tab=versions", []string{">v2<", `id="diff-form"`}, []string{`id="version-form"`, "Set as default", ">Delete<"}},
		{pol + "&tab=entities", []string{"Attached to nothing"}, nil},
	} {
		res, body := a.get(tc.path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", tc.path, res.StatusCode)
		}
		for _, s := range tc.must {
			if !strings.Contains(body, s) {
				t.Errorf("%s lacks %s", tc.path, s)
			}
		}
		for _, s := range tc.mustNo {
			if strings.Contains(body, s) {
				t.Errorf("%s shows %s to a read-only user", tc.path, s)
			}
		}
	}

	before := snapshotCounts(t, e)
	for _, f := range [][]string{
		{"/users", "UserName", "mallory", "ConsoleAccess", "true", "Password", alicePassword},
		{"/users/victim/delete", "confirm", "victim", "Everything", "true"},
		{"/users/victim/delete", "confirm", "victim"},
		{"/users/victim/access-keys"},
		{"/users/victim/login-profile", "Password", "a brand new long passphrase"},
		{"/users/victim/login-profile/delete", "confirm", "yes"},
		{"/users/victim/groups", "GroupName", "ops"},
		{"/users/victim/groups/remove", "GroupName", "ops", "confirm", "yes"},
		{"/users/auditor/groups", "GroupName", "ops"},
		{"/groups", "GroupName", "evil"},
		{"/groups/ops/delete", "confirm", "ops"},
		{"/groups/ops/members/remove", "UserName", "victim", "confirm", "yes"},
		{"/users/victim/policies", "PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"},
		{"/users/auditor/policies", "PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"},
		{"/users/auditor/policies/detach", "PolicyArn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", "confirm", "yes"},
		{"/users/victim/inline", "PolicyName", "x", "PolicyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
		{"/users/victim/boundary", "PermissionsBoundary", "arn:aws:iam::aws:policy/ReadOnlyAccess"},
		{"/users/victim/tags", "tag_key", "k", "tag_value", "v"},
		{"/groups/ops/policies", "PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"},
		{"/roles", "RoleName", "Evil", "Trust", "account"},
		{"/roles/App/delete", "confirm", "App"},
		{"/roles/App/trust", "AssumeRolePolicyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`},
		{"/roles/App/settings", "Description", "x", "MaxSessionHours", "12"},
		{"/roles/App/policies", "PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"},
		{"/policies", "PolicyName", "Evil", "PolicyDocument", doc},
		{"/policies/versions", "arn", polARN, "PolicyDocument", doc, "SetAsDefault", "true"},
		{"/policies/versions/default", "arn", polARN, "VersionId", "v1"},
		{"/policies/versions/delete", "arn", polARN, "VersionId", "v1", "confirm", "v1"},
		{"/policies/delete", "arn", polARN, "confirm", polARN[strings.LastIndex(polARN, "/")+1:]},
	} {
		res, body := a.form("/users", f[0], f[1:]...)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "iam:") {
			t.Errorf("forged POST %s: %d", f[0], res.StatusCode)
		}
	}
	if after := snapshotCounts(t, e); after != before {
		t.Fatalf("forged POSTs changed the account: %s -> %s", before, after)
	}
}

// snapshotCounts summarizes what a forged request could have changed.
func snapshotCounts(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	users, _, err := e.svc.ListUsers(ctx, nil, iam.ListInput{}, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	groups, _, _ := e.svc.ListGroups(ctx, nil, iam.ListInput{}, iam.Meta{})
	var b strings.Builder
	fmt.Fprintf(&b, "users=%d groups=%d", len(users), len(groups))
	roles, _, _ := e.svc.ListRoles(ctx, nil, iam.ListInput{}, iam.Meta{})
	for _, r := range roles {
		full, _ := e.svc.GetRole(ctx, nil, r.RoleName, iam.Meta{})
		pols, _, _ := e.svc.ListAttachedPolicies(ctx, nil, iam.RoleNamed(r.RoleName), iam.ListAttachedPoliciesInput{}, iam.Meta{})
		fmt.Fprintf(&b, " role %s:%s,%d,%q,%v", r.RoleName, full.AssumeRolePolicyDocument, full.MaxSessionDuration, full.Description, pols)
	}
	ps, _, _ := e.svc.ListPolicies(ctx, nil, iam.ListPoliciesInput{Scope: iam.ScopeLocal}, iam.Meta{})
	for _, p := range ps {
		vs, _, _ := e.svc.ListPolicyVersions(ctx, nil, p.Arn, iam.Page{}, iam.Meta{})
		fmt.Fprintf(&b, " policy %s:%s,%d", p.PolicyName, p.DefaultVersionId, len(vs))
	}
	for _, g := range groups {
		pols, _, _ := e.svc.ListAttachedPolicies(ctx, nil, iam.GroupNamed(g.GroupName), iam.ListAttachedPoliciesInput{}, iam.Meta{})
		fmt.Fprintf(&b, " %s:%v", g.GroupName, pols)
	}
	for _, u := range users {
		keys, _ := e.svc.ListAccessKeys(ctx, nil, u.UserName, iam.Meta{})
		gs, _, _ := e.svc.ListGroupsForUser(ctx, nil, iam.ListGroupsForUserInput{UserName: u.UserName}, iam.Meta{})
		_, lpErr := e.svc.GetLoginProfile(ctx, nil, u.UserName, iam.Meta{})
		lp, _ := e.store.LoginProfile(ctx, mustAccount(t, e), u.UserId)
		hash := ""
		if lp != nil {
			hash = lp.PasswordHash
		}
		pols, _, _ := e.svc.ListAttachedPolicies(ctx, nil, iam.UserNamed(u.UserName), iam.ListAttachedPoliciesInput{}, iam.Meta{})
		inl, _, _ := e.svc.ListInlinePolicies(ctx, nil, iam.UserNamed(u.UserName), iam.Page{}, iam.Meta{})
		full, _ := e.svc.GetUser(ctx, nil, u.UserName, iam.Meta{})
		fmt.Fprintf(&b, " %s:keys=%d,groups=%d,profile=%v,%s,policies=%v,inline=%v,boundary=%v,tags=%v", u.UserName, len(keys), len(gs),
			lpErr == nil, hash, pols, inl, full.PermissionsBoundary, full.Tags)
	}
	return b.String()
}

// TestUserListPaging walks every page of a long list once.
func TestUserListPaging(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	ctx := context.Background()
	for i := range 230 {
		if _, err := e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: fmt.Sprintf("user%03d", i), Path: "/p/"}, iam.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	next := regexp.MustCompile(`id="next-page" rel="next" href="([^"]+)"|href="([^"]+)" id="next-page"`)
	row := regexp.MustCompile(`href="/users/(user\d{3})"`)
	seen := map[string]bool{}
	path, pages := "/users?path=/p/", 0
	for path != "" {
		res, body := b.get(path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		pages++
		for _, m := range row.FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Fatalf("%s listed twice", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := next.FindStringSubmatch(body); m != nil {
			path = html.UnescapeString(m[1] + m[2])
		}
	}
	if len(seen) != 230 || pages != 3 {
		t.Fatalf("%d users over %d pages", len(seen), pages)
	}
	_, body := b.get("/users?q=USER22")
	if got := len(row.FindAllString(body, -1)); got != 10 {
		t.Fatalf("search user22: %d rows, want 10", got)
	}
	if res, body := b.get("/users?path=nope"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="PathPrefix-error"`) {
		t.Fatalf("bad path filter: %d", res.StatusCode)
	}
}

// TestUserListFastAtTenThousand: the list, a search and a deep page stay
// quick with 10,000 users (made straight in the store, past AWS's quota).
func TestUserListFastAtTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 users")
	}
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	ctx := context.Background()
	acct := mustAccount(t, e)
	err := e.store.Tx(ctx, func(tx *models.Store) error {
		for i := range 10000 {
			name := fmt.Sprintf("user%05d", i)
			if err := tx.CreateUser(ctx, acct, &models.User{UserID: fmt.Sprintf("AIDA%017d", i), Name: name, Path: "/bulk/"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`href="/users/user\d{5}"`)
	for _, tc := range []struct {
		path string
		rows int
	}{
		{"/users", 100},
		{"/users?q=user0999", 10},
		{"/users?path=/bulk/&marker=user09950", 49},
		{"/users?q=nobody", 0},
	} {
		start := time.Now()
		res, body := b.get(tc.path)
		took := time.Since(start)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", tc.path, res.StatusCode)
		}
		if got := len(row.FindAllString(body, -1)); got != tc.rows {
			t.Errorf("%s: %d rows, want %d", tc.path, got, tc.rows)
		}
		t.Logf("%s: %v", tc.path, took)
		if took > 2*time.Second {
			t.Errorf("%s took %v", tc.path, took)
		}
	}
}

package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/handlers"
)

func TestRootMustEnrollBeforeAnythingElse(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	tok := b.csrf("/setup?token=" + e.token)
	b.post("/setup", url.Values{"_csrf": {tok}, "token": {e.token}, "email": {rootEmail}, "password": {rootPassword}})
	for _, path := range []string{"/", "/audit", "/settings", "/security", "/sessions"} {
		if res, _ := b.get(path); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/mfa/enroll" {
			t.Errorf("%s before enrollment: %d %s", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	b.enroll("phone")
	if res, _ := b.get("/audit"); res.StatusCode != 200 {
		t.Fatalf("audit after enrollment: %d", res.StatusCode)
	}
}

func TestPasswordOnlyStateOpensNothing(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	b := e.browser()
	tok := b.csrf("/login")
	res, _ := b.post("/login", url.Values{"_csrf": {tok}, "username": {rootEmail}, "password": {rootPassword}})
	if !strings.HasPrefix(res.Header.Get("Location"), "/login/mfa") || b.cookie("session") != "" {
		t.Fatalf("password step: %d %s, session %q", res.StatusCode, res.Header.Get("Location"), b.cookie("session"))
	}
	for _, path := range []string{"/", "/audit", "/security", "/mfa/enroll", "/settings"} {
		if res, _ := b.get(path); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("%s in the password-only state: %d %s", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// Malformed codes are refused with the form, never a 500.
	for _, code := range []string{"12345", "1234567", "12 456", "abcdef", "１２３４５６", strings.Repeat("9", 5000), "%00"} {
		e.clk.Advance(61 * time.Second) // past the backoff the failures earn
		tok := b.csrf("/login")
		b.post("/login", url.Values{"_csrf": {tok}, "username": {rootEmail}, "password": {rootPassword}})
		tok = b.csrf("/login/mfa")
		res, body := b.post("/login/mfa", url.Values{"_csrf": {tok}, "code": {code}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, `id="mfa-error"`) {
			t.Errorf("code %q: %d", code, res.StatusCode)
		}
	}
}

func TestSprayingThrottledWhateverXForwardedFor(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	b := e.browser()
	for i := range 50 {
		e.clk.Advance(time.Second)
		tok := b.csrf("/login")
		req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{"_csrf": {tok},
			"username": {"user" + string(rune('a'+i%26)) + string(rune('a'+i/26))}, "password": {"Winter2026!"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "10.9."+string(rune('0'+i%10))+".1") // rotating: not believed
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("attempt %d: %d", i, res.StatusCode)
		}
	}
	res := b.login(rootEmail, rootPassword, "/")
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after spraying: %d, want 429", res.StatusCode)
	}
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	other := e.browser()
	if res := other.login(rootEmail, rootPassword, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", res.StatusCode)
	}
	cases := []struct {
		old, new, field string
	}{
		{"wrong", "a brand new passphrase here", "old_password"},
		{rootPassword, rootPassword, "new_password"},     // reuse of the current one
		{rootPassword, "short", "new_password"},          // too short
		{rootPassword, "password1", "new_password"},      // common
		{rootPassword, "root-root-root", "new_password"}, // contains the email's name
	}
	for _, c := range cases {
		tok := b.csrf("/security/password")
		res, body := b.post("/security/password", url.Values{"_csrf": {tok}, "old_password": {c.old}, "new_password": {c.new}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="`+c.field+`-error"`) {
			t.Errorf("%q -> %q: %d", c.old, c.new, res.StatusCode)
		}
	}
	tok := b.csrf("/security/password")
	res, _ := b.post("/security/password", url.Values{"_csrf": {tok}, "old_password": {rootPassword}, "new_password": {"an entirely different passphrase"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if res, _ := b.get("/security"); res.StatusCode != 200 {
		t.Fatalf("this session after the change: %d", res.StatusCode)
	}
	if res, _ := other.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the other session survived the change: %d", res.StatusCode)
	}
}

func TestPasswordPolicySettings(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	if _, body := b.get("/settings"); !strings.Contains(body, "No password policy is set") {
		t.Fatal("defaults not shown")
	}
	for _, c := range []struct{ field, value string }{
		{"MinimumPasswordLength", "5"}, {"MinimumPasswordLength", "129"}, {"MaxPasswordAge", "1096"},
		{"PasswordReusePrevention", "25"}, {"MinimumPasswordLength", "abc"},
	} {
		form := url.Values{"_csrf": {b.csrf("/settings")}, "MinimumPasswordLength": {"12"}, "MaxPasswordAge": {"0"}, "PasswordReusePrevention": {"0"}}
		form.Set(c.field, c.value)
		res, body := b.post("/settings/password-policy", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+c.field+`-error"`) {
			t.Errorf("%s=%s: %d", c.field, c.value, res.StatusCode)
		}
	}
	form := url.Values{"_csrf": {b.csrf("/settings")}, "MinimumPasswordLength": {"12"}, "MaxPasswordAge": {"90"},
		"PasswordReusePrevention": {"5"}, "RequireNumbers": {"true"}}
	if res, _ := b.post("/settings/password-policy", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	_, body := b.get("/settings")
	if !strings.Contains(body, `name="MaxPasswordAge" type="number" min="0" max="1095" value="90"`) || !strings.Contains(body, `id="RequireNumbers" name="RequireNumbers" value="true" checked`) {
		t.Fatal("saved policy not shown")
	}
}

// TestRenameUserWithMFA: a user who enrolled an authenticator is renamed
// from the console and signs in under the new name with password and code.
func TestRenameUserWithMFA(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	root := e.browser()
	root.setup()
	e.mkUser("alice", alicePassword, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateVirtualMFADevice","iam:EnableMFADevice"],"Resource":"*"}]}`)
	a := e.browser()
	if res := a.login("alice", alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("alice sign-in: %d", res.StatusCode)
	}
	secret, _ := a.enrollWith("alice-phone", alicePassword)

	res, body := root.form("/users/alice", "/users/alice/rename", "NewName", "alicia")
	mustRedirect(t, res, body, "/users/alicia")
	if _, body := root.get("/users/alicia?tab=security"); !strings.Contains(body, ":mfa/alice-phone") {
		t.Fatal("the device is not on the renamed user's page")
	}

	e.clk.Advance(30 * time.Second)
	b := e.browser()
	res, _ = b.post("/login", url.Values{"_csrf": {b.csrf("/login")}, "username": {"alicia"}, "password": {alicePassword}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login/mfa") {
		t.Fatalf("password step: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = b.post("/login/mfa", url.Values{"_csrf": {b.csrf("/login/mfa")}, "code": {e.codeOf(secret, 0)}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("code step under the new name: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := b.get("/security"); !strings.Contains(body, ":mfa/alice-phone") {
		t.Fatal("alicia does not see her device")
	}
}

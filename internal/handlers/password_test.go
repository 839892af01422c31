package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/handlers"
)

func TestForcedPasswordChange(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	e.user("dave").password("quiet violet harbor 32", true).
		inline(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetAccountSummary","Resource":"*"}]}`)
	b := e.browser()
	if res := b.login("dave", "quiet violet harbor 32", "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	for _, path := range []string{"/", "/audit", "/security", "/simulator"} {
		if res, _ := b.get(path); res.Header.Get("Location") != "/security/password" {
			t.Errorf("%s before the change: %d %s", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if _, body := b.get("/security/password"); !strings.Contains(body, `id="password-change-required"`) {
		t.Fatal("the change page does not say why")
	}
	res, body := b.post("/security/password", url.Values{"_csrf": {b.csrf("/security/password")},
		"old_password": {"quiet violet harbor 32"}, "new_password": {"a completely new passphrase"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d %s", res.StatusCode, regexp.MustCompile(`-error">[^<]*`).FindAllString(body, -1))
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard after the change: %d", res.StatusCode)
	}
}

// TestUsersMustEnrollMFAByDefault: unless the account allows otherwise, an
// IAM user without a device is taken to enrollment, as root is.
func TestUsersMustEnrollMFAByDefault(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	root := e.browser()
	root.setup() // relaxes the rule for the other tests: put it back
	res, _ := root.post("/settings/account", url.Values{"_csrf": {root.csrf("/settings")}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", res.StatusCode)
	}
	e.mkUser("erin", "quiet violet harbor 33", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	b := e.browser()
	b.login("erin", "quiet violet harbor 33", "/")
	if res, _ := b.get("/"); res.Header.Get("Location") != "/mfa/enroll" {
		t.Fatalf("a user without MFA reached the dashboard: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// Enrolling with her own password frees her.
	tok := b.csrf("/mfa/enroll")
	if res, _ := b.post("/mfa/enroll", url.Values{"_csrf": {tok}, "name": {"erin-phone"}, "password": {"quiet violet harbor 33"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start enrollment: %d", res.StatusCode)
	}
	_, body := b.get("/mfa/enroll")
	e.secret = secretRE.FindStringSubmatch(body)[1]
	res, _ = b.post("/mfa/enroll/confirm", url.Values{"_csrf": {b.csrf("/mfa/enroll")}, "code1": {e.code(-1)}, "code2": {e.code(0)}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard after enrolling: %d", res.StatusCode)
	}
}

func TestAdminEndsUserSessionsAndUnlocks(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	root := e.browser()
	root.setup()
	e.mkUser("frank", "quiet violet harbor 34")
	u := e.browser()
	if res := u.login("frank", "quiet violet harbor 34", "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("frank: %d", res.StatusCode)
	}
	if res, _ := u.get("/security"); res.StatusCode != http.StatusOK {
		t.Fatalf("frank's session: %d", res.StatusCode)
	}
	_, page := root.get("/users/frank?tab=security")
	if !strings.Contains(page, `id="end-sessions"`) || !strings.Contains(page, `id="unlock-sign-in"`) {
		t.Fatal("no session or unlock buttons for root")
	}
	if res, _ := root.post("/users/frank/sessions/end", url.Values{"_csrf": {root.csrf("/")}, "confirm": {"yes"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end sessions: %d", res.StatusCode)
	}
	if res, _ := u.get("/security"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("frank's session survived: %d", res.StatusCode)
	}
	// Lock frank out, then unlock him.
	for range 10 {
		e.clk.Advance(2 * time.Minute)
		c := e.browser()
		c.post("/login", url.Values{"_csrf": {c.csrf("/login")}, "username": {"frank"}, "password": {"wrong"}})
	}
	if res := e.browser().login("frank", "quiet violet harbor 34", "/"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("frank not locked: %d", res.StatusCode)
	}
	if res, _ := root.post("/users/frank/unlock", url.Values{"_csrf": {root.csrf("/")}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.StatusCode)
	}
	if res := e.browser().login("frank", "quiet violet harbor 34", "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("frank after unlock: %d", res.StatusCode)
	}
}

func TestUserAccessTab(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	root := e.browser()
	root.setup()
	e.mkUser("gina", "quiet violet harbor 35",
		`{"Version":"2012-10-17","Statement":[{"Sid":"Reports","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::reports/*"},`+
			`{"Sid":"NoPut","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}`)
	res, body := root.get("/users/gina?tab=access")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="access-services"`) {
		t.Fatalf("access tab: %d", res.StatusCode)
	}
	if !strings.Contains(body, "s3:GetObject") || strings.Contains(body, "s3:PutObject") || !strings.Contains(body, "(Reports)") {
		t.Fatal("the access tab does not show what the engine allows (and only that)")
	}
}

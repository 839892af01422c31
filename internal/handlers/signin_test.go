package handlers_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
)

// TestCSRFForgedCookieRefused: another site on the same host (cookies are
// shared across ports) plants a csrf cookie of its choosing in a signed-in
// admin's browser and posts a form carrying the same value: refused, with
// or without the browser's Sec-Fetch-Site, and no user is created.
func TestCSRFForgedCookieRefused(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	planted := strings.Repeat("A", 43)
	u, _ := url.Parse(e.srv.URL)
	b.jar.SetCookies(u, []*http.Cookie{{Name: "csrf", Value: planted, Path: "/"}})
	for _, site := range []string{"same-site", ""} {
		form := url.Values{"_csrf": {planted}, "UserName": {"mallory"}}
		req, _ := http.NewRequest("POST", e.srv.URL+"/users", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("forged cookie, Sec-Fetch-Site %q: %d", site, res.StatusCode)
		}
	}
	acct := mustAccount(t, e)
	if _, err := e.store.User(context.Background(), acct, "mallory"); err == nil {
		t.Fatal("a forged request created a user")
	}
	// A page's real token still works, even with the planted cookie.
	res, _ := b.form("/users/new", "/users", "UserName", "trudy")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the real token: %d", res.StatusCode)
	}
}

// TestCSRFTokenInQueryRefused: a valid token in the query string (where it
// leaks to logs, history and Referer) is not accepted.
func TestCSRFTokenInQueryRefused(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	tok := b.csrf("/")
	res, _ := b.post("/logout?_csrf="+url.QueryEscape(tok), url.Values{})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("token in the query: %d", res.StatusCode)
	}
	if res, _ := b.post("/logout", url.Values{"_csrf": {tok}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("token in the body: %d", res.StatusCode)
	}
}

// TestConcurrentWrongPasswordsOverHTTP: 30 wrong passwords at once check at
// most the lock threshold (each checked attempt is counted before its
// check, so the counter is the number of checks).
func TestConcurrentWrongPasswordsOverHTTP(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	var wg sync.WaitGroup
	for i := range 30 {
		b := e.browser()
		tok := b.csrf("/login")
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, _ := b.post("/login", url.Values{"_csrf": {tok}, "username": {rootEmail}, "password": {fmt.Sprintf("wrong guess %d", i)}})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("attempt %d: %d", i, res.StatusCode)
			}
		}()
	}
	wg.Wait()
	th, err := e.store.Throttle(context.Background(), "principal:"+rootEmail+"|net:127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("30 concurrent wrong passwords: %d checked", th.Failures)
	if th.Failures < 1 || th.Failures > 10 {
		t.Fatalf("%d passwords checked out of 30, want at most 10", th.Failures)
	}
}

// TestBodyThatNeverArrives: a POST announcing a body it never sends is
// answered 400 as soon as the body deadline passes, not after the server's
// read timeout with a 500.
func TestBodyThatNeverArrives(t *testing.T) {
	e := newEnv(t, handlers.Config{BodyReadTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: console\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer within 5 s: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", res.StatusCode)
	}
}

// TestSetupPostAfterRootAudited: a setup form posted once root exists is
// refused and written to the audit log.
func TestSetupPostAfterRootAudited(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	b := e.browser()
	res, _ := b.post("/setup", url.Values{"_csrf": {b.csrf("/login")}, "token": {e.token}, "email": {"evil@example.com"}, "password": {rootPassword + "!"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("setup after root: %d", res.StatusCode)
	}
	evs, err := e.store.ListAudit(context.Background(), mustAccount(t, e), models.AuditFilter{EventName: "CreateRootUser", Result: models.ResultFailure})
	if err != nil || len(evs) != 1 {
		t.Fatalf("refused setups audited: %d %v", len(evs), err)
	}
}

// TestNewPasswordConfirmationAndStrength: setup refuses a mismatched
// confirmation and a long but guessable password, saying why.
func TestNewPasswordConfirmationAndStrength(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	tok := b.csrf("/setup?token=" + e.token)
	for _, c := range []struct{ pw, confirm, want string }{
		{rootPassword, rootPassword + "x", "do not match"},
		{"password1234567", "password1234567", "common word followed by digits"},
		{"aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaa", "repeats one character"},
	} {
		res, body := b.post("/setup", url.Values{"_csrf": {tok}, "token": {e.token}, "email": {rootEmail}, "password": {c.pw}, "password_confirm": {c.confirm}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) {
			t.Fatalf("%q/%q: %d, want a 422 saying %q", c.pw, c.confirm, res.StatusCode, c.want)
		}
	}
	if done, _ := e.svc.SetupDone(context.Background()); done {
		t.Fatal("root was created")
	}
}

// forcedUser makes an IAM user with IAMReadOnlyAccess only, as the create
// form's defaults do (a console password that must change at first
// sign-in unless reset is false), and sets the account's MFA rule.
func forcedUser(t *testing.T, e *env, root *browser, name string, reset, mfa bool) {
	t.Helper()
	fields := []string{"UserName", name, "ConsoleAccess", "true", "Password", alicePassword}
	if reset {
		fields = append(fields, "PasswordResetRequired", "true")
	}
	res, body := root.form("/users/new", "/users", fields...)
	mustRedirect(t, res, body, "/users/"+name)
	res, body = root.form("/users/"+name, "/users/"+name+"/policies", "PolicyArn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
	mustRedirect(t, res, body, "")
	if err := e.svc.UpdateAccountSettings(context.Background(), nil, iam.AccountSettings{AllowUsersWithoutMFA: !mfa}, iam.Meta{}); err != nil {
		t.Fatal(err)
	}
}

// walkToDashboard follows the forced steps from "/" until the dashboard and
// returns the steps taken, checking on the way that each confined state
// shows no navigation and that /login offers a way on and out.
func walkToDashboard(t *testing.T, e *env, b *browser, password string) []string {
	t.Helper()
	var steps []string
	for range 4 {
		res, body := b.get("/")
		if res.StatusCode == http.StatusOK {
			if !strings.Contains(body, `class="sidebar"`) {
				t.Fatal("the dashboard has no navigation")
			}
			return steps
		}
		step := res.Header.Get("Location")
		steps = append(steps, step)
		_, page := b.get(step)
		if strings.Contains(page, `class="sidebar"`) {
			t.Fatalf("%s shows the navigation to a confined session", step)
		}
		if res, body := b.get("/login"); res.StatusCode != http.StatusOK || !strings.Contains(body, `id="confined-sign-out"`) {
			t.Fatalf("/login from a confined session: %d", res.StatusCode)
		}
		switch step {
		case "/security/password":
			if !strings.Contains(page, `id="password-rules"`) || !strings.Contains(page, "At least 15 characters") {
				t.Fatal("the change page does not say the rules before they are broken")
			}
			next := password + " renewed"
			res, body := b.post(step, url.Values{"_csrf": {b.csrf(step)}, "old_password": {password},
				"new_password": {next}, "new_password_confirm": {next}})
			mustRedirect(t, res, body, "/")
			password = next
		case "/mfa/enroll":
			if strings.Contains(page, `name="password"`) {
				t.Fatal("enrollment asks again for a password given moments ago")
			}
			res, body := b.post(step, url.Values{"_csrf": {b.csrf(step)}, "name": {"ignored"}})
			mustRedirect(t, res, body, "/mfa/enroll")
			_, body = b.get(step)
			secret := secretRE.FindStringSubmatch(body)[1]
			res, _ = b.post("/mfa/enroll/confirm", url.Values{"_csrf": {csrfField.FindStringSubmatch(body)[1]},
				"code1": {e.codeOf(secret, -1)}, "code2": {e.codeOf(secret, 0)}})
			if res.StatusCode != http.StatusOK {
				t.Fatalf("confirm: %d", res.StatusCode)
			}
		default:
			t.Fatalf("unexpected redirect to %s", step)
		}
	}
	t.Fatalf("no dashboard after %v", steps)
	return nil
}

// TestForcedStateCombinations: every combination of forced steps reaches
// the dashboard in as many steps as it has requirements, never looping;
// a confined session can sign out.
func TestForcedStateCombinations(t *testing.T) {
	for _, c := range []struct {
		name         string
		reset, mfa   bool
		expired      bool
		wantSteps    []string
		signOutFirst bool
	}{
		{"nothing owed", false, false, false, nil, false},
		{"password change", true, false, false, []string{"/security/password"}, false},
		{"MFA enrollment", false, true, false, []string{"/mfa/enroll"}, false},
		{"both (the create form's defaults)", true, true, false, []string{"/security/password", "/mfa/enroll"}, true},
		{"expired password and MFA", false, true, true, []string{"/security/password", "/mfa/enroll"}, false},
		{"expired, reset and MFA", true, true, true, []string{"/security/password", "/mfa/enroll"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, handlers.Config{})
			root := e.browser()
			root.setup()
			forcedUser(t, e, root, "reader", c.reset, c.mfa)
			if c.expired {
				if err := e.svc.UpdatePasswordPolicy(context.Background(), nil, iam.PasswordPolicy{MinimumPasswordLength: 15, MaxPasswordAge: 30,
					AllowUsersToChangePassword: false}, iam.Meta{}); err != nil {
					t.Fatal(err)
				}
				e.clk.Advance(31 * 24 * time.Hour)
			}
			b := e.browser()
			if res := b.login("reader", alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in: %d", res.StatusCode)
			}
			if c.signOutFirst {
				res, _ := b.get("/")
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("not confined: %d", res.StatusCode)
				}
				if res, _ := b.post("/logout", url.Values{"_csrf": {b.csrf("/login")}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
					t.Fatalf("sign-out while confined: %d %s", res.StatusCode, res.Header.Get("Location"))
				}
				if res, _ := b.get("/"); !strings.HasPrefix(res.Header.Get("Location"), "/login") {
					t.Fatalf("still signed in after sign-out: %d %s", res.StatusCode, res.Header.Get("Location"))
				}
				e.clk.Advance(time.Minute)
				if res := b.login("reader", alicePassword, "/"); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("sign-in again: %d", res.StatusCode)
				}
			}
			steps := walkToDashboard(t, e, b, alicePassword)
			if fmt.Sprint(steps) != fmt.Sprint(c.wantSteps) {
				t.Fatalf("steps %v, want %v", steps, c.wantSteps)
			}
			if res, _ := b.post("/logout", url.Values{"_csrf": {b.csrf("/")}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-out: %d", res.StatusCode)
			}
		})
	}
}

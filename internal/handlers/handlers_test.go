package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/awsapi"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

const (
	rootEmail    = "root@example.com"
	rootPassword = "correct horse battery staple"
)

type env struct {
	t      *testing.T
	srv    *httptest.Server
	app    *echo.Echo // the handler srv serves, for its route table
	svc    *iam.Service
	store  *models.Store
	token  string // setup token
	clk    *clock
	secret string // root's TOTP secret, once enrolled
}

// clock is the service's injectable time: tests step it forward instead of
// sleeping, so each sign-in can use a fresh TOTP code.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// code returns the TOTP code of the enrolled secret for the current step
// plus offset steps.
func (e *env) code(offset int) string {
	e.t.Helper()
	return e.codeOf(e.secret, offset)
}

// codeOf is code for another principal's secret.
func (e *env) codeOf(secret string, offset int) string {
	e.t.Helper()
	c, err := totp.GenerateCodeCustom(secret, e.clk.Now().Add(time.Duration(offset)*30*time.Second),
		totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func newEnv(t *testing.T, cfg handlers.Config, opts ...func(*iam.Config)) *env {
	t.Helper()
	store, err := models.Open(context.Background(), dbtest.SQLite(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	clk := &clock{t: time.Now().UTC()}
	icfg := iam.Config{Argon2: auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, Now: clk.Now}
	for _, o := range opts {
		o(&icfg)
	}
	svc := iam.New(store, icfg)
	t.Cleanup(func() { svc.Close(context.Background()) }) // before the store closes
	tok, err := svc.NewSetupToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.API == nil {
		cfg.API = awsapi.New(svc, cfg.Log)
	}
	app := handlers.New(svc, cfg)
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, app: app, svc: svc, store: store, token: tok, clk: clk}
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	t   *testing.T
	e   *env
	c   *http.Client
	jar *cookiejar.Jar
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, e: e, jar: jar, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.Get(b.e.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf loads a page and returns the token its forms carry.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	_, body := b.get(path)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.PostForm(b.e.srv.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

var secretRE = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)

// setup creates root and enrolls its authenticator, as the console
// requires before anything else.
func (b *browser) setup() {
	b.t.Helper()
	tok := b.csrf("/setup?token=" + b.e.token)
	res, body := b.post("/setup", url.Values{"_csrf": {tok}, "token": {b.e.token}, "email": {rootEmail}, "password": {rootPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/mfa/enroll" {
		b.t.Fatalf("setup: %d %s", res.StatusCode, body)
	}
	b.enroll("phone")
	// Most tests sign IAM users in with a password alone; the default (users
	// must enroll MFA too) has its own test.
	if err := b.e.svc.UpdateAccountSettings(context.Background(), nil, iam.AccountSettings{AllowUsersWithoutMFA: true}, iam.Meta{}); err != nil {
		b.t.Fatal(err)
	}
}

// enroll adds an authenticator to the signed-in root, whose secret the
// env then keeps for later sign-ins.
func (b *browser) enroll(name string) []string {
	b.t.Helper()
	secret, codes := b.enrollWith(name, rootPassword)
	b.e.secret = secret
	return codes
}

// enrollWith adds an authenticator to the signed-in principal, whose
// password is password, and returns its secret and recovery codes.
func (b *browser) enrollWith(name, password string) (string, []string) {
	b.t.Helper()
	tok := b.csrf("/mfa/enroll")
	res, body := b.post("/mfa/enroll", url.Values{"_csrf": {tok}, "name": {name}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("start enrollment: %d %s", res.StatusCode, body)
	}
	_, body = b.get("/mfa/enroll")
	m := secretRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no #totp-secret on the enrollment page")
	}
	secret := m[1]
	tok = csrfField.FindStringSubmatch(body)[1]
	res, body = b.post("/mfa/enroll/confirm", url.Values{"_csrf": {tok}, "code1": {b.e.codeOf(secret, -1)}, "code2": {b.e.codeOf(secret, 0)}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "recovery-codes") {
		b.t.Fatalf("confirm enrollment: %d", res.StatusCode)
	}
	codes := regexp.MustCompile(`<li>([A-Z0-9]{5}-[A-Z0-9]{5})</li>`).FindAllStringSubmatch(body, -1)
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c[1]
	}
	return secret, out
}

// login signs in with the password and, when asked, a fresh TOTP code, and
// returns the last response.
func (b *browser) login(user, pass, next string) *http.Response {
	b.t.Helper()
	tok := b.csrf("/login")
	res, _ := b.post("/login", url.Values{"_csrf": {tok}, "username": {user}, "password": {pass}, "next": {next}})
	if res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login/mfa") {
		b.e.clk.Advance(30 * time.Second)
		nextParam := ""
		if u, err := url.Parse(res.Header.Get("Location")); err == nil {
			nextParam = u.Query().Get("next")
		}
		tok := b.csrf(res.Header.Get("Location"))
		res, _ = b.post("/login/mfa", url.Values{"_csrf": {tok}, "code": {b.e.code(0)}, "next": {nextParam}})
	}
	return res
}

func TestSetupSignOutSignIn(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	if res, body := b.get("/"); res.StatusCode != 200 || !strings.Contains(body, "Dashboard") {
		t.Fatalf("dashboard after setup: %d", res.StatusCode)
	}
	// The setup page is dead now, with or without the token.
	if res, _ := b.get("/setup?token=" + e.token); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup page after root: %d", res.StatusCode)
	}
	b2 := e.browser()
	tok := b2.csrf("/login")
	res, _ := b2.post("/setup", url.Values{"_csrf": {tok}, "token": {e.token}, "email": {"evil@example.com"}, "password": {rootPassword + "!"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("setup POST after root: %d", res.StatusCode)
	}
	if _, err := e.svc.SignIn(context.Background(), "evil@example.com", rootPassword+"!", iam.Meta{}); err == nil {
		t.Fatal("a second root was created")
	}

	// Wrong password: the generic message, no session.
	res = b2.login(rootEmail, "not the password at all", "/")
	if res.StatusCode != http.StatusForbidden || b2.cookie("session") != "" {
		t.Fatalf("wrong password: %d, session %q", res.StatusCode, b2.cookie("session"))
	}
}

func TestGenericSignInMessage(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	var bodies []string
	for _, c := range [][2]string{{rootEmail, "wrong password"}, {"nobody@example.com", rootPassword}, {"bob", "x"}} {
		b := e.browser()
		tok := b.csrf("/login")
		res, body := b.post("/login", url.Values{"_csrf": {tok}, "username": {c[0]}, "password": {c[1]}})
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("%v: status %d", c, res.StatusCode)
		}
		m := regexp.MustCompile(`id="login-error">([^<]*)<`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%v: no error message", c)
		}
		bodies = append(bodies, m[1])
	}
	for _, m := range bodies[1:] {
		if m != bodies[0] {
			t.Fatalf("messages differ: %q", bodies)
		}
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	for _, c := range []struct {
		name  string
		token string
	}{{"missing", ""}, {"wrong", auth.NewToken(32)}, {"truncated", b.cookie("csrf")[:20]}} {
		t.Run(c.name, func(t *testing.T) {
			form := url.Values{}
			if c.token != "" {
				form.Set("_csrf", c.token)
			}
			res, _ := b.post("/logout", form)
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("logout with %s token: %d", c.name, res.StatusCode)
			}
			// Nothing changed: the session still works.
			if res, _ := b.get("/"); res.StatusCode != 200 {
				t.Fatalf("session ended by a forged request: %d", res.StatusCode)
			}
		})
	}
	// Setup without a token changes nothing either.
	e2 := newEnv(t, handlers.Config{})
	b2 := e2.browser()
	b2.get("/setup?token=" + e2.token)
	res, _ := b2.post("/setup", url.Values{"token": {e2.token}, "email": {rootEmail}, "password": {rootPassword}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("setup without CSRF: %d", res.StatusCode)
	}
	if done, _ := e2.svc.SetupDone(context.Background()); done {
		t.Fatal("setup without CSRF created root")
	}
	// A cross-site POST is refused even with the right token.
	tok := b.csrf("/")
	req, _ := http.NewRequest("POST", e.srv.URL+"/logout", strings.NewReader(url.Values{"_csrf": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", res.StatusCode)
	}
	// The header form works for scripts.
	req, _ = http.NewRequest("POST", e.srv.URL+"/logout", nil)
	req.Header.Set("X-CSRF-Token", tok)
	res, err = b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout with header token: %d", res.StatusCode)
	}
}

func TestNoStateChangeOnGET(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	if res, _ := b.get("/logout"); res.StatusCode == http.StatusSeeOther {
		t.Fatal("GET /logout signed out")
	}
	if res, _ := b.get("/"); res.StatusCode != 200 {
		t.Fatalf("session gone after GET /logout: %d", res.StatusCode)
	}
}

func TestCookieAttributes(t *testing.T) {
	for _, c := range []struct {
		name   string
		cfg    handlers.Config
		prefix string
		secure bool
	}{{"plain http", handlers.Config{}, "", false}, {"secure cookies", handlers.Config{SecureCookies: true}, "__Host-", true}} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, c.cfg)
			b := e.browser()
			res, body := b.get("/setup?token=" + e.token)
			tok := csrfField.FindStringSubmatch(body)[1]
			// The jar drops Secure cookies over http, so post by hand.
			req, _ := http.NewRequest("POST", e.srv.URL+"/setup", strings.NewReader(url.Values{"_csrf": {tok}, "token": {e.token},
				"email": {rootEmail}, "password": {rootPassword}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, ck := range res.Cookies() {
				req.AddCookie(ck)
			}
			res, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			var session *http.Cookie
			for _, ck := range res.Cookies() {
				if ck.Name == c.prefix+"session" {
					session = ck
				}
			}
			if session == nil {
				t.Fatalf("no %ssession cookie in %v", c.prefix, res.Header["Set-Cookie"])
			}
			if !session.HttpOnly || session.Secure != c.secure || session.Path != "/" || session.Domain != "" ||
				(session.SameSite != http.SameSiteLaxMode && session.SameSite != http.SameSiteStrictMode) {
				t.Fatalf("session cookie attributes: %+v", session)
			}
			if len(session.Value) < 43 {
				t.Fatalf("session ID too short: %d chars", len(session.Value))
			}
		})
	}
}

func TestSessionRotationAndReplay(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	first := b.cookie("session")
	csrfBefore := b.cookie("csrf")
	// Signing in again from a signed-in browser (the login form is not
	// shown then, so take the token from the dashboard).
	tok := b.csrf("/")
	res, _ := b.post("/login", url.Values{"_csrf": {tok}, "username": {rootEmail}, "password": {rootPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	e.clk.Advance(30 * time.Second)
	tok = b.csrf("/login/mfa")
	if res, _ := b.post("/login/mfa", url.Values{"_csrf": {tok}, "code": {e.code(0)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mfa: %d", res.StatusCode)
	}
	second := b.cookie("session")
	if second == "" || second == first {
		t.Fatal("the session ID did not change at sign-in")
	}
	if b.cookie("csrf") == csrfBefore {
		t.Fatal("the CSRF token did not change at sign-in")
	}
	// The replaced session is gone server-side.
	if _, err := e.svc.Authenticate(context.Background(), first); err == nil {
		t.Fatal("the previous session still works")
	}
	tok = b.csrf("/")
	if res, _ := b.post("/logout", url.Values{"_csrf": {tok}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	// Replaying the old cookie after sign-out is refused.
	replay := e.browser()
	u, _ := url.Parse(e.srv.URL)
	replay.jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: second, Path: "/"}})
	res, _ = replay.get("/")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("replayed cookie: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestOpenRedirect(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	e.browser().setup()
	for _, next := range []string{"//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)",
		"http:/evil", "\\\\evil", " //evil", "/\t/evil", ""} {
		b := e.browser()
		res := b.login(rootEmail, rootPassword, next)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("next=%q: %d to %q, want the dashboard", next, res.StatusCode, loc)
		}
	}
	b := e.browser()
	if loc := b.login(rootEmail, rootPassword, "/audit?result=Failure").Header.Get("Location"); loc != "/audit?result=Failure" {
		t.Errorf("local next lost: %q", loc)
	}
}

func TestConcurrentSetupsOverHTTP(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	roots := 0
	type ready struct {
		b   *browser
		tok string
	}
	var bs []ready
	for range 5 { // every browser has the form before any submits
		b := e.browser()
		bs = append(bs, ready{b, b.csrf("/setup?token=" + e.token)})
	}
	for i, r := range bs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, tok := r.b, r.tok
			res, _ := b.post("/setup", url.Values{"_csrf": {tok}, "token": {e.token},
				"email": {string(rune('a'+i)) + "@example.com"}, "password": {rootPassword}})
			if res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == "/mfa/enroll" {
				mu.Lock()
				roots++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if roots != 1 {
		t.Fatalf("%d setups succeeded, want 1", roots)
	}
}

func TestSecurityHeadersAndErrors(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	res, body := b.get("/login")
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
	} {
		if !strings.Contains(res.Header.Get(h), want) {
			t.Errorf("%s = %q", h, res.Header.Get(h))
		}
	}
	if !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Error("CSP allows framing")
	}
	if strings.Contains(body, "<script>") {
		t.Error("inline script on the login page")
	}
	// Errors are HTML pages, never Echo's JSON.
	for _, path := range []string{"/static/nope.css", "/static/../../go.mod", "/static/..%2f..%2fgo.mod", "/static/%2e%2e/%2e%2e/go.mod", "/static/css"} {
		res, body := b.get(path)
		if res.StatusCode != 404 || !strings.Contains(res.Header.Get("Content-Type"), "text/html") || strings.Contains(body, `{"message"`) {
			t.Errorf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	if res, _ := b.get("/static/css/app.css"); res.StatusCode != 200 {
		t.Errorf("app.css: %d", res.StatusCode)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200} {
		if res, _ := b.get(path); res.StatusCode != want {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t, handlers.Config{BodyLimit: "1K"})
	b := e.browser()
	tok := b.csrf("/login")
	res, _ := b.post("/login", url.Values{"_csrf": {tok}, "username": {strings.Repeat("a", 4096)}})
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d", res.StatusCode)
	}
}

func TestForwardedForNeedsTrustedProxy(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	tok := b.csrf("/login")
	req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{"_csrf": {tok},
		"username": {"x@example.com"}, "password": {"y"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	evs, err := e.store.ListAudit(context.Background(), "", models.AuditFilter{EventName: "ConsoleLogin"})
	if err != nil || len(evs) != 1 {
		t.Fatalf("audit: %v %v", evs, err)
	}
	if evs[0].SourceIP != "127.0.0.1" {
		t.Fatalf("source IP %q taken from an untrusted X-Forwarded-For", evs[0].SourceIP)
	}
}

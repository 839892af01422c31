package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/models/dbtest"
)

// webClient is a browser-like client bound to one server process; its
// cookie jar can be shared with another process's client, as a load
// balancer would send one browser to either.
type webClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newWebClient(t *testing.T, base string, jar http.CookieJar) *webClient {
	return &webClient{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (w *webClient) get(path string) (*http.Response, string) {
	w.t.Helper()
	res, err := w.c.Get(w.base + path)
	if err != nil {
		w.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

func (w *webClient) post(path string, form url.Values) (*http.Response, string) {
	w.t.Helper()
	// The anti-forgery token is bound to the session (or the pre-session
	// cookie): read it from a page, as a browser does.
	token := ""
	for _, p := range []string{"/login", "/"} {
		res, page := w.get(p)
		if loc := res.Header.Get("Location"); loc != "" {
			_, page = w.get(loc)
		}
		if m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(page); m != nil {
			token = m[1]
			break
		}
	}
	form.Set("_csrf", token)
	res, err := w.c.PostForm(w.base+path, form)
	if err != nil {
		w.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// sameHostJar is a cookie jar; cookies are not port-specific, so one jar
// serves both processes as one browser would.
func sameHostJar(t *testing.T) http.CookieJar {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return jar
}

// TestTwoProcessesOneDatabase runs two `console serve` processes on one
// PostgreSQL database, as behind a load balancer: a session made on one
// works on the other, a TOTP code used on one is refused on the other, and
// sign-in throttling counts attempts on both. Then the AWS API of both is
// driven at once (testAPIAcrossProcesses).
func TestTwoProcessesOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs real servers")
	}
	dsn := dbtest.Postgres(t)
	bin := buildConsole(t)
	dir := t.TempDir() // one master key for both
	pw := filepath.Join(dir, "pw")
	const password = "a long and unguessable passphrase"
	os.WriteFile(pw, []byte(password), 0o600)
	if code, out, errOut := runCLI(t, "bootstrap", "--email", "root@example.com", "--password-file", pw, "--db", dsn, "--data-dir", dir); code != 0 {
		t.Fatalf("bootstrap: %s %s", out, errOut)
	}
	_, baseA := startProcess(t, bin, "--db", dsn, "--data-dir", dir)
	_, baseB := startProcess(t, bin, "--db", dsn, "--data-dir", dir)
	baseA, baseB = strings.TrimSuffix(baseA, "/"), strings.TrimSuffix(baseB, "/")

	// Sign in on A; the same browser is served by B.
	jar := sameHostJar(t)
	a, b := newWebClient(t, baseA, jar), newWebClient(t, baseB, jar)
	if res, _ := a.post("/login", url.Values{"username": {"root@example.com"}, "password": {password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in on A: %d", res.StatusCode)
	}
	// Root has no MFA yet: enrollment is where either process sends it.
	if res, _ := b.get("/"); res.Header.Get("Location") != "/mfa/enroll" {
		t.Fatalf("B does not know A's session: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// Enroll on B (start) and A (confirm): the enrollment lives in the database.
	if res, _ := b.post("/mfa/enroll", url.Values{"name": {"phone"}, "password": {password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start enrollment on B: %d", res.StatusCode)
	}
	_, page := a.get("/mfa/enroll")
	m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("A does not show B's enrollment")
	}
	secret := m[1]
	now := time.Now()
	if res, _ := a.post("/mfa/enroll/confirm", url.Values{"code1": {totpCode(t, secret, now.Add(-30*time.Second))}, "code2": {totpCode(t, secret, now)}}); res.StatusCode != http.StatusOK {
		t.Fatalf("confirm on A: %d", res.StatusCode)
	}

	// A code used on A is refused on B.
	code := totpCode(t, secret, time.Now().Add(30*time.Second))
	signInWith := func(w *webClient) int {
		fresh := newWebClient(t, w.base, sameHostJar(t))
		fresh.post("/login", url.Values{"username": {"root@example.com"}, "password": {password}})
		res, _ := fresh.post("/login/mfa", url.Values{"code": {code}})
		return res.StatusCode
	}
	if st := signInWith(a); st != http.StatusSeeOther {
		t.Fatalf("code on A: %d", st)
	}
	if st := signInWith(b); st != http.StatusForbidden {
		t.Fatalf("the same code on B: %d, want refused", st)
	}

	// Failures on A and B add up: after three (A, B, A) even the right
	// password is held back on B for the backoff, then accepted.
	x, y := newWebClient(t, baseA, sameHostJar(t)), newWebClient(t, baseB, sameHostJar(t))
	for _, w := range []*webClient{x, y, x} {
		if res, _ := w.post("/login", url.Values{"username": {"root@example.com"}, "password": {"wrong"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("wrong password: %d", res.StatusCode)
		}
	}
	if res, _ := y.post("/login", url.Values{"username": {"root@example.com"}, "password": {password}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("right password inside the shared backoff on B: %d, want held back", res.StatusCode)
	}
	time.Sleep(1100 * time.Millisecond) // the backoff after three failures is one second
	if res, _ := y.post("/login", url.Values{"username": {"root@example.com"}, "password": {password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("right password after the backoff on B: %d", res.StatusCode)
	}

	t.Run("API", func(t *testing.T) { testAPIAcrossProcesses(t, dsn, dir, baseA, baseB) })
}

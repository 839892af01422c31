package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// buildConsole compiles the real binary once per test.
func buildConsole(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "console")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startProcess runs `console serve` as a child process and returns its URL.
func startProcess(t testing.TB, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "console: "); ok {
			go io.Copy(io.Discard, out)
			return cmd, v
		}
	}
	t.Fatal("the server printed no address")
	return nil, ""
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs root in and returns the session cookie the server
// acknowledged, or "" if the request did not complete.
func signIn(base, email, password string) string {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + "login")
	if err != nil {
		return ""
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		return ""
	}
	res, err = c.PostForm(base+"login", url.Values{"_csrf": {string(m[1])}, "username": {email}, "password": {password}})
	if err != nil {
		return ""
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return ""
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "session" {
			return ck.Value
		}
	}
	return ""
}

// TestKillDuringWrites: kill -9 in the middle of a burst of sign-ins (each
// a session and its audit event in one transaction); after a restart every
// acknowledged sign-in is there with its event, and nothing is half-written.
func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real server")
	}
	bin := buildConsole(t)
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dir := t.TempDir()
			dsn := b.DSN(t)
			pw := filepath.Join(dir, "pw")
			os.WriteFile(pw, []byte("a long and unguessable passphrase"), 0o600)
			if code, out, errOut := runCLI(t, "bootstrap", "--email", "root@example.com", "--password-file", pw, "--db", dsn, "--data-dir", dir); code != 0 {
				t.Fatalf("bootstrap: %s %s", out, errOut)
			}
			cmd, base := startProcess(t, bin, "--db", dsn, "--data-dir", dir)

			var mu sync.Mutex
			var acked []string
			ctx, stop := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for ctx.Err() == nil {
						if tok := signIn(base, "root@example.com", "a long and unguessable passphrase"); tok != "" {
							mu.Lock()
							acked = append(acked, tok)
							mu.Unlock()
						}
					}
				}()
			}
			// Kill once sign-ins are being acknowledged (on a loaded machine
			// the first can take seconds), with more still in flight.
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n > 0 {
					break
				}
			}
			time.Sleep(500 * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
			stop()
			wg.Wait()
			cmd.Wait()
			if len(acked) == 0 {
				t.Fatal("no sign-in was acknowledged before the kill")
			}

			// Restart on the same database: the store must open cleanly.
			startProcess(t, bin, "--db", dsn, "--data-dir", dir)
			store, err := models.Open(context.Background(), dsn, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			svc := iam.New(store, iam.Config{})
			acct, _ := store.LiveAccount(context.Background())
			for _, tok := range acked {
				if _, err := svc.Authenticate(context.Background(), tok); err != nil {
					t.Fatalf("an acknowledged sign-in is lost: %v", err)
				}
			}
			sessions, _ := store.CountSessions(context.Background(), acct.ID)
			logins, _ := store.CountAudit(context.Background(), acct.ID, models.AuditFilter{EventName: "ConsoleLogin", Result: models.ResultSuccess})
			if sessions != logins {
				t.Fatalf("%d sessions but %d sign-in events: something is half-written", sessions, logins)
			}
			t.Logf("%d sign-ins acknowledged before kill -9, all present after restart", len(acked))
		})
	}
}

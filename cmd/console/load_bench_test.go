package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/auth/sigv4"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// loadTarget is a real `console serve` process holding a seeded account,
// with a signed-in administrator (console cookie) and its access key.
type loadTarget struct {
	base, pid string
	// noUsageBase and noUsagePid are a second process on the same
	// database that records no use (--no-usage): recording's cost is the
	// difference between the two, measured in the same run.
	noUsageBase, noUsagePid string
	jar                     http.CookieJar
	keyID, secret           string
	arn                     string
}

// startLoadTarget bootstraps, seeds `users` users and starts the binary.
func startLoadTarget(b *testing.B, dsn string, users int) *loadTarget {
	b.Helper()
	bin := buildConsole(b)
	dir := b.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("a long and unguessable passphrase"), 0o600)
	must := func(args ...string) string {
		var out, errb bytes.Buffer
		if code := run(b.Context(), append(args, "--db", dsn, "--data-dir", dir, "--max-users", "50000"), &out, &errb); code != 0 {
			b.Fatalf("%v: %s %s", args, out.String(), errb.String())
		}
		return out.String()
	}
	must("bootstrap", "--email", "root@example.com", "--password-file", pw)
	must("admin", "seed", "--no-scenario", "--users", strconv.Itoa(users), "--groups", "40", "--roles", "100", "--policies", "60")
	out := must("admin", "create-user", "loadadmin", "--policy", "AdministratorAccess", "--access-key")
	arn := between(out, `"Arn": "`, `"`)
	keyID := between(out, `"AccessKeyId": "`, `"`)
	secret := between(out, `"SecretAccessKey": "`, `"`)
	// The admin signs in with a password; the benchmark account lets users
	// in without MFA (a setting), so the console session is plain.
	g := &Globals{DB: dsn, DataDir: dir, LogLevel: "error", LogFormat: "text"}
	store, sealer, err := g.open(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	svc := g.service(store, sealer, g.logger(io.Discard), iam.Config{})
	if _, err := svc.CreateLoginProfile(b.Context(), nil, iam.CreateLoginProfileInput{UserName: "loadadmin", Password: "an admin passphrase for load"}, iam.Meta{}); err != nil {
		b.Fatal(err)
	}
	if err := svc.UpdateAccountSettings(b.Context(), nil, iam.AccountSettings{AllowUsersWithoutMFA: true}, iam.Meta{}); err != nil {
		b.Fatal(err)
	}
	store.Close()

	cmd, base := startProcess(b, bin, "--db", dsn, "--data-dir", dir, "--max-users", "50000")
	quiet, quietBase := startProcess(b, bin, "--db", dsn, "--data-dir", dir, "--max-users", "50000", "--no-usage")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + "login")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := csrfRE.FindSubmatch(body)[1]
	res, err = c.PostForm(base+"login", url.Values{"_csrf": {string(tok)}, "username": {"loadadmin"}, "password": {"an admin passphrase for load"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("admin sign-in: %v %v", res, err)
	}
	return &loadTarget{base: base, pid: strconv.Itoa(cmd.Process.Pid), jar: jar, keyID: keyID, secret: secret, arn: arn,
		noUsageBase: quietBase, noUsagePid: strconv.Itoa(quiet.Process.Pid)}
}

func between(s, a, z string) string {
	_, rest, _ := strings.Cut(s, a)
	v, _, _ := strings.Cut(rest, z)
	return v
}

// hammer sends n requests made by mk from `conc` goroutines and reports
// p50, p99, throughput and the server's (process pid's) CPU per request:
// on a shared machine the throughput moves with the other load, the CPU a
// request costs much less.
func hammer(b *testing.B, n, conc int, mk func() *http.Request, c *http.Client, pid string) {
	b.Helper()
	cpu0 := cpuSeconds(pid)
	lat := make([]time.Duration, n)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := 0
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				t0 := time.Now()
				res, err := c.Do(mk())
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				lat[i] = time.Since(t0)
				if err != nil || res.StatusCode != http.StatusOK {
					mu.Lock()
					errs++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if errs > 0 {
		b.Fatalf("%d of %d requests failed", errs, n)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[n/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[n*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(n)/elapsed.Seconds(), "req/s")
	b.ReportMetric((cpuSeconds(pid)-cpu0)*1000/float64(n), "server-cpu-ms/req")
}

// cpuSeconds is the CPU time (user and system) process pid has used, from
// /proc (clock ticks of 1/100 s).
func cpuSeconds(pid string) float64 {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name (in parentheses): utime and stime are
	// the 12th and 13th.
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100
}

// rssMB is the server process's peak resident memory (VmHWM).
func rssMB(pid string) float64 {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkLoad measures the real server at 10,000 users: console pages and
// API calls, against /healthz as the ceiling, with the server's peak RSS.
// Run: go test ./cmd/console -run '^$' -bench Load -benchtime 1x -timeout 30m
// (LOAD_USERS overrides 10,000 and LOAD_REQUESTS the 500 requests per row,
// e.g. to profile one row through CONSOLE_DEBUG_ADDR; CONSOLE_TEST_POSTGRES
// adds PostgreSQL).
func BenchmarkLoad(b *testing.B) {
	users, requests := 10000, 500
	if v, err := strconv.Atoi(os.Getenv("LOAD_USERS")); err == nil {
		users = v
	}
	if v, err := strconv.Atoi(os.Getenv("LOAD_REQUESTS")); err == nil && v > 0 {
		requests = v
	}
	backends := []struct{ name, dsn string }{{"sqlite", "sqlite:console.db"}}
	if os.Getenv(dbtest.EnvPostgres) != "" {
		backends = append(backends, struct{ name, dsn string }{"postgres", dbtest.Postgres(b)})
	}
	for _, be := range backends {
		tg := startLoadTarget(b, be.dsn, users)
		c := &http.Client{Jar: tg.jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
		get := func(path string) func() *http.Request {
			return func() *http.Request { r, _ := http.NewRequest("GET", tg.base+path, nil); return r }
		}
		apiAt := func(base, form string) func() *http.Request {
			return func() *http.Request {
				r, _ := http.NewRequest("POST", base+"aws", strings.NewReader(form))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if err := sigv4.Sign(r, []byte(form), sigv4.Credential{AccessKeyID: tg.keyID, Secret: tg.secret}, "us-east-1", "iam", time.Now()); err != nil {
					b.Fatal(err)
				}
				return r
			}
		}
		api := func(form string) func() *http.Request { return apiAt(tg.base, form) }
		someone := fmt.Sprintf("user-%05d", users/2)
		cases := []struct {
			name string
			mk   func() *http.Request
			pid  string // the server measured, tg.pid when ""
		}{
			{"healthz", get("healthz"), ""},
			{"users-list", get("users"), ""},
			{"users-search", get("users?q=user-09"), ""},
			{"user-detail", get("users/" + someone), ""},
			{"policy-editor", get("policies/new"), ""},
			{"api-ListUsers", api("Action=ListUsers&Version=2010-05-08&MaxItems=100"), ""},
			{"api-GetUser", api("Action=GetUser&Version=2010-05-08&UserName=" + someone), ""},
			// The same on the process that records no use, then both again
			// (issue 15's goal: recording costs GetUser at most 5%; the
			// first row also warms the database's pages up).
			{"api-GetUser-nousage", apiAt(tg.noUsageBase, "Action=GetUser&Version=2010-05-08&UserName="+someone), tg.noUsagePid},
			{"api-GetUser-again", api("Action=GetUser&Version=2010-05-08&UserName=" + someone), ""},
			{"api-GetUser-nousage-again", apiAt(tg.noUsageBase, "Action=GetUser&Version=2010-05-08&UserName="+someone), tg.noUsagePid},
			{"api-SimulatePrincipalPolicy", api("Action=SimulatePrincipalPolicy&Version=2010-05-08&PolicySourceArn=" +
				url.QueryEscape(tg.arn) + "&ActionNames.member.1=s3%3AGetObject&ActionNames.member.2=iam%3ACreateUser"), ""},
		}
		for _, tc := range cases {
			b.Run(be.name+"/"+tc.name, func(b *testing.B) {
				pid := tc.pid
				if pid == "" {
					pid = tg.pid
				}
				for range b.N {
					hammer(b, requests, 4, tc.mk, c, pid)
				}
			})
		}
		b.Run(be.name+"/rss", func(b *testing.B) {
			for range b.N {
				b.ReportMetric(rssMB(tg.pid), "peak-RSS-MB")
			}
		})
	}
}

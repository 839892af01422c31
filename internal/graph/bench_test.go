package graph

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/graphviz"
)

// generate makes a deterministic account of n principals (half users, half
// roles) shaped like a mid-size organisation: teams with groups and shared
// managed policies, users with a small inline policy, roles for services and
// for people (trusting a named user or the account), a few administrators
// and about one principal in a hundred holding an escalation permission.
func generate(n int) *Account {
	rng := rand.New(rand.NewSource(int64(n)))
	a := &Account{ID: acct}
	teams := max(n/50, 2)
	for i := 0; i < teams/2; i++ {
		a.Policies = append(a.Policies, managed(fmt.Sprintf("team%d-data", i),
			doc(allow("s3:GetObject", fmt.Sprintf("arn:aws:s3:::team%d-*/*", i)), allow("dynamodb:*", fmt.Sprintf("arn:aws:dynamodb:*:%s:table/team%d-*", acct, i)))))
		a.Groups = append(a.Groups, Group{Name: fmt.Sprintf("team%d", i), ID: fmt.Sprintf("AGPA%d", i), ARN: arn("group", fmt.Sprintf("team%d", i)), Path: "/",
			Attached: []AttachedPolicy{{Name: fmt.Sprintf("team%d-data", i), ARN: arn("policy", fmt.Sprintf("team%d-data", i))}}})
	}
	a.Policies = append(a.Policies, managed("admin", adminDoc), managed("readonly", doc(allow("s3:Get*", "*"), allow("ec2:Describe*", "*"))),
		managed("deployer", doc(allow("iam:PassRole", arn("role", "app-*")), allow("lambda:CreateFunction", "*"), allow("lambda:InvokeFunction", "*"))))
	users, roles := n/2, n-n/2
	for i := 0; i < users; i++ {
		name := fmt.Sprintf("user%05d", i)
		g := []string{fmt.Sprintf("team%d", rng.Intn(len(a.Groups)))}
		stmts := []string{allow("s3:PutObject", fmt.Sprintf("arn:aws:s3:::home/%s/*", name)), allow("sts:AssumeRole", arn("role", fmt.Sprintf("role%05d", rng.Intn(roles))))}
		switch r := rng.Intn(100); {
		case r == 0:
			stmts = append(stmts, allow("iam:CreateAccessKey", arn("user", name[:8]+"*"))) // its team of ten
		case r == 1:
			stmts = append(stmts, allow("iam:PutUserPolicy", arn("user", name)))
		}
		u := user(name, g, map[string]string{"own": doc(stmts...)})
		switch rng.Intn(50) {
		case 0:
			u.Attached = append(u.Attached, AttachedPolicy{Name: "admin", ARN: arn("policy", "admin")})
		case 1, 2:
			u.Attached = append(u.Attached, AttachedPolicy{Name: "deployer", ARN: arn("policy", "deployer")})
		default:
			u.Attached = append(u.Attached, AttachedPolicy{Name: "readonly", ARN: arn("policy", "readonly")})
		}
		a.Users = append(a.Users, u)
	}
	services := []string{"lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com"}
	for i := 0; i < roles; i++ {
		name := fmt.Sprintf("role%05d", i)
		var tr string
		switch r := rng.Intn(100); {
		case r < 50:
			tr = trust(`{"Service":"`+services[rng.Intn(len(services))]+`"}`, "")
		case r < 98:
			tr = trust(`{"AWS":"`+arn("user", fmt.Sprintf("user%05d", rng.Intn(users)))+`"}`, "")
		default:
			tr = trust(`{"AWS":"arn:aws:iam::`+acct+`:root"}`, `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`)
		}
		if rng.Intn(20) == 0 {
			name = "app-" + name
		}
		r := role(name, tr, map[string]string{"work": doc(allow("sqs:*", fmt.Sprintf("arn:aws:sqs:*:%s:%s-*", acct, name)))})
		if rng.Intn(100) == 0 {
			r.Attached = append(r.Attached, AttachedPolicy{Name: "admin", ARN: arn("policy", "admin")})
		}
		a.Roles = append(a.Roles, r)
	}
	return a
}

func benchAccounts(b *testing.B) map[string]*Account {
	return map[string]*Account{"iam-vulnerable": mustLoad(b, "iam-vulnerable.json"), "gen-1000": generate(1000), "gen-10000": generate(10000)}
}

var benchNames = []string{"iam-vulnerable", "gen-1000", "gen-10000"}

func BenchmarkBuild(b *testing.B) {
	accts := benchAccounts(b)
	for _, name := range benchNames {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				Build(accts[name], Options{Now: testNow})
			}
		})
	}
}

func BenchmarkWhoCan(b *testing.B) {
	accts := benchAccounts(b)
	for _, name := range benchNames {
		g := Build(accts[name], Options{Now: testNow})
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				g.WhoCan("s3:GetObject", "arn:aws:s3:::team1-data/report.csv")
			}
		})
	}
}

func BenchmarkFindings(b *testing.B) {
	accts := benchAccounts(b)
	for _, name := range benchNames {
		g := Build(accts[name], Options{Now: testNow})
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				g.Findings(testNow)
			}
		})
	}
}

func BenchmarkDOTFocus(b *testing.B) {
	accts := benchAccounts(b)
	for _, name := range benchNames {
		g := Build(accts[name], Options{Now: testNow})
		focus := g.principals[0].arn
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				g.DOT(DOTOptions{Focus: focus})
			}
		})
	}
}

// largeFocus is, per benchmark account, the focused view with the most
// nodes up to 400 (and at most 1,000 edges, the page's limit), found by
// trying every principal at depths 1-3 (every 20th on gen-10000).
var largeFocus = map[string]DOTOptions{
	"iam-vulnerable": {Focus: vulnAcct + "user/fn4-exploitableNotAction-user", Depth: 3}, // 233 nodes, 568 edges
	"gen-1000":       {Focus: arn("group", "team0"), Depth: 3},                           // 271 nodes, 502 edges
	"gen-10000":      {Focus: arn("user", "user04940"), Depth: 2},                        // 300 nodes, 694 edges
}

// BenchmarkSVG lays out what the access graph page shows, as the page does:
// a principal's focused view with dot (depth 1 is the page's default; the
// first user, or on iam-vulnerable an escalating one; and the largest view
// of about 300 nodes) and the whole account's overview with sfdp (what the
// page computes in the background). Every iteration lays out afresh (a new
// Renderer: no cache). The drawn nodes and edges are reported beside the
// time.
func BenchmarkSVG(b *testing.B) {
	accts := benchAccounts(b)
	for _, name := range benchNames {
		g := Build(accts[name], Options{Now: testNow})
		focus := g.principals[0].arn
		if name == "iam-vulnerable" {
			focus = vulnAcct + "user/privesc4-CreateAccessKey-user"
		}
		for _, c := range []struct {
			view, program string
			opts          DOTOptions
		}{
			{"focus-depth1", "dot", DOTOptions{Focus: focus, Depth: 1}},
			{"focus-depth2", "dot", DOTOptions{Focus: focus, Depth: 2}},
			{"focus-300", "dot", largeFocus[name]},
			{"overview", "sfdp", DOTOptions{Overview: true}},
		} {
			d := g.Draw(c.opts)
			b.Run(name+"/"+c.view, func(b *testing.B) {
				if !graphviz.New(graphviz.Options{Path: c.program}).Available() {
					b.Skip(c.program + " not installed")
				}
				b.ReportMetric(float64(d.Nodes), "nodes")
				b.ReportMetric(float64(d.Edges), "edges")
				for range b.N {
					r := graphviz.New(graphviz.Options{Path: c.program, Timeout: 10 * time.Minute, MaxDOTBytes: 64 << 20})
					if _, err := r.SVG(context.Background(), d.DOT); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func TestGeneratedAccount(t *testing.T) {
	g := Build(generate(1000), Options{Now: testNow})
	if len(g.Warnings) > 0 {
		t.Fatal(g.Warnings[0])
	}
	admins, hidden := 0, 0
	for _, a := range g.Admins() {
		if a.Hidden {
			hidden++
		} else {
			admins++
		}
	}
	if admins == 0 || hidden == 0 {
		t.Errorf("generated account: %d admins, %d hidden admins", admins, hidden)
	}
}

// denseTechniques are the one-permission escalations the dense generator
// hands out on "*": each is a whole statement list.
var denseTechniques = [][]string{
	{allow("iam:CreateAccessKey", "*")},
	{allow("iam:PassRole", "*"), allow("lambda:CreateFunction", "*"), allow("lambda:InvokeFunction", "*")},
	{allow("iam:AttachUserPolicy", "*")},
	{allow("iam:PutRolePolicy", "*")},
	{allow("iam:UpdateAssumeRolePolicy", "*")},
	{allow("iam:AddUserToGroup", "*")},
	{allow("iam:CreateLoginProfile", "*")},
	{allow("iam:PutUserPolicy", "*")},
	{allow("iam:AttachRolePolicy", "*")},
	{allow("iam:CreatePolicyVersion", "*")},
}

// generateDense makes the account grown by hand for years: n users, n/13
// roles, a group per 100 users, 10% of principals holding one escalation
// permission on "*", 2% administrators, and rings of five users that may
// create access keys for one another.
func generateDense(n int) *Account {
	rng := rand.New(rand.NewSource(int64(n) + 7))
	a := &Account{ID: acct}
	nroles, ngroups := max(n/13, 1), max(n/100, 1)
	a.Policies = append(a.Policies, managed("admin", adminDoc), managed("readonly", doc(allow("s3:Get*", "*"), allow("ec2:Describe*", "*"))))
	for i := 0; i < ngroups; i++ {
		pn := fmt.Sprintf("group%d-data", i)
		a.Policies = append(a.Policies, managed(pn, doc(allow("s3:*", fmt.Sprintf("arn:aws:s3:::group%d-*", i)), allow("sqs:*", "*"))))
		a.Groups = append(a.Groups, Group{Name: fmt.Sprintf("group%d", i), ID: fmt.Sprintf("AGPAG%d", i), ARN: arn("group", fmt.Sprintf("group%d", i)), Path: "/",
			Attached: []AttachedPolicy{{Name: pn, ARN: arn("policy", pn)}}})
	}
	escalate := func(stmts []string) []string {
		switch r := rng.Intn(100); {
		case r < 10:
			return append(stmts, denseTechniques[rng.Intn(len(denseTechniques))]...)
		}
		return stmts
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("user%05d", i)
		stmts := []string{allow("s3:PutObject", fmt.Sprintf("arn:aws:s3:::home/%s/*", name))}
		switch rng.Intn(4) {
		case 0: // grown by hand: may assume any role that trusts the account
			stmts = append(stmts, allow("sts:AssumeRole", "*"))
		case 1:
			stmts = append(stmts, allow("sts:AssumeRole", arn("role", fmt.Sprintf("role%04d", rng.Intn(nroles)))))
		}
		if i%50 < 5 && i/50%4 == 0 { // rings of five: each may make keys for the next
			ring := i - i%5
			stmts = append(stmts, allow("iam:CreateAccessKey", arn("user", fmt.Sprintf("user%05d", ring+(i+1)%5))))
		}
		stmts = escalate(stmts)
		var attached []string
		if rng.Intn(50) == 0 {
			attached = append(attached, arn("policy", "admin"))
		} else if rng.Intn(2) == 0 {
			attached = append(attached, arn("policy", "readonly"))
		}
		a.Users = append(a.Users, user(name, []string{fmt.Sprintf("group%d", i/100%ngroups)}, map[string]string{"own": doc(stmts...)}, attached...))
	}
	services := []string{"lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"}
	for i := 0; i < nroles; i++ {
		name := fmt.Sprintf("role%04d", i)
		var tr string
		switch r := rng.Intn(10); {
		case r < 4:
			tr = trust(`{"Service":"`+services[rng.Intn(len(services))]+`"}`, "")
		case r < 9:
			tr = trust(`{"AWS":"arn:aws:iam::`+acct+`:root"}`, "")
		default:
			tr = trust(`{"AWS":"`+arn("user", fmt.Sprintf("user%05d", rng.Intn(n)))+`"}`, "")
		}
		stmts := escalate([]string{allow("sqs:*", fmt.Sprintf("arn:aws:sqs:*:%s:%s-*", acct, name))})
		var attached []string
		if rng.Intn(50) == 0 {
			attached = append(attached, arn("policy", "admin"))
		}
		a.Roles = append(a.Roles, role(name, tr, map[string]string{"work": doc(stmts...)}, attached...))
	}
	for i := range a.Policies {
		a.Policies[i].AttachmentCount = 1
	}
	return a
}

// denseDump writes the dense account of n users as an authorization-details
// dump into a temporary file, as `aws iam get-account-authorization-details`
// would print it.
func denseDump(tb testing.TB, n int) string {
	tb.Helper()
	b, err := generateDense(n).AuthorizationDetails()
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), fmt.Sprintf("dense-%d.json", n))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// importAndFindings is what `console import` and `console findings` do
// with a dump: parse, build, list the findings.
func importAndFindings(tb testing.TB, path string) (*Graph, int) {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	a, _, err := ParseAuthorizationDetails(f)
	if err != nil {
		tb.Fatal(err)
	}
	g := Build(a, Options{Now: testNow})
	return g, len(g.Findings(testNow))
}

// BenchmarkDense: the dense account's dump parsed, built and its findings
// listed, in one process.
func BenchmarkDense(b *testing.B) {
	for _, n := range []int{1000, 4000} {
		path := denseDump(b, n)
		b.Run(fmt.Sprintf("users-%d", n), func(b *testing.B) {
			for range b.N {
				g, findings := importAndFindings(b, path)
				b.ReportMetric(float64(len(g.Edges)), "edges")
				b.ReportMetric(float64(findings), "findings")
			}
		})
	}
}

// BenchmarkUpdate: one user's inline policy changed in the generated
// account of 10,000 principals, the graph updated from the previous one.
func BenchmarkUpdate(b *testing.B) {
	a := generate(10000)
	g := Build(a, Options{Now: testNow})
	c := cloneAccount(a)
	u := &c.Users[1234]
	u.Inline = []InlinePolicy{{Name: "own", Document: doc(allow("iam:CreateAccessKey", "*"), allow("s3:GetObject", "*"))}}
	b.ResetTimer()
	for range b.N {
		if _, err := g.Update(context.Background(), c, []string{u.ARN}, Options{Now: testNow}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPeakMemory measures, each in a child process of its own, the peak RSS
// (VmHWM) of a dense import with findings, and of a build of the generated
// 10,000 principals with the heap the kept graph holds. Set GRAPH_MEMORY=1
// to run it (it takes a minute), and GRAPH_DUMP to add a dump's import
// with findings; it reports and asserts nothing about time.
func TestPeakMemory(t *testing.T) {
	if what := os.Getenv("GRAPH_MEMORY_CHILD"); what != "" {
		peakChild(t, what)
		return
	}
	if os.Getenv("GRAPH_MEMORY") == "" {
		t.Skip("set GRAPH_MEMORY=1 to measure peak memory in child processes")
	}
	cases := []string{"dense-1000", "dense-4000", "gen-10000", "update-10000"}
	if os.Getenv("GRAPH_DUMP") != "" {
		cases = append(cases, "dump") // BenchmarkDump's account
	}
	for _, what := range cases {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestPeakMemory$", "-test.v")
		cmd.Env = append(os.Environ(), "GRAPH_MEMORY_CHILD="+what)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", what, err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(line, "peak") {
				t.Log(strings.TrimSpace(line))
			}
		}
	}
}

func peakChild(t *testing.T, what string) {
	var n int
	fmt.Sscanf(what, "dense-%d", &n)
	var path string
	var a, changed *Account
	var g0 *Graph
	switch {
	case n > 0:
		path = denseDump(t, n)
	case what == "dump":
		path = os.Getenv("GRAPH_DUMP")
	case what == "update-10000":
		a = generate(10000)
		g0 = Build(a, Options{Now: testNow})
		changed = cloneAccount(a)
		changed.Users[1234].Inline = []InlinePolicy{{Name: "own", Document: doc(allow("iam:CreateAccessKey", "*"), allow("s3:GetObject", "*"))}}
	default:
		a = generate(10000)
	}
	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	hwm0 := vmHWM(t)
	cpu0 := cpuTime()
	start := time.Now()
	var g *Graph
	switch {
	case path != "":
		g, _ = importAndFindings(t, path)
	case g0 != nil:
		var err error
		if g, err = g0.Update(context.Background(), changed, []string{changed.Users[1234].ARN}, Options{Now: testNow}); err != nil {
			t.Fatal(err)
		}
	default:
		g = Build(a, Options{Now: testNow})
	}
	took, cpu := time.Since(start), cpuTime()-cpu0
	hwm := vmHWM(t)
	runtime.GC()
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	t.Logf("%s: peak RSS %d MB (%d MB before), kept heap %d MB in use (%d MB allocated), %v CPU (user+system), %v wall, %d nodes, %d edges",
		what, hwm>>10, hwm0>>10, (int64(m1.HeapInuse)-int64(m0.HeapInuse))>>20, (int64(m1.HeapAlloc)-int64(m0.HeapAlloc))>>20, cpu.Round(time.Millisecond),
		took.Round(time.Millisecond), len(g.Nodes), len(g.Edges))
	runtime.KeepAlive(g)
	runtime.KeepAlive(g0)
}

// cpuTime is the CPU the process has used, user and system: on a machine
// shared with other work, what a measurement costs regardless of the wait.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// vmHWM is the process's peak resident set size in KB.
func vmHWM(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%d", &kb)
			return kb
		}
	}
	return 0
}

// BenchmarkDump builds and lists the findings of the dump GRAPH_DUMP names
// (`console export` of a seeded live account, say), as `console findings`
// does: with the real AWS managed policies, whose long documents the dense
// and benign generators lack.
func BenchmarkDump(b *testing.B) {
	path := os.Getenv("GRAPH_DUMP")
	if path == "" {
		b.Skip("set GRAPH_DUMP to a get-account-authorization-details file")
	}
	for range b.N {
		g, findings := importAndFindings(b, path)
		b.ReportMetric(float64(len(g.Edges)), "edges")
		b.ReportMetric(float64(findings), "findings")
	}
}

package graph

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// opsAccount is the hand-made account of testdata/…/ops-admin.json: alice
// is a member of developers, whose inline policy lets her assume ops-admin,
// which has AdministratorAccess; bob may rewrite his own policy; carol is in
// admins; dave can change any Lambda function's code (lambda-admin's, if one
// runs as it); erin has AdministratorAccess herself.
const opsAcct = "123456789012"

func opsARN(kind, name string) string { return "arn:aws:iam::" + opsAcct + ":" + kind + "/" + name }

// TestPathsToAdminWording: each principal's path said in words with the
// verbs of words.go, the final "has → POLICY" included, and its rank.
func TestPathsToAdminWording(t *testing.T) {
	g := Build(mustLoad(t, "ops-admin.json"), Options{Now: testNow})
	ranked := g.PathsToAdmin()
	said := map[string]string{}
	var order []string
	for _, r := range ranked {
		said[r.Principal] = SayHops(r.Principal, g.Tell(r.Path))
		order = append(order, shortARN(r.Principal))
	}
	for _, c := range []struct{ who, want string }{
		{opsARN("user", "alice"), "alice — member of → developers — can assume → ops-admin — has → AdministratorAccess"},
		{opsARN("user", "carol"), "carol — member of → admins — has → AdministratorAccess"},
		{opsARN("user", "erin"), "erin — has → AdministratorAccess"},
		{opsARN("user", "bob"), "bob — can rewrite the permissions of → bob"},
		{opsARN("user", "dave"), "dave — can act as → lambda-admin — has → AdministratorAccess"},
		{opsARN("role", "ops-admin"), "ops-admin — has → AdministratorAccess"},
		{"lambda.amazonaws.com", "lambda.amazonaws.com — can assume → lambda-admin — has → AdministratorAccess"},
	} {
		if said[c.who] != c.want {
			t.Errorf("%s:\n got %q\nwant %q", shortARN(c.who), said[c.who], c.want)
		}
	}
	if _, ok := said[opsARN("user", "frank")]; ok {
		t.Error("frank, who may only read reports, listed")
	}
	// Shortest first; at one hop the Critical rewrite first; at two, no
	// assumption before dave's (an existing function) and the service's.
	want := "bob lambda-admin ops-admin erin carol dave lambda.amazonaws.com alice"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("ranking:\n got %s\nwant %s", got, want)
	}
	// Every step names the statements that decide it; membership none.
	for _, h := range g.Tell(ranked[len(ranked)-1].Path) {
		if (h.Kind == EdgeMemberOf) != (len(h.Statements) == 0) {
			t.Errorf("alice's hop %s %s: statements %v", h.Verb, h.ToName, h.Statements)
		}
	}
	hops := g.Tell(ranked[len(ranked)-1].Path)
	if st := hops[1].Statements; len(st) != 2 || st[0].Sid != "AssumeOps" || st[1].Sid != "Staff" {
		t.Errorf("can assume's statements: identity then trust: %+v", st)
	}
	if last := hops[2]; last.To != "arn:aws:iam::aws:policy/AdministratorAccess" || last.Kind != EdgeAttached {
		t.Errorf("the final hop: %+v", last)
	}
	// The assumptions, once each, with who relies on them.
	var paths []Path
	for _, r := range ranked {
		paths = append(paths, r.Path)
	}
	as := Assumptions(paths)
	if len(as) != 2 || !strings.Contains(as[0].Text, "Lambda function") || strings.Join(as[0].Principals, " ") != opsARN("user", "dave") ||
		strings.Join(as[1].Principals, " ") != "lambda.amazonaws.com" {
		t.Errorf("assumptions: %+v", as)
	}
}

// TestRankLess: the ranking's keys in their order.
func TestRankLess(t *testing.T) {
	mk := func(who string, hops, assumptions int, sev, external string) RankedAdmin {
		return RankedAdmin{Admin: Admin{Principal: who, Path: Path{External: external}}, Hops: hops, Assumptions: assumptions, Severity: sev}
	}
	for _, c := range []struct {
		name string
		a, b RankedAdmin
	}{
		{"shorter first", mk("z", 1, 2, SeverityMedium, ""), mk("a", 2, 0, SeverityCritical, "")},
		{"fewer assumptions", mk("z", 2, 0, SeverityMedium, ""), mk("a", 2, 1, SeverityCritical, "")},
		{"more severe", mk("z", 2, 1, SeverityCritical, ""), mk("a", 2, 1, SeverityMedium, "")},
		{"own before outside", mk("z", 2, 1, SeverityCritical, ""), mk("a", 2, 1, SeverityCritical, OutsideService)},
		{"by ARN", mk("a", 2, 1, SeverityCritical, ""), mk("b", 2, 1, SeverityCritical, "")},
	} {
		if !rankLess(&c.a, &c.b) || rankLess(&c.b, &c.a) {
			t.Errorf("%s: the order is wrong", c.name)
		}
	}
}

// TestWhoCanViaGroup: a request allowed by a group's policy is told as
// membership of the group, not "directly".
func TestWhoCanViaGroup(t *testing.T) {
	g := Build(mustLoad(t, "ops-admin.json"), Options{Now: testNow})
	for _, p := range g.WhoCan("iam:PassRole", opsARN("role", "lambda-admin")) {
		if p.Principal != opsARN("user", "alice") {
			continue
		}
		if got := SayHops(p.Principal, g.Tell(p)); got != "alice — member of → developers — has inline → assume-ops" {
			t.Errorf("alice: %q", got)
		}
		return
	}
	t.Error("alice may pass the role through her group, and is not listed")
}

// TestPathsToAdminMatchFindings: the paths-to-admin list is exactly the
// set of principals that findings report as admin, hidden admin or
// escalating to admin, on random accounts and the real dumps.
func TestPathsToAdminMatchFindings(t *testing.T) {
	seeds := 200
	if testing.Short() {
		seeds = 30
	}
	accounts := map[string]*Account{}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		accounts["seed "+itoa(int(seed))] = randomAccount(seed)
	}
	for _, name := range []string{"iam-vulnerable.json", "small.json", "ops-admin.json"} {
		accounts[name] = mustLoad(t, name)
	}
	for name, a := range accounts {
		g := Build(a, Options{Now: testNow})
		paths := map[string]bool{}
		for _, r := range g.PathsToAdmin() {
			if r.Path.External == "" {
				paths[r.Principal] = true
			}
			if len(g.Tell(r.Path)) != r.Hops {
				t.Errorf("%s: %s ranked by %d hops, told in %d", name, r.Principal, r.Hops, len(g.Tell(r.Path)))
			}
		}
		findings := map[string]bool{}
		for _, f := range g.Findings(testNow) {
			switch {
			case f.Type == FindingAdmin, f.Type == FindingHiddenAdmin:
				findings[f.Principal] = true
			case f.Type == FindingPrivilegeEscalation && f.Severity == SeverityCritical:
				// Critical: the escalation is the first step of its way to
				// full access.
				if !paths[f.Principal] {
					t.Errorf("%s: %s escalates to admin and has no path", name, f.Principal)
				}
			}
		}
		if got, want := keys(paths), keys(findings); got != want {
			t.Errorf("%s: paths to admin\n got %s\nwant %s", name, got, want)
		}
	}
}

func keys(m map[string]bool) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestGoldenWhoCanChains pins the `console who-can` JSON where entries are
// reached by chains: every documented key in every entry, the deciding
// statements of the final request present.
func TestGoldenWhoCanChains(t *testing.T) {
	g := Build(mustLoad(t, "ops-admin.json"), Options{Now: testNow})
	paths := g.WhoCan("iam:CreateUser", "*")
	for _, p := range paths {
		if len(p.Statements) == 0 {
			t.Errorf("%s: no deciding statements", p.Principal)
		}
	}
	got, err := json.MarshalIndent(paths, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	var entries []map[string]any
	if err := json.Unmarshal(got, &entries); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		for _, k := range []string{"Principal", "Path", "Steps", "Statements", "Technique", "Needs", "External", "Assumption", "Trust"} {
			if v, ok := e[k]; !ok || v == nil {
				t.Errorf("%v: %s missing or null", e["Principal"], k)
			}
		}
	}
	path := filepath.Join("testdata", "golden", "who-can-chains.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("who-can JSON differs from %s (run go test -update):\n%s", path, got)
	}
}

// BenchmarkPathsToAdmin: the ranked list, and the words of one page of it,
// as the paths page asks them once the graph is built.
func BenchmarkPathsToAdmin(b *testing.B) {
	accts := benchAccounts(b)
	for _, name := range benchNames {
		g := Build(accts[name], Options{Now: testNow})
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				ranked := g.PathsToAdmin()
				for _, r := range ranked[:min(50, len(ranked))] {
					g.Tell(r.Path)
				}
			}
		})
	}
}

// BenchmarkWhoCanPage: who-can as its page asks it, the whole answer and
// the words of one page of it.
func BenchmarkWhoCanPage(b *testing.B) {
	accts := benchAccounts(b)
	for _, name := range benchNames {
		g := Build(accts[name], Options{Now: testNow})
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				paths := g.WhoCan("iam:CreateUser", "*")
				for _, p := range paths[:min(50, len(paths))] {
					Via(g.Tell(p))
				}
			}
		})
	}
}

// TestVia: the short words of a path, one table row per kind of step.
func TestVia(t *testing.T) {
	group, role, user := opsARN("group", "developers"), opsARN("role", "ops-admin"), opsARN("user", "bob")
	for _, c := range []struct {
		name string
		hops []Hop
		want string
	}{
		{"own policy", []Hop{{Kind: EdgeAttached, To: "arn:aws:iam::aws:policy/AdministratorAccess", ToName: "AdministratorAccess"}}, ""},
		{"group", []Hop{{Kind: EdgeMemberOf, To: group, ToName: "developers"}, {Kind: EdgeInline, ToName: "assume-ops"}}, "via group developers"},
		{"group then role", []Hop{{Kind: EdgeMemberOf, To: group, ToName: "developers"}, {Kind: EdgeCanAssume, To: role, ToName: "ops-admin"}},
			"via group developers, via role ops-admin (assumed)"},
		{"acting as a user", []Hop{{Kind: EdgeEscalation, Gain: GainPrincipal, To: user, ToName: "bob", Technique: "iam-002"}}, "via user bob (acting as it, iam-002)"},
		{"joining a group", []Hop{{Kind: EdgeEscalation, Gain: GainGroup, To: group, ToName: "developers", Technique: "iam-013"}}, "via group developers (joining it, iam-013)"},
		{"rewriting", []Hop{{Kind: EdgeEscalation, Gain: GainArbitrary, To: user, ToName: "bob", Technique: "iam-007"}}, "by rewriting the permissions of bob (iam-007)"},
		{"a version", []Hop{{Kind: EdgeEscalation, Gain: GainVersion, ToName: "p", Technique: "iam-009"}}, "by switching the version of p (iam-009)"},
	} {
		if got := Via(c.hops); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

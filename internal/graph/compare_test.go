package graph

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// seedLike is the account `console admin seed` builds: alice, member of
// developers, whose inline policy lets her assume ops-admin, which has
// AdministratorAccess; bob on his own. assume says whether developers may
// assume ops-admin.
func seedLike(assume bool) *Account {
	devs := Group{Name: "developers", ID: "AGPADEVELOPERS", ARN: arn("group", "developers"), Path: "/"}
	if assume {
		devs.Inline = []InlinePolicy{{Name: "assume-ops", Document: doc(allow("sts:AssumeRole", arn("role", "ops-admin")))}}
	}
	return &Account{ID: acct,
		Users:  []User{user("alice", []string{"developers"}, nil), user("bob", nil, map[string]string{"own": doc(allow("s3:GetObject", "*"))})},
		Groups: []Group{devs},
		Roles:  []Role{role("ops-admin", trust(`{"AWS":"arn:aws:iam::`+acct+`:root"}`, ""), nil, "arn:aws:iam::aws:policy/AdministratorAccess")},
		Policies: []ManagedPolicy{{Name: "AdministratorAccess", ID: "ANPAADMIN", ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Path: "/",
			DefaultVersion: "v1", IsAttachable: true, AttachmentCount: 1, Versions: []PolicyVersion{{ID: "v1", Document: adminDoc, IsDefault: true}}}},
	}
}

// withBob changes bob's own policy.
func withBob(a *Account, document string) *Account {
	a.Users[1].Inline = []InlinePolicy{{Name: "own", Document: document}}
	return a
}

// diffShape is what a test expects of a Diff, in short names.
type diffShape struct {
	adminsAdded, adminsRemoved      []string // "alice: WORDS"
	findingsAdded, findingsGone     []string // "TYPE name"
	principalsAdded, principalsGone []string
	edgesAdded, edgesRemoved        []string // "kind from → to"
}

func shapeOf(d Diff) diffShape {
	var s diffShape
	for _, a := range d.AdminsAdded {
		s.adminsAdded = append(s.adminsAdded, shortARN(a.Principal)+": "+a.Words)
	}
	for _, a := range d.AdminsRemoved {
		s.adminsRemoved = append(s.adminsRemoved, shortARN(a.Principal)+": "+a.Words)
	}
	for _, f := range d.FindingsAdded {
		s.findingsAdded = append(s.findingsAdded, f.Type+" "+shortARN(f.Principal))
	}
	for _, f := range d.FindingsResolved {
		s.findingsGone = append(s.findingsGone, f.Type+" "+shortARN(f.Principal))
	}
	for _, n := range d.PrincipalsAdded {
		s.principalsAdded = append(s.principalsAdded, n.Name)
	}
	for _, n := range d.PrincipalsRemoved {
		s.principalsGone = append(s.principalsGone, n.Name)
	}
	edges := func(gs []EdgeGroup) []string {
		var out []string
		for _, g := range gs {
			for _, e := range g.Edges {
				out = append(out, string(e.Kind)+" "+shortARN(e.From)+" → "+shortARN(e.To))
			}
		}
		return out
	}
	s.edgesAdded, s.edgesRemoved = edges(d.EdgesAdded), edges(d.EdgesRemoved)
	return s
}

func TestCompare(t *testing.T) {
	selfAdmin := doc(allow("iam:PutUserPolicy", arn("user", "bob")))
	for _, tc := range []struct {
		name          string
		before, after *Account
		want          diffShape
		summary       string
	}{
		{name: "identical re-import", before: seedLike(true), after: seedLike(true), summary: "no changes"},
		{name: "a new admin path appears", before: seedLike(false), after: seedLike(true),
			want: diffShape{
				adminsAdded:   []string{"alice: alice — member of → developers — can assume → ops-admin — has → AdministratorAccess"},
				findingsAdded: []string{"HiddenAdmin alice"},
				edgesAdded: []string{"can-assume alice → ops-admin", "inline developers → developers#assume-ops",
					"grants alice → ops-admin"},
			},
			summary: "1 new admin, 1 new finding, 3 edges added"},
		{name: "an escalation resolved", before: withBob(seedLike(true), selfAdmin), after: seedLike(true),
			want: diffShape{
				adminsRemoved: []string{"bob: bob — can rewrite the permissions of → bob"},
				findingsGone:  []string{"HiddenAdmin bob", "PrivilegeEscalation bob"},
				edgesAdded:    []string{"grants bob → resource:*"},
				edgesRemoved:  []string{"escalation bob → bob", "grants bob → bob"},
			},
			summary: "1 admin no longer, 2 findings resolved, 1 edge added, 2 edges removed"},
		{name: "a principal added and one removed", before: seedLike(true),
			after: func() *Account {
				a := seedLike(true)
				a.Users[1] = user("carol", nil, nil)
				return a
			}(),
			want: diffShape{
				principalsAdded: []string{"carol"},
				principalsGone:  []string{"bob"},
				edgesRemoved:    []string{"inline bob → bob#own", "grants bob → resource:*"},
			},
			summary: "1 principal added, 1 principal removed, 2 edges removed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, a := Build(tc.before, Options{Now: testNow}), Build(tc.after, Options{Now: testNow})
			d := Compare(b, a)
			got := shapeOf(d)
			// %v prints nil and empty lists alike.
			if g, w := fmt.Sprintf("%v", got), fmt.Sprintf("%v", tc.want); g != w {
				t.Errorf("diff:\n got %+v\nwant %+v", got, tc.want)
			}
			if s := d.Summary(); s != tc.summary {
				t.Errorf("Summary() = %q, want %q", s, tc.summary)
			}
			if d.Empty() != (tc.summary == "no changes") {
				t.Errorf("Empty() = %v for %q", d.Empty(), d.Summary())
			}
			// Deterministic: the same graphs give the same diff.
			if again := Compare(b, a); !reflect.DeepEqual(d, again) {
				t.Error("two comparisons of the same graphs differ")
			}
		})
	}
}

// TestCompareDump: a dump re-imported gives no changes, also through the
// console's own export; one policy changed in it shows as that change only.
func TestCompareDump(t *testing.T) {
	a := mustLoad(t, "iam-vulnerable.json")
	g := Build(a, Options{Now: testNow})
	raw, err := a.AuthorizationDetails()
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := ParseAuthorizationDetails(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if d := Compare(g, Build(again, Options{Now: testNow})); !d.Empty() {
		t.Fatalf("re-import: %s; %+v", d.Summary(), shapeOf(d))
	}
	// Give one user AdministratorAccess.
	changed, _, _ := ParseAuthorizationDetails(strings.NewReader(string(raw)))
	u := &changed.Users[0]
	u.Attached = append(u.Attached, AttachedPolicy{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"})
	d := Compare(g, Build(changed, Options{Now: testNow}))
	if d.Empty() {
		t.Fatal("no change found")
	}
	for _, e := range append(d.EdgesAdded, d.EdgesRemoved...) {
		for _, x := range e.Edges {
			if x.From != u.ARN {
				t.Errorf("an edge of another principal changed: %s %s → %s", x.Kind, x.From, x.To)
			}
		}
	}
	t.Log(d.Summary())
}

// BenchmarkCompare compares two builds of an account, the second with one
// user made admin and one role removed; the builds are not timed.
func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("gen-%d", n), func(b *testing.B) {
			before := Build(generate(n), Options{Now: testNow})
			a := generate(n)
			a.Users[1].Attached = append(a.Users[1].Attached, AttachedPolicy{Name: "admin", ARN: arn("policy", "admin")})
			a.Roles = a.Roles[1:]
			after := Build(a, Options{Now: testNow})
			b.ResetTimer()
			var d Diff
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				d = Compare(before, after)
			}
			// CPU time, the measure that holds on the shared machine.
			b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(edgeCount(d.EdgesAdded)+edgeCount(d.EdgesRemoved)), "edges-changed")
			b.ReportMetric(float64(len(before.Edges)), "edges")
		})
	}
}

// TestCompareSets: an escalation to many targets is one edge to a set
// node; a target added makes another set, and the diff names both sets
// by what they hold, not by their hashed IDs.
func TestCompareSets(t *testing.T) {
	account := func(n int) *Account {
		a := &Account{ID: acct, Users: []User{user("keymaker", nil, map[string]string{"keys": doc(allow("iam:CreateAccessKey", arn("user", "*")))})}}
		for i := 0; i < n; i++ {
			a.Users = append(a.Users, user(fmt.Sprintf("u%d", i), nil, nil))
		}
		return a
	}
	opts := Options{Now: testNow, setMin: 2}
	d := Compare(Build(account(3), opts), Build(account(4), opts))
	var esc []Edge
	for _, g := range append(d.EdgesAdded, d.EdgesRemoved...) {
		if g.Kind == EdgeEscalation {
			esc = append(esc, g.Edges...)
		}
	}
	if len(esc) != 2 {
		t.Fatalf("escalation edges changed: %+v", esc)
	}
	for _, e := range esc {
		n, ok := d.Sets[e.To]
		if !ok || !strings.HasSuffix(n.Name, " users") {
			t.Errorf("set %s named %+v", e.To, n)
		}
	}
	if len(d.PrincipalsAdded) != 1 || d.PrincipalsAdded[0].Name != "u3" {
		t.Errorf("principals added %+v", d.PrincipalsAdded)
	}
}

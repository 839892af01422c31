package graph

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// sampleFindings is a small list in Findings' order.
var sampleFindings = []Finding{
	{Type: FindingHiddenAdmin, Severity: SeverityCritical, Principal: "arn:aws:iam::1:user/bob", Technique: "iam-002", Explanation: "reaches full access"},
	{Type: FindingPrivilegeEscalation, Severity: SeverityCritical, Principal: "arn:aws:iam::1:user/bob", Technique: "iam-002", Explanation: "creates a key for admin"},
	{Type: FindingPrivilegeEscalation, Severity: SeverityHigh, Principal: "arn:aws:iam::1:role/ci", Technique: "lambda-001", Explanation: "=passes a role"},
	{Type: FindingPrivilegeEscalation, Severity: SeverityHigh, Principal: "arn:aws:iam::1:user/bob", Technique: "iam-004", Explanation: "sets a password"},
	{Type: FindingAdmin, Severity: SeverityMedium, Principal: "arn:aws:iam::1:user/alice", Explanation: "full access from AdministratorAccess"},
	{Type: FindingWildcardPolicy, Severity: SeverityMedium, Principal: "arn:aws:iam::1:policy/AllStar", Explanation: "statement 0 allows \"*\" on \"*\""},
	{Type: FindingUnusedRole, Severity: SeverityLow, Principal: "arn:aws:iam::1:role/old", Explanation: "never used"},
}

func principals(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, shortARN(f.Principal)+"/"+f.Type)
	}
	return out
}

func TestFindingQueryApply(t *testing.T) {
	tests := []struct {
		name string
		q    FindingQuery
		want []string
	}{
		{"all, Findings' order", FindingQuery{}, []string{"bob/HiddenAdmin", "bob/PrivilegeEscalation", "ci/PrivilegeEscalation",
			"bob/PrivilegeEscalation", "alice/Admin", "AllStar/WildcardPolicy", "old/UnusedRole"}},
		{"severity", FindingQuery{Severity: SeverityCritical}, []string{"bob/HiddenAdmin", "bob/PrivilegeEscalation"}},
		{"type", FindingQuery{Type: FindingPrivilegeEscalation}, []string{"bob/PrivilegeEscalation", "ci/PrivilegeEscalation", "bob/PrivilegeEscalation"}},
		{"technique", FindingQuery{Technique: "iam-002"}, []string{"bob/HiddenAdmin", "bob/PrivilegeEscalation"}},
		{"severity and technique", FindingQuery{Severity: SeverityHigh, Technique: "iam-002"}, nil},
		{"kind role", FindingQuery{Kind: "role"}, []string{"ci/PrivilegeEscalation", "old/UnusedRole"}},
		{"kind policy", FindingQuery{Kind: "policy"}, []string{"AllStar/WildcardPolicy"}},
		{"text in principal, any case", FindingQuery{Text: "ALICE"}, []string{"alice/Admin"}},
		{"text in explanation", FindingQuery{Text: " password"}, []string{"bob/PrivilegeEscalation"}},
		{"sort by principal", FindingQuery{Sort: SortPrincipal}, []string{"AllStar/WildcardPolicy", "ci/PrivilegeEscalation", "old/UnusedRole",
			"alice/Admin", "bob/HiddenAdmin", "bob/PrivilegeEscalation", "bob/PrivilegeEscalation"}},
		{"sort by principal, descending", FindingQuery{Sort: SortPrincipal, Desc: true}, []string{"bob/HiddenAdmin", "bob/PrivilegeEscalation",
			"bob/PrivilegeEscalation", "alice/Admin", "old/UnusedRole", "ci/PrivilegeEscalation", "AllStar/WildcardPolicy"}},
		{"sort by type", FindingQuery{Sort: SortType}, []string{"alice/Admin", "bob/HiddenAdmin", "bob/PrivilegeEscalation",
			"ci/PrivilegeEscalation", "bob/PrivilegeEscalation", "old/UnusedRole", "AllStar/WildcardPolicy"}},
		{"sort by technique, descending", FindingQuery{Sort: SortTechnique, Desc: true, Type: FindingPrivilegeEscalation},
			[]string{"ci/PrivilegeEscalation", "bob/PrivilegeEscalation", "bob/PrivilegeEscalation"}},
		{"sort by severity, descending", FindingQuery{Desc: true, Kind: "user"}, []string{"alice/Admin", "bob/PrivilegeEscalation",
			"bob/HiddenAdmin", "bob/PrivilegeEscalation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.q.Check(); err != nil {
				t.Fatal(err)
			}
			in := slices.Clone(sampleFindings)
			got := tt.q.Apply(in)
			if !slices.Equal(principals(got.Findings), tt.want) {
				t.Errorf("got %v\nwant %v", principals(got.Findings), tt.want)
			}
			if !slices.EqualFunc(in, sampleFindings, func(a, b Finding) bool { return a.Principal == b.Principal && a.Type == b.Type }) {
				t.Error("Apply reordered its input")
			}
		})
	}
}

// TestFindingQueryCounts: each count is what choosing it would show, so
// the severity counts ignore the severity filter but keep the others.
func TestFindingQueryCounts(t *testing.T) {
	r := FindingQuery{Severity: SeverityCritical, Kind: "user"}.Apply(sampleFindings)
	if want := map[string]int{SeverityCritical: 2, SeverityHigh: 1, SeverityMedium: 1}; !mapsEqual(r.BySeverity, want) {
		t.Errorf("BySeverity = %v, want %v", r.BySeverity, want)
	}
	if want := map[string]int{FindingHiddenAdmin: 1, FindingPrivilegeEscalation: 1}; !mapsEqual(r.ByType, want) {
		t.Errorf("ByType = %v, want %v", r.ByType, want)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestFindingQueryCheck(t *testing.T) {
	tests := []struct {
		q    FindingQuery
		want string
	}{
		{FindingQuery{Severity: "Urgent"}, "unknown severity"},
		{FindingQuery{Type: "Bad"}, "unknown finding type"},
		{FindingQuery{Technique: "iam-999"}, "unknown technique"},
		{FindingQuery{Kind: "bucket"}, "unknown principal kind"},
		{FindingQuery{Sort: "date"}, "unknown sort"},
		{FindingQuery{Severity: SeverityLow, Type: FindingAdmin, Technique: "sts-001", Kind: "root", Sort: SortTechnique}, ""},
	}
	for _, tt := range tests {
		err := tt.q.Check()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%+v: Check() = %v, want %q", tt.q, err, tt.want)
		}
	}
}

func TestPageOf(t *testing.T) {
	list := []int{1, 2, 3, 4, 5}
	tests := []struct {
		n, size   int
		want      []int
		wantPages int
	}{
		{1, 2, []int{1, 2}, 3},
		{3, 2, []int{5}, 3},
		{4, 2, nil, 3},
		{0, 2, []int{1, 2}, 3},
		{1, 50, []int{1, 2, 3, 4, 5}, 1},
		{1, 0, []int{1, 2, 3, 4, 5}, 1},
	}
	for _, tt := range tests {
		got, pages := PageOf(list, tt.n, tt.size)
		if !slices.Equal(got, tt.want) || pages != tt.wantPages {
			t.Errorf("PageOf(%d, %d) = %v, %d; want %v, %d", tt.n, tt.size, got, pages, tt.want, tt.wantPages)
		}
	}
	if got, pages := PageOf([]int(nil), 1, 50); got != nil || pages != 1 {
		t.Errorf("empty: %v, %d", got, pages)
	}
}

func TestPrincipalKind(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::1:user/a/b":     "user",
		"arn:aws:iam::1:group/g":      "group",
		"arn:aws:iam::1:role/r":       "role",
		"arn:aws:iam::1:policy/p":     "policy",
		"arn:aws:iam::1:root":         "root",
		"arn:aws:sts::1:assumed-role": "",
		"*":                           "",
	} {
		if got := PrincipalKind(arn); got != want {
			t.Errorf("PrincipalKind(%q) = %q, want %q", arn, got, want)
		}
	}
}

func TestGroupByPrincipal(t *testing.T) {
	gs := GroupByPrincipal(sampleFindings)
	var names []string
	for _, g := range gs {
		names = append(names, shortARN(g.Principal))
	}
	if want := []string{"bob", "ci", "alice", "AllStar", "old"}; !slices.Equal(names, want) {
		t.Fatalf("groups %v, want %v", names, want)
	}
	bob := gs[0]
	if bob.Severity != SeverityCritical || !slices.Equal(bob.Techniques, []string{"iam-002", "iam-004"}) ||
		!slices.Equal(bob.Types, []string{FindingHiddenAdmin, FindingPrivilegeEscalation}) || bob.Count != 3 {
		t.Errorf("bob: %+v", bob)
	}
}

// TestFindingsCSV compares the CSV of the sample with its golden file
// (go test -run TestFindingsCSV -update rewrites it).
func TestFindingsCSV(t *testing.T) {
	fs := slices.Clone(sampleFindings)
	fs[0].Path = []string{"arn:aws:iam::1:user/bob", "arn:aws:iam::1:user/alice"}
	fs[0].Statements = []Statement{{Policy: "arn:aws:iam::1:user/bob#keys", PolicyName: "keys", Index: 0, Sid: "Keys", Effect: "Allow"},
		{Policy: "arn:aws:iam::aws:policy/AdministratorAccess", PolicyName: "AdministratorAccess", Version: "v1", Index: 0, Effect: "Allow"}}
	var b bytes.Buffer
	if err := WriteFindingsCSV(&b, fs); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "golden", "findings.csv")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("CSV differs from %s:\n%s", golden, b.String())
	}
}

// TestIAMVulnerableCriticalCreateAccessKey: the dump grants
// iam:CreateAccessKey on "*" to privesc4-CreateAccessKey-user and -role
// (policy privesc4-CreateAccessKey) and to role OverprivilegedEC2 (policy
// SupYo), none of them an administrator; the dump has users with
// AdministratorAccess (obama, userwithlotsofpermissions), so each can create
// a key for one and become admin by iam-002 first: a Critical HiddenAdmin and
// a Critical escalation each. privesc-sre-user and -role hold iam:* too but
// reach full access by another technique first; the administrators holding
// it are Admin, not escalating.
func TestIAMVulnerableCriticalCreateAccessKey(t *testing.T) {
	g := Build(mustLoad(t, "iam-vulnerable.json"), Options{Now: testNow})
	r := FindingQuery{Severity: SeverityCritical, Technique: "iam-002"}.Apply(g.Findings(testNow))
	got := map[string]bool{}
	for _, f := range r.Findings {
		got[f.Principal] = true
	}
	want := []string{
		"arn:aws:iam::012345678901:role/OverprivilegedEC2",
		"arn:aws:iam::200611803367:role/privesc4-CreateAccessKey-role",
		"arn:aws:iam::200611803367:user/privesc4-CreateAccessKey-user",
	}
	var gotList []string
	for p := range got {
		gotList = append(gotList, p)
	}
	slices.Sort(gotList)
	if !slices.Equal(gotList, want) {
		t.Errorf("Critical iam-002 principals:\n got %v\nwant %v", gotList, want)
	}
	if len(r.Findings) != 6 {
		t.Errorf("%d findings, want a HiddenAdmin and a PrivilegeEscalation for each of 3", len(r.Findings))
	}
}

// TestFindingsJSONContract: every documented key is in every entry, and
// every decision (admin, escalation, permissive trust) cites statements.
func TestFindingsJSONContract(t *testing.T) {
	g := Build(mustLoad(t, "iam-vulnerable.json"), Options{Now: testNow})
	fs := g.Findings(testNow)
	b, err := json.Marshal(fs)
	if err != nil {
		t.Fatal(err)
	}
	var entries []map[string]json.RawMessage
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatal(err)
	}
	keys := []string{"Type", "Severity", "Principal", "Technique", "Path", "Statements", "Explanation"}
	for i, e := range entries {
		for _, k := range keys {
			v, ok := e[k]
			if !ok || string(v) == "null" {
				t.Fatalf("entry %d (%s) lacks %s: %s", i, fs[i].Type, k, b[:200])
			}
		}
	}
	for _, f := range fs {
		switch f.Type {
		case FindingAdmin, FindingHiddenAdmin, FindingPrivilegeEscalation, FindingPermissiveTrust:
			if len(f.Statements) == 0 {
				t.Errorf("%s %s %s: no deciding statements", f.Type, f.Principal, f.Technique)
			}
		}
	}
}

// TestTechniqueDocs: every catalogue technique has what its page shows.
func TestTechniqueDocs(t *testing.T) {
	for _, tc := range Catalogue() {
		d, ok := TechniqueDocOf(tc.ID)
		if !ok {
			t.Errorf("%s: no documentation", tc.ID)
			continue
		}
		if d.Description == "" || d.Recommendation == "" || len(d.References) == 0 || len(d.Required) == 0 {
			t.Errorf("%s: documentation incomplete: %+v", tc.ID, d)
		}
	}
	if _, ok := TechniqueDocOf("nope-001"); ok {
		t.Error("documentation for an unknown technique")
	}
}

// BenchmarkFindingQuery: filtering, counting, sorting and grouping the
// findings of 10,000 principals, beside Findings itself (BenchmarkFindings).
func BenchmarkFindingQuery(b *testing.B) {
	g := Build(generate(10000), Options{Now: testNow})
	fs := g.Findings(testNow)
	b.Logf("%d findings", len(fs))
	for name, q := range map[string]FindingQuery{"all": {}, "critical": {Severity: SeverityCritical},
		"text": {Text: "user0001"}, "by principal": {Sort: SortPrincipal, Desc: true}} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				r := q.Apply(fs)
				PageOf(r.Findings, 2, 50)
			}
		})
	}
	b.Run("grouped", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			PageOf(GroupByPrincipal(FindingQuery{}.Apply(fs).Findings), 1, 50)
		}
	})
}

// TestFindingTypesListed: every type Findings reports is one the filters
// accept (FindingTypes), so none can be hidden from the page's choices.
func TestFindingTypesListed(t *testing.T) {
	src, err := os.ReadFile("findings.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := regexp.MustCompile(`\n\t(Finding[A-Za-z]+)\s+= "([A-Za-z]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(consts) < 12 {
		t.Fatalf("read %d Finding constants from findings.go", len(consts))
	}
	for _, m := range consts {
		if !slices.Contains(FindingTypes, m[2]) {
			t.Errorf("%s (%q) is not in FindingTypes", m[1], m[2])
		}
	}
}

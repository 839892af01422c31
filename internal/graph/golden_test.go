package graph

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

const acct = "111122223333"

func arn(kind, name string) string { return "arn:aws:iam::" + acct + ":" + kind + "/" + name }

func doc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

func allow(action, resource string) string {
	return `{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}`
}

func deny(action, resource string) string {
	return `{"Effect":"Deny","Action":"` + action + `","Resource":"` + resource + `"}`
}

func trust(principal string, cond string) string {
	s := `{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"`
	if cond != "" {
		s += `,"Condition":` + cond
	}
	return doc(s + "}")
}

func user(name string, groups []string, inline map[string]string, attached ...string) User {
	u := User{Name: name, ID: "AIDA" + strings.ToUpper(name), ARN: arn("user", name), Path: "/", Groups: groups}
	for _, k := range sortedKeys(inline) {
		u.Inline = append(u.Inline, InlinePolicy{Name: k, Document: inline[k]})
	}
	for _, a := range attached {
		u.Attached = append(u.Attached, AttachedPolicy{Name: shortARN(a), ARN: a})
	}
	return u
}

func role(name, trustDoc string, inline map[string]string, attached ...string) Role {
	r := Role{Name: name, ID: "AROA" + strings.ToUpper(name), ARN: arn("role", name), Path: "/", Trust: trustDoc}
	for _, k := range sortedKeys(inline) {
		r.Inline = append(r.Inline, InlinePolicy{Name: k, Document: inline[k]})
	}
	for _, a := range attached {
		r.Attached = append(r.Attached, AttachedPolicy{Name: shortARN(a), ARN: a})
	}
	return r
}

func managed(name, document string, more ...string) ManagedPolicy {
	p := ManagedPolicy{Name: name, ID: "ANPA" + strings.ToUpper(name), ARN: arn("policy", name), Path: "/", DefaultVersion: "v1",
		IsAttachable: true, AttachmentCount: 1, Versions: []PolicyVersion{{ID: "v1", Document: document, IsDefault: true}}}
	for i, d := range more {
		p.Versions = append(p.Versions, PolicyVersion{ID: "v" + itoa(i+2), Document: d})
	}
	return p
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

var adminDoc = doc(allow("*", "*"))

// fixtures are small hand-made accounts, one idea each.
var fixtures = map[string]*Account{
	"membership": {ID: acct,
		Users:    []User{user("alice", []string{"devs"}, nil), user("bob", nil, nil)},
		Groups:   []Group{{Name: "devs", ID: "AGPADEVS", ARN: arn("group", "devs"), Path: "/", Attached: []AttachedPolicy{{Name: "read", ARN: arn("policy", "read")}}}},
		Policies: []ManagedPolicy{managed("read", doc(allow("s3:GetObject", "arn:aws:s3:::reports/*")))}},
	"attachment": {ID: acct,
		Users:    []User{user("carol", nil, map[string]string{"own": doc(allow("dynamodb:GetItem", "*"))}, arn("policy", "logs"))},
		Policies: []ManagedPolicy{managed("logs", doc(allow("logs:*", "*")))}},
	"boundary": {ID: acct,
		Users: func() []User {
			u := user("dave", nil, nil, arn("policy", "everything"))
			u.Boundary = &AttachedPolicy{Name: "s3only", ARN: arn("policy", "s3only")}
			return []User{u}
		}(),
		Policies: []ManagedPolicy{managed("everything", adminDoc), managed("s3only", doc(allow("s3:*", "*")))}},
	"deny": {ID: acct,
		Users:    []User{user("erin", nil, map[string]string{"mostly": doc(allow("*", "*"), deny("iam:*", "*"))})},
		Policies: nil},
	"mfa-trust": {ID: acct,
		Users:    []User{user("frank", nil, map[string]string{"assume": doc(allow("sts:AssumeRole", "*"))})},
		Roles:    []Role{role("breakglass", trust(`{"AWS":"arn:aws:iam::`+acct+`:root"}`, `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`), nil, arn("policy", "admin"))},
		Policies: []ManagedPolicy{managed("admin", adminDoc)}},
	"cross-account": {ID: acct,
		Roles: []Role{
			role("vendor", trust(`{"AWS":"arn:aws:iam::444455556666:root"}`, `{"StringEquals":{"sts:ExternalId":"s3cr3t"}}`), map[string]string{"read": doc(allow("s3:GetObject", "*"))}),
			role("open", trust(`{"AWS":"arn:aws:iam::777788889999:root"}`, ""), map[string]string{"read": doc(allow("s3:GetObject", "*"))}),
			role("anyone", trust(`{"AWS":"*"}`, ""), nil),
			role("ec2", trust(`{"Service":"ec2.amazonaws.com"}`, ""), nil)}},
	"outside": {ID: acct,
		Roles: []Role{
			role("ci-deploy", trust(`{"AWS":"arn:aws:iam::999999999999:role/ci"}`, ""), map[string]string{"read": doc(allow("s3:GetObject", "arn:aws:s3:::reports/*"))}),
			role("org-wide", trust(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`), map[string]string{"read": doc(allow("s3:GetObject", "*"))}),
			role("fn", trust(`{"Service":"lambda.amazonaws.com"}`, `{"StringEquals":{"aws:SourceAccount":"`+acct+`"}}`), map[string]string{"read": doc(allow("s3:GetObject", "*"))}),
			role("github", doc(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::`+acct+`:oidc-provider/token.actions.githubusercontent.com"},`+
				`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}`),
				map[string]string{"read": doc(allow("s3:GetObject", "arn:aws:s3:::reports/*"))}),
			role("locked", trust(`{"AWS":"arn:aws:iam::999999999999:root"}`, `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`),
				map[string]string{"read": doc(allow("s3:*", "*"), deny("s3:GetObject", "*"))})}},
	"esc-self": {ID: acct,
		Users: []User{user("gina", nil, map[string]string{"self": doc(allow("iam:PutUserPolicy", arn("user", "gina")))})}},
	"esc-access-key": {ID: acct,
		Users: []User{user("hank", nil, map[string]string{"keys": doc(allow("iam:CreateAccessKey", arn("user", "*")))}),
			user("root-like", nil, nil, arn("policy", "admin"))},
		Policies: []ManagedPolicy{managed("admin", adminDoc)}},
	"esc-policy-version": {ID: acct,
		Users: []User{user("ivy", nil, nil, arn("policy", "mine")), user("jack", nil, nil, arn("policy", "old"))},
		Policies: []ManagedPolicy{managed("mine", doc(allow("iam:CreatePolicyVersion", arn("policy", "mine")), allow("iam:SetDefaultPolicyVersion", arn("policy", "old")))),
			managed("old", doc(allow("iam:SetDefaultPolicyVersion", arn("policy", "old"))), adminDoc)}},
	"esc-group": {ID: acct,
		Users:    []User{user("kate", nil, map[string]string{"join": doc(allow("iam:AddUserToGroup", arn("group", "admins")))})},
		Groups:   []Group{{Name: "admins", ID: "AGPAADMINS", ARN: arn("group", "admins"), Path: "/", Attached: []AttachedPolicy{{Name: "admin", ARN: arn("policy", "admin")}}}},
		Policies: []ManagedPolicy{managed("admin", adminDoc)}},
	"esc-trust": {ID: acct,
		Users:    []User{user("liam", nil, map[string]string{"trust": doc(allow("iam:UpdateAssumeRolePolicy", arn("role", "ops")))})},
		Roles:    []Role{role("ops", trust(`{"Service":"ec2.amazonaws.com"}`, ""), nil, arn("policy", "admin"))},
		Policies: []ManagedPolicy{managed("admin", adminDoc)}},
	"esc-passrole": {ID: acct,
		Users:    []User{user("mia", nil, map[string]string{"lambda": doc(allow("iam:PassRole", arn("role", "fn")), allow("lambda:CreateFunction", "*"), allow("lambda:InvokeFunction", "*"))})},
		Roles:    []Role{role("fn", trust(`{"Service":"lambda.amazonaws.com"}`, ""), nil, arn("policy", "admin"))},
		Policies: []ManagedPolicy{managed("admin", adminDoc)}},
	"esc-existing": {ID: acct,
		Users:    []User{user("noah", nil, map[string]string{"code": doc(allow("lambda:UpdateFunctionCode", "*"))})},
		Roles:    []Role{role("fn", trust(`{"Service":"lambda.amazonaws.com"}`, ""), nil, arn("policy", "admin"))},
		Policies: []ManagedPolicy{managed("admin", adminDoc)}},
	"esc-login-profile": {ID: acct,
		Users: []User{user("pia", nil, map[string]string{"pw": doc(allow("iam:CreateLoginProfile", arn("user", "boss")), allow("iam:UpdateLoginProfile", arn("user", "boss")))}),
			user("boss", nil, nil, arn("policy", "admin"))},
		Policies: []ManagedPolicy{managed("admin", adminDoc)}},
	"esc-role-self": {ID: acct,
		Roles: []Role{role("worker", trust(`{"Service":"ec2.amazonaws.com"}`, ""), map[string]string{"self": doc(allow("iam:PutRolePolicy", arn("role", "worker")))})}},
	"esc-group-policy": {ID: acct,
		Users:  []User{user("ravi", []string{"ops"}, nil)},
		Groups: []Group{{Name: "ops", ID: "AGPAOPS", ARN: arn("group", "ops"), Path: "/", Inline: []InlinePolicy{{Name: "grow", Document: doc(allow("iam:AttachGroupPolicy", arn("group", "ops")))}}}}},
	"esc-assume-then-rewrite": {ID: acct,
		Users: []User{user("olga", nil, map[string]string{"both": doc(allow("sts:AssumeRole", arn("role", "build")), allow("iam:AttachRolePolicy", arn("role", "build")))})},
		Roles: []Role{role("build", trust(`{"AWS":"arn:aws:iam::`+acct+`:root"}`, ""), map[string]string{"ci": doc(allow("codebuild:*", "*"))})}},
}

func TestGoldenDOT(t *testing.T) {
	for name, a := range fixtures {
		t.Run(name, func(t *testing.T) {
			g := Build(a, Options{Now: testNow})
			if len(g.Warnings) > 0 {
				t.Fatalf("warnings: %v", g.Warnings)
			}
			got := g.DOT(DOTOptions{Grants: true})
			path := filepath.Join("testdata", "golden", name+".dot")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("DOT differs from %s (run go test -update):\n%s", path, got)
			}
			again := Build(a, Options{Now: testNow})
			if !bytes.Equal(got, again.DOT(DOTOptions{Grants: true})) {
				t.Error("DOT is not deterministic")
			}
			j1, err1 := g.JSON()
			j2, err2 := again.JSON()
			if err1 != nil || err2 != nil || !bytes.Equal(j1, j2) {
				t.Errorf("JSON not deterministic (%v, %v)", err1, err2)
			}
		})
	}
}

// TestFixtureFacts checks what each fixture is about, beyond its picture.
func TestFixtureFacts(t *testing.T) {
	build := func(name string) *Graph { return Build(fixtures[name], Options{Now: testNow}) }
	edge := func(g *Graph, from, to string, kind EdgeKind) *Edge {
		for i := range g.Edges {
			e := &g.Edges[i]
			if e.From == from && e.To == to && e.Kind == kind {
				return e
			}
		}
		return nil
	}
	tech := func(g *Graph, who string) []string { return techniquesOf(g.Findings(testNow))[who] }

	if g := build("boundary"); len(g.Admins()) != 0 {
		t.Error("boundary: an admin policy under an s3-only boundary is not full access")
	} else if w := g.WhoCan("s3:GetObject", "arn:aws:s3:::b/k"); len(w) != 1 {
		t.Errorf("boundary: who can s3:GetObject = %v", w)
	} else if w := g.WhoCan("ec2:RunInstances", "*"); len(w) != 0 {
		t.Errorf("boundary: ec2 allowed through the boundary: %v", w)
	}
	if g := build("deny"); len(g.WhoCan("iam:CreateUser", arn("user", "x"))) != 0 || len(g.WhoCan("s3:GetObject", "*")) != 1 {
		t.Error("deny: explicit deny of iam:* not applied")
	}
	g := build("mfa-trust")
	if e := edge(g, arn("user", "frank"), arn("role", "breakglass"), EdgeCanAssume); e == nil || strings.Join(e.Needs, ",") != "MFA" {
		t.Errorf("mfa-trust: want a can-assume edge needing MFA, got %+v", e)
	}
	g = build("cross-account")
	var permissive []string
	for _, f := range g.Findings(testNow) {
		if f.Type == FindingPermissiveTrust {
			permissive = append(permissive, shortARN(f.Principal))
		}
	}
	if strings.Join(permissive, ",") != "anyone,open" {
		t.Errorf("cross-account: permissive trusts %v, want anyone and open (vendor needs its ExternalId)", permissive)
	}
	if e := edge(g, "arn:aws:iam::444455556666:root", arn("role", "vendor"), EdgeCanAssume); e == nil || strings.Join(e.Needs, ",") != "ExternalId" {
		t.Errorf("cross-account: vendor edge %+v", e)
	}
	for name, want := range map[string][2]string{
		"esc-self":                {"user/gina", "iam-007"},
		"esc-access-key":          {"user/hank", "iam-002"},
		"esc-policy-version":      {"user/ivy", "iam-001"},
		"esc-group":               {"user/kate", "iam-013"},
		"esc-trust":               {"user/liam", "iam-012"},
		"esc-passrole":            {"user/mia", "lambda-001"},
		"esc-existing":            {"user/noah", "lambda-003"},
		"esc-assume-then-rewrite": {"user/olga", "iam-014"},
		"esc-login-profile":       {"user/pia", "iam-004"},
		"esc-role-self":           {"role/worker", "iam-005"},
		"esc-group-policy":        {"user/ravi", "iam-010"},
	} {
		who := "arn:aws:iam::" + acct + ":" + want[0]
		if got := tech(build(name), who); !has(got, want[1]) {
			t.Errorf("%s: %s techniques %v, want %s", name, want[0], got, want[1])
		}
	}
	// jack may switch "old" to v2, which is full access.
	if got := tech(build("esc-policy-version"), arn("user", "jack")); !has(got, "iamconsole-001") {
		t.Errorf("esc-policy-version: jack techniques %v, want iamconsole-001", got)
	}
}

func TestDOTEscapesMarkup(t *testing.T) {
	a := &Account{ID: acct, Roles: []Role{role("web", trust(`{"Service":"ec2.amazonaws.com"}`, ""), nil)}}
	a.Roles[0].Path = `/<script>alert(1)</script>/`
	a.Roles[0].Description = `<img src=x onerror="alert(1)"> & \N "quoted"`
	a.Roles[0].Name = `web"];evil[label="x`
	a.Roles[0].ARN = "arn:aws:iam::" + acct + ":role/<script>alert(1)</script>/web"
	g := Build(a, Options{Now: testNow})
	out := string(g.DOT(DOTOptions{}))
	for _, bad := range []string{"<script", "<img", `web"];evil`} {
		if strings.Contains(out, bad) {
			t.Errorf("DOT contains %q:\n%s", bad, out)
		}
	}
	if regexp.MustCompile(`[^\\]\\N`).MatchString(out) {
		t.Errorf("an unescaped \\N reaches DOT:\n%s", out)
	}
	if !strings.Contains(out, "role/&lt;script&gt;alert(1)&lt;/script&gt;/web") {
		t.Errorf("path not escaped:\n%s", out)
	}
	// The description is a tooltip: its backslash is four (dotAttrEscape).
	if !strings.Contains(out, "&lt;img src=x onerror=\\\"alert(1)\\\"&gt; &amp; \\\\\\\\N") {
		t.Errorf("description not escaped as expected:\n%s", out)
	}
}

func TestDOTFocusAndCollapse(t *testing.T) {
	a := &Account{ID: acct, Groups: []Group{{Name: "many", ID: "AGPAMANY", ARN: arn("group", "many"), Path: "/"}}}
	for i := 0; i < 37; i++ {
		a.Users = append(a.Users, user("u"+itoa(100+i), []string{"many"}, nil))
	}
	a.Users = append(a.Users, user("loner", nil, nil))
	g := Build(a, Options{Now: testNow})
	out := string(g.DOT(DOTOptions{Focus: arn("group", "many"), Depth: 1}))
	if !strings.Contains(out, `label="37 users"`) || strings.Contains(out, "loner") {
		t.Errorf("focus/collapse:\n%s", out)
	}
	if n := strings.Count(out, "->"); n != 1 {
		t.Errorf("collapsed members should share one edge, got %d", n)
	}
	if strings.Contains(out, "URL=\"/graph") {
		t.Error("a collapsed set links somewhere without ExpandURL")
	}

	// Expandable: the set's node links to the view with it expanded, and
	// that view draws every member.
	var rep string
	opts := DOTOptions{Focus: arn("group", "many"), Depth: 1, ExpandURL: func(r string) string { rep = r; return "/graph?expand=" + r }}
	out = string(g.DOT(opts))
	if rep != arn("user", "u100") || !strings.Contains(out, `URL="/graph?expand=`+rep+`"`) || !strings.Contains(out, "click to show each") {
		t.Fatalf("collapsed set's link (representative %q):\n%s", rep, out)
	}
	opts.Expand = map[string]bool{rep: true}
	d := g.Draw(opts)
	if strings.Contains(string(d.DOT), "37 users") || d.Nodes != 38 || !strings.Contains(string(d.DOT), `label="u136"`) {
		t.Errorf("expanded set: %d nodes\n%s", d.Nodes, d.DOT)
	}
}

func TestDrawOverview(t *testing.T) {
	g := Build(fixtures["attachment"], Options{Now: testNow})
	d := g.Draw(DOTOptions{})
	if d.Nodes != strings.Count(string(d.DOT), "shape=") || d.Edges != strings.Count(string(d.DOT), "->") {
		t.Errorf("counts %d nodes, %d edges:\n%s", d.Nodes, d.Edges, d.DOT)
	}
	if !strings.Contains(string(d.DOT), `label="has inline", tooltip="carol has inline own"`) {
		t.Fatalf("the fixture should have an inline policy:\n%s", d.DOT)
	}
	ov := g.Draw(DOTOptions{Overview: true})
	out := string(ov.DOT)
	if !strings.Contains(out, "layout=sfdp") || strings.Contains(out, "rankdir") || strings.Contains(out, "label=\"has") {
		t.Errorf("overview attributes and labels:\n%s", out)
	}
	if !strings.Contains(out, `tooltip="carol has logs"`) || strings.Contains(out, "inline") || ov.Nodes >= d.Nodes {
		t.Errorf("overview keeps edge text as tooltips and drops inline policies (%d nodes, whole %d):\n%s", ov.Nodes, d.Nodes, out)
	}
	focused := g.Draw(DOTOptions{Overview: true, Focus: g.Nodes[0].ID, Depth: 1})
	if !bytes.Equal(focused.DOT, ov.DOT) {
		t.Error("an overview is of the whole account, whatever the focus")
	}
}

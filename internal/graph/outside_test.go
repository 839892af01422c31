package graph

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	other     = "999999999999"
	otherRoot = "arn:aws:iam::" + other + ":root"
	ciRole    = "arn:aws:iam::" + other + ":role/ci"
	s3Key     = "arn:aws:s3:::reports/q1.csv"
	oidc      = "arn:aws:iam::" + acct + ":oidc-provider/token.actions.githubusercontent.com"
)

// readReports is the permission most cases give the role the outside enters.
var readReports = map[string]string{"read": doc(allow("s3:GetObject", "arn:aws:s3:::reports/*"))}

// outsideCase is one small account, one request, and what who-can must say
// about the principals outside the account.
type outsideCase struct {
	name             string
	acct             *Account
	action, resource string
	// want: outside principal -> "KIND via ROLE[,ROLE...] [TECHNIQUE] needs
	// N[,N...]"; the roles are the path after the principal, by name.
	want map[string]string
	// trustSid, when set, is the Sid of the trust statement every outside
	// entry must cite.
	trustSid string
}

func roleWith(name, trustDoc string, inline map[string]string) *Account {
	return &Account{ID: acct, Roles: []Role{role(name, trustDoc, inline)}}
}

func withSid(trustDoc, sid string) string {
	return strings.Replace(trustDoc, `{"Effect"`, `{"Sid":"`+sid+`","Effect"`, 1)
}

var outsideCases = []outsideCase{
	{name: "external account", acct: roleWith("vendor", withSid(trust(`{"AWS":"`+otherRoot+`"}`, ""), "Vendor"), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{otherRoot: "account via vendor"}, trustSid: "Vendor"},
	{name: "external principal ARN", acct: roleWith("deploy", withSid(trust(`{"AWS":"`+ciRole+`"}`, ""), "CI"), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{ciRole: "principal via deploy"}, trustSid: "CI"},
	{name: "external user ARN", acct: roleWith("deploy", trust(`{"AWS":"arn:aws:iam::`+other+`:user/ops"}`, ""), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{"arn:aws:iam::" + other + ":user/ops": "principal via deploy"}},
	{name: "wildcard trust", acct: roleWith("public", trust(`{"AWS":"*"}`, ""), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{"*": "anyone via public"}},
	{name: "bare star trust", acct: roleWith("public", trust(`"*"`, ""), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{"*": "anyone via public"}},
	{name: "service principal", acct: roleWith("web", withSid(trust(`{"Service":"ec2.amazonaws.com"}`, ""), "EC2"), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{"ec2.amazonaws.com": "service via web"}, trustSid: "EC2"},
	{name: "ExternalId condition",
		acct:   roleWith("vendor", trust(`{"AWS":"`+otherRoot+`"}`, `{"StringEquals":{"sts:ExternalId":"s3cr3t"}}`), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{otherRoot: "account via vendor needs ExternalId"}},
	{name: "MFA condition",
		acct:   roleWith("breakglass", trust(`{"AWS":"`+otherRoot+`"}`, `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{otherRoot: "account via breakglass needs MFA"}},
	{name: "ExternalId and MFA",
		acct: roleWith("vendor", trust(`{"AWS":"`+otherRoot+`"}`,
			`{"StringEquals":{"sts:ExternalId":"s3cr3t"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}`), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{otherRoot: "account via vendor needs ExternalId,MFA"}},
	{name: "explicit deny in the role", acct: roleWith("vendor", trust(`{"AWS":"`+otherRoot+`"}`, ""),
		map[string]string{"read": doc(allow("s3:*", "*"), deny("s3:GetObject", "arn:aws:s3:::reports/*"))}),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{}},
	{name: "explicit deny leaves other actions", acct: roleWith("vendor", trust(`{"AWS":"`+otherRoot+`"}`, ""),
		map[string]string{"read": doc(allow("s3:*", "*"), deny("s3:GetObject", "arn:aws:s3:::reports/*"))}),
		action: "s3:PutObject", resource: s3Key,
		want: map[string]string{otherRoot: "account via vendor"}},
	{name: "role without the permission", acct: roleWith("vendor", trust(`{"AWS":"`+otherRoot+`"}`, ""), readReports),
		action: "s3:DeleteObject", resource: s3Key,
		want: map[string]string{}},
	{name: "deny in the trust", acct: roleWith("vendor", doc(
		`{"Effect":"Allow","Principal":{"AWS":"`+otherRoot+`"},"Action":"sts:AssumeRole"}`,
		`{"Effect":"Deny","Principal":{"AWS":"`+otherRoot+`"},"Action":"sts:AssumeRole"}`), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{}},
	{name: "condition the principal fails", acct: roleWith("internal-only",
		trust(`"*"`, `{"StringEquals":{"aws:PrincipalAccount":"`+acct+`"}}`), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{}},
	{name: "condition on a key the graph lacks", acct: roleWith("org",
		trust(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{"*": "anyone via org needs aws:PrincipalOrgID"}},
	{name: "service with a source condition", acct: roleWith("fn",
		trust(`{"Service":"lambda.amazonaws.com"}`, `{"StringEquals":{"aws:SourceAccount":"`+acct+`"}}`), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{"lambda.amazonaws.com": "service via fn needs aws:SourceAccount"}},
	{name: "federated provider", acct: roleWith("github", doc(
		`{"Effect":"Allow","Principal":{"Federated":"`+oidc+`"},"Action":"sts:AssumeRoleWithWebIdentity",`+
			`"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}`), readReports),
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{oidc: "federated via github needs token.actions.githubusercontent.com:aud"}},
	{name: "chain through a further role", acct: &Account{ID: acct, Roles: []Role{
		role("entry", trust(`{"AWS":"`+otherRoot+`"}`, ""), map[string]string{"hop": doc(allow("sts:AssumeRole", arn("role", "data")))}),
		role("data", trust(`{"AWS":"`+arn("role", "entry")+`"}`, ""), readReports)}},
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{otherRoot: "account via entry,data"}},
	{name: "chain ending in a deny", acct: &Account{ID: acct, Roles: []Role{
		role("entry", trust(`{"AWS":"`+otherRoot+`"}`, ""), map[string]string{"hop": doc(allow("sts:AssumeRole", arn("role", "data")))}),
		role("data", trust(`{"AWS":"`+arn("role", "entry")+`"}`, ""),
			map[string]string{"read": doc(allow("s3:*", "*"), deny("s3:GetObject", "*"))})}},
		action: "s3:GetObject", resource: s3Key,
		want: map[string]string{}},
	{name: "escalation from the role it enters", acct: roleWith("builder", trust(`{"AWS":"`+otherRoot+`"}`, ""),
		map[string]string{"self": doc(allow("iam:PutRolePolicy", arn("role", "builder")))}),
		action: "dynamodb:DeleteTable", resource: "*",
		want: map[string]string{otherRoot: "account via builder,builder [sts-001]"}}, // rewrites its own policy (iam-005)
}

// describe renders an outside path in the case's short form.
func describe(p Path) string {
	var roles []string
	for _, a := range p.Path[1:] {
		roles = append(roles, shortARN(a))
	}
	s := p.External + " via " + strings.Join(roles, ",")
	if p.Technique != "" {
		s += " [" + p.Technique + "]"
	}
	if len(p.Needs) > 0 {
		s += " needs " + strings.Join(p.Needs, ",")
	}
	return s
}

func TestWhoCanOutside(t *testing.T) {
	for _, c := range outsideCases {
		t.Run(c.name, func(t *testing.T) {
			g := Build(c.acct, Options{Now: testNow})
			if len(g.Warnings) > 0 {
				t.Fatalf("warnings: %v", g.Warnings)
			}
			got := map[string]string{}
			internalDone := false
			for _, p := range g.WhoCan(c.action, c.resource) {
				if p.External == "" {
					if internalDone {
						t.Errorf("internal %s listed after an outside principal", p.Principal)
					}
					if p.Assumption != "" || len(p.Trust) > 0 {
						t.Errorf("internal %s marked as outside: %+v", p.Principal, p)
					}
					continue
				}
				internalDone = true
				got[p.Principal] = describe(p)
				if p.Assumption == "" {
					t.Errorf("%s: no assumption stated", p.Principal)
				}
				if len(p.Trust) == 0 {
					t.Errorf("%s: no trust statement cited", p.Principal)
				}
				for _, st := range p.Trust {
					if !strings.HasSuffix(st.Policy, "#trust") || st.Layer != "resource" || st.Effect != "Allow" || st.Line == 0 {
						t.Errorf("%s: trust citation %+v", p.Principal, st)
					}
					if c.trustSid != "" && st.Sid != c.trustSid {
						t.Errorf("%s: cites Sid %q, want %q", p.Principal, st.Sid, c.trustSid)
					}
				}
				if len(p.Statements) == 0 && p.Technique == "" {
					t.Errorf("%s: neither deciding statements nor a technique", p.Principal)
				}
			}
			if len(got) != len(c.want) {
				t.Errorf("outside principals %v, want %v", got, c.want)
			}
			for k, want := range c.want {
				if got[k] != want {
					t.Errorf("%s: %q, want %q", k, got[k], want)
				}
			}
		})
	}
}

// TestGoldenWhoCanDumps pins who-can on the real dumps, one line per entry:
// the account's own principals as they were before outside principals were
// listed (the golden's own lines were checked against that), then the
// outside ones.
func TestGoldenWhoCanDumps(t *testing.T) {
	queries := [][2]string{{"iam:CreateUser", "*"}, {"s3:GetObject", "arn:aws:s3:::b/k"}, {"ec2:RunInstances", "*"},
		{"ssm:SendCommand", "*"}, {"kms:Decrypt", "*"}}
	for _, name := range []string{"iam-vulnerable", "small"} {
		t.Run(name, func(t *testing.T) {
			g := Build(mustLoad(t, name+".json"), Options{Now: testNow})
			var b bytes.Buffer
			for _, q := range queries {
				b.WriteString("== " + q[0] + " " + q[1] + "\n")
				for _, p := range g.WhoCan(q[0], q[1]) {
					b.WriteString(whoCanLine(p) + "\n")
				}
			}
			path := filepath.Join("testdata", "golden", "who-can-"+name+".txt")
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("who-can differs from %s (run go test -update):\n%s", path, b.Bytes())
			}
		})
	}
}

// whoCanLine is one who-can entry in short: kind, path, technique, needs and
// the deciding statements as POLICY#INDEX.
func whoCanLine(p Path) string {
	kind := "own"
	if p.External != "" {
		kind = "external " + p.External
	}
	var sts []string
	for _, s := range p.Statements {
		sts = append(sts, shortARN(s.Policy)+"#"+itoa(s.Index))
	}
	line := kind + " " + strings.Join(p.Path, " > ")
	if p.Technique != "" {
		line += " [" + p.Technique + "]"
	}
	if len(p.Needs) > 0 {
		line += " needs " + strings.Join(p.Needs, ",")
	}
	return line + " by " + strings.Join(sts, " ")
}

func TestOutsideAdminsAndPaths(t *testing.T) {
	a := &Account{ID: acct, Roles: []Role{
		role("entry", trust(`{"AWS":"`+otherRoot+`"}`, ""), map[string]string{"hop": doc(allow("sts:AssumeRole", arn("role", "admin")))}),
		role("admin", trust(`{"AWS":"`+arn("role", "entry")+`"}`, ""), map[string]string{"all": adminDoc})}}
	g := Build(a, Options{Now: testNow})
	var outside []Admin
	for _, ad := range g.Admins() {
		if ad.Path.External != "" {
			outside = append(outside, ad)
		}
	}
	if len(outside) != 1 || outside[0].Principal != otherRoot || !outside[0].Hidden ||
		strings.Join(outside[0].Path.Path, " ") != otherRoot+" "+arn("role", "entry")+" "+arn("role", "admin") {
		t.Errorf("outside admins: %+v", outside)
	}
	p := g.Paths(otherRoot, arn("role", "admin"))
	if len(p) != 1 || p[0].External != OutsideAccount || len(p[0].Steps) != 2 || p[0].Assumption == "" {
		t.Errorf("Paths from outside: %+v", p)
	}
	if p := g.Paths(arn("role", "admin"), otherRoot); p != nil {
		t.Errorf("nobody inside becomes the other account: %+v", p)
	}
}

// TestGoldenWhoCanOutside pins the `console who-can` JSON of outside entries.
func TestGoldenWhoCanOutside(t *testing.T) {
	for _, q := range []struct{ golden, fixture, action, resource string }{
		{"who-can-cross-account", "cross-account", "s3:GetObject", s3Key},
		{"who-can-outside", "outside", "s3:GetObject", s3Key},
	} {
		t.Run(q.golden, func(t *testing.T) {
			got, err := json.MarshalIndent(Build(fixtures[q.fixture], Options{Now: testNow}).WhoCan(q.action, q.resource), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", q.golden+".json")
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
		})
	}
}

package graph

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCredentialFindings(t *testing.T) {
	old := testNow.Add(-200 * 24 * time.Hour)
	recent := testNow.Add(-10 * 24 * time.Hour)
	a := &Account{ID: acct, CredentialsKnown: true, Root: &Root{MFAEnabled: false, AccessKeys: 1},
		Users: []User{
			func() User {
				u := user("pat", nil, nil)
				u.CreateDate = old
				u.LoginProfile = &LoginProfile{CreateDate: old}
				u.PasswordLastUsed = old
				u.AccessKeys = []AccessKey{{ID: "AKIAOLD", Status: "Active", CreateDate: old, LastUsed: old}}
				return u
			}(),
			func() User {
				u := user("quinn", nil, nil)
				u.CreateDate = old
				u.LoginProfile = &LoginProfile{CreateDate: old}
				u.PasswordLastUsed = recent
				u.MFADevices = []MFADevice{{Serial: "arn:aws:iam::" + acct + ":mfa/quinn", EnableDate: old}}
				return u
			}(),
		},
		Roles: []Role{func() Role {
			r := role("idle", trust(`{"Service":"ec2.amazonaws.com"}`, ""), nil)
			r.CreateDate = old
			return r
		}()},
		Policies: []ManagedPolicy{func() ManagedPolicy {
			p := managed("orphan", doc(allow("iam:PassRole", "*")))
			p.AttachmentCount = 0
			return p
		}()},
	}
	fs := Build(a, Options{Now: testNow}).Findings(testNow)
	got := map[string]string{}
	for _, f := range fs {
		got[f.Type+" "+shortARN(f.Principal)] = f.Severity
	}
	for _, want := range []string{"RootWithoutMFA arn:aws:iam::111122223333:root", "RootAccessKey arn:aws:iam::111122223333:root",
		"UserWithoutMFA pat", "StaleAccessKey pat", "InactiveUser pat", "UnusedRole idle", "UnusedPolicy orphan", "WildcardPolicy orphan"} {
		if _, ok := got[want]; !ok {
			t.Errorf("missing finding %q; got %v", want, got)
		}
	}
	for _, not := range []string{"UserWithoutMFA quinn", "InactiveUser quinn"} {
		if _, ok := got[not]; ok {
			t.Errorf("unexpected finding %q", not)
		}
	}
	// The JSON contract of `console findings`.
	b, err := json.Marshal(fs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"Type"`, `"Severity"`, `"Principal"`, `"Explanation"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("finding JSON lacks %s: %s", k, b)
		}
	}
}

func TestWhoCanPathsAndStatements(t *testing.T) {
	g := Build(fixtures["esc-access-key"], Options{Now: testNow})
	paths := g.WhoCan("ec2:TerminateInstances", "arn:aws:ec2:us-east-1:"+acct+":instance/i-1")
	if len(paths) != 2 {
		t.Fatalf("want hank (via root-like) and root-like, got %+v", paths)
	}
	hank := paths[0]
	if hank.Principal != arn("user", "hank") || strings.Join(hank.Path, " ") != arn("user", "hank")+" "+arn("user", "root-like") ||
		len(hank.Steps) != 1 || hank.Steps[0].Technique != "iam-002" || len(hank.Steps[0].Steps[0].Statements) != 1 || len(hank.Statements) != 1 {
		t.Errorf("hank's path: %+v", hank)
	}
	b, _ := json.Marshal(hank)
	for _, k := range []string{`"Principal"`, `"Path"`, `"Statements"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("who-can JSON lacks %s", k)
		}
	}
	if p := g.Paths(arn("user", "hank"), arn("user", "root-like")); len(p) != 1 {
		t.Errorf("Paths: %+v", p)
	}
	if p := g.Paths(arn("user", "root-like"), arn("user", "hank")); p != nil {
		t.Errorf("Paths backwards: %+v", p)
	}
	wc := g.WhatCan(arn("user", "hank"))
	if len(wc) != 1 || wc[0].Service != "iam" || wc[0].Permissions[0].Action != "iam:CreateAccessKey" || len(wc[0].Permissions[0].Statements) != 1 {
		t.Errorf("WhatCan: %+v", wc)
	}
}

// TestPermissiveTrust: a trust is flagged when someone outside the account,
// "*", a whole account or one named principal of another account, may assume
// the role with no ExternalId, MFA or other condition; the engine decides
// the conditions, by way of the can-assume edges.
func TestPermissiveTrust(t *testing.T) {
	const saml = "arn:aws:iam::" + acct + ":saml-provider/corp"
	extUser := "arn:aws:iam::" + other + ":user/bob"
	extSession := "arn:aws:sts::" + other + ":assumed-role/ci/build"
	cases := []struct {
		name  string
		trust string
		users []User
		// want: "SEVERITY FROM" of the finding, "" for none.
		want string
		// held: "FROM NEEDS" of the can-assume edge the conditions hold back,
		// so that a missing finding is the engine's doing, not a missed match.
		held string
	}{
		{name: "anyone", trust: trust(`{"AWS":"*"}`, ""), want: "Critical *"},
		{name: "whole other account", trust: trust(`{"AWS":"`+otherRoot+`"}`, ""), want: "High " + otherRoot},
		{name: "external role", trust: trust(`{"AWS":"`+ciRole+`"}`, ""), want: "Medium " + ciRole},
		{name: "external user", trust: trust(`{"AWS":"`+extUser+`"}`, ""), want: "Medium " + extUser},
		{name: "external role session", trust: trust(`{"AWS":"`+extSession+`"}`, ""), want: "Medium " + extSession},
		{name: "external role with ExternalId", trust: trust(`{"AWS":"`+ciRole+`"}`, `{"StringEquals":{"sts:ExternalId":"s3cr3t"}}`),
			held: ciRole + " ExternalId"},
		{name: "external user with MFA", trust: trust(`{"AWS":"`+extUser+`"}`, `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`),
			held: extUser + " MFA"},
		{name: "external user with MFA age", trust: trust(`{"AWS":"`+extUser+`"}`, `{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`),
			held: extUser + " MFA"},
		{name: "whole account with ExternalId", trust: trust(`{"AWS":"`+otherRoot+`"}`, `{"StringEquals":{"sts:ExternalId":"s3cr3t"}}`),
			held: otherRoot + " ExternalId"},
		{name: "external role in the organization", trust: trust(`{"AWS":"`+ciRole+`"}`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`),
			held: ciRole + " aws:PrincipalOrgID"},
		{name: "external role denied", trust: doc(
			`{"Effect":"Allow","Principal":{"AWS":"`+ciRole+`"},"Action":"sts:AssumeRole"}`,
			`{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}`)},
		{name: "same-account user", trust: trust(`{"AWS":"`+arn("user", "sam")+`"}`, ""),
			users: []User{user("sam", nil, map[string]string{"assume": doc(allow("sts:AssumeRole", "*"))})}},
		{name: "same-account root", trust: trust(`{"AWS":"arn:aws:iam::`+acct+`:root"}`, "")},
		{name: "service", trust: trust(`{"Service":"ec2.amazonaws.com"}`, "")},
		// Providers are flagged when nothing says which of their users
		// (TestFederatedTrust has the rest).
		{name: "federated SAML", trust: doc(`{"Effect":"Allow","Principal":{"Federated":"` + saml + `"},"Action":"sts:AssumeRoleWithSAML"}`),
			want: "Medium " + saml},
		{name: "federated OIDC", trust: doc(`{"Effect":"Allow","Principal":{"Federated":"` + oidc + `"},"Action":"sts:AssumeRoleWithWebIdentity"}`),
			want: "Critical " + oidc},
		{name: "federated SAML with SAML:aud", trust: doc(`{"Effect":"Allow","Principal":{"Federated":"` + saml + `"},"Action":"sts:AssumeRoleWithSAML",
			"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &Account{ID: acct, Users: c.users, Roles: []Role{role("target", withSid(c.trust, "Door"), readReports)}}
			g := Build(a, Options{Now: testNow})
			if len(g.Warnings) > 0 {
				t.Fatalf("warnings: %v", g.Warnings)
			}
			var got []Finding
			for _, f := range g.Findings(testNow) {
				if f.Type == FindingPermissiveTrust {
					got = append(got, f)
				}
			}
			if c.held != "" {
				from, needs := strings.SplitN(c.held, " ", 2)[0], strings.SplitN(c.held, " ", 2)[1]
				if e := g.canAssume(from, arn("role", "target")); e == nil || strings.Join(e.Needs, ",") != needs {
					t.Errorf("want a can-assume edge from %s needing %s, got %+v", from, needs, e)
				}
			}
			if c.want == "" {
				if len(got) > 0 {
					t.Fatalf("unexpected finding: %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one finding %q, got %+v", c.want, got)
			}
			f := got[0]
			from, target := strings.SplitN(c.want, " ", 2)[1], arn("role", "target")
			if s := f.Severity + " " + f.Path[0]; s != c.want || f.Principal != target || len(f.Path) != 2 || f.Path[1] != target {
				t.Errorf("finding %+v, want %s -> %s", f, c.want, target)
			}
			// The finding holds exactly when the graph draws a plain can-assume edge.
			if e := g.canAssume(from, target); e == nil || len(e.Needs) > 0 {
				t.Errorf("no plain can-assume edge from %s: %+v", from, e)
			}
			if !strings.Contains(f.Explanation, "statement 0 (Door)") {
				t.Errorf("explanation does not cite the trust statement: %s", f.Explanation)
			}
		})
	}
}

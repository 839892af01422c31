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

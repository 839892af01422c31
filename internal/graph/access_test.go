package graph

import (
	"testing"
)

// opsAdmin is the hand-made account of the review tests: alice is a member
// of developers, whose policy lets its members assume ops-admin, which
// holds full access; bob has a read grant of his own and no group.
func opsAdmin() *Account {
	const id = "111122223333"
	admin := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	return &Account{ID: id,
		Users: []User{
			{Name: "alice", ID: "AIDAALICE", ARN: "arn:aws:iam::" + id + ":user/alice", Path: "/", Groups: []string{"developers"}},
			{Name: "bob", ID: "AIDABOB", ARN: "arn:aws:iam::" + id + ":user/bob", Path: "/", Inline: []InlinePolicy{{Name: "Reports",
				Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`}}},
		},
		Groups: []Group{{Name: "developers", ID: "AGPADEV", ARN: "arn:aws:iam::" + id + ":group/developers", Path: "/",
			Inline: []InlinePolicy{{Name: "AssumeOpsAdmin",
				Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::` + id + `:role/ops-admin"}]}`}}}},
		Roles: []Role{{Name: "ops-admin", ID: "AROAOPS", ARN: "arn:aws:iam::" + id + ":role/ops-admin", Path: "/",
			Trust:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + id + `:root"},"Action":"sts:AssumeRole"}]}`,
			Attached: []AttachedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}}},
		Policies: []ManagedPolicy{{Name: "AdministratorAccess", ID: "ANPAADMIN", ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Path: "/",
			DefaultVersion: "v1", IsAttachable: true, Versions: []PolicyVersion{{ID: "v1", Document: admin, IsDefault: true}}}},
	}
}

// TestAccessQueries: a principal's path to admin said in words, a group's
// share of its members' access and the member it makes an admin.
func TestAccessQueries(t *testing.T) {
	g := Build(opsAdmin(), Options{})
	arn := func(kind, name string) string { return "arn:aws:iam::111122223333:" + kind + "/" + name }
	say := func(a Admin) string { return SayHops(a.Principal, g.Tell(a.Path)) }
	for _, c := range []struct {
		arn    string
		group  bool
		said   string // "" when it cannot become admin
		action string // an action its access lists
	}{
		{arn("user", "alice"), false, "alice — member of → developers — can assume → ops-admin — has → AdministratorAccess", "sts:AssumeRole"},
		{arn("group", "developers"), true, "alice — member of → developers — can assume → ops-admin — has → AdministratorAccess", "sts:AssumeRole"},
		{arn("role", "ops-admin"), false, "ops-admin — has → AdministratorAccess", "*"},
		{arn("user", "bob"), false, "", "s3:GetObject"},
	} {
		t.Run(c.arn, func(t *testing.T) {
			a, ok := g.AdminOf(c.arn)
			perms := g.WhatCan(c.arn)
			if c.group {
				a, ok = g.GroupAdmin(c.arn)
				perms = g.GroupCan(c.arn)
			}
			got := ""
			if ok {
				got = say(a)
			}
			if got != c.said {
				t.Errorf("admin path %q, want %q", got, c.said)
			}
			found := false
			for _, sp := range perms {
				for _, p := range sp.Permissions {
					found = found || p.Action == c.action
				}
			}
			if !found {
				t.Errorf("no %s in %+v", c.action, perms)
			}
		})
	}
	if m := g.GroupMembers(arn("group", "developers")); len(m) != 1 || m[0] != arn("user", "alice") {
		t.Errorf("members %v", m)
	}
	if g.GroupCan(arn("group", "nobody")) != nil || g.GroupMembers(arn("group", "nobody")) != nil {
		t.Error("an unknown group has access or members")
	}
	if _, ok := g.GroupAdmin(arn("group", "nobody")); ok {
		t.Error("an unknown group makes admins")
	}
}

package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
)

// cloneAccount copies the entity lists, so a change to the copy leaves the
// original (and the graph built from it) as it was.
func cloneAccount(a *Account) *Account {
	b := *a
	b.Users = append([]User(nil), a.Users...)
	b.Groups = append([]Group(nil), a.Groups...)
	b.Roles = append([]Role(nil), a.Roles...)
	b.Policies = append([]ManagedPolicy(nil), a.Policies...)
	for i := range b.Users {
		b.Users[i].Groups = append([]string(nil), b.Users[i].Groups...)
		b.Users[i].Inline = append([]InlinePolicy(nil), b.Users[i].Inline...)
	}
	for i := range b.Roles {
		b.Roles[i].Inline = append([]InlinePolicy(nil), b.Roles[i].Inline...)
	}
	for i := range b.Policies {
		b.Policies[i].Versions = append([]PolicyVersion(nil), b.Policies[i].Versions...)
	}
	return &b
}

// mutate makes one random change of the kinds Update is told about and
// returns the changed ARNs.
func mutate(rng *rand.Rand, a *Account) []string {
	switch k := rng.Intn(8); {
	case k == 0 && len(a.Users) > 0: // a user's policy
		u := &a.Users[rng.Intn(len(a.Users))]
		u.Inline = []InlinePolicy{{Name: "own", Document: doc(allow("iam:CreateAccessKey", "*"), allow("sts:AssumeRole", "*"))}}
		return []string{u.ARN}
	case k == 1: // a new user
		u := user(fmt.Sprintf("new%d", rng.Intn(1000)), nil, map[string]string{"own": doc(allow("iam:PutUserPolicy", "*"))})
		a.Users = append(a.Users, u)
		return []string{u.ARN}
	case k == 2 && len(a.Roles) > 1: // a role removed
		i := rng.Intn(len(a.Roles))
		r := a.Roles[i]
		a.Roles = append(a.Roles[:i:i], a.Roles[i+1:]...)
		return []string{r.ARN}
	case k == 3 && len(a.Groups) > 0 && len(a.Users) > 0: // a membership
		u, gr := &a.Users[rng.Intn(len(a.Users))], a.Groups[rng.Intn(len(a.Groups))]
		u.Groups = append(u.Groups, gr.Name)
		return []string{u.ARN, gr.ARN}
	case k == 4 && len(a.Roles) > 0: // a trust
		r := &a.Roles[rng.Intn(len(a.Roles))]
		r.Trust = trust(`{"AWS":"arn:aws:iam::`+acct+`:root"}`, "")
		return []string{r.ARN}
	case k == 5: // a managed policy's default version
		for i := range a.Policies {
			if a.Policies[i].Name == "shared" || a.Policies[i].Name == "readonly" {
				a.Policies[i].Versions = []PolicyVersion{{ID: "v1", IsDefault: true, Document: doc(allow("iam:AttachUserPolicy", "*"))}}
				return []string{a.Policies[i].ARN}
			}
		}
	case k == 6 && len(a.Roles) > 0: // an attachment
		r := &a.Roles[rng.Intn(len(a.Roles))]
		r.Attached = append(append([]AttachedPolicy(nil), r.Attached...), AttachedPolicy{Name: "admin", ARN: arn("policy", "admin")})
		return []string{r.ARN}
	}
	u := &a.Users[0]
	u.Inline = nil
	return []string{u.ARN}
}

// sameGraph compares everything a reader sees: nodes, edges, warnings,
// findings, admins.
func sameGraph(t *testing.T, what string, got, want *Graph) {
	t.Helper()
	j1, _ := got.JSON()
	j2, _ := want.JSON()
	if !bytes.Equal(j1, j2) {
		t.Errorf("%s: JSON differs (%d nodes, %d edges; built %d nodes, %d edges)", what, len(got.Nodes), len(got.Edges), len(want.Nodes), len(want.Edges))
		for i := 0; i < len(got.Edges) && i < len(want.Edges); i++ {
			if fmt.Sprint(got.Edges[i]) != fmt.Sprint(want.Edges[i]) {
				t.Errorf("first edge difference:\n got %+v\nwant %+v", got.Edges[i], want.Edges[i])
				break
			}
		}
		return
	}
	f1, _ := json.Marshal(got.Findings(testNow))
	f2, _ := json.Marshal(want.Findings(testNow))
	a1, _ := json.Marshal(got.Admins())
	a2, _ := json.Marshal(want.Admins())
	if !bytes.Equal(f1, f2) || !bytes.Equal(a1, a2) {
		t.Errorf("%s: findings or admins differ", what)
	}
}

// TestUpdateEqualsBuild: after random changes to random accounts and to the
// generated ones, Update answers what a fresh build answers, and the graph
// it started from is unchanged.
func TestUpdateEqualsBuild(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	seeds := 150
	if testing.Short() {
		seeds = 30
	}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		for _, setMin := range []int{0, 1} {
			a := randomAccount(seed)
			opts := Options{Now: testNow, setMin: setMin}
			g := Build(a, opts)
			before, _ := g.JSON()
			b := cloneAccount(a)
			changed := mutate(rng, b)
			if rng.Intn(3) == 0 {
				changed = append(changed, mutate(rng, b)...)
			}
			got, err := g.Update(context.Background(), b, changed, opts)
			if err != nil {
				t.Fatal(err)
			}
			sameGraph(t, fmt.Sprintf("seed %d set %d change %v", seed, setMin, changed), got, Build(b, opts))
			if after, _ := g.JSON(); !bytes.Equal(before, after) {
				t.Fatalf("seed %d: Update changed the graph it started from", seed)
			}
		}
	}
	for name, a := range map[string]*Account{"gen-2000": generate(2000), "dense-500": generateDense(500)} {
		g := Build(a, Options{Now: testNow})
		for i := 0; i < 3; i++ {
			b := cloneAccount(a)
			changed := mutate(rng, b)
			got, err := g.Update(context.Background(), b, changed, Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			sameGraph(t, fmt.Sprintf("%s change %v", name, changed), got, Build(b, Options{Now: testNow}))
		}
	}
}

// TestDroppedDocuments: a built graph keeps no parsed document of users' and
// roles' inline policies, and still lints them, lists what they allow and
// updates from them, as before, and as a graph that kept them answers.
func TestDroppedDocuments(t *testing.T) {
	a := &Account{ID: acct, Users: []User{
		user("wild", nil, map[string]string{"all": doc(allow("*", "*")), "pass": doc(allow("iam:PassRole", "*"))}),
		user("plain", nil, map[string]string{"own": doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))}),
	}, Roles: []Role{role("r", trust(`{"AWS":"`+arn("user", "plain")+`"}`, ""), map[string]string{"work": doc(allow("sqs:*", "*"))})}}
	g := Build(a, Options{Now: testNow})
	for _, p := range g.principals {
		for i, ip := range p.inline {
			if ip.doc != nil || p.docs[i] != nil {
				t.Fatalf("%s: inline policy %s still parsed once built", p.arn, ip.name)
			}
		}
	}
	wild := 0
	for _, f := range g.Findings(testNow) {
		if f.Type == FindingWildcardPolicy {
			wild++
			if f.Principal != arn("user", "wild") {
				t.Errorf("wildcard finding on %s", f.Principal)
			}
		}
	}
	if wild != 2 {
		t.Errorf("%d wildcard findings for the two inline policies, want 2", wild)
	}
	what := func(g *Graph) string {
		b, _ := json.Marshal([]any{g.WhatCan(arn("user", "plain")), g.WhatCan(arn("role", "r")), g.WhatCan(arn("user", "wild"))})
		return string(b)
	}
	if w := what(g); !bytes.Contains([]byte(w), []byte("s3:GetObject")) || !bytes.Contains([]byte(w), []byte("sqs:*")) {
		t.Errorf("WhatCan after the documents were dropped: %s", w)
	}
	b := cloneAccount(a)
	b.Users[1].Inline = append(b.Users[1].Inline, InlinePolicy{Name: "more", Document: doc(allow("iam:CreateAccessKey", "*"))})
	got, err := g.Update(context.Background(), b, []string{b.Users[1].ARN}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	want := Build(b, Options{Now: testNow})
	sameGraph(t, "after an update", got, want)
	if what(got) != what(want) {
		t.Errorf("WhatCan after Update:\n%s\nwant\n%s", what(got), what(want))
	}
}

package graph

import (
	"strings"
	"sync"

	"github.com/iamconsole/console/internal/policy"
)

// The action pre-filter. Asking the engine about every technique for every
// principal and every target grows with the square of the account; most
// principals cannot do most catalogue actions on anything. A principal's
// actionSet holds each catalogue action that some Allow statement of its
// identity policies names (Action pattern or NotAction). An action outside the
// set cannot be allowed, whatever the resource, so skipping it loses nothing;
// an action inside it is still decided by the engine, resource, conditions,
// denies and boundary included. The filter never decides "allowed".

// universe is every action the techniques and probes ask about, lower-cased.
var universe = func() map[string]int {
	m := map[string]int{}
	add := func(a string) {
		a = strings.ToLower(a)
		if _, ok := m[a]; !ok {
			m[a] = len(m)
		}
	}
	for _, t := range catalogue {
		for _, a := range t.Required {
			add(a)
		}
	}
	for _, a := range []string{"sts:AssumeRole", "iam:PassRole", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
		"iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutGroupPolicy",
		"iam:AttachGroupPolicy", "iam:AddUserToGroup", "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:CreateLoginProfile",
		"iam:UpdateLoginProfile", "iam:UpdateAssumeRolePolicy"} {
		add(a)
	}
	return m
}()

// universeExact indexes the same actions as written in the catalogue, so
// the common lookups skip lower-casing.
var universeExact = func() map[string]int {
	m := map[string]int{}
	for _, t := range catalogue {
		for _, a := range t.Required {
			m[a] = universe[strings.ToLower(a)]
		}
	}
	for a, i := range universe {
		m[a] = i
	}
	m["sts:AssumeRole"] = universe["sts:assumerole"]
	m["iam:PassRole"] = universe["iam:passrole"]
	return m
}()

type actionSet []uint64

func (s actionSet) may(action string) bool {
	i, ok := universeExact[action]
	if !ok {
		i, ok = universe[strings.ToLower(action)]
	}
	if !ok {
		return true
	}
	return i/64 < len(s) && s[i/64]&(1<<(i%64)) != 0
}

func (s actionSet) union(o actionSet) {
	for i := range o {
		s[i] |= o[i]
	}
}

// allowedActions is the union of docSet over the documents; shared managed
// policies are scanned once per build.
func (g *Graph) allowedActions(docs []*policy.Document) actionSet {
	s := make(actionSet, (len(universe)+63)/64)
	for _, d := range docs {
		ds, ok := g.docSets[d]
		if !ok {
			ds = docSet(d)
			if g.docSets != nil { // nil once built
				g.docSets[d] = ds
			}
		}
		s.union(ds)
	}
	return s
}

func docSet(d *policy.Document) actionSet {
	s := make(actionSet, (len(universe)+63)/64)
	for _, st := range d.Statements {
		if st.Effect == policy.Allow {
			s.union(stmtSet(st))
		}
	}
	return s
}

// patternSets caches the catalogue actions each Action pattern matches:
// policies repeat the same few patterns.
var patternSets sync.Map // lower-cased pattern -> actionSet

// stmtSet is the set of catalogue actions a statement applies to (its Action
// patterns, or everything its NotAction leaves).
func stmtSet(st policy.Statement) actionSet {
	s := make(actionSet, (len(universe)+63)/64)
	for _, pat := range st.Action {
		s.union(patternSet(pat))
	}
	if st.NotAction {
		for i := range s {
			s[i] = ^s[i]
		}
	}
	return s
}

func patternSet(pat string) actionSet {
	key := strings.ToLower(pat)
	if v, ok := patternSets.Load(key); ok {
		return v.(actionSet)
	}
	s := make(actionSet, (len(universe)+63)/64)
	for a, i := range universe {
		if policy.MatchAction(key, a) {
			s[i/64] |= 1 << (i % 64)
		}
	}
	patternSets.Store(key, s)
	return s
}

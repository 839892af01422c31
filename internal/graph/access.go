package graph

import (
	"sort"
	"strings"

	"github.com/iamconsole/console/internal/policy"
)

// GroupCan is what a group gives each of its members, by service: the
// permissions its own policies allow, judged as for a member that holds no
// other policy and no boundary (a real member may be held back by its
// boundary, or given more by its own policies; its WhatCan says so). A
// group is not a principal: nobody signs in as one, so this is the group's
// share of its members' access. Nil when the graph has no such group.
func (g *Graph) GroupCan(groupARN string) []ServicePermissions {
	gi := g.groups[groupARN]
	if gi == nil {
		return nil
	}
	acct := arnAccount(groupARN)
	p := &principal{arn: groupARN, name: gi.src.Name, kind: KindGroup, docs: gi.docs,
		req: policy.Principal{ARN: "arn:aws:iam::" + acct + ":user/member-of-" + gi.src.Name, Name: "member-of-" + gi.src.Name,
			Account: acct, Type: policy.PrincipalUser}}
	p.in.Identity = gi.policies
	return byService(g.permissions(p, true))
}

// AdminOf is the path to full access of one of the account's principals,
// if it has one: the Admins entry for that principal alone, without
// walking every other.
func (g *Graph) AdminOf(principalARN string) (Admin, bool) {
	p := g.byARN[principalARN]
	if p == nil {
		return Admin{}, false
	}
	rr := g.adminRes[p.arn]
	if rr == nil {
		return Admin{}, false
	}
	path, ok := g.adminPathOf(rr)
	if !ok {
		return Admin{}, false
	}
	return Admin{Principal: p.arn, Hidden: rr.admin.hop != 0 || rr.admin.edge != nil, Path: path}, true
}

// GroupAdmin is how membership of a group makes its members admins: the
// first member (in ARN order) whose path to full access starts with a
// statement of one of the group's policies, and that path. A member that is
// an admin by its own policies does not count: the group is not why.
func (g *Graph) GroupAdmin(groupARN string) (Admin, bool) {
	gi := g.groups[groupARN]
	if gi == nil {
		return Admin{}, false
	}
	own := map[string]bool{}
	for _, at := range gi.src.Attached {
		own[at.ARN] = true
	}
	members := append([]*principal(nil), gi.members...)
	sort.Slice(members, func(i, j int) bool { return members[i].arn < members[j].arn })
	for _, m := range members {
		a, ok := g.AdminOf(m.arn)
		if !ok {
			continue
		}
		first := a.Path.Statements
		if len(a.Path.Steps) > 0 {
			first = nil
			for _, st := range a.Path.Steps[0].Steps {
				first = append(first, st.Statements...)
			}
		}
		for _, st := range first {
			if own[st.Policy] || strings.HasPrefix(st.Policy, groupARN+"#") {
				return a, true
			}
		}
	}
	return Admin{}, false
}

// GroupMembers lists the ARNs of a group's members, in ARN order.
func (g *Graph) GroupMembers(groupARN string) []string {
	gi := g.groups[groupARN]
	if gi == nil {
		return nil
	}
	out := make([]string, 0, len(gi.members))
	for _, m := range gi.members {
		out = append(out, m.arn)
	}
	sort.Strings(out)
	return out
}

// byService groups permissions by service prefix (lower case), in prefix
// order; NotAction permissions ("NotAction:a,b") reach every service but
// the named ones, and are filed under "*".
func byService(perms []Permission) []ServicePermissions {
	by := map[string][]Permission{}
	for _, perm := range perms {
		svc := perm.Action
		if strings.HasPrefix(svc, "NotAction:") {
			svc = "*"
		} else if i := strings.IndexByte(svc, ':'); i >= 0 {
			svc = strings.ToLower(svc[:i])
		}
		by[svc] = append(by[svc], perm)
	}
	out := make([]ServicePermissions, 0, len(by))
	for s, ps := range by {
		out = append(out, ServicePermissions{Service: s, Permissions: ps})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out
}

// groupOf is the group, of those principal is a member of, whose policy
// decides one of sts; nil when none does.
func (g *Graph) groupOf(principal string, sts []Statement) *Group {
	p := g.byARN[principal]
	if p == nil {
		return nil
	}
	for _, st := range sts {
		for _, gi := range p.groups {
			if strings.HasPrefix(st.Policy, gi.src.ARN+"#") {
				return gi.src
			}
			for _, at := range gi.src.Attached {
				if at.ARN == st.Policy {
					return gi.src
				}
			}
		}
	}
	return nil
}

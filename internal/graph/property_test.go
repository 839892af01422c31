package graph

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/policy"
)

// randomAccount makes a small account (at most 30 principals) with random
// memberships, trusts, escalation permissions on "*", on patterns and on
// single targets, MFA conditions, denies and administrators.
func randomAccount(seed int64) *Account {
	rng := rand.New(rand.NewSource(seed))
	a := &Account{ID: acct}
	nu, nr, ng := 2+rng.Intn(16), 1+rng.Intn(10), rng.Intn(4)
	a.Policies = append(a.Policies, managed("admin", adminDoc), managed("shared", doc(allow("iam:PutUserPolicy", arn("user", "u1*")))))
	for i := 0; i < ng; i++ {
		var st []string
		switch rng.Intn(4) {
		case 0:
			st = append(st, allow("iam:CreateAccessKey", "*"))
		case 1:
			st = append(st, allow("s3:GetObject", "*"))
		case 2:
			st = append(st, allow("iam:AttachGroupPolicy", arn("group", fmt.Sprintf("g%d", i))))
		}
		gr := Group{Name: fmt.Sprintf("g%d", i), ID: fmt.Sprintf("AGPAG%d", i), ARN: arn("group", fmt.Sprintf("g%d", i)), Path: "/"}
		if len(st) > 0 {
			gr.Inline = []InlinePolicy{{Name: "p", Document: doc(st...)}}
		}
		switch rng.Intn(4) {
		case 0:
			gr.Attached = []AttachedPolicy{{Name: "admin", ARN: arn("policy", "admin")}}
		case 1:
			gr.Attached = []AttachedPolicy{{Name: "shared", ARN: arn("policy", "shared")}}
		}
		a.Groups = append(a.Groups, gr)
	}
	target := func() string {
		switch rng.Intn(6) {
		case 0, 1:
			return "*"
		case 2:
			return arn("user", "*")
		case 3:
			return arn("role", "*")
		case 4:
			return arn("user", fmt.Sprintf("u%d", rng.Intn(nu)))
		}
		return arn("role", fmt.Sprintf("r%d*", rng.Intn(nr)))
	}
	perms := func() []string {
		var st []string
		for k := rng.Intn(3); k > 0; k-- {
			t := target()
			var s string
			switch rng.Intn(16) {
			case 0:
				s = allow("iam:CreateAccessKey", t)
			case 1:
				s = allow("iam:CreateLoginProfile", t)
			case 2:
				s = allow("iam:UpdateAssumeRolePolicy", t)
			case 3:
				s = allow("iam:AddUserToGroup", "*")
			case 4:
				s = allow("iam:PutUserPolicy", t)
			case 5:
				s = allow("iam:AttachRolePolicy", t)
			case 6:
				s = allow("iam:PutGroupPolicy", "*")
			case 7:
				s = allow("iam:CreatePolicyVersion", "*")
			case 8:
				s = allow("iam:PassRole", t) + "," + allow("lambda:CreateFunction", "*") + "," + allow("lambda:InvokeFunction", "*")
			case 9:
				s = allow("sts:AssumeRole", t)
			case 10: // allowed only with MFA
				s = `{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"` + t + `","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`
			case 11:
				s = deny("iam:*", arn("user", fmt.Sprintf("u%d", rng.Intn(nu))))
			case 12: // self-service: the policy variable decides the target
				s = allow("iam:CreateAccessKey", "arn:aws:iam::*:user/${aws:username}")
			case 13:
				s = allow("iam:PutUserPolicy", "arn:aws:iam::*:user/${aws:username}*")
			case 14:
				s = deny("iam:CreateAccessKey", "arn:aws:iam::"+acct+":user/${aws:username}") + "," + allow("iam:CreateAccessKey", t)
			default:
				s = allow("s3:GetObject", "arn:aws:s3:::data/*")
			}
			st = append(st, s)
		}
		if len(st) == 0 {
			st = append(st, allow("s3:ListBucket", "*"))
		}
		return st
	}
	for i := 0; i < nu; i++ {
		var groups []string
		for j := 0; j < ng; j++ {
			if rng.Intn(3) == 0 {
				groups = append(groups, fmt.Sprintf("g%d", j))
			}
		}
		var att []string
		if rng.Intn(12) == 0 {
			att = append(att, arn("policy", "admin"))
		}
		a.Users = append(a.Users, user(fmt.Sprintf("u%d", i), groups, map[string]string{"own": doc(perms()...)}, att...))
	}
	for i := 0; i < nr; i++ {
		var tr string
		switch rng.Intn(4) {
		case 0:
			tr = trust(`{"Service":"lambda.amazonaws.com"}`, "")
		case 1:
			tr = trust(`{"AWS":"arn:aws:iam::`+acct+`:root"}`, "")
		case 2:
			tr = trust(`{"AWS":"`+arn("user", fmt.Sprintf("u%d", rng.Intn(nu)))+`"}`, "")
		default:
			tr = trust(`{"AWS":"arn:aws:iam::`+acct+`:root"}`, `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`)
		}
		var att []string
		if rng.Intn(8) == 0 {
			att = append(att, arn("policy", "admin"))
		}
		a.Roles = append(a.Roles, role(fmt.Sprintf("r%d", i), tr, map[string]string{"own": doc(perms()...)}, att...))
	}
	return a
}

// reference is the brute-force answer: every pair asked of the engine, every
// edge explicit, a breadth-first search from every principal.
type reference struct {
	g       *Graph // for the compiled inputs only
	nodes   map[string]*principal
	edges   map[string]bool     // from|to|technique
	reach   map[string][]string // node -> nodes it becomes (can-assume, GainPrincipal, join)
	rewrite map[string][]string // node -> principals whose permissions it rewrites
	admin   map[string]bool     // full access from its own policies
}

func (r *reference) allowed(p *principal, action, resource string, extra map[string][]string, res *policy.Policy) bool {
	for _, ctx := range []map[string][]string{nil, mfaKeys} {
		m := map[string][]string{"aws:SecureTransport": {"true"}, "aws:TokenIssueTime": {r.g.now.Format("2006-01-02T15:04:05Z")}}
		for k, v := range extra {
			m[k] = v
		}
		for k, v := range ctx {
			m[k] = v
		}
		in := p.in
		in.Resource = res
		if policy.Decide(&in, &policy.Request{Principal: p.req, Action: action, Resource: resource, Context: policy.NewContext(m), Time: r.g.now}) == policy.Allowed {
			return true
		}
	}
	return false
}

func newReference(a *Account) *reference {
	g := Build(a, Options{Now: testNow})
	r := &reference{g: g, nodes: map[string]*principal{}, edges: map[string]bool{}, reach: map[string][]string{}, rewrite: map[string][]string{}, admin: map[string]bool{}}
	// Whose permissions each entity defines.
	affects := map[string][]string{}
	for _, u := range a.Users {
		affects[u.ARN] = append(affects[u.ARN], u.ARN)
		for _, at := range u.Attached {
			affects[at.ARN] = append(affects[at.ARN], u.ARN)
		}
		for _, gn := range u.Groups {
			affects[arn("group", gn)] = append(affects[arn("group", gn)], u.ARN)
			for _, gr := range a.Groups {
				if gr.Name == gn {
					for _, at := range gr.Attached {
						affects[at.ARN] = append(affects[at.ARN], u.ARN)
					}
				}
			}
		}
	}
	for _, ro := range a.Roles {
		affects[ro.ARN] = append(affects[ro.ARN], ro.ARN)
		for _, at := range ro.Attached {
			affects[at.ARN] = append(affects[at.ARN], ro.ARN)
		}
	}
	var starts []*principal
	for _, u := range a.Users {
		starts = append(starts, g.byARN[u.ARN])
	}
	for _, ro := range a.Roles {
		starts = append(starts, g.byARN[ro.ARN])
	}
	full := func(p *principal) bool {
		for _, pr := range probes {
			if !r.allowed(p, pr, "*", nil, nil) {
				return false
			}
		}
		return true
	}
	edge := func(from, to, tech string, reach bool) {
		r.edges[from+"|"+to+"|"+tech] = true
		if reach {
			r.reach[from] = append(r.reach[from], to)
		}
	}
	// techniques asks every technique of the given kinds for p on every target.
	techniques := func(p *principal, kinds map[techKind]bool) {
		for ti := range catalogue {
			t := &catalogue[ti]
			if !kinds[t.kind] {
				continue
			}
			var targets []string
			switch t.kind {
			case kindModifyPolicy:
				for _, mp := range a.Policies {
					if len(affects[mp.ARN]) > 0 {
						targets = append(targets, mp.ARN)
					}
				}
			case kindModifyUser, kindCreateAccessKey, kindCreateLoginProfile, kindUpdateLoginProfile:
				for _, u := range a.Users {
					if t.kind == kindModifyUser || u.ARN != p.arn {
						targets = append(targets, u.ARN)
					}
				}
			case kindModifyRole, kindUpdateTrust, kindPassRole:
				for _, ro := range a.Roles {
					if t.kind == kindModifyRole || ro.ARN != p.arn {
						targets = append(targets, ro.ARN)
					}
				}
			case kindModifyGroup, kindJoinGroup:
				for _, gr := range a.Groups {
					if t.kind == kindJoinGroup && (p.kind != KindUser || p.base != nil || member(p, g.groups[gr.ARN]) || len(g.groups[gr.ARN].policies) == 0) {
						continue
					}
					if t.kind == kindModifyGroup && len(affects[gr.ARN]) == 0 {
						continue
					}
					targets = append(targets, gr.ARN)
				}
			}
			for _, to := range targets {
				ok := true
				for _, act := range t.Required {
					switch {
					case t.kind != kindPassRole:
						ok = ok && r.allowed(p, act, to, nil, nil)
					case act == "iam:PassRole":
						ok = ok && r.allowed(p, act, to, map[string][]string{"iam:PassedToService": {t.services[0]}}, nil) &&
							strings.Contains(roleOf(a, to).Trust, t.services[0])
					default:
						ok = ok && r.allowed(p, act, strings.ReplaceAll(t.resources[act], "{account}", acct), nil, nil)
					}
				}
				if !ok {
					continue
				}
				switch t.kind {
				case kindModifyPolicy, kindModifyUser, kindModifyRole, kindModifyGroup:
					r.edges[p.key()+"|"+to+"|"+t.ID] = true
					if p.base != nil && to == p.group.src.ARN {
						r.admin[p.key()] = true // its own group: full access
					}
					r.rewrite[p.key()] = append(r.rewrite[p.key()], affects[to]...)
				case kindJoinGroup:
					edge(p.arn, p.arn+"+"+to, t.ID, true)
					r.edges[p.arn+"|"+to+"|"+t.ID] = true
				default:
					edge(p.arn, to, t.ID, true)
				}
			}
		}
	}
	allKinds := map[techKind]bool{kindModifyPolicy: true, kindModifyUser: true, kindModifyRole: true, kindModifyGroup: true, kindJoinGroup: true,
		kindCreateAccessKey: true, kindCreateLoginProfile: true, kindUpdateLoginProfile: true, kindUpdateTrust: true, kindPassRole: true}
	for _, p := range starts {
		r.nodes[p.arn] = p
		if full(p) {
			r.admin[p.arn] = true
			continue
		}
		techniques(p, allKinds)
	}
	for _, p := range starts {
		for _, ro := range a.Roles {
			if t := g.trusts[ro.ARN]; t != nil && ro.ARN != p.arn && r.allowed(p, "sts:AssumeRole", ro.ARN, nil, t) {
				edge(p.arn, ro.ARN, "sts-001", true)
			}
		}
	}
	// Users after joining a group: full access, or the rewrites they could make.
	for from, tos := range r.reach {
		for _, to := range tos {
			if !strings.Contains(to, "+") {
				continue
			}
			p, gi := g.byARN[from], g.groups[to[strings.Index(to, "+")+1:]]
			x := *p
			x.base, x.group, x.pkey = p, gi, to
			x.in.Identity = append(append([]*policy.Policy(nil), p.in.Identity...), gi.policies...)
			r.nodes[to] = &x
			if full(&x) {
				r.admin[to] = true
			} else {
				techniques(&x, map[techKind]bool{kindModifyPolicy: true, kindModifyUser: true, kindModifyGroup: true})
			}
		}
	}
	return r
}

func roleOf(a *Account, arn string) *Role {
	for i := range a.Roles {
		if a.Roles[i].ARN == arn {
			return &a.Roles[i]
		}
	}
	return &Role{}
}

// bfs is everything x becomes.
func (r *reference) bfs(x string) map[string]bool {
	seen := map[string]bool{x: true}
	queue := []string{x}
	for i := 0; i < len(queue); i++ {
		if strings.Contains(queue[i], "+") {
			continue // a pseudo principal's own escalations are not followed
		}
		for _, n := range r.reach[queue[i]] {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	return seen
}

func (r *reference) isAdmin(x string) bool {
	reached := r.bfs(x)
	for h := range reached {
		if r.admin[h] {
			return true
		}
		for _, c := range r.rewrite[h] {
			if reached[c] {
				return true
			}
		}
	}
	return false
}

// checkPath: every step is an edge of the reference, in a chain from the
// principal.
func (r *reference) checkPath(t *testing.T, what string, p Path) {
	t.Helper()
	at := p.Principal
	for _, s := range p.Steps {
		if s.From != at && !strings.HasPrefix(s.From, at+"+") {
			t.Errorf("%s: step %s -> %s does not start at %s (path %v)", what, s.From, s.To, at, p.Path)
		}
		if !r.edges[s.From+"|"+s.To+"|"+s.Technique] {
			t.Errorf("%s: step %s -%s-> %s is no edge of the reference", what, s.From, s.Technique, s.To)
		}
		at = s.To
		if s.Gain == GainGroup {
			at = s.From + "+" + s.To
		}
	}
}

// TestAgainstReference compares admins, who-can and paths with the brute
// force reference on random small accounts, with set nodes as the account
// has them and with every class drawn as a set.
func TestAgainstReference(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 40
	}
	queries := [][2]string{{"s3:GetObject", "arn:aws:s3:::data/x"}, {"iam:CreateUser", arn("user", "new")}, {"s3:ListBucket", "arn:aws:s3:::b"}}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		a := randomAccount(seed)
		ref := newReference(a)
		var want []string
		for _, u := range a.Users {
			if ref.isAdmin(u.ARN) {
				want = append(want, u.ARN)
			}
		}
		for _, ro := range a.Roles {
			if ref.isAdmin(ro.ARN) {
				want = append(want, ro.ARN)
			}
		}
		for _, setMin := range []int{0, 1} {
			g := Build(a, Options{Now: testNow, setMin: setMin})
			var got []string
			for _, ad := range g.Admins() {
				if ad.Path.External == "" {
					got = append(got, ad.Principal)
					ref.checkPath(t, fmt.Sprintf("seed %d set %d admin %s", seed, setMin, shortARN(ad.Principal)), ad.Path)
				}
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("seed %d set %d: admins\n got %v\nwant %v", seed, setMin, got, want)
			}
			for _, q := range queries {
				direct := map[string]bool{}
				for k, p := range ref.nodes {
					if ref.allowed(p, q[0], q[1], nil, nil) {
						direct[k] = true
					}
				}
				var want []string
				for _, s := range append(append([]string(nil), usersOf(a)...), rolesOf(a)...) {
					ok := ref.isAdmin(s)
					for n := range ref.bfs(s) {
						ok = ok || direct[n]
					}
					if ok {
						want = append(want, s)
					}
				}
				var got []string
				for _, p := range g.WhoCan(q[0], q[1]) {
					if p.External == "" {
						got = append(got, p.Principal)
						ref.checkPath(t, fmt.Sprintf("seed %d set %d who-can %s %s", seed, setMin, q[0], shortARN(p.Principal)), p)
					}
				}
				sort.Strings(got)
				sort.Strings(want)
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("seed %d set %d: who can %s\n got %v\nwant %v", seed, setMin, q[0], got, want)
				}
			}
			g.Findings(testNow)
		}
	}
}

func usersOf(a *Account) (out []string) {
	for _, u := range a.Users {
		out = append(out, u.ARN)
	}
	return out
}

func rolesOf(a *Account) (out []string) {
	for _, r := range a.Roles {
		out = append(out, r.ARN)
	}
	return out
}

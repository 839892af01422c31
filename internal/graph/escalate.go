package graph

import (
	"fmt"
	"strings"

	"github.com/iamconsole/console/internal/policy"
)

// probes define full access: a principal is an administrator when the engine
// allows every one of these on any resource, the last being an action of a
// service that does not exist, which only "Action": "*" (or a NotAction that
// spares it) grants. iam:* with ec2:* and s3:* is not full access here, though
// it escalates to it (and shows up as a hidden admin).
var probes = []string{"iam:CreateUser", "iam:PutUserPolicy", "iam:AttachRolePolicy", "iam:CreatePolicyVersion",
	"iam:CreateAccessKey", "sts:AssumeRole", "s3:GetObject", "s3:PutBucketPolicy", "ec2:RunInstances",
	"lambda:CreateFunction", "kms:Decrypt", "dynamodb:Scan", "secretsmanager:GetSecretValue", "cloudtrail:StopLogging",
	"organizations:LeaveOrganization", "iamconsole-probe:AnyFutureAction"}

// fullAccessOf reports whether the inputs allow every probe, with the steps.
func (g *Graph) fullAccessOf(p *principal) ([]Step, bool) {
	var steps []Step
	for _, a := range probes {
		d, _ := g.eval(p, a, "*", nil, nil)
		if !d.Allowed() {
			return nil, false
		}
		if len(steps) == 0 {
			steps = append(steps, Step{Action: "*", Resource: "*", Statements: statements(d.Deciding())})
		}
	}
	return steps, true
}

func (g *Graph) fullAccess() {
	for _, p := range g.principals {
		if g.stopped() {
			return
		}
		if q := g.unchanged(p.arn); q != nil {
			if steps, ok := g.prev.admin[q.arn]; ok {
				g.admin[p.arn] = steps
			}
			continue
		}
		if steps, ok := g.fullAccessOf(p); ok {
			g.admin[p.arn] = steps
		}
	}
}

// trustsService asks the engine whether the role's trust lets the service
// assume it (cached per role and service).
func (g *Graph) trustsService(r *principal, service string) bool {
	k := svcKey{r.arn, service} // no string made per question: the keys are kept
	g.mu.Lock()
	v, cached := g.svcTrust[k]
	g.mu.Unlock()
	if cached {
		return v
	}
	ok := false
	if t := g.trusts[r.arn]; t != nil {
		in := policy.Inputs{Resource: t}
		ok = policy.Decide(&in, &policy.Request{Principal: policy.Principal{ARN: service, Type: policy.PrincipalService},
			Action: "sts:AssumeRole", Resource: r.arn, Context: g.context(nil), Time: g.now}) == policy.Allowed
	}
	g.mu.Lock()
	g.svcTrust[k] = ok
	g.mu.Unlock()
	return ok
}

type svcKey struct{ role, service string }

// resource is the representative ARN of what the technique creates or uses,
// in the principal's own account.
func (g *Graph) resource(p *principal, t *Technique, action string) string {
	if r, ok := t.resources[action]; ok {
		return strings.ReplaceAll(r, "{account}", p.req.Account)
	}
	return "*"
}

// all asks for every action of actions on resource, collecting steps.
func (g *Graph) all(p *principal, actions []string, resource string, extra map[string][]string) ([]Step, bool, bool) {
	var steps []Step
	anyMFA := false
	for _, a := range actions {
		s, mfa, ok := g.allows(p, a, resource, extra)
		if !ok {
			return nil, false, false
		}
		anyMFA = anyMFA || mfa
		steps = append(steps, s)
	}
	return steps, anyMFA, true
}

// escalationEdges evaluates every technique for every principal that is not
// already an administrator, on every target that meets the prerequisites.
func (g *Graph) escalationEdges() {
	a := g.acct
	for _, p := range g.principals {
		if _, ok := g.admin[p.arn]; ok || g.stopped() {
			continue
		}
		for ti := range catalogue {
			t := &catalogue[ti]
			if t.kind == kindComposite || t.kind == kindAssume {
				continue
			}
			if !p.mask.mayAny(t) || !g.mayAll(p, t.Required) {
				continue
			}
			if g.upd != nil && g.unchanged(p.arn) != nil && !g.upd.kinds[targetKind(t)] {
				g.copyEdges(p.arn, func(e *Edge) bool { return e.Kind == EdgeEscalation && e.Technique == t.ID })
				continue
			}
			g.technique(p, t, a)
		}
	}
}

func (g *Graph) mayAll(p *principal, actions []string) bool {
	for _, a := range actions {
		if !p.mask.may(a) {
			return false
		}
	}
	return true
}

// techBits are each technique's required actions as a set, for a quick
// look at whether a principal's statements name any of them.
var techBits = func() map[string]actionSet {
	m := map[string]actionSet{}
	for _, t := range catalogue {
		m[t.ID] = bitsOf(t.Required)
	}
	return m
}()

// mayAny: p's statements name at least one required action of t (mayAll
// then checks them all).
func (s actionSet) mayAny(t *Technique) bool { return s.meets(techBits[t.ID]) }

// technique adds p's edges for one technique: the targets that meet its
// prerequisites, asked class by class (classes.go).
func (g *Graph) technique(p *principal, t *Technique, a *Account) {
	tg := g.techniqueTargets(p, t, a)
	cls := g.classesOf(p, tg.actions, tg.targets, tg.keys, tg.list, tg.skip)
	for c := range cls.classes {
		if g.stopped() {
			return
		}
		e, ok := g.techniqueOn(p, t, tg.targets[cls.classes[c][0]])
		if !ok {
			continue
		}
		cl := cls.members(c)
		if len(cl) <= g.setMin || t.kind == kindSetDefaultVersion {
			g.addEdge(e)
			for _, i := range cl[1:] {
				if e, ok := g.techniqueOn(p, t, tg.targets[i]); ok {
					g.addEdge(e)
				}
			}
			continue
		}
		g.setEdge(e, setMembers(tg.targets, cl, tg.self, p.arn))
	}
}

// techTargets are the targets of one principal's technique, and how the
// engine is asked about them.
type techTargets struct {
	targets, keys []string
	actions       []string // the actions classes are told apart by
	self          int      // where p would be among its own targets, for a set (setMembers)
	skip          int      // p's place in targets when it is listed but not a target
	list          *targetList
}

// techniqueTargets lists what technique t can take over for p: the
// policies, users, roles or groups that meet its prerequisites.
func (g *Graph) techniqueTargets(p *principal, t *Technique, a *Account) techTargets {
	tg := techTargets{actions: t.Required, self: -1, skip: -1}
	switch t.kind {
	case kindModifyPolicy, kindSetDefaultVersion:
		for _, mp := range a.Policies {
			if mp.AWSManaged() || len(g.affects[mp.ARN]) == 0 || (t.kind == kindSetDefaultVersion && len(mp.Versions) < 2) {
				continue // nothing to switch to, or nobody it applies to
			}
			tg.targets = append(tg.targets, mp.ARN)
		}
	case kindModifyUser, kindCreateAccessKey, kindRotateAccessKey, kindCreateLoginProfile, kindUpdateLoginProfile:
		// The users who meet the prerequisites are the same for every
		// principal: listed once per build, p left out of them by skip
		// rather than by a copy of the list without it.
		tg.list = g.userTargets(t)
		tg.targets = tg.list.arns
		if t.kind != kindModifyUser && p.kind == KindUser && p.base == nil {
			if at, ok := tg.list.at[p.arn]; ok {
				tg.self = at
				if at < len(tg.targets) && tg.targets[at] == p.arn {
					tg.skip = at
				}
			}
		}
	case kindModifyRole, kindUpdateTrust:
		tg.targets = make([]string, 0, len(a.Roles))
		for _, r := range g.principals {
			if r.kind == KindRole && (t.kind != kindUpdateTrust || r != p) {
				tg.targets = append(tg.targets, r.arn)
			} else if r == p && r.kind == KindRole {
				tg.self = len(tg.targets)
			}
		}
	case kindModifyGroup, kindJoinGroup:
		if t.kind == kindJoinGroup && p.kind != KindUser {
			return tg
		}
		for _, gr := range a.Groups {
			gi := g.groups[gr.ARN]
			if t.kind == kindModifyGroup && len(gi.members) == 0 {
				continue
			}
			if t.kind == kindJoinGroup && (member(p, gi) || len(gi.policies) == 0) {
				continue
			}
			tg.targets = append(tg.targets, gr.ARN)
		}
	case kindPassRole, kindExistingRole:
		tg.actions = nil // the other requests are on representative ARNs
		for _, act := range t.Required {
			if strings.EqualFold(act, "iam:PassRole") {
				tg.actions = []string{act}
			}
		}
		cands := g.computeRoles(t)
		for i, r := range cands.roles {
			if r == p {
				tg.self = len(tg.targets)
			}
			if r == p || r.req.Account != p.req.Account {
				continue // compute runs in the principal's account, with that account's roles
			}
			tg.targets, tg.keys = append(tg.targets, r.arn), append(tg.keys, cands.svcs[i])
		}
	}
	return tg
}

// setMembers lists a class's targets for its set, with the principal itself
// at its place when the technique leaves it out (acting as oneself gains
// nothing, and a search never steps there): every holder of the technique
// on the whole kind then shares one set instead of one each without itself.
func setMembers(targets []string, cl []int, self int, arn string) []string {
	members := make([]string, 0, len(cl)+1)
	for _, i := range cl {
		if i >= self && self >= 0 {
			members, self = append(members, arn), -1
		}
		members = append(members, targets[i])
	}
	if self >= 0 {
		members = append(members, arn)
	}
	return members
}

// roleCands are the roles a compute technique can take over: those with an
// instance profile when it needs one, trusting one of its services (the
// first, in svcs).
type roleCands struct {
	roles []*principal
	svcs  []string
}

// computeRoles is roleCands for technique t, found once per build: every
// principal holding the technique asks about the same roles.
func (g *Graph) computeRoles(t *Technique) *roleCands {
	if c := g.roleCands[t.ID]; c != nil {
		return c
	}
	c := &roleCands{}
	for _, r := range g.principals {
		if r.kind != KindRole || t.instanceProfile && len(r.role.InstanceProfiles) == 0 {
			continue
		}
		if svc := g.roleService(r, t); svc != "" {
			c.roles, c.svcs = append(c.roles, r), append(c.svcs, svc)
		}
	}
	g.roleCands[t.ID] = c
	return c
}

// userTargets is the users that meet technique t's prerequisites as
// anyone's target (userMeets), made once per build and kind: every user
// holding the technique asks about the same users, but itself.
func (g *Graph) userTargets(t *Technique) *targetList {
	if l := g.userLists[t.kind]; l != nil {
		return l
	}
	us := g.acct.Users
	l := &targetList{index: make(map[string]int, len(us)), at: make(map[string]int, len(us))}
	for i := range us {
		u := &us[i]
		l.at[u.ARN] = len(l.arns)
		if g.userMeets(t, u) {
			l.index[u.ARN] = len(l.arns)
			l.arns = append(l.arns, u.ARN)
		}
	}
	if g.userLists == nil {
		g.userLists = map[techKind]*targetList{}
	}
	g.userLists[t.kind] = l
	return l
}

// userMeets: u meets the technique's prerequisites as a target (a
// technique other than a policy change is never its holder's own target:
// technique leaves the holder out).
func (g *Graph) userMeets(t *Technique, u *User) bool {
	if !g.acct.CredentialsKnown {
		return t.kind != kindRotateAccessKey // iam-002 covers a user whose keys are unknown
	}
	switch t.kind {
	case kindCreateAccessKey:
		return len(u.AccessKeys) < 2
	case kindRotateAccessKey:
		return len(u.AccessKeys) >= 2
	case kindCreateLoginProfile:
		return u.LoginProfile == nil
	case kindUpdateLoginProfile:
		return u.LoginProfile != nil
	}
	return true
}

// roleService is the first of the technique's services that role r trusts,
// "" for none.
func (g *Graph) roleService(r *principal, t *Technique) string {
	for _, s := range t.services {
		if g.trustsService(r, s) {
			return s
		}
	}
	return ""
}

// techniqueOn asks the engine whether p can use technique t on one target,
// and makes the edge.
func (g *Graph) techniqueOn(p *principal, t *Technique, target string) (Edge, bool) {
	gain := GainArbitrary
	switch t.kind {
	case kindSetDefaultVersion:
		gain = GainVersion
	case kindCreateAccessKey, kindRotateAccessKey, kindCreateLoginProfile, kindUpdateLoginProfile, kindUpdateTrust, kindPassRole, kindExistingRole:
		gain = GainPrincipal
	case kindJoinGroup:
		gain = GainGroup
	}
	var steps []Step
	var mfa, ok bool
	switch t.kind {
	case kindPassRole, kindExistingRole:
		r := g.byARN[target]
		svc := ""
		if r != nil {
			svc = g.roleService(r, t)
		}
		if svc == "" {
			return Edge{}, false
		}
		ok = true
		for _, act := range t.Required {
			var s Step
			var m bool
			if strings.EqualFold(act, "iam:PassRole") {
				s, m, ok = g.allows(p, act, target, map[string][]string{"iam:PassedToService": {svc}})
			} else {
				s, m, ok = g.allows(p, act, g.resource(p, t, act), nil)
			}
			if !ok {
				return Edge{}, false
			}
			mfa = mfa || m
			steps = append(steps, s)
		}
	default:
		if steps, mfa, ok = g.all(p, t.Required, target, nil); !ok {
			return Edge{}, false
		}
	}
	e := Edge{From: p.key(), To: target, Kind: EdgeEscalation, Technique: t.ID, Label: t.Name, Gain: gain, Steps: steps, Assumes: t.existing}
	if mfa {
		e.Needs = []string{"MFA"}
	}
	if !g.acct.CredentialsKnown {
		switch t.kind {
		case kindCreateAccessKey:
			e.Assumes = "fewer than two access keys on the target (the dump does not list keys)"
		case kindCreateLoginProfile:
			e.Assumes = "no console password on the target (the dump does not say)"
		case kindUpdateLoginProfile:
			e.Assumes = "a console password on the target (the dump does not say)"
		}
	}
	return e, true
}

func member(p *principal, gi *groupInfo) bool {
	for _, x := range p.groups {
		if x == gi {
			return true
		}
	}
	return false
}

// pseudoFor is user p with group gi's policies added: what p becomes after
// adding itself to gi.
func (g *Graph) pseudoFor(p *principal, gi *groupInfo) *principal {
	k := p.arn + "+" + gi.src.ARN
	if x, ok := g.pseudo[k]; ok {
		return x
	}
	x := *p
	x.base, x.group, x.pkey = p, gi, k
	x.in.Identity = append(append([]*policy.Policy(nil), p.in.Identity...), gi.policies...)
	x.docs = append(append([]*policy.Document(nil), g.docsOf(p)...), gi.docs...)
	x.mask = g.allowedActions(x.docs)
	g.pseudo[k] = &x
	return &x
}

func describeGain(e *Edge) string {
	switch e.Gain {
	case GainPrincipal:
		return "acts as " + e.To
	case GainArbitrary:
		return "can rewrite the permissions of " + e.To
	case GainGroup:
		return "can add itself to " + e.To
	case GainVersion:
		return "can switch " + e.To + " to another of its versions"
	}
	return fmt.Sprint(e.Gain)
}

package policy

import (
	"strings"
	"unsafe"
)

// Inputs are the policies that govern one principal's request.
type Inputs struct {
	// Identity: the user's inline and managed policies and its groups' policies, or
	// the role's policies for a role session.
	Identity []*Policy
	// Boundary is the permissions boundary; nil when there is none.
	Boundary *Policy
	// Session holds session policies. nil means the session has none; a non-nil empty
	// slice means session policies were given and allow nothing.
	Session []*Policy
	// Resource is the resource-based policy of the target (a role's trust policy for
	// sts:AssumeRole); nil when there is none. A Trust policy must grant the request
	// (an identity Allow alone does not let anyone assume a role).
	Resource *Policy
	// ResourceAccount owns the resource; "" means the principal's own account. When
	// it differs from the principal's account both sides must allow.
	ResourceAccount string
}

// Decide answers a request as fast as the engine can: it stops at the first explicit
// Deny, skips Allow statements once a layer is known to allow, and records no
// explanation. It allocates nothing for typical requests. Use Evaluate or
// EvaluateInto when the caller needs to know why.
func Decide(in *Inputs, req *Request) Outcome {
	var buf [96]byte
	e := newEvaluator(req, &buf)
	return e.run(in, nil)
}

// Evaluate answers a request with a full explanation: every statement is evaluated
// (no short cuts), so Matched lists all that applied and Missing every context key a
// condition needed.
func Evaluate(in *Inputs, req *Request) Decision {
	var d Decision
	EvaluateInto(in, req, &d)
	return d
}

// EvaluateInto is Evaluate writing into d, reusing d's slices: a caller that keeps a
// Decision per goroutine gets full explanations without allocating.
func EvaluateInto(in *Inputs, req *Request, d *Decision) {
	var buf [96]byte
	e := newEvaluator(req, &buf)
	d.reset()
	d.Outcome = e.run(in, d)
	if in != nil && in.Boundary != nil {
		d.BoundaryAllowed = e.boundaryAllow
	}
}

// grantKind is how a resource policy statement names the caller, which decides
// whether its Allow stands on its own within one account.
type grantKind uint8

const (
	grantNone    grantKind = iota
	grantAccount           // the caller's account (root): delegates to identity policies
	grantRole              // the role behind the caller's session
	grantDirect            // the caller itself, or everyone ("*")
)

type evaluator struct {
	r          *Request
	action     string // lower-cased
	service    string
	actionHash uint64
	key        string // resourceKey of the request's resource
	keyHash    uint64
	hasKey     bool

	boundaryAllow bool
}

// newEvaluator returns the evaluator by value: it holds a string aliasing buf, and
// keeping both in the caller's frame is what lets the hot path allocate nothing.
func newEvaluator(r *Request, buf *[96]byte) evaluator {
	e := evaluator{r: r}
	e.action, e.service = actionKey(buf, r.Action)
	e.actionHash = hashString(e.action)
	if e.key, e.hasKey = resourceKey(r.Resource); e.hasKey {
		e.keyHash = hashString(e.key)
	}
	return e
}

// actionKey returns the lower-cased action and its service prefix.
func actionKey(buf *[96]byte, action string) (string, string) {
	a := lowerInto(buf, action)
	if i := strings.IndexByte(a, ':'); i >= 0 {
		return a, a[:i]
	}
	return a, ""
}

// lowerInto lower-cases ASCII s without allocating when it is short: the result aliases
// buf, which lives in the evaluator on the caller's stack for the duration of one
// decision and is never retained.
func lowerInto(buf *[96]byte, s string) string {
	upper := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			upper = true
			break
		}
	}
	if !upper {
		return s
	}
	if len(s) > len(buf) {
		return strings.ToLower(s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return unsafe.String(&buf[0], len(s))
}

// run applies AWS's evaluation logic. d is nil on the fast path.
func (e *evaluator) run(in *Inputs, d *Decision) Outcome {
	if in == nil {
		in = &Inputs{}
	}
	var idAllow, sessAllow, deny bool
	grant := grantNone
	for _, p := range in.Identity {
		a, dn, _ := e.scan(p, LayerIdentity, d, idAllow && d == nil)
		idAllow = idAllow || a
		if dn {
			if d == nil {
				return ExplicitDeny
			}
			deny = true
		}
	}
	if in.Boundary != nil {
		a, dn, _ := e.scan(in.Boundary, LayerBoundary, d, false)
		e.boundaryAllow = a
		if dn {
			if d == nil {
				return ExplicitDeny
			}
			deny = true
		}
	}
	for _, p := range in.Session {
		a, dn, _ := e.scan(p, LayerSession, d, sessAllow && d == nil)
		sessAllow = sessAllow || a
		if dn {
			if d == nil {
				return ExplicitDeny
			}
			deny = true
		}
	}
	if in.Resource != nil {
		_, dn, g := e.scan(in.Resource, LayerResource, d, false)
		grant = g
		if dn {
			if d == nil {
				return ExplicitDeny
			}
			deny = true
		}
	}
	boundaryOK := in.Boundary == nil || e.boundaryAllow
	// A federated user (GetFederationToken) session without session policies has
	// no permissions from the identity side.
	sessionOK := sessAllow || (in.Session == nil && !e.r.Principal.federated())
	if d != nil {
		d.IdentityAllowed, d.SessionAllowed, d.ResourceAllowed = idAllow, sessionOK, grant != grantNone
	}
	if deny {
		return ExplicitDeny
	}
	trust := in.Resource != nil && in.Resource.Kind == Trust
	// Callers without an account (anonymous, AWS services) are judged by the
	// resource policy alone, whoever owns the resource.
	acct := e.r.Principal.account()
	cross := in.ResourceAccount != "" && acct != "" && in.ResourceAccount != acct
	resourceRequired := cross || trust
	// Within one account, a resource policy naming the caller itself (user or
	// session ARN) allows on its own: implicit denies in identity policies,
	// boundaries and session policies do not limit it. Naming the role behind a
	// session allows without an identity policy, but within the boundary and
	// session policies. Otherwise the identity side must allow, within the
	// boundary and session policies, and the resource side too when it is another
	// account's or a trust policy.
	var layers uint8
	if !cross && grant == grantDirect && !trust {
		layers |= 1 << LayerResource
	}
	// A trust policy naming the caller lets it assume the role without an
	// identity policy, but the caller's boundary (and session policies) must
	// still allow sts:AssumeRole.
	if !cross && grant == grantDirect && trust && boundaryOK && sessionOK {
		layers |= 1<<LayerResource | 1<<LayerBoundary | 1<<LayerSession
	}
	if !cross && grant == grantRole && boundaryOK && sessionOK {
		layers |= 1<<LayerResource | 1<<LayerBoundary | 1<<LayerSession
	}
	if idAllow && boundaryOK && sessionOK && (!resourceRequired || grant != grantNone) {
		layers |= 1<<LayerIdentity | 1<<LayerBoundary | 1<<LayerSession | 1<<LayerResource
	}
	if d != nil {
		d.allowLayers = layers
	}
	if layers != 0 {
		return Allowed
	}
	return ImplicitDeny
}

// scan evaluates one policy's statements that could apply to the action. It reports
// whether some Allow and some Deny statement applied and, for resource policies, the
// strongest way an applying Allow named the caller. skipAllows is the fast path's
// "this layer already allows": only Deny statements can change the answer.
func (e *evaluator) scan(p *Policy, layer Layer, d *Decision, skipAllows bool) (allow, deny bool, grant grantKind) {
	if p == nil {
		return false, false, grantNone
	}
	ent := p.lookup(e.action, e.actionHash, e.service)
	wild := ent.wild
	var keyed []int32
	if e.hasKey {
		keyed, _ = ent.byKey.get(e.keyHash, e.key)
	}
	for len(wild)+len(keyed) > 0 {
		var i int32
		if len(keyed) == 0 || (len(wild) > 0 && wild[0] < keyed[0]) {
			i, wild = wild[0], wild[1:]
		} else {
			i, keyed = keyed[0], keyed[1:]
		}
		st := &p.stmts[i]
		if skipAllows && st.effect == Allow {
			continue
		}
		if !st.matchResource(e.r) {
			continue
		}
		g := grantDirect
		if layer == LayerResource {
			if g = st.matchPrincipal(&e.r.Principal); g == grantNone {
				continue
			}
		}
		if !e.conditions(st, d) {
			continue
		}
		if d != nil {
			d.Matched = append(d.Matched, MatchedStatement{Policy: *st.ref, Layer: layer, Index: int(st.idx),
				Sid: st.sid, Effect: st.effect, Start: st.start, End: st.end})
		}
		if st.effect == Deny {
			deny = true
			if d == nil {
				return allow, deny, grant
			}
			continue
		}
		allow = true
		grant = max(grant, g)
		if d == nil && layer != LayerResource {
			skipAllows = true
		}
	}
	return allow, deny, grant
}

// conditions ANDs a statement's conditions. With an explanation wanted it evaluates
// all of them, so that every missing key is reported.
func (e *evaluator) conditions(st *cstmt, d *Decision) bool {
	ok := true
	for i := range st.conds {
		c := &st.conds[i]
		res, missing := c.eval(e.r)
		if missing != nil && d != nil {
			d.addMissing(missing.orig)
		}
		if !res {
			if d == nil {
				return false
			}
			ok = false
		}
	}
	return ok
}

func (st *cstmt) matchAction(action string) bool {
	if st.bySvc != nil {
		svc, _, _ := strings.Cut(action, ":")
		for _, list := range [2][]int32{st.bySvc[svc], st.anySvc} {
			for _, i := range list {
				if st.actions[i].match(action, nil) {
					return !st.notAction
				}
			}
		}
		return st.notAction
	}
	for i := range st.actions {
		if st.actions[i].match(action, nil) {
			return !st.notAction
		}
	}
	return st.notAction
}

func (st *cstmt) matchResource(r *Request) bool {
	if st.anyResource {
		return true
	}
	for i := range st.resources {
		if st.resources[i].match(r.Resource, r) {
			return !st.notResource
		}
	}
	return st.notResource
}

// matchPrincipal reports how the statement's Principal names the caller. Principal
// names never take wildcards except the whole "*".
func (st *cstmt) matchPrincipal(p *Principal) grantKind {
	if st.notPrincipal {
		// NotPrincipal names principals exactly: an account's root ARN excludes the
		// root user only, and a role ARN does not exclude the role's sessions (AWS:
		// "principals must always name a specific session").
		for i := range st.principals {
			e := &st.principals[i]
			if e.Value == "*" || (e.Type == "AWS" && (e.Value == p.ARN || (p.ID != "" && e.Value == p.ID))) ||
				(e.Type != "AWS" && principalEntryGrant(e, p) == grantDirect) {
				return grantNone
			}
		}
		return grantDirect
	}
	g := grantNone
	for i := range st.principals {
		g = max(g, principalEntryGrant(&st.principals[i], p))
	}
	return g
}

func principalEntryGrant(e *PrincipalEntry, p *Principal) grantKind {
	if e.Value == "*" && (e.Type == "*" || e.Type == "AWS") {
		return grantDirect
	}
	switch e.Type {
	case "AWS":
		switch {
		case p.ARN != "" && e.Value == p.ARN, p.ID != "" && e.Value == p.ID:
			return grantDirect
		case strings.HasPrefix(e.Value, "arn:") && arnField(e.Value, 5) == "root":
			if acct := p.account(); acct != "" && arnField(e.Value, 4) == acct {
				return grantAccount
			}
		case p.kind() == PrincipalRole && e.Value == p.roleARN():
			return grantRole
		}
	case "Service":
		if p.kind() == PrincipalService && e.Value == p.ARN {
			return grantDirect
		}
	case "Federated":
		if e.Value == p.ARN {
			return grantDirect
		}
	case "CanonicalUser":
		if e.Value == p.ID {
			return grantDirect
		}
	}
	return grantNone
}

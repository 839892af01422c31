package policy

import (
	"strings"
	"sync"
	"sync/atomic"
)

// PolicyRef identifies a policy in explanations.
type PolicyRef struct {
	ID        string // ARN for managed policies; any stable identifier for inline ones
	Name      string // policy name (or "user/alice/inline-name" style label)
	VersionID string // managed policy version ("v3"), "" for inline policies
}

// Policy is a compiled policy document: patterns precompiled, condition values parsed,
// statements indexed by action. It is immutable and safe for concurrent use; compile
// once when a policy is created or loaded, evaluate many times.
type Policy struct {
	Ref  PolicyRef
	Kind Kind

	stmts []cstmt
	// Statements are indexed by what their Action element can match, so that a
	// request only visits statements that could apply to its action:
	// exact["s3:getobject"] lists statements naming that action literally,
	// service["s3"] those with a wildcard inside the s3 namespace, and global
	// those that match across services ("*", "*:Get*", NotAction).
	// Each statement is in exactly one list for a given action, and every list is
	// in statement order.
	exact   keyIndex
	service keyIndex
	global  []int32

	// memo maps lower-cased actions to their actionEntry (see index.go). Readers
	// load it without locking; writers rebuild it under mu from memoSrc.
	memo    atomic.Pointer[strTable[*actionEntry]]
	mu      sync.Mutex
	memoSrc map[string]*actionEntry
}

// cstmt is a compiled statement.
type cstmt struct {
	idx        int32
	effect     Effect
	sid        string
	start, end Pos

	notAction bool
	actions   []glob // lower-cased patterns

	notResource bool
	anyResource bool // Resource "*", or no Resource element at all (trust policies)
	resources   []arnPattern

	hasPrincipal bool
	notPrincipal bool
	principals   []PrincipalEntry

	conds []ccond

	rkeys []string // resource keys (index.go); nil: check for every resource

	acts []string   // the Action or NotAction values, lower-cased, for indexing
	ref  *PolicyRef // the policy the statement came from (differs in merged policies)

	// For statements naming many actions (AWS's ReadOnlyAccess names
	// thousands), the patterns by their literal service prefix, and those
	// whose service has a wildcard: an action is matched only against the
	// patterns that could match it. nil for short lists.
	bySvc  map[string][]int32
	anySvc []int32
}

// manyActions is the length of an Action list past which a statement indexes
// its patterns by service.
const manyActions = 16

// indexActions fills bySvc and anySvc from acts.
func (st *cstmt) indexActions() {
	if len(st.acts) <= manyActions {
		return
	}
	st.bySvc = make(map[string][]int32)
	for i, a := range st.acts {
		svc, _, ok := strings.Cut(a, ":")
		if !ok || strings.ContainsAny(svc, "*?") {
			st.anySvc = append(st.anySvc, int32(i))
			continue
		}
		st.bySvc[svc] = append(st.bySvc[svc], int32(i))
	}
}

// Compile turns a parsed document into a Policy. It cannot fail: Parse has refused
// everything that cannot be evaluated, and values an operator cannot read (a date
// that is not a date) simply never match, as in AWS.
func Compile(ref PolicyRef, doc *Document) *Policy {
	p := &Policy{Ref: ref, Kind: doc.Kind}
	vars := doc.Variables()
	p.stmts = make([]cstmt, len(doc.Statements))
	for i := range doc.Statements {
		st := &doc.Statements[i]
		cs := &p.stmts[i]
		*cs = cstmt{idx: int32(i), effect: st.Effect, sid: st.Sid, start: st.Start, end: st.End,
			notAction: st.NotAction, notResource: st.NotResource,
			hasPrincipal: st.HasPrincipal, notPrincipal: st.NotPrincipal, principals: st.Principal}
		// Each list made at its length: grown by appends, a compiled policy
		// (an access graph keeps tens of thousands) carried the unused
		// capacity, and the build the copies.
		if len(st.Action) > 0 {
			cs.actions = make([]glob, 0, len(st.Action))
			cs.acts = make([]string, 0, len(st.Action))
		}
		for _, a := range st.Action {
			// Actions never take policy variables; wildcards only.
			l := strings.ToLower(a)
			cs.actions = append(cs.actions, compileGlob(l, true, false, false))
			cs.acts = append(cs.acts, l)
		}
		if !st.HasResource {
			cs.anyResource = true
		}
		if len(st.Resource) > 0 {
			cs.resources = make([]arnPattern, 0, len(st.Resource))
		}
		for _, r := range st.Resource {
			if r == "*" && !st.NotResource {
				cs.anyResource = true
			}
			cs.resources = append(cs.resources, compileARN(r, vars, true))
		}
		if len(st.Condition) > 0 {
			cs.conds = make([]ccond, 0, len(st.Condition))
		}
		for _, c := range st.Condition {
			cs.conds = append(cs.conds, compileCondition(c, vars))
		}
		cs.rkeys = statementKeys(st)
		cs.indexActions()
		cs.ref = &p.Ref
		p.index(int32(i), cs)
	}
	return p
}

// MustCompile parses and compiles a document known to be valid; it panics on error.
func MustCompile(ref PolicyRef, doc string, kind Kind) *Policy {
	return Compile(ref, MustParse(doc, kind))
}

func (p *Policy) index(i int32, st *cstmt) {
	if st.notAction {
		p.global = append(p.global, i)
		return
	}
	type bucket struct {
		wild bool
		acts []string
	}
	bySvc := map[string]*bucket{}
	var order []string
	for _, l := range st.acts {
		svc, name, ok := strings.Cut(l, ":")
		if !ok || strings.ContainsAny(svc, "*?") {
			p.global = append(p.global, i)
			return
		}
		b := bySvc[svc]
		if b == nil {
			b = &bucket{}
			bySvc[svc] = b
			order = append(order, svc)
		}
		if strings.ContainsAny(name, "*?") {
			b.wild = true
		}
		b.acts = append(b.acts, l)
	}
	for _, svc := range order {
		b := bySvc[svc]
		if b.wild {
			p.service.add(svc, i)
			continue
		}
		for _, a := range b.acts {
			p.exact.add(a, i)
		}
	}
}

// keyIndex maps keys (actions, services) to statement lists: a slice
// searched in order while short, as in most policies, which name a few
// actions; a map past smallKeys. A map per policy was a fifth of a compiled
// short policy's memory (an access graph keeps tens of thousands), and the
// index is read once per policy and action (lookup memoises).
type keyIndex struct {
	few  []keyStmts
	many map[string][]int32
}

type keyStmts struct {
	key   string
	stmts []int32
}

const smallKeys = 8

func (x *keyIndex) get(k string) []int32 {
	if x.many != nil {
		return x.many[k]
	}
	for i := range x.few {
		if x.few[i].key == k {
			return x.few[i].stmts
		}
	}
	return nil
}

// add appends statement i to k's list, once.
func (x *keyIndex) add(k string, i int32) {
	if x.many != nil {
		x.many[k] = appendOnce(x.many[k], i)
		return
	}
	for j := range x.few {
		if x.few[j].key == k {
			x.few[j].stmts = appendOnce(x.few[j].stmts, i)
			return
		}
	}
	if len(x.few) < smallKeys {
		x.few = append(x.few, keyStmts{key: k, stmts: []int32{i}})
		return
	}
	x.many = make(map[string][]int32, 2*smallKeys)
	for _, e := range x.few {
		x.many[e.key] = e.stmts
	}
	x.few = nil
	x.many[k] = appendOnce(x.many[k], i)
}

func appendOnce(l []int32, i int32) []int32 {
	if n := len(l); n > 0 && l[n-1] == i {
		return l
	}
	return append(l, i)
}

// Merge combines compiled policies into one that evaluates exactly as the list does
// (Decide, Evaluate and explanations are unchanged: matched statements still name
// their own policy and index) but indexes all statements together, so a request pays
// one index probe instead of one per policy. Callers that evaluate the same principal
// often can merge its identity policies once (a user's inline, managed and group
// policies) and pass Inputs{Identity: []*Policy{merged}}; rebuild on any change.
// The merged policy's Kind is that of the first policy.
func Merge(ref PolicyRef, ps ...*Policy) *Policy {
	m := &Policy{Ref: ref}
	for _, p := range ps {
		if p == nil {
			continue
		}
		if len(m.stmts) == 0 {
			m.Kind = p.Kind
		}
		for _, st := range p.stmts {
			i := int32(len(m.stmts))
			m.stmts = append(m.stmts, st)
			m.index(i, &m.stmts[i])
		}
	}
	return m
}

// Statements is the number of statements in the policy.
func (p *Policy) Statements() int { return len(p.stmts) }

// ContextKeys lists the condition keys the policy's statements read, each
// once (keys compare whatever their case; the first spelling is kept), in
// the order they are written: what a simulation must be given to decide
// the conditions (IAM's GetContextKeysFor…Policy).
func (p *Policy) ContextKeys() []string {
	var out []string
	seen := map[string]bool{}
	for i := range p.stmts {
		for _, c := range p.stmts[i].conds {
			if !seen[c.key.name] {
				seen[c.key.name] = true
				out = append(out, c.key.orig)
			}
		}
	}
	return out
}

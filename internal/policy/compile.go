package policy

import (
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
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
	return (*Compiler)(nil).Compile(ref, doc)
}

// Compiler compiles many policies that live about as long as one another
// (an access graph's) into shared arrays: the policy, its statements, their
// patterns and action lists are cut from arrays made a few hundred at a
// time rather than allocated each on its own. Tens of thousands of small
// objects made one by one among a build's garbage left that many spans of
// the heap partly used for as long as the policies lived. An array is kept
// while any policy cut from it is. The zero Compiler is ready to use; a nil
// one allocates each piece on its own, as Compile does. Not safe for
// concurrent use.
type Compiler struct {
	policies slab[Policy]
	stmts    slab[cstmt]
	globs    slab[glob]
	arns     slab[arnPattern]
	strs     slab[string]
	flags    slab[bool]
	ints     slab[int32]
}

// slab cuts slices from arrays of T, each array twice the last (from 8 to
// about 32 KB), so that a compiler used for a few policies keeps little
// unused.
type slab[T any] struct {
	free []T
	next int
}

// take is n zero Ts, clipped: an append copies.
func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	if len(s.free) < n {
		var zero T
		limit := max(8, (32<<10)/int(unsafe.Sizeof(zero)))
		if n > limit/4 {
			return make([]T, n) // a long list: its own array
		}
		size := max(s.next, 8)
		s.next = min(2*size, limit)
		s.free = make([]T, max(size, n))
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

// makeN is make([]T, n), nil when n is 0 (a statement's lists were nil
// when empty).
func makeN[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, n)
}

func (c *Compiler) policy() *Policy {
	if c == nil {
		return new(Policy)
	}
	return &c.policies.take(1)[0]
}

func (c *Compiler) cstmts(n int) []cstmt {
	if c == nil {
		return makeN[cstmt](n)
	}
	return c.stmts.take(n)
}

func (c *Compiler) globList(n int) []glob {
	if c == nil {
		return makeN[glob](n)
	}
	return c.globs.take(n)
}

func (c *Compiler) arnList(n int) []arnPattern {
	if c == nil {
		return makeN[arnPattern](n)
	}
	return c.arns.take(n)
}

func (c *Compiler) strList(n int) []string {
	if c == nil {
		return makeN[string](n)
	}
	return c.strs.take(n)
}

func (c *Compiler) boolList(n int) []bool {
	if c == nil {
		return makeN[bool](n)
	}
	return c.flags.take(n)
}

func (c *Compiler) int32List(n int) []int32 {
	if c == nil {
		return makeN[int32](n)
	}
	return c.ints.take(n)
}

// Compile is the package's Compile, the policy cut from c's arrays.
func (c *Compiler) Compile(ref PolicyRef, doc *Document) *Policy {
	p := c.policy()
	p.Ref, p.Kind = ref, doc.Kind
	vars := doc.Variables()
	p.stmts = c.cstmts(len(doc.Statements))
	for i := range doc.Statements {
		st := &doc.Statements[i]
		cs := &p.stmts[i]
		*cs = cstmt{idx: int32(i), effect: st.Effect, sid: st.Sid, start: st.Start, end: st.End,
			notAction: st.NotAction, notResource: st.NotResource,
			hasPrincipal: st.HasPrincipal, notPrincipal: st.NotPrincipal, principals: st.Principal}
		// Each list made at its length: grown by appends, a compiled policy
		// (an access graph keeps tens of thousands) carried the unused
		// capacity, and the build the copies.
		cs.actions, cs.acts = c.globList(len(st.Action)), c.strList(len(st.Action))
		for j, a := range st.Action {
			// Actions never take policy variables; wildcards only.
			l := strings.ToLower(a)
			cs.actions[j], cs.acts[j] = compileGlob(l, true, false, false), l
		}
		if !st.HasResource {
			cs.anyResource = true
		}
		cs.resources = c.arnList(len(st.Resource))
		for j, r := range st.Resource {
			if r == "*" && !st.NotResource {
				cs.anyResource = true
			}
			cs.resources[j] = c.compileARN(r, vars, true)
		}
		if len(st.Condition) > 0 {
			cs.conds = make([]ccond, 0, len(st.Condition))
		}
		for _, cd := range st.Condition {
			cs.conds = append(cs.conds, compileCondition(cd, vars))
		}
		if keys := statementKeys(st); keys != nil {
			cs.rkeys = c.strList(len(keys))
			copy(cs.rkeys, keys)
		}
		cs.indexActions()
		cs.ref = &p.Ref
		p.index(int32(i), cs, c)
	}
	return p
}

// MustCompile parses and compiles a document known to be valid; it panics on error.
func MustCompile(ref PolicyRef, doc string, kind Kind) *Policy {
	return Compile(ref, MustParse(doc, kind))
}

func (p *Policy) index(i int32, st *cstmt, c *Compiler) {
	if st.notAction {
		p.global = append(p.global, i)
		return
	}
	if len(st.acts) <= manyActions {
		p.indexFew(i, st, c)
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
			p.service.add(svc, i, c)
			continue
		}
		for _, a := range b.acts {
			p.exact.add(a, i, c)
		}
	}
}

// indexFew is index for a short Action list, without the map of
// services and its buckets (garbage of every compilation): each service
// in the order it first appears, the lists searched again.
func (p *Policy) indexFew(i int32, st *cstmt, c *Compiler) {
	for _, l := range st.acts {
		if svc, _, ok := strings.Cut(l, ":"); !ok || strings.ContainsAny(svc, "*?") {
			p.global = append(p.global, i)
			return
		}
	}
	svcOf := func(l string) string { svc, _, _ := strings.Cut(l, ":"); return svc }
next:
	for j, l := range st.acts {
		svc := svcOf(l)
		for _, m := range st.acts[:j] {
			if svcOf(m) == svc {
				continue next // not its first appearance
			}
		}
		wild := false
		for _, m := range st.acts[j:] {
			if s, name, _ := strings.Cut(m, ":"); s == svc && strings.ContainsAny(name, "*?") {
				wild = true
				break
			}
		}
		if wild {
			p.service.add(svc, i, c)
			continue
		}
		for _, m := range st.acts[j:] {
			if svcOf(m) == svc {
				p.exact.add(m, i, c)
			}
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
func (x *keyIndex) add(k string, i int32, c *Compiler) {
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
		one := c.int32List(1)
		one[0] = i
		x.few = append(x.few, keyStmts{key: k, stmts: one})
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
			m.index(i, &m.stmts[i], nil)
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

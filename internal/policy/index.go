package policy

import (
	"hash/maphash"
	"strings"
)

// The evaluation index. A request visits, in each policy, only the statements whose
// Action element matches its action and whose Resource element could match its
// resource:
//
//   - per action, the matching statements are computed once (action patterns are
//     matched at most once per policy and action) and memoised;
//   - within them, statements whose resources all start with a literal
//     "arn:...:bucket" head (up to the first '/' or ':' of the resource part) are
//     bucketed by that head, so a request only meets the statements about its own
//     bucket, queue or user, plus the few with wildcard heads.
//
// A request hashes its action and resource head once; every policy's tables are
// probed with those hashes, so a principal with 50 policies costs 50 probes, not 50
// string hashes.

var hashSeed = maphash.MakeSeed()

func hashString(s string) uint64 { return maphash.String(hashSeed, s) }

// strTable is an immutable open-addressing hash table probed with a precomputed hash.
type strTable[V any] struct {
	mask  uint64
	slots []tableSlot[V]
}

type tableSlot[V any] struct {
	used bool
	h    uint64
	key  string
	val  V
}

func buildTable[V any](m map[string]V) *strTable[V] {
	n := uint64(8)
	for n < uint64(len(m))*2 {
		n <<= 1
	}
	t := &strTable[V]{mask: n - 1, slots: make([]tableSlot[V], n)}
	for k, v := range m {
		h := hashString(k)
		i := h & t.mask
		for t.slots[i].used {
			i = (i + 1) & t.mask
		}
		t.slots[i] = tableSlot[V]{used: true, h: h, key: k, val: v}
	}
	return t
}

func (t *strTable[V]) get(h uint64, key string) (V, bool) {
	if t != nil {
		for i := h & t.mask; t.slots[i].used; i = (i + 1) & t.mask {
			if s := &t.slots[i]; s.h == h && s.key == key {
				return s.val, true
			}
		}
	}
	var zero V
	return zero, false
}

// actionEntry is what a policy knows about one action: the statements that match
// it, split into those bucketed by resource head and the rest, each in order.
type actionEntry struct {
	wild  []int32
	byKey *strTable[[]int32]
}

// maxCachedActions bounds the per-policy action memo: IAM has about 17,000 actions,
// a console serves a few hundred, and arbitrary request strings must not grow memory.
// Past the bound entries are computed per request (correct, but allocating).
const maxCachedActions = 2048

// lookup returns the entry for a lower-cased action with hash h.
func (p *Policy) lookup(action string, h uint64, service string) *actionEntry {
	if t := p.memo.Load(); t != nil {
		if e, ok := t.get(h, action); ok {
			return e
		}
	}
	p.mu.Lock()
	old, ok := p.memoSrc[action] // memoised, not yet in the published table
	p.mu.Unlock()
	if ok {
		return old
	}
	e := p.buildEntry(action, service)
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.memoSrc[action]; ok {
		return old
	}
	if p.memoSrc == nil {
		p.memoSrc = map[string]*actionEntry{}
	}
	if len(p.memoSrc) < maxCachedActions {
		p.memoSrc[strings.Clone(action)] = e
		// Publish each of the first 64 (a console's usual working set), then
		// at every doubling, so that a policy asked about many actions (an
		// access graph asks hundreds per principal) does not rebuild its
		// table once per action; the rest wait in memoSrc meanwhile.
		if n := len(p.memoSrc); n <= 64 || n&(n-1) == 0 || n == maxCachedActions {
			p.memo.Store(buildTable(p.memoSrc))
		}
	}
	return e
}

// ForgetLookups lets go of the action memo (lookup), which later requests
// build again for the actions they ask: a policy kept long after a burst of
// questions about many actions (an access graph's build asks hundreds per
// principal) would otherwise keep a table for each, its largest part.
// Answers do not change; it is safe to call while other goroutines evaluate.
func (p *Policy) ForgetLookups() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.memoSrc = nil
	p.memo.Store(nil)
}

func (p *Policy) buildEntry(action, service string) *actionEntry {
	e := &actionEntry{}
	var keyed map[string][]int32
	ex, sv, gl := p.exact.get(action), p.service.get(service), p.global
	for len(ex)+len(sv)+len(gl) > 0 {
		// Merge the three sorted lists so statements stay in order.
		var i int32
		exact := false
		switch {
		case len(ex) > 0 && (len(sv) == 0 || ex[0] < sv[0]) && (len(gl) == 0 || ex[0] < gl[0]):
			i, ex, exact = ex[0], ex[1:], true
		case len(sv) > 0 && (len(gl) == 0 || sv[0] < gl[0]):
			i, sv = sv[0], sv[1:]
		default:
			i, gl = gl[0], gl[1:]
		}
		st := &p.stmts[i]
		if !exact && !st.matchAction(action) {
			continue
		}
		if st.rkeys == nil {
			e.wild = append(e.wild, i)
			continue
		}
		if keyed == nil {
			keyed = map[string][]int32{}
		}
		for _, k := range st.rkeys {
			keyed[k] = appendOnce(keyed[k], i)
		}
	}
	if keyed != nil {
		e.byKey = buildTable(keyed)
	}
	return e
}

// resourceKey is the head of an ARN up to the first '/' or ':' of its resource part:
// "arn:aws:s3:::bucket" for "arn:aws:s3:::bucket/key". ok is false when s has fewer
// than six parts.
func resourceKey(s string) (string, bool) {
	i, colons := 0, 0
	for ; i < len(s) && colons < 5; i++ {
		if s[i] == ':' {
			colons++
		}
	}
	if colons < 5 {
		return "", false
	}
	for ; i < len(s); i++ {
		if s[i] == '/' || s[i] == ':' {
			break
		}
	}
	return s[:i], true
}

// patternKey is the resource key every ARN matching pattern p has, when p fixes it:
// literal up to the first '/' or ':' (or its end) of the resource part, with no
// wildcard or variable before that.
func patternKey(p string) (string, bool) {
	if !strings.HasPrefix(p, "arn:") {
		return "", false
	}
	k, ok := resourceKey(p)
	if !ok || strings.ContainsAny(k, "*?$") {
		return "", false
	}
	return k, true
}

// statementKeys returns the resource keys of a statement whose every resource has
// one; nil means the statement must be checked for every resource.
func statementKeys(st *Statement) []string {
	if !st.HasResource || st.NotResource || len(st.Resource) == 0 {
		return nil
	}
	var keys []string
	for _, r := range st.Resource {
		k, ok := patternKey(r)
		if !ok {
			return nil
		}
		if !contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

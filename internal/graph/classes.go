package graph

import (
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"

	"github.com/iamconsole/console/internal/policy"
)

// Target classes. A technique asks the engine about an action on each
// target's ARN, and on an account where many hold a permission on "*" that
// is one question per principal and target: the square of the account. The
// engine's answer depends on the target only through which Resource patterns
// of the statements that apply to the action match its ARN (the engine
// derives no condition key from the resource), the account that owns it, and
// whatever the caller asks with it (the service a role is passed to, the
// trust that decides an assumption). Targets alike in all of these are one
// class: the engine is asked once, for the first of them, and its answer
// holds for the class. A pattern with a policy variable makes every target
// its own class. Reading which statements apply to an action and which
// patterns match an ARN decides nothing: the engine still answers, and a
// class only says whose answers are the same.

// defaultSetMin is the size above which an allowed class becomes one edge to
// a set node instead of an edge per target.
const defaultSetMin = 100

// stmtActions is, per statement of a document, the catalogue actions it
// applies to (any effect), cached per document.
func (g *Graph) stmtActions(d *policy.Document) []actionSet {
	if s, ok := g.stmtSets[d]; ok {
		return s
	}
	out := make([]actionSet, len(d.Statements))
	for i, st := range d.Statements {
		out[i] = stmtSet(st)
	}
	g.stmtSets[d] = out
	return out
}

// bitsOf is the set of the given catalogue actions.
func bitsOf(actions []string) actionSet {
	s := make(actionSet, (len(universe)+63)/64)
	for _, a := range actions {
		if k, ok := universe[strings.ToLower(a)]; ok {
			s[k/64] |= 1 << (k % 64)
		}
	}
	return s
}

func (s actionSet) meets(o actionSet) bool {
	for i := range s {
		if i < len(o) && s[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

// patternsFor lists the Resource patterns other than "*" of p's statements
// (identity and boundary, any effect) that apply to one of actions, sorted;
// ok is false when one holds a policy variable (its match depends on more
// than the ARN) or an action is outside the catalogue.
func (g *Graph) patternsFor(p *principal, actions []string) ([]string, bool) {
	bits := bitsOf(actions)
	for _, a := range actions {
		if _, ok := universe[strings.ToLower(a)]; !ok {
			return nil, false
		}
	}
	seen := map[string]bool{}
	var out []string
	docs := g.docsOf(p)
	if p.boundaryDoc != nil {
		docs = append(append([]*policy.Document(nil), docs...), p.boundaryDoc)
	}
	for _, d := range docs {
		sets := g.stmtActions(d)
		for i, st := range d.Statements {
			if !sets[i].meets(bits) {
				continue
			}
			for _, r := range st.Resource {
				if strings.Contains(r, "$") {
					var ok bool
					if r, ok = principalPattern(p, d, r); !ok {
						return nil, false
					}
				}
				if r != "*" && !seen[r] {
					seen[r] = true
					out = append(out, r)
				}
			}
		}
	}
	sort.Strings(out)
	return out, true
}

// principalPattern is a Resource pattern with its policy variables
// replaced by what the engine replaces them with for p, when every variable
// is one the principal alone decides: aws:username and aws:userid of a
// user (the "manage your own credentials" shape, arn:aws:iam::*:user/
// ${aws:username}, held by every user of many accounts). The substituted
// pattern only sorts targets into classes; the engine still answers. ok is
// false for any other variable, a default value, a role (whose session
// supplies no aws:username) or a document without variables (Version
// 2008-10-17, where "${" is literal text).
func principalPattern(p *principal, d *policy.Document, pattern string) (string, bool) {
	if p.kind != KindUser || p.base != nil || !d.Variables() || p.req.Name == "" || p.req.ID == "" {
		return "", false
	}
	var b strings.Builder
	for rest := pattern; ; {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return "", false
		}
		b.WriteString(rest[:i])
		switch strings.ToLower(rest[i+2 : i+j]) {
		case "aws:username":
			b.WriteString(p.req.Name)
		case "aws:userid":
			b.WriteString(p.req.ID)
		default:
			return "", false
		}
		rest = rest[i+j+1:]
	}
	out := b.String()
	if strings.Contains(out, "$") {
		return "", false
	}
	return out, true
}

// matching is the set of entity ARNs (users, groups, roles, managed
// policies) a Resource pattern matches, cached per pattern. Only the ARNs
// that begin with the pattern's literal prefix can match (the engine matches
// case-sensitively), so only those are asked.
func (g *Graph) matching(pattern string) map[string]bool {
	if m, ok := g.matchCache[pattern]; ok {
		return m
	}
	if g.entityARNs == nil {
		a := g.acct
		for _, u := range a.Users {
			g.entityARNs = append(g.entityARNs, u.ARN)
		}
		for _, r := range a.Roles {
			g.entityARNs = append(g.entityARNs, r.ARN)
		}
		for _, gr := range a.Groups {
			g.entityARNs = append(g.entityARNs, gr.ARN)
		}
		for _, p := range a.Policies {
			g.entityARNs = append(g.entityARNs, p.ARN)
		}
		sort.Strings(g.entityARNs)
	}
	m := map[string]bool{}
	// A pattern whose wildcards stand before its resource part only
	// (arn:aws:iam::*:user/alice, one per user of a self-service policy) can
	// match only the ARNs with that resource part: ask those, not every ARN
	// after the literal prefix "arn:aws:iam::".
	if res, ok := literalResource(pattern); ok {
		for _, arn := range g.byResource()[res] {
			if policy.MatchResource(pattern, arn) {
				m[arn] = true
			}
		}
		g.matchCache[pattern] = m
		return m
	}
	prefix := pattern
	if i := strings.IndexAny(pattern, "*?"); i >= 0 {
		prefix = pattern[:i]
	}
	for i := sort.SearchStrings(g.entityARNs, prefix); i < len(g.entityARNs) && strings.HasPrefix(g.entityARNs[i], prefix); i++ {
		if policy.MatchResource(pattern, g.entityARNs[i]) {
			m[g.entityARNs[i]] = true
		}
	}
	g.matchCache[pattern] = m
	return m
}

// literalResource is the resource part of an ARN pattern (after the fifth
// colon) when it holds no wildcard while the parts before it do.
func literalResource(pattern string) (string, bool) {
	parts := strings.SplitN(pattern, ":", 6)
	if len(parts) != 6 || strings.ContainsAny(parts[5], "*?") || !strings.ContainsAny(pattern[:len(pattern)-len(parts[5])], "*?") {
		return "", false
	}
	return parts[5], true
}

// byResource indexes the entity ARNs by their resource part.
func (g *Graph) byResource() map[string][]string {
	if g.resIndex == nil {
		g.resIndex = make(map[string][]string, len(g.entityARNs))
		for _, arn := range g.entityARNs {
			if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 {
				g.resIndex[parts[5]] = append(g.resIndex[parts[5]], arn)
			}
		}
	}
	return g.resIndex
}

// targetList is a list of targets made once per build (userTargets), with
// each target's place by ARN, so that the classes of a principal's
// questions about them are found from the few targets its patterns match
// (classesOf), not by a look at every target: on an account where every
// user holds a self-service policy, a look at every user by every user
// was the square of the account.
type targetList struct {
	arns  []string
	index map[string]int // a target's place in arns
	// at is where each of the account's users is, or would be, in arns
	// (those that are not targets at the place of the next target).
	at map[string]int
	// foreign lists the targets outside the account named by own.
	own     string
	foreign []int
}

// foreignTo lists the targets whose ARN does not begin with own.
func (l *targetList) foreignTo(own string) []int {
	if l.foreign == nil || l.own != own {
		l.own, l.foreign = own, []int{}
		for i, t := range l.arns {
			if !strings.HasPrefix(t, own) {
				l.foreign = append(l.foreign, i)
			}
		}
	}
	return l.foreign
}

// classList is targets partitioned into classes (classesOf), in the order
// of their first target. The class of the targets no pattern matches (rest)
// holds only its first target until members makes the others.
type classList struct {
	classes [][]int
	rest    int   // rest's place in classes; -1 when every class is whole
	n       int   // the number of targets
	others  []int // the targets rest leaves out (other classes' and skip), sorted
}

// members is class c's targets, in target order.
func (l *classList) members(c int) []int {
	if c != l.rest {
		return l.classes[c]
	}
	all := make([]int, 0, l.n-len(l.others))
	o := 0
	for i := 0; i < l.n; i++ {
		if o < len(l.others) && l.others[o] == i {
			o++
			continue
		}
		all = append(all, i)
	}
	l.classes[c], l.rest = all, -1
	return all
}

// classesOf is classes, but for targets made once per build (list, with
// keys nil), found from the targets p's patterns match; skip is a target
// left out of every class (p itself), -1 for none.
func (g *Graph) classesOf(p *principal, actions []string, targets, keys []string, list *targetList, skip int) *classList {
	if list == nil || keys != nil {
		return &classList{classes: g.classes(p, actions, targets, keys), rest: -1}
	}
	pats, ok := g.patternsFor(p, actions)
	if !ok {
		out := make([][]int, 0, len(targets))
		for i := range targets {
			if i != skip {
				out = append(out, []int{i})
			}
		}
		return &classList{classes: out, rest: -1}
	}
	matches := make([]map[string]bool, len(pats))
	own := "arn:aws:iam::" + p.req.Account + ":"
	var special []int // targets a pattern matches or from another account
	seen := map[int]bool{}
	note := func(i int) {
		if i != skip && !seen[i] {
			seen[i] = true
			special = append(special, i)
		}
	}
	for i, pt := range pats {
		matches[i] = g.matching(pt)
		for arn := range matches[i] {
			if at, ok := list.index[arn]; ok {
				note(at)
			}
		}
	}
	for _, i := range list.foreignTo(own) {
		note(i)
	}
	sort.Ints(special)
	// The key classes does make, for one target.
	buf := make([]byte, 0, 64)
	key := func(t string) []byte {
		buf = append(buf[:0], 0)
		if !strings.HasPrefix(t, own) {
			if acc := arnAccount(t); acc != p.req.Account {
				buf = append(buf, acc...)
			}
		}
		for k := range pats {
			if matches[k][t] {
				buf = append(buf, '1')
			} else {
				buf = append(buf, '0')
			}
		}
		return buf
	}
	restKey := string(key(own))
	l := &classList{rest: -1, n: len(targets)}
	byKey := map[string]int{}
	for _, i := range special {
		k := key(targets[i])
		if string(k) == restKey {
			continue // alike to the targets no pattern matches
		}
		l.others = append(l.others, i)
		c, ok := byKey[string(k)]
		if !ok {
			c = len(l.classes)
			byKey[string(k)] = c
			l.classes = append(l.classes, nil)
		}
		l.classes[c] = append(l.classes[c], i)
	}
	if skip >= 0 {
		at, _ := slices.BinarySearch(l.others, skip)
		l.others = slices.Insert(l.others, at, skip)
	}
	// rest's first target is the first that no other class holds.
	first := 0
	for _, o := range l.others {
		if o != first {
			break
		}
		first++
	}
	if first < len(targets) {
		at := sort.Search(len(l.classes), func(c int) bool { return l.classes[c][0] > first })
		l.classes = slices.Insert(l.classes, at, []int{first})
		l.rest = at
	}
	return l
}

// classes partitions targets (with a key each for what else the question
// carries) into classes the engine answers alike for p asking actions on
// the target's ARN, each in target order, the classes in the order of their
// first target.
func (g *Graph) classes(p *principal, actions []string, targets, keys []string) [][]int {
	pats, ok := g.patternsFor(p, actions)
	if !ok {
		out := make([][]int, len(targets))
		for i := range targets {
			out[i] = []int{i}
		}
		return out
	}
	matches := make([]map[string]bool, len(pats))
	for i, pt := range pats {
		matches[i] = g.matching(pt)
	}
	byKey := map[string]int{}
	own := "arn:aws:iam::" + p.req.Account + ":" // most targets' prefix: no account to read
	cls := make([]int32, len(targets))           // each target's class
	var sizes []int
	buf := make([]byte, 0, 64)
	for i, t := range targets {
		buf = buf[:0]
		if keys != nil {
			buf = append(buf, keys[i]...)
		}
		buf = append(buf, 0)
		if !strings.HasPrefix(t, own) {
			if acc := arnAccount(t); acc != p.req.Account {
				buf = append(buf, acc...)
			}
		}
		for k := range pats {
			if matches[k][t] {
				buf = append(buf, '1')
			} else {
				buf = append(buf, '0')
			}
		}
		c, ok := byKey[string(buf)] // no allocation for a lookup
		if !ok {
			c = len(sizes)
			byKey[string(buf)] = c
			sizes = append(sizes, 0)
		}
		cls[i] = int32(c)
		sizes[c]++
	}
	// One backing array for every class, each a window on it: appending
	// class by class copied the large ones at every doubling.
	all := make([]int, len(targets))
	out := make([][]int, len(sizes))
	at := 0
	for c, n := range sizes {
		out[c] = all[at : at : at+n]
		at += n
	}
	for i, c := range cls {
		out[c] = append(out[c], i)
	}
	return out
}

// setNode is a set of targets one edge stands for: the members of an
// allowed class too large to draw edge by edge. Holders of the same
// technique on the same members share it.
type setNode struct {
	id      string
	gain    Gain
	members []string // target ARNs, in target order
	first   int32    // search index of the set (search.go)
}

// setEdge adds the edge from rep's source to the set of members, made once
// per technique and member list; rep is the edge to the first member, whose
// steps stand for all (their resource becomes the set's ID). Rewrites reach
// the principals of every member.
func (g *Graph) setEdge(rep Edge, members []string) {
	h := fnv.New64a()
	for _, m := range members {
		h.Write([]byte(m))
		h.Write([]byte{0})
	}
	id := fmt.Sprintf("set:%s:%x", rep.Technique, h.Sum64())
	if g.sets[id] == nil {
		gain := rep.Gain
		if rep.Kind == EdgeCanAssume {
			gain = GainPrincipal // the members are become, as by GainPrincipal
		}
		g.sets[id] = &setNode{id: id, gain: gain, members: members}
		g.setOrder = append(g.setOrder, id)
		kind := "targets"
		switch {
		case strings.Contains(members[0], ":user/"):
			kind = "users"
		case strings.Contains(members[0], ":role/"):
			kind = "roles"
		case strings.Contains(members[0], ":group/"):
			kind = "groups"
		case strings.Contains(members[0], ":policy/"):
			kind = "policies"
		}
		what := rep.Technique + " (" + rep.Label + ")"
		if rep.Kind == EdgeCanAssume {
			what = "assuming the role"
		}
		g.addNode(Node{ID: id, Kind: KindSet, Name: fmt.Sprintf("%d %s", len(members), kind),
			Description: fmt.Sprintf("the %d %s %s applies to alike, from %s to %s", len(members), kind, what,
				shortARN(members[0]), shortARN(members[len(members)-1]))})
		if rep.Gain == GainArbitrary || rep.Gain == GainVersion {
			seen := map[*principal]bool{}
			var aff []*principal
			for _, m := range members {
				for _, c := range g.affects[m] {
					if !seen[c] {
						seen[c] = true
						aff = append(aff, c)
					}
				}
			}
			g.affects[id] = aff
		}
	}
	target := rep.To
	rep.To = id
	rep.Steps = append([]Step(nil), rep.Steps...)
	for i := range rep.Steps {
		if rep.Steps[i].Resource == target {
			rep.Steps[i].Resource = id
		}
	}
	g.addEdge(rep)
}

// concrete is edge e as it applies to one target: e itself, or for an edge
// to a set, the engine asked again about the member.
func (g *Graph) concrete(e Edge, target string) Edge {
	if g.sets[e.To] == nil {
		return e
	}
	p := g.byARN[e.From]
	if p == nil {
		p = g.pseudo[e.From]
	}
	if r := g.byARN[target]; e.Kind == EdgeCanAssume && p != nil && r != nil {
		if c, ok := g.assumeOn(p, r); ok {
			return c
		}
	} else if t := techniqueByID(e.Technique); p != nil && t != nil {
		if c, ok := g.techniqueOn(p, t, target); ok {
			return c
		}
	}
	e.To = target
	return e
}

// memberFor is the member of set e.To through which a rewrite changes
// principal c's permissions.
func (g *Graph) memberFor(e *Edge, c string) string {
	s := g.sets[e.To]
	if s == nil {
		return e.To
	}
	for _, m := range s.members {
		for _, x := range g.affects[m] {
			if x.arn == c {
				return m
			}
		}
	}
	return s.members[0]
}

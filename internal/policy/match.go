package policy

import (
	"strings"
	"unicode/utf8"
)

// Patterns are compiled once (Compile) into a glob: literal runs, '*', '?' and policy
// variables. The common shapes (exact, "*", "prefix*", "*suffix") get a fast path that
// is one string comparison; the rest match chunk by chunk without backtracking
// (leftmost placement of each chunk between stars is always safe), so matching is
// O(len(pattern) * len(subject)) at worst and allocates nothing.

type tokKind uint8

const (
	tLit tokKind = iota
	tStar
	tQuest
	tVar
)

type token struct {
	kind tokKind
	lit  string
	v    *varRef
}

// varRef is a policy variable: ${key} or ${key, 'default'}.
type varRef struct {
	key    ckey
	def    string
	hasDef bool
}

type globMode uint8

const (
	gExact globMode = iota
	gAny
	gPrefix
	gSuffix
	gGeneral
)

type glob struct {
	mode   globMode
	lit    string    // gExact, gPrefix, gSuffix
	chunks [][]token // gGeneral: the pieces between stars
	lead   bool      // gGeneral: pattern starts with '*'
	trail  bool      // gGeneral: pattern ends with '*'
	fold   bool      // compare literals case-insensitively
	hasVar bool
	// pre is the literal text every match starts with ("" if none). Resource
	// patterns mostly share a long "arn:aws:s3:::" head and differ at the end of
	// pre, so testing pre's last byte first rejects most candidates in one load.
	pre string
}

// tokenize splits a pattern. wild: '*' and '?' are wildcards (Like operators,
// Action, Resource) rather than literal characters (Equals operators). vars: ${...}
// is a policy variable (Version 2012-10-17) rather than literal text.
func tokenize(s string, wild, vars bool) []token {
	var toks []token
	lit := func(l string) {
		if n := len(toks); n > 0 && toks[n-1].kind == tLit {
			toks[n-1].lit += l
			return
		}
		toks = append(toks, token{kind: tLit, lit: l})
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				lit(s[i:])
				return toks
			}
			inner := s[i+2 : i+end]
			i += end + 1
			switch inner {
			case "*", "?", "$":
				lit(inner) // ${*} is a literal '*', and so on
				continue
			}
			if v := parseVar(inner); v != nil {
				toks = append(toks, token{kind: tVar, v: v})
			} else {
				lit("${" + inner + "}")
			}
		case wild && c == '*':
			if n := len(toks); n == 0 || toks[n-1].kind != tStar { // "**" is "*"
				toks = append(toks, token{kind: tStar})
			}
			i++
		case wild && c == '?':
			toks = append(toks, token{kind: tQuest})
			i++
		default:
			j := i + 1
			for j < len(s) && s[j] != '$' && !(wild && (s[j] == '*' || s[j] == '?')) {
				j++
			}
			lit(s[i:j])
			i = j
		}
	}
	return toks
}

// parseVar reads "key" or "key, 'default'".
func parseVar(inner string) *varRef {
	key, def, hasDef := strings.Cut(inner, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, " '") {
		return nil
	}
	v := &varRef{key: compileKey(key)}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return nil
		}
		v.def, v.hasDef = def[1:len(def)-1], true
	}
	return v
}

func compileGlob(s string, wild, vars, fold bool) glob {
	// The common shapes, read without tokenizing (a compiled policy's
	// patterns are mostly these): the same globs tokenize makes below.
	if !fold {
		plain := func(t string) bool {
			return !(wild && strings.ContainsAny(t, "*?")) && !(vars && strings.Contains(t, "${"))
		}
		switch n := len(s); {
		case plain(s):
			return glob{mode: gExact, lit: s}
		case wild && s == "*":
			return glob{mode: gAny}
		case wild && s[n-1] == '*' && plain(s[:n-1]):
			return glob{mode: gPrefix, lit: s[:n-1], pre: s[:n-1]}
		}
	}
	return tokenGlob(s, wild, vars, fold)
}

// tokenGlob is compileGlob through tokenize, whatever the pattern.
func tokenGlob(s string, wild, vars, fold bool) glob {
	toks := tokenize(s, wild, vars)
	g := glob{fold: fold}
	simple := true
	stars := 0
	for _, t := range toks {
		switch t.kind {
		case tVar:
			g.hasVar, simple = true, false
		case tQuest:
			simple = false
		case tStar:
			stars++
		}
	}
	if simple && !fold {
		switch {
		case len(toks) == 0:
			g.mode, g.lit = gExact, ""
			return g
		case stars == 0:
			g.mode, g.lit = gExact, toks[0].lit
			return g
		case len(toks) == 1:
			g.mode = gAny
			return g
		case len(toks) == 2 && toks[1].kind == tStar:
			g.mode, g.lit, g.pre = gPrefix, toks[0].lit, toks[0].lit
			return g
		case len(toks) == 2 && toks[0].kind == tStar:
			g.mode, g.lit = gSuffix, toks[1].lit
			return g
		}
	}
	g.mode = gGeneral
	if len(toks) > 0 && toks[0].kind == tLit && !fold {
		g.pre = toks[0].lit
	}
	g.lead = len(toks) > 0 && toks[0].kind == tStar
	g.trail = len(toks) > 0 && toks[len(toks)-1].kind == tStar
	var cur []token
	for _, t := range toks {
		if t.kind == tStar {
			if cur != nil {
				g.chunks = append(g.chunks, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, t)
	}
	if cur != nil {
		g.chunks = append(g.chunks, cur)
	}
	return g
}

// match reports whether s matches the pattern; r resolves variables (nil when the
// pattern has none).
func (g *glob) match(s string, r *Request) bool {
	if n := len(g.pre); n > 0 && (len(s) < n || s[n-1] != g.pre[n-1]) {
		return false
	}
	switch g.mode {
	case gExact:
		if g.fold {
			return strings.EqualFold(s, g.lit)
		}
		return s == g.lit
	case gAny:
		return true
	case gPrefix:
		return strings.HasPrefix(s, g.lit)
	case gSuffix:
		return strings.HasSuffix(s, g.lit)
	}
	cs := g.chunks
	if !g.lead {
		if len(cs) == 0 {
			return s == ""
		}
		n, ok := g.chunkAt(cs[0], s, r)
		if !ok {
			return false
		}
		if len(cs) == 1 && !g.trail {
			return n == len(s)
		}
		s, cs = s[n:], cs[1:]
	}
	if len(cs) == 0 {
		return true // a star remains and swallows the rest
	}
	middle := cs
	if !g.trail {
		middle = cs[:len(cs)-1]
	}
	for _, c := range middle {
		p, n, ok := g.find(c, s, r)
		if !ok {
			return false
		}
		s = s[p+n:]
	}
	if g.trail {
		return true
	}
	last := cs[len(cs)-1]
	for p := 0; p <= len(s); p++ {
		if p < len(s) && !utf8.RuneStart(s[p]) {
			continue // '?' matches whole characters: never start inside one
		}
		if n, ok := g.chunkAt(last, s[p:], r); ok && p+n == len(s) {
			return true
		}
	}
	return false
}

// find locates the leftmost match of chunk c in s.
func (g *glob) find(c []token, s string, r *Request) (pos, n int, ok bool) {
	if c[0].kind == tLit && !g.fold {
		for from := 0; from <= len(s); {
			i := strings.Index(s[from:], c[0].lit)
			if i < 0 {
				return 0, 0, false
			}
			if n, ok := g.chunkAt(c, s[from+i:], r); ok {
				return from + i, n, true
			}
			from += i + 1
		}
		return 0, 0, false
	}
	for p := 0; p <= len(s); p++ {
		if p < len(s) && !utf8.RuneStart(s[p]) {
			continue
		}
		if n, ok := g.chunkAt(c, s[p:], r); ok {
			return p, n, true
		}
	}
	return 0, 0, false
}

// chunkAt matches a star-free token run at the start of s and returns its length.
func (g *glob) chunkAt(c []token, s string, r *Request) (int, bool) {
	n := 0
	for i := range c {
		t := &c[i]
		switch t.kind {
		case tLit:
			if !g.hasPrefix(s[n:], t.lit) {
				return 0, false
			}
			n += len(t.lit)
		case tQuest:
			if n >= len(s) {
				return 0, false
			}
			_, size := utf8.DecodeRuneInString(s[n:])
			n += size
		case tVar:
			v, ok := resolveVar(t.v, r)
			if !ok || !g.hasPrefix(s[n:], v) {
				return 0, false
			}
			n += len(v)
		}
	}
	return n, true
}

func (g *glob) hasPrefix(s, p string) bool {
	if g.fold {
		return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
	}
	return strings.HasPrefix(s, p)
}

// resolveVar is a variable's value: the key's single value, else the default. A key
// with several values cannot be a variable (AWS: multivalued keys are not usable as
// policy variables), and an unresolved variable matches nothing.
func resolveVar(v *varRef, r *Request) (string, bool) {
	if r != nil {
		if vs, ok := r.lookup(&v.key); ok && vs.n() == 1 {
			return vs.at(0), true
		}
	}
	if v.hasDef {
		return v.def, true
	}
	return "", false
}

// arnPattern matches ARNs the way AWS documents for Resource and the Arn* operators:
// the six colon-separated parts match separately, and a '*' that ends a part may
// stretch across colons. When the first five parts hold no wildcard or variable (the
// usual "arn:aws:s3:::bucket/*"), that is exactly a plain glob over the whole string,
// which is what we use; the part-by-part matcher is for the rest.
//
// The Arn* condition operators are stricter than Resource: AWS documents that
// "arn:aws:svc:*:111122223333:x/*" does not match an ARN whose region part would have
// to swallow colons, so for them stars do not stretch (stretch = false).
type arnPattern struct {
	whole   glob   // used when parts == nil
	parts   []glob // split at the first five colons
	star    []bool // parts[i] ends with '*'
	stretch bool   // a part's trailing '*' may run across colons
}

func compileARN(s string, vars, stretch bool) arnPattern {
	return (*Compiler)(nil).compileARN(s, vars, stretch)
}

func (c *Compiler) compileARN(s string, vars, stretch bool) arnPattern {
	if s == "*" || !strings.HasPrefix(s, "arn:") {
		return arnPattern{whole: compileGlob(s, true, vars, false)}
	}
	var buf [6]string // strings.SplitN(s, ":", 6), without allocating
	fields := buf[:0]
	for rest := s; ; {
		f, after, ok := strings.Cut(rest, ":")
		if !ok || len(fields) == 5 {
			fields = append(fields, rest)
			break
		}
		fields, rest = append(fields, f), after
	}
	plain := true
	for _, f := range fields[:min(5, len(fields))] {
		if strings.ContainsAny(f, "*?") || (vars && strings.Contains(f, "${")) {
			plain = false
		}
	}
	if plain && len(fields) == 6 {
		return arnPattern{whole: compileGlob(s, true, vars, false)}
	}
	p := arnPattern{stretch: stretch, parts: c.globList(len(fields)), star: c.boolList(len(fields))}
	for i, f := range fields {
		p.parts[i], p.star[i] = compileGlob(f, true, vars, false), strings.HasSuffix(f, "*")
	}
	return p
}

func (p *arnPattern) match(s string, r *Request) bool {
	if p.parts == nil {
		return p.whole.match(s, r)
	}
	budget := 256 // bounds the work of stretching stars across colons
	return p.matchParts(0, s, r, &budget)
}

func (p *arnPattern) matchParts(i int, s string, r *Request, budget *int) bool {
	*budget--
	if *budget < 0 {
		return false
	}
	g := &p.parts[i]
	if i == len(p.parts)-1 {
		// The last part takes the rest: the resource part when the pattern has all
		// six, or a trailing "*" part that stretches over the remaining colons.
		if i < 5 && !p.star[i] && strings.IndexByte(s, ':') >= 0 {
			return false
		}
		return g.match(s, r)
	}
	c := strings.IndexByte(s, ':')
	for c >= 0 {
		if g.match(s[:c], r) && p.matchParts(i+1, s[c+1:], r, budget) {
			return true
		}
		if !p.stretch || !p.star[i] {
			return false
		}
		next := strings.IndexByte(s[c+1:], ':')
		if next < 0 {
			return false
		}
		c += next + 1
	}
	return false
}

// MatchAction reports whether an Action pattern such as "s3:Get*" matches an action,
// as a statement's Action element does: case-insensitively, '*' and '?' wildcards.
// It compiles the pattern on every call; evaluation uses compiled policies instead.
func MatchAction(pattern, action string) bool {
	g := compileGlob(strings.ToLower(pattern), true, false, false)
	return g.match(strings.ToLower(action), nil)
}

// MatchResource reports whether a Resource pattern matches an ARN, as a statement's
// Resource element does (case-sensitive; ARN parts matched separately). Policy
// variables are not substituted: a pattern containing one matches nothing unless it
// has a default. It compiles the pattern on every call.
func MatchResource(pattern, arn string) bool {
	p := compileARN(pattern, true, true)
	return p.match(arn, nil)
}

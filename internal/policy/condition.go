package policy

import (
	"bytes"
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ccond is one compiled (operator, key) pair. Policy values are parsed once here, so
// evaluation only parses the request's values.
type ccond struct {
	op   opInfo
	key  ckey
	vals []cval
	vars []*varRef // policy variables in the values
}

// cval is one policy value in the form its operator compares.
type cval struct {
	s   string
	g   glob       // string families, with variables and (for Like) wildcards
	arn arnPattern // famArn
	num float64    // famNumeric
	t   int64      // famDate: unix nanoseconds
	ip  netip.Prefix
	bin []byte
	b   bool // famBool, famNull
	ok  bool // the value parsed; an unparsable value never matches
}

func compileCondition(c Condition, vars bool) ccond {
	op, _ := parseOperator(c.Operator) // Parse has refused unknown operators
	cc := ccond{op: op, key: compileKey(c.Key), vals: make([]cval, len(c.Values))}
	for i, s := range c.Values {
		v := cval{s: s, ok: true}
		switch op.fam {
		case famString:
			v.g = compileGlob(s, false, vars, false)
		case famStringFold:
			v.g = compileGlob(s, false, vars, true)
		case famStringLike:
			v.g = compileGlob(s, true, vars, false)
		case famArn:
			v.arn = compileARN(s, vars, false)
		case famNumeric:
			v.num, v.ok = parseNumber(s)
		case famDate:
			v.t, v.ok = parseDate(s)
		case famBool, famNull:
			v.b, v.ok = parseBool(s)
		case famBinary:
			b, err := base64.StdEncoding.DecodeString(s)
			v.bin, v.ok = b, err == nil
		case famIP:
			v.ip, v.ok = parseCIDR(s)
		}
		for _, ch := range v.g.chunks {
			for _, t := range ch {
				if t.kind == tVar {
					cc.vars = append(cc.vars, t.v)
				}
			}
		}
		for _, pg := range v.arn.parts {
			for _, ch := range pg.chunks {
				for _, t := range ch {
					if t.kind == tVar {
						cc.vars = append(cc.vars, t.v)
					}
				}
			}
		}
		for _, ch := range v.arn.whole.chunks {
			for _, t := range ch {
				if t.kind == tVar {
					cc.vars = append(cc.vars, t.v)
				}
			}
		}
		cc.vals[i] = v
	}
	return cc
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil && !math.IsNaN(f)
}

func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// parseDate accepts what AWS accepts for Date operators: ISO 8601 date-times (with
// or without fractional seconds and zone offsets), dates, and epoch seconds.
func parseDate(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	if isDigits(s) || (s[0] == '-' && isDigits(s[1:])) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > math.MaxInt64/int64(time.Second) || n < math.MinInt64/int64(time.Second) {
			return 0, false
		}
		return n * 1e9, true
	}
	if t, ok := parseUTCSeconds(s); ok {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UnixNano(), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixNano(), true
		}
	}
	return 0, false
}

// parseUTCSeconds is the fast path for the form aws:CurrentTime takes,
// "2006-01-02T15:04:05Z", which every date condition evaluation parses.
func parseUTCSeconds(s string) (int64, bool) {
	if len(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' {
		return 0, false
	}
	num := func(i, n int) int {
		v := 0
		for j := i; j < i+n; j++ {
			c := s[j]
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, se := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 {
		return 0, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d { // Feb 30 and friends: time.Date would roll over
		return 0, false
	}
	return t.UnixNano(), true
}

var dateLayouts = []string{
	"2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02T15:04Z",
	"2006-01-02", "20060102T150405Z", "2006-01-02T15:04:05.999999999",
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseCIDR accepts a CIDR block or a bare address (meaning that one address).
func parseCIDR(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

// eval decides one (operator, key) pair. AWS's rules, as documented:
//   - a key absent from the request: false, except negated operators (true),
//     ...IfExists (true), ForAllValues (true: vacuously every value matches) and
//     Null (which tests exactly that);
//   - several policy values for a key are OR-ed; for negated operators the result
//     is NOT(any value matches);
//   - ForAnyValue: some request value satisfies the operator; ForAllValues: every one
//     does. Without a qualifier a multi-valued request key behaves as ForAnyValue for
//     positive operators and as "no value matches" for negated ones.
//
// A comparison with a policy variable that has no value and no default fails,
// negated operators included: AWS documents that it makes the statement invalid.
//
// missing is the key that was needed and absent (for MissingContextValues), or nil.
func (c *ccond) eval(r *Request) (result bool, missing *ckey) {
	vs, present := r.lookup(&c.key)
	if c.op.fam == famNull {
		for i := range c.vals {
			if c.vals[i].ok && c.vals[i].b != present {
				return true, nil
			}
		}
		return false, nil
	}
	if !present {
		switch {
		case c.op.ifExists, c.op.set == setAll:
			return true, nil
		case c.op.set == setAny:
			return false, &c.key
		}
		return c.op.neg, &c.key
	}
	for _, v := range c.vars {
		if _, ok := resolveVar(v, r); !ok {
			return false, &v.key
		}
	}
	n := vs.n()
	switch c.op.set {
	case setAll:
		for i := 0; i < n; i++ {
			if c.anyMatch(&vs, i, r) == c.op.neg {
				return false, nil
			}
		}
		return true, nil
	case setAny:
		for i := 0; i < n; i++ {
			if c.anyMatch(&vs, i, r) != c.op.neg {
				return true, nil
			}
		}
		return false, nil
	}
	for i := 0; i < n; i++ {
		if c.anyMatch(&vs, i, r) {
			return !c.op.neg, nil
		}
	}
	return c.op.neg, nil
}

// anyMatch reports whether request value i matches any policy value under the
// operator's positive form.
func (c *ccond) anyMatch(vs *vals, i int, r *Request) bool {
	switch c.op.fam {
	case famNumeric:
		x, ok := parseNumber(vs.at(i))
		if !ok {
			return false
		}
		for j := range c.vals {
			if v := &c.vals[j]; v.ok && compare(cmpFloat(x, v.num), c.op.cmp) {
				return true
			}
		}
		return false
	case famDate:
		var t int64
		if vs.isTime {
			t = vs.t
		} else {
			var ok bool
			if t, ok = parseDate(vs.at(i)); !ok {
				return false
			}
		}
		for j := range c.vals {
			if v := &c.vals[j]; v.ok && compare(cmpInt(t, v.t), c.op.cmp) {
				return true
			}
		}
		return false
	case famBool:
		b, ok := parseBool(vs.at(i))
		if !ok {
			return false
		}
		for j := range c.vals {
			if v := &c.vals[j]; v.ok && v.b == b {
				return true
			}
		}
		return false
	case famIP:
		a, err := netip.ParseAddr(strings.TrimSpace(vs.at(i)))
		if err != nil {
			return false
		}
		a = a.Unmap()
		for j := range c.vals {
			if v := &c.vals[j]; v.ok && v.ip.Contains(a) {
				return true
			}
		}
		return false
	case famBinary:
		s := vs.at(i)
		for j := range c.vals {
			if v := &c.vals[j]; v.ok && (s == v.s || bytes.Equal([]byte(s), v.bin)) {
				return true
			}
		}
		return false
	case famArn:
		s := vs.at(i)
		for j := range c.vals {
			if c.vals[j].arn.match(s, r) {
				return true
			}
		}
		return false
	}
	s := vs.at(i)
	for j := range c.vals {
		if c.vals[j].g.match(s, r) {
			return true
		}
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compare(c int, k cmpKind) bool {
	switch k {
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	case cmpGe:
		return c >= 0
	}
	return c == 0
}

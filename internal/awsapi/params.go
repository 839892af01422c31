package awsapi

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/iamconsole/console/internal/iam"
)

// params are a request's form parameters, with AWS's query-protocol
// encodings for lists (Name.member.N) and structures (Name.member.N.Field).
type params url.Values

func (p params) str(name string) string { return url.Values(p).Get(name) }

// has reports whether a parameter was sent at all (an empty value counts).
func (p params) has(name string) bool {
	_, ok := p[name]
	return ok
}

// integer returns an integer parameter, def when absent, or a
// ValidationError when it is not a number.
func (p params) integer(name string, def int) (int, error) {
	v := p.str(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, validation("Value '%s' at '%s' failed to satisfy constraint: Member must be a number", v, lowerFirst(name))
	}
	return n, nil
}

// boolean returns a boolean parameter ("true"/"false"), def when absent.
func (p params) boolean(name string, def bool) (bool, error) {
	switch strings.ToLower(p.str(name)) {
	case "":
		return def, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, validation("Value '%s' at '%s' failed to satisfy constraint: Member must be a boolean", p.str(name), lowerFirst(name))
}

// members returns the indexes N present under prefix.member.N (or
// prefix.member.N.field), in numeric order.
func (p params) members(prefix string) []int {
	seen := map[int]bool{}
	pre := prefix + ".member."
	for k := range p {
		rest, ok := strings.CutPrefix(k, pre)
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		if n, err := strconv.Atoi(num); err == nil && n > 0 {
			seen[n] = true
		}
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// list returns the values of prefix.member.N in order.
func (p params) list(prefix string) []string {
	var out []string
	for _, n := range p.members(prefix) {
		out = append(out, p.str(prefix+".member."+strconv.Itoa(n)))
	}
	return out
}

// field returns prefix.member.N.name.
func (p params) field(prefix string, n int, name string) string {
	return p.str(prefix + ".member." + strconv.Itoa(n) + "." + name)
}

// tags decodes Tags.member.N.Key / .Value.
func (p params) tags(prefix string) []iam.Tag {
	var out []iam.Tag
	for _, n := range p.members(prefix) {
		out = append(out, iam.Tag{Key: p.field(prefix, n, "Key"), Value: p.field(prefix, n, "Value")})
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func validUTF8(s string) bool { return utf8.ValidString(s) }

package policy

import (
	"strconv"
	"strings"

	"github.com/iamconsole/console/internal/awsdata"
)

// The checks in this file compare a document with AWS's Service
// Authorization Reference (the snapshot in internal/awsdata). IAM accepts
// what they flag, so they are warnings: an action, resource type or condition
// key the reference does not know is almost always a typo that makes the
// statement match nothing ("sts:AssumeRol"), or something newer than the
// snapshot.

// checkActionKnown returns a warning and its code when a (an Action or
// NotAction entry) names no action AWS defines.
func checkActionKnown(a string) (string, Code) {
	svc, name, ok := strings.Cut(a, ":")
	if a == "*" || !ok || strings.ContainsAny(svc, "*?") {
		return "", ""
	}
	s := awsdata.Services().Service(svc)
	if s == nil {
		return "unknown service prefix " + strconv.Quote(strings.ToLower(svc)) + " in action " + strconv.Quote(a) +
			"; this action never matches a real AWS action", CodeUnknownService
	}
	if !strings.ContainsAny(name, "*?") {
		if _, ok := s.Action(name); ok {
			return "", ""
		}
		msg := strconv.Quote(a) + " is not an action of " + s.Name
		if near := nearestAction(s, name); near != "" {
			msg += "; did you mean " + strconv.Quote(s.Prefix+":"+near) + "?"
		}
		return msg, CodeUnknownAction
	}
	g := compileGlob(strings.ToLower(name), true, false, false)
	for i := range s.Actions {
		if g.match(strings.ToLower(s.Actions[i].Name), nil) {
			return "", ""
		}
	}
	return strconv.Quote(a) + " matches no action of " + s.Name, CodeUnknownAction
}

// nearestAction is the service's action closest to name (a typo's likely
// intent), or "" when none is close.
func nearestAction(s *awsdata.Service, name string) string {
	ln := strings.ToLower(name)
	best, bestD := "", len(ln)/3+1
	for i := range s.Actions {
		cand := strings.ToLower(s.Actions[i].Name)
		if d := editDistance(ln, cand, bestD); d < bestD {
			best, bestD = s.Actions[i].Name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, or max when it is
// max or more (so far-off candidates cost little).
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d >= max || -d >= max {
		return max
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			low = min(low, cur[j])
		}
		if low >= max {
			return max
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], max)
}

// checkResourceType returns a warning when r is an ARN of a service the
// reference knows but matches none of the resource ARN formats using that
// service name (arn:aws:s3:::bucket matches "arn:${Partition}:s3:::${BucketName}";
// arn:aws:iam::123456789012:usr/alice matches nothing).
func checkResourceType(r string) string {
	parts := strings.SplitN(r, ":", 6)
	// Past AWS's 2,048-character ARNs the check would cost more than it tells.
	if r == "*" || len(r) > 2048 || len(parts) < 6 || parts[0] != "arn" || strings.ContainsAny(parts[2], "*?$") {
		return ""
	}
	ref := awsdata.Services()
	formats := ref.ARNFormats(parts[2])
	if len(formats) == 0 {
		if ref.Service(parts[2]) == nil {
			return "resource " + strconv.Quote(r) + " names service " + strconv.Quote(parts[2]) + ", which AWS does not define; it matches no real resource"
		}
		return "" // a service whose resource types the reference does not list
	}
	res := globTokens(r)
	for _, f := range formats {
		if globsIntersect(globTokens(f), res) {
			return ""
		}
	}
	return "resource " + strconv.Quote(r) + " matches no resource type of " + parts[2] + " (for example " + formats[0] + "); check the ARN's resource part"
}

// checkConditionKeyKnown returns a warning when key (not an aws: global key,
// which lint checks apart) belongs to no service or identity provider AWS
// documents, or is not one of its service's keys.
func checkConditionKeyKnown(key string) string {
	prefix, _, ok := strings.Cut(key, ":")
	if !ok || strings.EqualFold(prefix, "aws") {
		return ""
	}
	ref := awsdata.Services()
	if s := ref.Service(prefix); s != nil {
		if s.HasConditionKey(key) {
			return ""
		}
		return "condition key " + strconv.Quote(key) + " is not one of " + s.Name + "'s keys"
	}
	if ref.KnownKeyPrefix(prefix) {
		return ""
	}
	return "condition key " + strconv.Quote(key) + " has prefix " + strconv.Quote(prefix) + ", which is neither a service nor an identity provider AWS documents"
}

// gtok is one element of a pattern: a literal character, '?' (any one
// character) or '*' (any text, empty included).
type gtok struct {
	c    rune
	kind byte // 'l' literal, '?' one, '*' any
}

// globTokens reads an ARN or ARN format as a pattern: '*' and '?' are
// wildcards, and so is every ${...} (a policy variable in a policy, a
// placeholder such as ${BucketName} in a format).
func globTokens(s string) []gtok {
	out := make([]gtok, 0, len(s))
	for _, c := range s {
		out = append(out, gtok{c: c, kind: 'l'})
	}
	return varsAsStars(out)
}

// varsAsStars turns each '*', '?' and ${...} of a literal token list into
// its wildcard.
func varsAsStars(in []gtok) []gtok {
	out := in[:0:0]
	for i := 0; i < len(in); i++ {
		switch c := in[i].c; {
		case c == '*':
			out = append(out, gtok{kind: '*'})
		case c == '?':
			out = append(out, gtok{kind: '?'})
		case c == '$' && i+1 < len(in) && in[i+1].c == '{':
			end := -1
			for j := i + 2; j < len(in); j++ {
				if in[j].c == '}' {
					end = j
					break
				}
			}
			if end < 0 {
				out = append(out, in[i])
				continue
			}
			out = append(out, gtok{kind: '*'})
			i = end
		default:
			out = append(out, in[i])
		}
	}
	return out
}

// globsIntersect reports whether some string matches both patterns, by
// dynamic programming over their positions (O(len(a)·len(b))).
func globsIntersect(a, b []gtok) bool {
	// can[i][j]: a[i:] and b[j:] have a common match. Filled backwards.
	w := len(b) + 1
	can := make([]bool, (len(a)+1)*w)
	can[len(a)*w+len(b)] = true
	for i := len(a); i >= 0; i-- {
		for j := len(b); j >= 0; j-- {
			if i == len(a) && j == len(b) {
				continue
			}
			ok := false
			switch {
			case i < len(a) && a[i].kind == '*':
				// The star matches nothing more, or swallows b's next token.
				ok = can[(i+1)*w+j] || (j < len(b) && can[i*w+j+1])
			case j < len(b) && b[j].kind == '*':
				ok = can[i*w+j+1] || (i < len(a) && can[(i+1)*w+j])
			case i < len(a) && j < len(b):
				ok = (a[i].kind == '?' || b[j].kind == '?' || a[i].c == b[j].c) && can[(i+1)*w+j+1]
			}
			can[i*w+j] = ok
		}
	}
	return can[0]
}

// CompleteAction suggests up to limit completions of a partly typed action:
// "service:" prefixes while q has no ':' ("s3" gives "s3:", "s3express:"...),
// then the service's actions that start with what follows, as AWS spells
// them ("sts:assumer" gives "sts:AssumeRole", "sts:AssumeRoleWithSAML"...).
func CompleteAction(q string, limit int) []string {
	ref := awsdata.Services()
	out := []string{}
	svc, name, ok := strings.Cut(strings.ToLower(strings.TrimSpace(q)), ":")
	if svc == "" {
		return out
	}
	if !ok {
		for _, p := range ref.Prefixes() {
			if strings.HasPrefix(p, svc) && len(out) < limit {
				out = append(out, p+":")
			}
		}
		return out
	}
	s := ref.Service(svc)
	if s == nil {
		return out
	}
	for i, lower := range s.LowerNames() {
		if strings.HasPrefix(lower, name) && len(out) < limit {
			out = append(out, s.Prefix+":"+s.Actions[i].Name)
		}
	}
	return out
}

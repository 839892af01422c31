package iam

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// idAlphabet is what AWS unique IDs are made of after their prefix.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// newID returns prefix followed by n random characters: AIDA (users), AGPA
// (groups), AROA (roles), ANPA (policies), AKIA (access keys), ASIA
// (temporary keys), with 17 characters after the prefix as AWS's (16 for
// access keys, which are 20 characters long in all).
func newID(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return prefix + string(b)
}

// ID prefixes.
const (
	PrefixUser      = "AIDA"
	PrefixGroup     = "AGPA"
	PrefixRole      = "AROA"
	PrefixPolicy    = "ANPA"
	PrefixProfile   = "AIPA" // instance profiles
	PrefixAccessKey = "AKIA"
	PrefixTempKey   = "ASIA"
	// PrefixOIDCProvider marks an OIDC provider's row ID: AWS shows none,
	// the ARN names a provider; tags need an ID of at most 32 characters.
	PrefixOIDCProvider = "OIDP"
)

// ARNs, as AWS writes them; path is "/" or "/a/b/".
func userARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":user" + path + name
}
func groupARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":group" + path + name
}
func roleARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":role" + path + name
}
func instanceProfileARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":instance-profile" + path + name
}
func policyARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":policy" + path + name
}

var (
	pathRE = regexp.MustCompile(`^/([\x21-\x7E]*/)?$`)
)

// namePattern is AWS's pattern for entity names (the API reference's
// userNameType, roleNameType, groupNameType, policyNameType,
// instanceProfileNameType), as its ValidationError quotes it.
const namePattern = `[\w+=,.@-]+`

// nameRE is namePattern, whole.
var nameRE = regexp.MustCompile(`^[\w+=,.@-]+$`)

// nameLimits are AWS's longest names per kind: users and roles 64
// characters, groups, policies and instance profiles 128.
var nameLimits = map[string]int{"user": 64, "group": 128, "role": 64, "policy": 128, "instance-profile": 128}

// validName checks an entity name against AWS's pattern and length for its
// kind; field is the request parameter ("UserName"), which AWS's message
// names in lower camel case ("userName"). A name breaking both rules
// breaks two constraints, as AWS reports them.
func validName(kind, field, name string) error {
	limit := nameLimits[kind]
	var vs []Violation
	at := lowerFirst(field)
	if !nameRE.MatchString(name) {
		vs = append(vs, Violation{at, name, "Member must satisfy regular expression pattern: " + namePattern})
	}
	switch n := utf8.RuneCountInString(name); {
	case n < 1:
		vs = append(vs, Violation{at, name, "Member must have length greater than or equal to 1"})
	case n > limit:
		vs = append(vs, Violation{at, name, "Member must have length less than or equal to " + strconv.Itoa(limit)})
	}
	if len(vs) == 0 {
		return nil
	}
	return violation(field, fmt.Sprintf("The %s name must be 1 to %d characters of letters, digits and +=,.@_-.",
		strings.ReplaceAll(kind, "-", " "), limit), vs...)
}

// pathPattern is AWS's pattern for paths (pathType), as its
// ValidationError quotes it.
const pathPattern = `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`

// normalizePath defaults an empty path to "/" and checks AWS's rules: it
// begins and ends with "/", at most 512 characters, printable ASCII.
func normalizePath(field, path string) (string, error) {
	if path == "" {
		return "/", nil
	}
	var vs []Violation
	at := lowerFirst(field)
	if !pathRE.MatchString(path) || strings.Contains(path, "//") {
		vs = append(vs, Violation{at, path, "Member must satisfy regular expression pattern: " + pathPattern})
	}
	if len(path) > 512 {
		vs = append(vs, Violation{at, path, "Member must have length less than or equal to 512"})
	}
	if len(vs) > 0 {
		return "", violation(field, "The path must begin and end with / and hold at most 512 printable ASCII characters, such as /division/team/.", vs...)
	}
	return path, nil
}

// lowerFirst is a request parameter's name as AWS's validation messages
// write it: UserName is userName.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// randRead is crypto/rand.Read.
var randRead = rand.Read

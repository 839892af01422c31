package iam

import (
	"crypto/rand"
	"regexp"
	"strings"
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
	userNameRE   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	groupNameRE  = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	roleNameRE   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	policyNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	pathRE       = regexp.MustCompile(`^/([\x21-\x7E]*/)?$`)
)

// validName checks an entity name against AWS's pattern for its kind.
func validName(kind, field, name string) error {
	re := map[string]*regexp.Regexp{"user": userNameRE, "group": groupNameRE, "role": roleNameRE, "policy": policyNameRE,
		"instance-profile": instanceProfileNameRE}[kind]
	if re == nil || !re.MatchString(name) {
		limit := map[string]string{"user": "64", "group": "128", "role": "64", "policy": "128", "instance-profile": "128"}[kind]
		return invalidField(field, "The %s name must be 1 to %s characters of letters, digits and +=,.@_-.", strings.ReplaceAll(kind, "-", " "), limit)
	}
	return nil
}

// normalizePath defaults an empty path to "/" and checks AWS's rules: it
// begins and ends with "/", at most 512 characters, printable ASCII.
func normalizePath(field, path string) (string, error) {
	if path == "" {
		return "/", nil
	}
	if len(path) > 512 || !pathRE.MatchString(path) || strings.Contains(path, "//") {
		return "", invalidField(field, "The path must begin and end with / and hold at most 512 printable ASCII characters, such as /division/team/.")
	}
	return path, nil
}

// randRead is crypto/rand.Read.
var randRead = rand.Read

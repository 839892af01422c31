package iam

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tag is a key-value tag on a user, role or policy.
type Tag struct {
	Key   string
	Value string
}

// AttachedPermissionsBoundary names a principal's permissions boundary.
type AttachedPermissionsBoundary struct {
	PermissionsBoundaryType string // always "PermissionsBoundaryPolicy", as AWS writes it
	PermissionsBoundaryArn  string
}

// MaxTags is AWS's quota of tags per entity.
const MaxTags = 50

// validateTags checks AWS's tag rules: at most 50, keys 1–128 characters,
// values up to 256, no "aws:" prefix, keys unique ignoring case, and the
// characters AWS allows (letters, digits, spaces and _ . : / = + - @).
func validateTags(tags []Tag) error {
	if len(tags) > MaxTags {
		return newErr(LimitExceeded, "The number of tags has reached the maximum limit.")
	}
	seen := map[string]bool{}
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		switch {
		case utf8.RuneCountInString(t.Key) < 1 || utf8.RuneCountInString(t.Key) > 128:
			return invalidField("tags", "Tag keys must be 1 to 128 characters.")
		case utf8.RuneCountInString(t.Value) > 256:
			return invalidField("tags", "Tag values must be at most 256 characters.")
		case strings.HasPrefix(k, "aws:"):
			return invalidField("tags", "Tag keys may not begin with aws: (reserved for AWS use).")
		case !tagChars(t.Key) || !tagChars(t.Value):
			return invalidField("tags", "Tags may contain only letters, digits, spaces and _ . : / = + - @.")
		case seen[k]:
			return invalidField("tags", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	return nil
}

// tagChars is AWS's [\p{L}\p{Z}\p{N}_.:/=+\-@]*.
func tagChars(s string) bool {
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.Is(unicode.Z, r) || unicode.IsNumber(r) || strings.ContainsRune("_.:/=+-@", r)) {
			return false
		}
	}
	return true
}

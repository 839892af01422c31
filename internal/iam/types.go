package iam

import (
	"strconv"
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

// AWS's patterns for tag keys and values (tagKeyType, tagValueType), as
// its ValidationError quotes them.
const (
	tagKeyPattern   = `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`
	tagValuePattern = `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`
)

// validateTags checks AWS's tag rules. Its model first: at most 50 tags,
// keys 1–128 characters, values up to 256, of the characters AWS allows
// (letters, digits, spaces and _ . : / = + - @), every violation reported
// at its place in the request ("tags.2.member.key"). Then IAM's own rules:
// no "aws:" prefix, and keys unique ignoring case, InvalidInput as AWS
// answers it ("Duplicate tag keys found. Please note that Tag keys are case
// insensitive.", AWS's words as the aws provider's users quote them,
// github-aws-runners/terraform-aws-github-runner#1346).
func validateTags(tags []Tag) error {
	var vs []Violation
	msg := ""
	bad := func(m string, v Violation) {
		if msg == "" {
			msg = m
		}
		vs = append(vs, v)
	}
	if len(tags) > MaxTags {
		bad("An entity can have at most 50 tags.", Violation{"tags", tagsString(tags), "Member must have length less than or equal to 50"})
	}
	for i, t := range tags {
		at := "tags." + strconv.Itoa(i+1) + ".member."
		keyLen, valueLen := utf8.RuneCountInString(t.Key), utf8.RuneCountInString(t.Value)
		if keyLen < 1 || !tagChars(t.Key) {
			bad("Tags may contain only letters, digits, spaces and _ . : / = + - @.",
				Violation{at + "key", t.Key, "Member must satisfy regular expression pattern: " + tagKeyPattern})
		}
		switch {
		case keyLen < 1:
			bad("Tag keys must be 1 to 128 characters.", Violation{at + "key", t.Key, "Member must have length greater than or equal to 1"})
		case keyLen > 128:
			bad("Tag keys must be 1 to 128 characters.", Violation{at + "key", t.Key, "Member must have length less than or equal to 128"})
		}
		if !tagChars(t.Value) {
			bad("Tags may contain only letters, digits, spaces and _ . : / = + - @.",
				Violation{at + "value", t.Value, "Member must satisfy regular expression pattern: " + tagValuePattern})
		}
		if valueLen > 256 {
			bad("Tag values must be at most 256 characters.", Violation{at + "value", t.Value, "Member must have length less than or equal to 256"})
		}
	}
	if len(vs) > 0 {
		return violation("tags", msg, vs...)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		switch {
		case strings.HasPrefix(k, "aws:"):
			// AWS's wording here is unpublished: its model's pattern allows
			// the prefix, IAM refuses it (a ValidationError, as before).
			return invalidField("tags", "Tag keys beginning with aws: are reserved for AWS use.")
		case seen[k]:
			e := invalidField("tags", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
			e.Code = "InvalidInput"
			return e
		}
		seen[k] = true
	}
	return nil
}

// tagsString writes a tag list as AWS's validation messages show a list
// value: [{Key: k,Value: v}, …].
func tagsString(tags []Tag) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, t := range tags {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("{Key: " + t.Key + ",Value: " + t.Value + "}")
	}
	b.WriteByte(']')
	return b.String()
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

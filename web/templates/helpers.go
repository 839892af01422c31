package templates

import "strings"

func flashRole(kind string) string {
	if kind == "error" {
		return "alert"
	}
	return "status"
}

// describedBy links an input to its error message when there is one.
func describedBy(errs FieldErrors, field string) string {
	if _, ok := errs[field]; ok {
		return field + "-error"
	}
	return ""
}

// roleNameOf is ROLE in arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
func roleNameOf(arn string) string {
	_, rest, ok := strings.Cut(arn, ":assumed-role/")
	if !ok {
		return arn
	}
	role, _, _ := strings.Cut(rest, "/")
	return role
}

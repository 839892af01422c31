package templates

import (
	"strconv"
	"strings"
)

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

func itoa(n int) string { return strconv.Itoa(n) }

// severityClass colours a finding's severity.
func severityClass(s string) string {
	switch strings.ToLower(s) {
	case "critical", "high":
		return "badge-bad"
	case "medium":
		return "badge-warn"
	default:
		return "badge-neutral"
	}
}

package templates

import (
	"net/url"
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

// exportQuery carries the audit log's filter to its export link.
func exportQuery(f AuditFilterView) string {
	q := url.Values{}
	for k, v := range map[string]string{"principal": f.Principal, "event": f.Event, "resource": f.Resource,
		"result": f.Result, "since": f.Since, "until": f.Until} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// CountOf is n with its noun in the right number: "1 action", "3 actions".
func CountOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// arnShort is what a narrow column shows of an ARN: its resource part
// ("user/alice", "root", "policy/ReadOnlyAccess"); other values as they are.
func arnShort(arn string) string {
	if !strings.HasPrefix(arn, "arn:") {
		return arn
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[5] == "" {
		return arn
	}
	return parts[5]
}

func auditSortState(oldest bool) string {
	if oldest {
		return "ascending"
	}
	return "descending"
}

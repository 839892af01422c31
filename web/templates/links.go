package templates

import "net/url"

// The review pages link to each other by these addresses, so a finding, a
// path, a graph node and an access tab can point at one another.

// PathsURL lists the paths to full access of an account; with from, only
// that principal's.
func PathsURL(account, from string) string {
	q := url.Values{}
	if account != "" {
		q.Set("account", account)
	}
	if from != "" {
		q.Set("from", from)
	}
	return "/paths?" + q.Encode()
}

// TechniqueURL is the page of a catalogue technique (iam-001, sts-001, …).
func TechniqueURL(id string) string { return "/techniques/" + url.PathEscape(id) }

// AccessURL is a principal's effective access in an account: what it can do
// by service and access level, and whether it can become admin.
func AccessURL(account, arn string) string {
	q := url.Values{}
	if account != "" {
		q.Set("account", account)
	}
	q.Set("arn", arn)
	return "/access?" + q.Encode()
}

// GraphURL is the graph focused on a principal.
func GraphURL(account, focus string) string {
	q := url.Values{}
	if account != "" {
		q.Set("account", account)
	}
	if focus != "" {
		q.Set("focus", focus)
	}
	return "/graph?" + q.Encode()
}

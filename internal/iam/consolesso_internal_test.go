package iam

import (
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/federation/oidc"
)

// TestConsoleSessionName: the verified email when it is a session name,
// else the subject made into one.
func TestConsoleSessionName(t *testing.T) {
	for _, tc := range []struct {
		name string
		all  map[string]any
		sub  string
		want string
	}{
		{"verified email", map[string]any{"email": "ada@example.com", "email_verified": true}, "u1", "ada@example.com"},
		{"email without email_verified", map[string]any{"email": "ada@example.com"}, "u1", "ada@example.com"},
		{"unverified email", map[string]any{"email": "ada@example.com", "email_verified": false}, "u1", "u1"},
		{"email with a space", map[string]any{"email": "a b@example.com"}, "u1", "u1"},
		{"GitHub-style subject", nil, "repo:octo/app:ref:refs/heads/main", "repo-octo-app-ref-refs-heads-main"},
		{"Auth0-style subject", nil, "auth0|5f7c8ec7", "auth0-5f7c8ec7"},
		{"one character", nil, "x", "x-"},
		{"non-ASCII", nil, "zoë", "zo-"},
		{"long", nil, strings.Repeat("a", 100), strings.Repeat("a", 64)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := consoleSessionName(&oidc.Claims{Subject: tc.sub, All: tc.all})
			if got != tc.want || !sessionNameRE.MatchString(got) {
				t.Errorf("consoleSessionName = %q, want %q (a valid session name)", got, tc.want)
			}
		})
	}
}

// TestPickRole: the first mapping whose value the claim holds, whatever
// the claim's JSON type, else the default role.
func TestPickRole(t *testing.T) {
	c := ConsoleOIDC{RoleClaim: "groups", DefaultRole: "Guest",
		ClaimRoles: []ClaimRole{{Value: "admins", Role: "Admin"}, {Value: "staff", Role: "Reader"}, {Value: "true", Role: "Flagged"}}}
	for _, tc := range []struct {
		name  string
		claim any
		want  string
	}{
		{"list, order of the mapping wins", []any{"staff", "admins"}, "Admin"},
		{"string", "staff", "Reader"},
		{"boolean", true, "Flagged"},
		{"no match", []any{"other"}, "Guest"},
		{"absent", nil, "Guest"},
		{"list of non-strings", []any{1.0, map[string]any{}}, "Guest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			all := map[string]any{}
			if tc.claim != nil {
				all["groups"] = tc.claim
			}
			if got := c.pickRole(&oidc.Claims{All: all}); got != tc.want {
				t.Errorf("pickRole = %q, want %q", got, tc.want)
			}
		})
	}
	c.DefaultRole = ""
	if got := c.pickRole(&oidc.Claims{All: map[string]any{"groups": "nobody"}}); got != "" {
		t.Errorf("no default: pickRole = %q", got)
	}
}

package templates

import "testing"

func TestCountOf(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 actions"}, {1, "1 action"}, {2, "2 actions"}} {
		if got := CountOf(tc.n, "action", "actions"); got != tc.want {
			t.Errorf("CountOf(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestCrumbs(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Page
		want int
	}{
		{"a section's top page", Page{Title: "Users", Active: "users"}, 0},
		{"a section top titled apart", Page{Title: "User groups", Active: "groups"}, 0},
		{"the dashboard", Page{Title: "Dashboard", Active: "dashboard"}, 0},
		{"below a section", Page{Title: "alice", Active: "users"}, 2},
		{"given crumbs", Page{Title: "Delete alice", Active: "users", Crumbs: []Crumb{{"Users", "/users"}, {"alice", "/users/alice"}, {"Delete alice", ""}}}, 3},
		{"no section", Page{Title: "My security credentials"}, 0},
	} {
		if got := crumbs(tc.p); len(got) != tc.want {
			t.Errorf("%s: %v, want %d crumbs", tc.name, got, tc.want)
		}
	}
}

func TestArnShort(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::123456789012:user/eng/alice":             "user/eng/alice",
		"arn:aws:iam::123456789012:root":                       "root",
		"arn:aws:sts::123456789012:assumed-role/Auditor/alice": "assumed-role/Auditor/alice",
		"arn:aws:s3:::bucket/key":                              "bucket/key",
		"*":                                                    "*",
		"arn:aws:iam::123456789012:":                           "arn:aws:iam::123456789012:",
	} {
		if got := arnShort(in); got != want {
			t.Errorf("arnShort(%q) = %q, want %q", in, got, want)
		}
	}
}

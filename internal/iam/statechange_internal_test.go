package iam

import "testing"

func TestStateChangeClassifies(t *testing.T) {
	const u = "arn:aws:iam::111122223333:user/alice"
	const p = "arn:aws:iam::111122223333:policy/p"
	for _, tc := range []struct {
		ev      event
		by      string
		state   bool
		changed string
	}{
		{event{name: "ConsoleLogin", resource: u}, u, false, ""},
		{event{name: "SignInLocked", resource: "alice"}, "", false, ""},
		{event{name: "AssumeRole", resource: "arn:aws:iam::111122223333:role/r"}, u, false, ""},
		{event{name: "AttachUserPolicy", resource: u, params: map[string]any{"userName": "alice", "policyArn": p}}, "cli", true, u + "\n" + p},
		{event{name: "PutUserPermissionsBoundary", resource: u, params: map[string]any{"permissionsBoundary": p}}, "cli", true, u + "\n" + p},
		{event{name: "EnableMFADevice", resource: "arn:aws:iam::111122223333:mfa/alice"}, u, true, "arn:aws:iam::111122223333:mfa/alice\n" + u},
		{event{name: "CreateUser", resource: u}, "cli", true, u},
		// An operation this table does not know, naming no entity: a
		// change to everything, never none.
		{event{name: "SomethingNew", resource: "x"}, "cli", true, "*"},
	} {
		state, changed := stateChange(tc.ev, tc.by)
		if state != tc.state || changed != tc.changed {
			t.Errorf("%s: %v %q, want %v %q", tc.ev.name, state, changed, tc.state, tc.changed)
		}
	}
}

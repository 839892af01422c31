package iam

import (
	"strings"
)

// notStateChanges are the audited operations that change no IAM state (see
// models.StateStamp): sessions, sign-ins and their throttles, account-wide
// settings no graph or decision reads (UpdateAccountSettings is not one:
// whether users may go without MFA is kept under the stamp), and imports (an imported account is
// stamped by its import time). Every other successful event is a state
// change: an operation added later without an entry here makes the stamp
// move (too often, never too rarely).
var notStateChanges = map[string]bool{
	"ConsoleLogin": true, "ConsoleLogout": true, "SessionRotated": true, "SwitchRole": true,
	"EndSession": true, "EndUserSessions": true, "RecoveryCodeUsed": true, "RegenerateRecoveryCodes": true,
	"SignInLocked": true, "SignInUnlocked": true, "AssumeRole": true, "AssumeRoleWithWebIdentity": true,
	"AssumeRoleWithSAML": true, "GetSessionToken": true, "GetFederationToken": true,
	"UpdateAccountPasswordPolicy": true, "DeleteAccountPasswordPolicy": true,
	"ImportAccountAuthorizationDetails": true, "CreateAccountAlias": true, "DeleteAccountAlias": true,
	"SetSecurityTokenServicePreferences": true, "EnableOutboundWebIdentityFederation": true,
	"DisableOutboundWebIdentityFederation": true, "GetWebIdentityToken": true,
	// Access reviews record decisions; the changes they apply are their own events.
	"CreateAccessReview": true, "DecideAccessReview": true, "CloseAccessReview": true,
}

// statePrincipalChanges are state changes to what the acting principal owns
// rather than to their resource: an MFA device is named by its serial, and
// belongs to the caller.
var statePrincipalChanges = map[string]bool{"EnableMFADevice": true, "DeactivateMFADevice": true}

// stateChange says whether a successful event ev, taken by principalARN,
// changed IAM state, and which entities (ARNs, one per line) it changed:
// its resource, and the managed policies it attached, detached or made a
// boundary (their attachment counts change). "*" when it names none.
func stateChange(ev event, principalARN string) (bool, string) {
	if notStateChanges[ev.name] {
		return false, ""
	}
	var arns []string
	add := func(s string) {
		if strings.HasPrefix(s, "arn:") {
			arns = append(arns, s)
		}
	}
	add(ev.resource)
	for _, k := range []string{"policyArn", "permissionsBoundary"} {
		if v, ok := ev.params[k].(string); ok {
			add(v)
		}
	}
	for _, a := range ev.also {
		add(a)
	}
	if statePrincipalChanges[ev.name] {
		add(principalARN)
	}
	if len(arns) == 0 {
		return true, "*"
	}
	return true, strings.Join(arns, "\n")
}

package iam

import (
	"encoding/json"

	"github.com/iamconsole/console/internal/policy"
)

// The forced steps of a console sign-in, as one state machine. A session
// that owes something is confined to the step that settles it, one step
// at a time, in this order:
//
//	password change  (an administrator required a reset, or the password is
//	                  past the policy's maximum age without hard expiry)
//	MFA enrollment   (root always, IAM users unless the account allows them
//	                  without a device)
//	none             (the console)
//
// Completing a step rotates the session (ChangePassword, ConfirmEnrollment)
// and the next request computes the next step afresh, so a session with n
// requirements reaches the console in n steps, never revisiting one. A
// password under hard expiry is not a step: the sign-in is refused
// (ErrPasswordExpired) and only an administrator can set a new one.

// ForcedStep is what a console session owes before anything else.
type ForcedStep string

// The forced steps, in the order they are owed.
const (
	StepNone           ForcedStep = ""
	StepChangePassword ForcedStep = "change-password"
	StepEnrollMFA      ForcedStep = "enroll-mfa"
)

// NextStep is the step p's session is confined to, StepNone when it is
// free.
func (p *Principal) NextStep() ForcedStep {
	switch {
	case p == nil:
		return StepNone
	case p.MustChangePassword:
		return StepChangePassword
	case p.MustEnrollMFA:
		return StepEnrollMFA
	}
	return StepNone
}

// forcedStepGrant is the session grant of a confined IAM user session: the
// operations its step needs on the user's own resources, so the account
// never requires of a user what the user's policies do not let it do (AWS's
// console attaches IAMUserChangePassword when it requires a password
// change; this does the same for every step, for the confined session
// only, and attaches nothing to the user).
//
// It is a resource-based policy naming the user itself, added to the
// session's inputs and evaluated by the engine like any: an explicit Deny
// in the user's policies still wins (an administrator who denies it means
// it), while a permissions boundary or an empty identity policy does not
// stop it, as AWS treats a resource policy naming the caller. It covers
// only the user's own ARN and its MFA device named after it, and lasts
// only while the session is confined: the session that completes the step
// is rotated and has no grant. What the step does is audited as usual
// (ChangePassword, EnableMFADevice, with the step named in the event).
//
// Root needs none: nothing restricts root.
func forcedStepGrant(p *Principal) (string, bool) {
	if p.Type != TypeUser || p.Session != nil {
		return "", false
	}
	type stmt struct {
		Sid       string
		Effect    string
		Principal map[string]string
		Action    []string
		Resource  []string
	}
	self := map[string]string{"AWS": p.ARN}
	var stmts []stmt
	switch p.NextStep() {
	case StepChangePassword:
		stmts = []stmt{
			{"ForcedPasswordChange", "Allow", self, []string{"iam:ChangePassword", "iam:GetUser"}, []string{p.ARN}},
			{"ForcedPasswordChangeRules", "Allow", self, []string{"iam:GetAccountPasswordPolicy"}, []string{"*"}},
		}
	case StepEnrollMFA:
		stmts = []stmt{
			{"ForcedMFADevice", "Allow", self, []string{"iam:CreateVirtualMFADevice"}, []string{serialFor(p.AccountID, p.Name)}},
			{"ForcedMFAEnable", "Allow", self, []string{"iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice", "iam:GetUser"}, []string{p.ARN}},
		}
	default:
		return "", false
	}
	doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	if err != nil {
		return "", false // cannot happen: plain strings
	}
	return string(doc), true
}

// addForcedStepGrant adds p's session grant, if it is confined, to its
// inputs.
func (s *Service) addForcedStepGrant(in *policy.Inputs, p *Principal) error {
	doc, ok := forcedStepGrant(p)
	if !ok {
		return nil
	}
	g, err := s.compiled(policy.PolicyRef{ID: "forced-step:" + string(p.NextStep()) + ":" + p.ARN,
		Name: "Forced step session grant (" + string(p.NextStep()) + ")"}, doc, policy.Resource)
	if err != nil {
		return err
	}
	in.Resource = g
	return nil
}

// MFADeviceNameFor is the device name a confined session's grant covers:
// the user's own name (root, unrestricted, may choose any).
func MFADeviceNameFor(p *Principal) string {
	if p.Type == TypeUser {
		return p.Name
	}
	return "authenticator"
}

// stepParams adds to an event's parameters the forced step the caller was
// confined to, so the audit log shows what the session grant allowed.
func stepParams(p *Principal, params map[string]any) map[string]any {
	if step := p.NextStep(); step != StepNone {
		if params == nil {
			params = map[string]any{}
		}
		params["forcedStep"] = string(step)
	}
	return params
}

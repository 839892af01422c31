package iam

import "context"

// authorize decides whether caller may take action on resource. A nil
// caller is the operator at the command line (console admin …), who has
// the machine and so every right. Root may do everything. IAM principals
// are decided by the policy engine once they exist (issue 04); until then
// nothing else can sign in.
func (s *Service) authorize(_ context.Context, caller *Principal, action, resource string) error {
	if caller == nil || caller.IsRoot() {
		return nil
	}
	return &Error{Kind: AccessDenied, Code: "AccessDenied",
		Message: "User: " + caller.ARN + " is not authorized to perform: " + action + " on resource: " + resource}
}

func callerARN(p *Principal) string {
	if p == nil {
		return "cli"
	}
	return p.ARN
}

func callerAccount(p *Principal) string {
	if p == nil {
		return ""
	}
	return p.AccountID
}

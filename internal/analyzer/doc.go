// Package analyzer answers IAM Access Analyzer's policy checks over the
// console's policy engine: ValidatePolicy (findings with AWS's issue codes,
// finding types, learn-more links and JSON-path locations), and the custom
// checks CheckNoNewAccess, CheckAccessNotGranted and CheckNoPublicAccess.
//
// Validate does not parse policies itself: it runs internal/policy's
// validator (the one behind IAM's MalformedPolicyDocument and the policy
// editor's diagnostics), renames each diagnostic to the issue code AWS's
// "Access Analyzer policy check reference" gives the same problem, and adds
// the few checks that reference lists and the validator has no reason to
// make (redundant actions and resources, iam:PassRole with wildcards,
// wildcards without a Like operator, the SCP grammar). Every code used here
// is listed in codes.go with its finding type and its section of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
//
// The package is pure: no database, no authorization. internal/iam's
// operations authorize the caller (access-analyzer:ValidatePolicy...) and
// call it.
package analyzer

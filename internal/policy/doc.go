// Package policy is the IAM policy language: it parses, validates, lints, compiles
// and evaluates AWS IAM JSON policies, and explains every decision.
//
// # Grammar
//
// A policy document is a JSON object:
//
//	{
//	  "Version": "2012-10-17",            // or "2008-10-17"; absent means 2008-10-17
//	  "Id": "optional",
//	  "Statement": [                       // one object or a list of them
//	    {
//	      "Sid": "ReadHome",               // optional; letters and digits, unique
//	      "Effect": "Allow",               // "Allow" or "Deny"
//	      "Principal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:user/bob"]},
//	                                       // resource and trust policies only; or "*";
//	                                       // also "Service", "Federated", "CanonicalUser";
//	                                       // NotPrincipal inverts it
//	      "Action": ["s3:GetObject", "s3:List*"],     // or NotAction; case-insensitive
//	      "Resource": "arn:aws:s3:::home/${aws:username}/*", // or NotResource; absent in trust policies
//	      "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}}
//	    }
//	  ]
//	}
//
// Every element is a string or a list of strings, except Condition, which maps an
// operator to keys and each key to a value or a list of values (strings, numbers or
// booleans). Operators are the String*, Numeric*, Date*, Bool, BinaryEquals,
// IpAddress/NotIpAddress, Arn* and Null families, each (but Null) with an IfExists
// form, optionally qualified by ForAnyValue: or ForAllValues:.
//
// The parser accepts what IAM's API accepts and refuses what it refuses
// (testdata/aws-grammar holds IAM's recorded answers, each with its source),
// even where IAM is lenient: it reads only an action's service prefix (letters,
// digits, '-' and '.'), resource ARNs by their colons ("arn:aws:fdsasf" passes),
// condition operators without keys (ignored, even unknown ones), boolean and
// numeric condition values, and a null in a Resource list. It refuses what
// IAM's "legacy parser" refuses: an Effect in the wrong case, a Date condition
// value that is not a date, an empty service field. Managed policies
// (ValidateFor) must also be in Version 2012-10-17. Every error keeps its line
// and column for people, and carries the one sentence IAM's API answers
// (Report.AWSError picks the one IAM would name).
//
// Actions match case-insensitively; resources case-sensitively. '*' matches any run
// of characters and '?' one character. In Resource the six colon-separated ARN parts
// match separately, and a '*' that ends a part may run across colons (as AWS
// documents); Arn* condition operators match part by part without that stretch.
// Policy variables (${aws:username}, ${aws:PrincipalTag/team}, any context key,
// ${key, 'default'}, and the literals ${*} ${?} ${$}) are substituted in Resource and
// in String and Arn condition values, in Version 2012-10-17 documents only. A variable
// with no value and no default matches nothing.
//
// # Use
//
// Parse or Validate a document once, Compile it, then evaluate requests against the
// compiled policies:
//
//	doc, err := policy.Parse(raw, policy.Identity) // err is *ParseError: Code, Line, Column
//	p := policy.Compile(policy.PolicyRef{ID: arn, Name: name, VersionID: "v1"}, doc)
//	in := &policy.Inputs{Identity: []*policy.Policy{p}}
//	req := &policy.Request{
//		Principal: policy.Principal{ARN: "arn:aws:iam::111122223333:user/alice"},
//		Action:    "s3:GetObject",
//		Resource:  "arn:aws:s3:::home/alice/notes.txt",
//		Context:   policy.NewContext(map[string][]string{"aws:SourceIp": {"10.1.2.3"}}),
//	}
//	d := policy.Evaluate(in, req) // d.Outcome, d.Matched, d.Missing
//
// Validate additionally checks the size quota for the policy kind (LimitManaged and
// friends) and returns lint warnings; each Diagnostic has a Code (map it to an AWS
// error with Code.AWSErrorCode), a Line and a Column.
//
// # Evaluation
//
// Evaluate follows AWS's logic: an explicit Deny in any policy wins; otherwise the
// request needs an Allow from the identity policies that the permissions boundary (if
// any) and the session policies (if any) also allow, or, within one account, an Allow
// from the resource policy that names the caller itself (which no boundary or session
// policy limits) or the role behind the caller's session (which they do). A trust
// policy, or a resource in another account (Inputs.ResourceAccount), must allow as
// well as the identity side. A federated-user session (GetFederationToken) with no
// session policy gets nothing from its identity policies. Anything else is an
// implicit deny. The engine does not special-case the account root user: callers
// that let root do everything decide that before asking.
//
// Three entry points trade explanation for speed:
//
//   - Decide returns only the Outcome; it allocates nothing and stops at the first
//     explicit Deny. Authorizers on the request path use it.
//   - EvaluateInto fills a caller-owned Decision with every matched statement and
//     missing context key, reusing its slices (no allocation once warm).
//   - Evaluate is EvaluateInto with a fresh Decision.
//
// Compiled policies are immutable and safe for concurrent use. Each indexes its
// statements by action (memoised per action on first use) and by resource head, so a
// request meets only the statements that could apply. Merge combines a principal's
// identity policies under one index for callers that evaluate the same principal
// often; explanations still name each statement's own policy.
package policy

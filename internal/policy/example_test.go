package policy_test

import (
	"errors"
	"fmt"

	"github.com/iamconsole/console/internal/policy"
)

func Example() {
	doc, err := policy.Parse([]byte(`{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Home", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": "arn:aws:s3:::home/${aws:username}/*"},
    {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*",
     "Resource": "arn:aws:s3:::home/*/secret/*"}
  ]
}`), policy.Identity)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := policy.Compile(policy.PolicyRef{ID: "arn:aws:iam::111122223333:policy/home", Name: "home", VersionID: "v1"}, doc)
	in := &policy.Inputs{Identity: []*policy.Policy{p}}
	alice := policy.Principal{ARN: "arn:aws:iam::111122223333:user/alice"}

	for _, res := range []string{"arn:aws:s3:::home/alice/notes.txt", "arn:aws:s3:::home/bob/notes.txt", "arn:aws:s3:::home/alice/secret/key"} {
		d := policy.Evaluate(in, &policy.Request{Principal: alice, Action: "s3:GetObject", Resource: res})
		fmt.Print(res, ": ", d.Outcome)
		for _, m := range d.Deciding() {
			fmt.Printf(" by %s statement %d (%s)", m.Policy.Name, m.Index, m.Sid)
		}
		fmt.Println()
	}
	// Output:
	// arn:aws:s3:::home/alice/notes.txt: allowed by home statement 0 (Home)
	// arn:aws:s3:::home/bob/notes.txt: implicitDeny
	// arn:aws:s3:::home/alice/secret/key: explicitDeny by home statement 1 (NoSecrets)
}

func ExampleParse_error() {
	_, err := policy.Parse([]byte(`{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}
}`), policy.Identity)
	var pe *policy.ParseError
	if errors.As(err, &pe) {
		d := pe.Diagnostics[0]
		fmt.Println(d.Line, d.Column, d.Code, d.Code.AWSErrorCode())
		fmt.Println(d.Message)
	}
	// Output:
	// 3 27 BadEffect MalformedPolicyDocument
	// Effect must be "Allow" or "Deny" (case-sensitive), not "Permit"
}

func ExampleValidate() {
	rep := policy.Validate([]byte(`{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]
}`), policy.Identity, policy.LimitManaged)
	fmt.Println("ok:", rep.OK())
	for _, w := range rep.Warnings {
		fmt.Println(w.Line, w.Column, w.Code)
	}
	// Output:
	// ok: true
	// 3 17 AllowWithNotAction
}

func ExampleDecide() {
	p := policy.MustCompile(policy.PolicyRef{ID: "mfa"}, `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*",
    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
}`, policy.Identity)
	in := &policy.Inputs{Identity: []*policy.Policy{p}}
	req := &policy.Request{
		Principal: policy.Principal{ARN: "arn:aws:iam::111122223333:user/alice"},
		Action:    "iam:CreateUser",
		Resource:  "arn:aws:iam::111122223333:user/bob",
	}
	fmt.Println(policy.Decide(in, req))
	req.Context = policy.NewContext(map[string][]string{"aws:MultiFactorAuthPresent": {"true"}})
	fmt.Println(policy.Decide(in, req))
	// Output:
	// implicitDeny
	// allowed
}

func ExampleEvaluateInto() {
	role := policy.MustCompile(policy.PolicyRef{ID: "role"}, `{"Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`, policy.Identity)
	session := policy.MustCompile(policy.PolicyRef{ID: "session"}, `{"Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*",
    "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}}`, policy.Session)
	in := &policy.Inputs{Identity: []*policy.Policy{role}, Session: []*policy.Policy{session}}
	req := &policy.Request{
		Principal: policy.Principal{ARN: "arn:aws:sts::111122223333:assumed-role/Reader/app"},
		Action:    "s3:GetObject",
		Resource:  "arn:aws:s3:::data/x",
	}
	var d policy.Decision // reuse one per goroutine: no allocation once warm
	policy.EvaluateInto(in, req, &d)
	fmt.Println(d.Outcome, d.Missing)
	// Output:
	// implicitDeny [aws:RequestedRegion]
}

func ExampleNewContext() {
	ctx := policy.NewContext(map[string][]string{"AWS:SourceIp": {"10.1.2.3"}, "aws:TagKeys": {"team", "env"}})
	ips, _ := ctx.Get("aws:sourceip") // keys are case-insensitive
	tags, _ := ctx.Get("aws:TagKeys")
	fmt.Println(ips, len(tags))
	// Output:
	// [10.1.2.3] 2
}

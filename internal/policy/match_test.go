package policy

import "testing"

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"s3:getobject", "s3:getobject", true},
		{"s3:getobject", "s3:getobjectacl", false},
		{"*", "anything:at:all", true},
		{"s3:*", "s3:getobject", true},
		{"s3:*", "s3x:getobject", false},
		{"*object", "s3:getobject", true},
		{"s3:*object", "s3:getobjectacl", false},
		{"s3:get*acl", "s3:getobjectacl", true},
		{"s3:get*acl", "s3:getobjectacls", false},
		{"s3:?etobject", "s3:getobject", true},
		{"s3:?etobject", "s3:etobject", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"*a?", "xab", true},
		{"*a?", "xa", false},
		{"", "", true},
		{"", "x", false},
		{"??", "é!", true},
	}
	for _, tt := range tests {
		g := compileGlob(tt.pattern, true, false, false)
		if got := g.match(tt.s, nil); got != tt.want {
			t.Errorf("%q ~ %q = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestResourceARN(t *testing.T) {
	tests := []struct {
		pattern, arn string
		want         bool
	}{
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", true},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/a", false}, // case-sensitive
		{"arn:aws:s3:::bucket", "arn:aws:s3:::bucket/x", false},
		{"arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:user/alice", true},
		{"arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:role/alice", false},
		{"arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true},
		{"arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:ec2:us-west-2:111122223333:instance/i-1", false},
		{"arn:aws:ec2:*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true}, // trailing * stretches
		{"arn:*:user/bob", "arn:aws:iam::111122223333:user/bob", true},
		{"arn:aws:logs:*:*:log-group:app:*", "arn:aws:logs:eu-west-1:111122223333:log-group:app:log-stream:x", true},
		{"arn:aws:s?:::b/*", "arn:aws:s3:::b/k", true},
		{"*", "arn:aws:s3:::b/k", true},
		{"arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/alice/k", true},
		{"arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/bob/k", false},
		{"arn:aws:s3:::b/${aws:PrincipalTag/team}/*", "arn:aws:s3:::b/blue/k", true},
		{"arn:aws:s3:::b/${aws:PrincipalTag/none}/*", "arn:aws:s3:::b//k", false}, // no value: no match
		{"arn:aws:s3:::b/${aws:PrincipalTag/none, 'shared'}/*", "arn:aws:s3:::b/shared/k", true},
		{"arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", true},
		{"arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x", false},
		{"arn:aws:s3:::b/${?}${$}", "arn:aws:s3:::b/?$", true},
		{"arn:aws:s3:::b/${aws:TagKeys}", "arn:aws:s3:::b/a", false}, // multi-valued key is no variable
	}
	r := &Request{
		Principal: Principal{ARN: "arn:aws:iam::111122223333:user/alice", Tags: map[string]string{"Team": "blue"}},
		Context:   NewContext(map[string][]string{"aws:TagKeys": {"a", "b"}}),
	}
	for _, tt := range tests {
		p := compileARN(tt.pattern, true, true)
		if got := p.match(tt.arn, r); got != tt.want {
			t.Errorf("%q ~ %q = %v, want %v", tt.pattern, tt.arn, got, tt.want)
		}
	}
	// Version 2008-10-17: variables are literal text.
	p := compileARN("arn:aws:s3:::b/${aws:username}", false, true)
	if !p.match("arn:aws:s3:::b/${aws:username}", r) || p.match("arn:aws:s3:::b/alice", r) {
		t.Error("2008-10-17 policy substituted a variable")
	}
	// ArnLike parts do not stretch across colons.
	c := compileARN("arn:aws:svc:*:111122223333:finance/*", false, false)
	if c.match("arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/x", nil) {
		t.Error("ArnLike stretched a part across colons")
	}
	if !c.match("arn:aws:svc:us-east-2:111122223333:finance/x", nil) {
		t.Error("ArnLike did not match part by part")
	}
}

func TestPrincipalDerivation(t *testing.T) {
	s := Principal{ARN: "arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com"}
	if s.kind() != PrincipalRole || s.account() != "111122223333" || s.roleARN() != "arn:aws:iam::111122223333:role/Admin" ||
		s.principalARN() != s.roleARN() || s.userName() != "" {
		t.Errorf("session: %v %v %v %v", s.kind(), s.account(), s.roleARN(), s.userName())
	}
	u := Principal{ARN: "arn:aws:iam::111122223333:user/eng/bob"}
	if u.kind() != PrincipalUser || u.userName() != "bob" || u.principalARN() != u.ARN {
		t.Errorf("user: %v %v", u.kind(), u.userName())
	}
	if r := (Principal{ARN: "arn:aws:iam::111122223333:root"}); r.kind() != PrincipalAccount {
		t.Errorf("root: %v", r.kind())
	}
	if a := (Principal{}); a.kind() != PrincipalAnonymous {
		t.Errorf("anonymous: %v", a.kind())
	}
}

func TestMatchHelpers(t *testing.T) {
	if !MatchAction("S3:get*", "s3:GetObject") || MatchAction("s3:Get*", "s3:PutObject") {
		t.Error("MatchAction")
	}
	if !MatchResource("arn:aws:s3:::b/*", "arn:aws:s3:::b/k") || MatchResource("arn:aws:s3:::B/*", "arn:aws:s3:::b/k") ||
		MatchResource("arn:aws:s3:::${aws:username}", "arn:aws:s3:::alice") {
		t.Error("MatchResource")
	}
}

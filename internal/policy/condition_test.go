package policy

import (
	"encoding/json"
	"testing"
	"time"
)

// condCase evaluates one condition block against a context (nil = key absent).
type condCase struct {
	op    string
	key   string
	value any // string, number, bool or []any
	ctx   []string
	want  bool
}

func evalCond(t *testing.T, c condCase, version string) (Outcome, []string) {
	t.Helper()
	v, _ := json.Marshal(c.value)
	doc := `{"Version": "` + version + `", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
	  "Condition": {"` + c.op + `": {"` + c.key + `": ` + string(v) + `}}}}`
	if version == "" {
		doc = `{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
	  "Condition": {"` + c.op + `": {"` + c.key + `": ` + string(v) + `}}}}`
	}
	p := MustCompile(PolicyRef{ID: "c"}, doc, Identity)
	req := &Request{Principal: Principal{ARN: "arn:aws:iam::111122223333:user/alice", ID: "AIDAALICE",
		Tags: map[string]string{"team": "blue"}}, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	if c.ctx != nil {
		req.Context.Set(c.key, c.ctx...)
	}
	d := Evaluate(&Inputs{Identity: []*Policy{p}}, req)
	if f := Decide(&Inputs{Identity: []*Policy{p}}, req); f != d.Outcome {
		t.Errorf("Decide %v != Evaluate %v", f, d.Outcome)
	}
	return d.Outcome, d.Missing
}

func TestConditionOperators(t *testing.T) {
	tests := []condCase{
		// String family.
		{"StringEquals", "k:a", "x", []string{"x"}, true},
		{"StringEquals", "k:a", "x", []string{"X"}, false},
		{"StringEquals", "k:a", "x*", []string{"xy"}, false}, // no wildcards in Equals
		{"StringEquals", "k:a", []any{"x", "y"}, []string{"y"}, true},
		{"StringEquals", "k:a", "x", nil, false},
		{"StringNotEquals", "k:a", []any{"x", "y"}, []string{"y"}, false},
		{"StringNotEquals", "k:a", []any{"x", "y"}, []string{"z"}, true},
		{"StringNotEquals", "k:a", "x", nil, true}, // negated on a missing key: true
		{"StringEqualsIgnoreCase", "k:a", "Xy", []string{"xY"}, true},
		{"StringNotEqualsIgnoreCase", "k:a", "Xy", []string{"xY"}, false},
		{"StringLike", "k:a", "terraform/*", []string{"terraform/1.5"}, true},
		{"StringLike", "k:a", "a?c", []string{"abc"}, true},
		{"StringLike", "k:a", "a?c", []string{"ac"}, false},
		{"StringNotLike", "k:a", "a*", []string{"abc"}, false},
		{"StringNotLike", "k:a", "a*", []string{"bc"}, true},
		{"StringEquals", "aws:username", "${aws:username}", nil, true}, // derived from the principal
		{"StringEquals", "k:a", "${aws:username}", []string{"alice"}, true},
		{"StringEquals", "k:a", "${aws:PrincipalTag/TEAM}", []string{"blue"}, true},
		{"StringEquals", "k:a", "${k:missing}", []string{""}, false},
		{"StringNotEquals", "k:a", "${k:missing}", []string{"x"}, false}, // unresolved variable: statement invalid
		{"StringEquals", "k:a", "${k:missing, 'd'}", []string{"d"}, true},
		{"StringEquals", "aws:PrincipalTag/Team", "blue", nil, true},
		{"StringEquals", "aws:PrincipalAccount", "111122223333", nil, true},
		{"StringEquals", "aws:PrincipalType", "User", nil, true},
		{"StringEquals", "aws:userid", "AIDAALICE", nil, true},
		{"StringEquals", "aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice", nil, true},
		// Numeric.
		{"NumericEquals", "k:n", 10, []string{"10.0"}, true},
		{"NumericNotEquals", "k:n", 10, []string{"10"}, false},
		{"NumericLessThan", "k:n", "3600", []string{"12"}, true},
		{"NumericLessThan", "k:n", 3600, []string{"3600"}, false},
		{"NumericLessThanEquals", "k:n", 3600, []string{"3600"}, true},
		{"NumericGreaterThan", "k:n", 1.5, []string{"2"}, true},
		{"NumericGreaterThanEquals", "k:n", 2, []string{"1"}, false},
		{"NumericLessThan", "k:n", 5, []string{"abc"}, false},
		{"NumericLessThan", "k:n", "abc", []string{"1"}, false},
		// Date.
		{"DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", []string{"2025-06-01T12:00:00Z"}, true},
		{"DateGreaterThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", []string{"2025-06-01T12:00:00Z"}, false},
		{"DateEquals", "k:d", "2025-06-01T12:00:00Z", []string{"1748779200"}, true},
		{"DateNotEquals", "k:d", "2025-06-01T12:00:00Z", []string{"2025-06-01T14:00:00+02:00"}, false},
		{"DateLessThanEquals", "k:d", "2025-06-01", []string{"2025-06-01T00:00:00Z"}, true},
		{"DateGreaterThanEquals", "aws:EpochTime", 1748779200, []string{"1748779201"}, true},
		// Bool, Binary.
		{"Bool", "aws:SecureTransport", "true", []string{"true"}, true},
		{"Bool", "aws:SecureTransport", true, []string{"false"}, false},
		{"Bool", "aws:SecureTransport", "false", nil, false},
		{"BinaryEquals", "k:b", "QmluYXJ5VmFsdWU=", []string{"QmluYXJ5VmFsdWU="}, true},
		{"BinaryEquals", "k:b", "QmluYXJ5VmFsdWU=", []string{"BinaryValue"}, true},
		{"BinaryEquals", "k:b", "QmluYXJ5VmFsdWU=", []string{"other"}, false},
		// IP addresses.
		{"IpAddress", "aws:SourceIp", "10.0.0.0/8", []string{"10.1.2.3"}, true},
		{"IpAddress", "aws:SourceIp", []any{"192.0.2.0/24", "2001:db8::/32"}, []string{"2001:db8::1"}, true},
		{"IpAddress", "aws:SourceIp", "203.0.113.7", []string{"203.0.113.7"}, true},
		{"IpAddress", "aws:SourceIp", "10.0.0.0/8", []string{"::ffff:10.1.2.3"}, true},
		{"NotIpAddress", "aws:SourceIp", "10.0.0.0/8", []string{"11.1.2.3"}, true},
		{"NotIpAddress", "aws:SourceIp", "10.0.0.0/8", []string{"10.1.2.3"}, false},
		{"IpAddress", "aws:SourceIp", "10.0.0.0/8", []string{"not-an-ip"}, false},
		// ARNs.
		{"ArnLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:topic-*", []string{"arn:aws:sns:us-east-1:111122223333:topic-a"}, true},
		{"ArnEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:t", []string{"arn:aws:sns:us-east-1:111122223333:t"}, true},
		{"ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", []string{"arn:aws:sns:us-east-1:444455556666:t"}, true},
		{"ArnNotEquals", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", nil, true},
		// Null.
		{"Null", "aws:TokenIssueTime", "true", nil, true},
		{"Null", "aws:TokenIssueTime", "true", []string{"x"}, false},
		{"Null", "aws:TokenIssueTime", "false", []string{"x"}, true},
		// IfExists.
		{"StringEqualsIfExists", "k:a", "x", nil, true},
		{"StringEqualsIfExists", "k:a", "x", []string{"y"}, false},
		{"NumericLessThanIfExists", "aws:MultiFactorAuthAge", 3600, nil, true},
		// Set qualifiers.
		{"ForAllValues:StringEquals", "aws:TagKeys", []any{"a", "b"}, []string{"a", "b"}, true},
		{"ForAllValues:StringEquals", "aws:TagKeys", []any{"a", "b"}, []string{"a", "c"}, false},
		{"ForAllValues:StringEquals", "aws:TagKeys", []any{"a"}, nil, true}, // missing: vacuously true
		{"ForAnyValue:StringEquals", "aws:TagKeys", []any{"a"}, []string{"c", "a"}, true},
		{"ForAnyValue:StringEquals", "aws:TagKeys", []any{"a"}, nil, false},
		{"ForAnyValue:StringNotEquals", "aws:TagKeys", []any{"a"}, []string{"a", "b"}, true},
		{"ForAllValues:StringNotEquals", "aws:TagKeys", []any{"a"}, []string{"a", "b"}, false},
		{"ForAllValues:StringLike", "aws:TagKeys", "env*", []string{"env", "environment"}, true},
		{"StringEquals", "aws:TagKeys", "a", []string{"b", "a"}, true}, // multi-valued without qualifier: any
		{"StringNotEquals", "aws:TagKeys", "a", []string{"b", "a"}, false},
		// Keys are case-insensitive.
		{"StringEquals", "AWS:SOURCEVPC", "vpc-1", []string{"vpc-1"}, true},
	}
	for _, tt := range tests {
		got, _ := evalCond(t, tt, Version2012)
		if (got == Allowed) != tt.want {
			t.Errorf("%s %s %v with %v: %v, want %v", tt.op, tt.key, tt.value, tt.ctx, got, tt.want)
		}
	}
}

func TestConditionVariablesNeedVersion(t *testing.T) {
	// Without Version 2012-10-17, "${aws:username}" is compared literally.
	c := condCase{"StringEquals", "k:a", "${aws:username}", []string{"alice"}, false}
	if got, _ := evalCond(t, c, ""); got == Allowed {
		t.Error("variable substituted in a 2008-10-17 policy")
	}
	c = condCase{"StringEquals", "k:a", "${aws:username}", []string{"${aws:username}"}, true}
	if got, _ := evalCond(t, c, Version2008); got != Allowed {
		t.Error("literal ${...} not matched in a 2008-10-17 policy")
	}
}

func TestMissingContextValues(t *testing.T) {
	c := condCase{"NumericLessThan", "aws:MultiFactorAuthAge", 3600, nil, false}
	got, missing := evalCond(t, c, Version2012)
	if got != ImplicitDeny || len(missing) != 1 || missing[0] != "aws:MultiFactorAuthAge" {
		t.Errorf("outcome %v missing %v", got, missing)
	}
	// IfExists and Null never report the key missing.
	for _, op := range []string{"NumericLessThanIfExists", "Null"} {
		v := any(3600)
		if op == "Null" {
			v = "true"
		}
		if _, missing := evalCond(t, condCase{op, "aws:MultiFactorAuthAge", v, nil, true}, Version2012); len(missing) != 0 {
			t.Errorf("%s reported missing %v", op, missing)
		}
	}
}

func TestRequestTime(t *testing.T) {
	p := MustCompile(PolicyRef{ID: "t"}, `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
	  "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "NumericGreaterThan": {"aws:EpochTime": 1700000000},
	                "StringLike": {"aws:CurrentTime": "2025-*"}}}}`, Identity)
	in := &Inputs{Identity: []*Policy{p}}
	req := &Request{Action: "s3:GetObject", Resource: "*", Time: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	if d := Evaluate(in, req); d.Outcome != Allowed {
		t.Errorf("with Request.Time: %v missing %v", d.Outcome, d.Missing)
	}
	req.Time = time.Time{}
	if d := Evaluate(in, req); d.Outcome != ImplicitDeny || len(d.Missing) != 2 {
		t.Errorf("without time: %v missing %v", d.Outcome, d.Missing)
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2025-06-01T12:00:00Z", "2025-06-01T12:00:00.5Z", "2025-06-01T14:00:00+02:00", "2025-06-01", "1748779200", "2024-02-29T00:00:00Z"} {
		if _, ok := parseDate(s); !ok {
			t.Errorf("parseDate(%q) failed", s)
		}
	}
	for _, s := range []string{"", "2025-02-30T00:00:00Z", "2025-13-01T00:00:00Z", "yesterday", "2025-06-01T25:00:00Z"} {
		if _, ok := parseDate(s); ok {
			t.Errorf("parseDate(%q) succeeded", s)
		}
	}
	a, _ := parseDate("2025-06-01T12:00:00Z")
	b, _ := parseDate("1748779200")
	if a != b {
		t.Errorf("ISO %d != epoch %d", a, b)
	}
}

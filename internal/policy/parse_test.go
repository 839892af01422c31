package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		kind      Kind
		doc       string
		code      Code
		line, col int
	}{
		{"empty", Identity, ``, CodeMalformedJSON, 1, 1},
		{"not json", Identity, `{"Version": 2012-10-17}`, CodeMalformedJSON, 1, 17},
		{"trailing comma", Identity, "{\"Statement\": [\n  {\"Effect\": \"Allow\",}\n]}", CodeMalformedJSON, 2, 21},
		{"unterminated string", Identity, `{"Version": "2012`, CodeMalformedJSON, 1, 13},
		{"trailing data", Identity, `{} {}`, CodeMalformedJSON, 1, 4},
		{"too deep", Identity, strings.Repeat("[", 40), CodeTooDeep, 1, 18},
		{"array root", Identity, `[]`, CodeWrongType, 1, 1},
		{"duplicate key", Identity, "{\"Version\": \"2012-10-17\",\n \"Version\": \"2012-10-17\", \"Statement\": []}", CodeDuplicateKey, 2, 2},
		{"unknown top element", Identity, `{"Version": "2012-10-17", "Statment": []}`, CodeUnknownElement, 1, 27},
		{"bad version", Identity, `{"Version": "2012-10-18", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`, CodeBadVersion, 1, 13},
		{"missing statement", Identity, `{"Version": "2012-10-17"}`, CodeMissingElement, 1, 1},
		{"empty statement list", Identity, `{"Statement": []}`, CodeMissingElement, 1, 15},
		{"statement not object", Identity, `{"Statement": ["x"]}`, CodeWrongType, 1, 16},
		{"unknown statement element", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Resources": "*"}}`, CodeUnknownElement, 1, 70},
		{"missing effect", Identity, `{"Statement": {"Action": "s3:*", "Resource": "*"}}`, CodeMissingElement, 1, 15},
		{"bad effect", Identity, `{"Statement": {"Effect": "allow", "Action": "s3:*", "Resource": "*"}}`, CodeBadEffect, 1, 26},
		{"missing action", Identity, `{"Statement": {"Effect": "Allow", "Resource": "*"}}`, CodeMissingElement, 1, 15},
		{"missing resource", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:*"}}`, CodeMissingElement, 1, 15},
		{"action and notaction", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:*", "NotAction": "s3:Get*", "Resource": "*"}}`, CodeConflict, 1, 15},
		{"action number", Identity, `{"Statement": {"Effect": "Allow", "Action": 5, "Resource": "*"}}`, CodeWrongType, 1, 45},
		{"action list with number", Identity, `{"Statement": {"Effect": "Allow", "Action": ["s3:*", 5], "Resource": "*"}}`, CodeWrongType, 1, 54},
		{"empty action list", Identity, `{"Statement": {"Effect": "Allow", "Action": [], "Resource": "*"}}`, CodeMissingElement, 1, 45},
		{"bad action", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3GetObject", "Resource": "*"}}`, CodeBadAction, 1, 45},
		{"bad vendor chars", Identity, `{"Statement": {"Effect": "Allow", "Action": "s 3:GetObject", "Resource": "*"}}`, CodeBadAction, 1, 45},
		{"bad arn", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "bucket/*"}}`, CodeBadARN, 1, 65},
		{"short arn", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3"}}`, CodeBadARN, 1, 65},
		{"unknown operator", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEqual": {"aws:username": "a"}}}}`, CodeUnknownOperator, 1, 84},
		{"operator case", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"stringEquals": {"aws:username": "a"}}}}`, CodeUnknownOperator, 1, 84},
		{"null ifexists", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NullIfExists": {"aws:username": "true"}}}}`, CodeUnknownOperator, 1, 84},
		{"condition value object", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:username": {}}}}}`, CodeWrongType, 1, 117},
		{"empty condition key", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"": "a"}}}}`, CodeBadConditionKey, 1, 101},
		{"principal in identity policy", Identity, `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}}`, CodePrincipalNotAllow, 1, 15},
		{"principal missing in resource policy", Resource, `{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`, CodePrincipalRequired, 1, 15},
		{"resource in trust policy", Trust, `{"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}}`, CodeResourceNotAllow, 1, 15},
		{"bad principal string", Trust, `{"Statement": {"Effect": "Allow", "Principal": "bob", "Action": "sts:AssumeRole"}}`, CodeBadPrincipal, 1, 48},
		{"bad principal type", Trust, `{"Statement": {"Effect": "Allow", "Principal": {"User": "bob"}, "Action": "sts:AssumeRole"}}`, CodeUnknownElement, 1, 49},
		{"bad aws principal", Trust, `{"Statement": {"Effect": "Allow", "Principal": {"AWS": "bob"}, "Action": "sts:AssumeRole"}}`, CodeBadPrincipal, 1, 56},
		{"wildcard in principal arn", Trust, `{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/*"}, "Action": "sts:AssumeRole"}}`, CodeBadPrincipal, 1, 56},
		{"sid not alphanumeric", Identity, `{"Statement": {"Sid": "my sid", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`, CodeBadSid, 1, 15},
		{"duplicate sid", Identity, `{"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}`, CodeBadSid, 1, 84},
		{"character outside latin-1", Identity, "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::caf\u00e9-\u2603\"}}", CodeBadCharacter, 1, 84},
		{"control character in string", Identity, "{\"Id\": \"a\x01\"}", CodeMalformedJSON, 1, 10},
		{"bad escape", Identity, `{"Id": "\x"}`, CodeMalformedJSON, 1, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.doc), tt.kind)
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", d)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *ParseError", err)
			}
			for _, g := range pe.Diagnostics {
				if g.Code == tt.code {
					if g.Line != tt.line || g.Column != tt.col {
						t.Errorf("%s at %d:%d, want %d:%d (%s)", g.Code, g.Line, g.Column, tt.line, tt.col, g.Message)
					}
					if g.Code.AWSErrorCode() != "MalformedPolicyDocument" {
						t.Errorf("AWSErrorCode = %s", g.Code.AWSErrorCode())
					}
					return
				}
			}
			t.Errorf("no %s among %v", tt.code, pe.Diagnostics)
		})
	}
}

func TestParseShapes(t *testing.T) {
	d, err := Parse([]byte(`{
  "Version": "2012-10-17",
  "Id": "x",
  "Statement": {
    "Sid": "S1",
    "Effect": "Allow",
    "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:user/bob"], "Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole",
    "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}, "Bool": {"aws:SecureTransport": true},
                  "StringEquals": {"sts:ExternalId": ["a", "b"]}}
  }
}`), Trust)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != Version2012 || d.ID != "x" || len(d.Statements) != 1 || !d.Variables() {
		t.Fatalf("document %+v", d)
	}
	st := d.Statements[0]
	if st.Sid != "S1" || st.Effect != Allow || st.HasResource || !st.HasPrincipal || st.Start != (Pos{4, 16}) || st.End.Line != 11 {
		t.Errorf("statement %+v", st)
	}
	want := []PrincipalEntry{
		{Type: "AWS", Value: "arn:aws:iam::111122223333:root", Pos: Pos{7, 27}},
		{Type: "AWS", Value: "arn:aws:iam::444455556666:user/bob", Pos: Pos{7, 43}},
		{Type: "Service", Value: "ec2.amazonaws.com", Pos: Pos{7, 93}},
	}
	if len(st.Principal) != len(want) {
		t.Fatalf("principals %+v", st.Principal)
	}
	for i := range want {
		if st.Principal[i] != want[i] {
			t.Errorf("principal %d = %+v, want %+v", i, st.Principal[i], want[i])
		}
	}
	if len(st.Condition) != 3 || st.Condition[0].Values[0] != "3600" || st.Condition[1].Values[0] != "true" || len(st.Condition[2].Values) != 2 {
		t.Errorf("conditions %+v", st.Condition)
	}
}

func TestDocumentSize(t *testing.T) {
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::a b\"}\n}"
	d, err := Parse([]byte(doc), Identity)
	if err != nil {
		t.Fatal(err)
	}
	// Whitespace outside strings is not counted; the space inside "a b" is.
	want := len(strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' {
			return -1
		}
		return r
	}, doc)) + 1
	if d.Size != want {
		t.Errorf("Size = %d, want %d", d.Size, want)
	}
	rep := Validate([]byte(doc), Identity, want-1)
	if rep.OK() || rep.Errors[0].Code != CodeSizeLimit || rep.Errors[0].Code.AWSErrorCode() != "LimitExceeded" {
		t.Errorf("size limit not enforced: %+v", rep.Errors)
	}
	if rep := Validate([]byte(doc), Identity, want); !rep.OK() {
		t.Errorf("at the limit: %+v", rep.Errors)
	}
}

func TestParseHugeInputBounded(t *testing.T) {
	big := []byte(`{"Id": "` + strings.Repeat("a", MaxDocumentBytes) + `"}`)
	if _, err := Parse(big, Identity); err == nil || err.(*ParseError).Code() != CodeSizeLimit {
		t.Errorf("oversized document: %v", err)
	}
	// Many members: duplicate detection must stay linear.
	var b strings.Builder
	b.WriteString(`{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {`)
	for i := 0; i < 5000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k:` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + `": "v"`)
	}
	b.WriteString(`}}}}`)
	_, err := Parse([]byte(b.String()), Identity)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Code() != CodeDuplicateKey || len(pe.Diagnostics) > maxDiagnostics {
		t.Errorf("got %v", err)
	}
}

package policy

import (
	"strings"
	"testing"
)

func TestLintWarnings(t *testing.T) {
	stmt := func(s string) string { return `{"Version": "2012-10-17", "Statement": [` + s + `]}` }
	tests := []struct {
		name string
		kind Kind
		doc  string
		want []Code // exactly these warnings, in order
	}{
		{"clean", Identity, stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), nil},
		{"missing version", Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`, []Code{CodeMissingVersion}},
		{"variable in 2008 policy", Identity, `{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}}`, []Code{CodeVariableInOldPolicy}},
		{"allow not action", Identity, stmt(`{"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::b"}`), []Code{CodeAllowNotAction}},
		{"deny not action is fine", Identity, stmt(`{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}`), nil},
		{"allow not resource", Identity, stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"}`), []Code{CodeAllowNotResource}},
		{"allow not principal", Resource, stmt(`{"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), []Code{CodeAllowNotPrincipal}},
		{"full access", Identity, stmt(`{"Effect": "Allow", "Action": "*", "Resource": "*"}`), []Code{CodeFullAccess}},
		{"full access with condition is not flagged", Identity, stmt(`{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}`), nil},
		{"passrole star", Identity, stmt(`{"Effect": "Allow", "Action": ["iam:GetRole", "iam:PassRole"], "Resource": "*"}`), []Code{CodePassRoleWildcard}},
		{"passrole via wildcard", Identity, stmt(`{"Effect": "Allow", "Action": "iam:Pass*", "Resource": "*"}`), []Code{CodePassRoleWildcard}},
		{"passrole on named role", Identity, stmt(`{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app"}`), nil},
		{"redundant", Identity, stmt(`{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/k"}`), []Code{CodeRedundantStatement}},
		{"duplicate statements flagged once", Identity, stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`), []Code{CodeRedundantStatement}},
		{"different effect not redundant", Identity, stmt(`{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}`), nil},
		{"conditioned statement not redundant", Identity, stmt(`{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}`), nil},
		{"key of another service", Identity, stmt(`{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": {"StringLike": {"s3:prefix": "home/*"}}}`), []Code{CodeKeyNotForAction}},
		{"key of the same service", Identity, stmt(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringLike": {"s3:prefix": "home/*"}}}`), nil},
		{"unknown service", Identity, stmt(`{"Effect": "Allow", "Action": "s4:GetObject", "Resource": "*"}`), []Code{CodeUnknownService}},
		{"unknown global key", Identity, stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:usrname": "a"}}}`), []Code{CodeUnknownGlobalKey}},
		{"tag keys are known", Identity, stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a"}}}`), nil},
		{"set operator on single-valued key", Identity, stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:username": "a"}}}`), []Code{CodeSetOperatorOnSingle}},
		{"bad numeric value", Identity, stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "an hour"}}}`), []Code{CodeBadConditionValue}},
		{"bad date value", Identity, stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "01T"}}}`), []Code{CodeBadConditionValue}},
		{"bad cidr", Identity, stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}}`), []Code{CodeBadConditionValue}},
		{"bad bool", Identity, stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "yes"}}}`), []Code{CodeBadConditionValue}},
		{"bad base64", Identity, stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"BinaryEquals": {"s3:signatureversion": "!!"}}}`), []Code{CodeBadConditionValue}},
		{"oidc provider key", Trust, stmt(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/*"}}}`), nil},
		{"trust policy clean", Trust, stmt(`{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Validate([]byte(tt.doc), tt.kind, 0)
			if !rep.OK() {
				t.Fatalf("errors: %v", rep.Errors)
			}
			var got []Code
			for _, w := range rep.Warnings {
				got = append(got, w.Code)
				if w.Severity != SeverityWarning || w.Line == 0 || w.Message == "" {
					t.Errorf("bad warning %+v", w)
				}
			}
			if strings.Join(codes(got), ",") != strings.Join(codes(tt.want), ",") {
				t.Errorf("warnings %v, want %v", rep.Warnings, tt.want)
			}
		})
	}
}

func codes(cs []Code) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func TestValidateKeepsDocumentOnErrors(t *testing.T) {
	rep := Validate([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}`), Identity, 0)
	if rep.OK() || rep.Doc == nil || len(rep.Doc.Statements) != 1 {
		t.Errorf("report %+v", rep)
	}
	if got := rep.Errors[0].String(); !strings.Contains(got, "1:41: error: Statement[0]: the statement has no Resource") {
		t.Errorf("String() = %q", got)
	}
	if rep := Validate([]byte(`{`), Identity, 0); rep.Doc != nil || rep.OK() {
		t.Errorf("malformed JSON: %+v", rep)
	}
}

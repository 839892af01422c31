package policy

import (
	"strings"
	"testing"
)

// TestReferenceWarnings: actions, resource ARNs and condition keys AWS's
// Service Authorization Reference does not know are warnings (IAM accepts
// them), at the element, with the likely intent when there is one.
func TestReferenceWarnings(t *testing.T) {
	doc := func(s string) string { return `{"Version": "2012-10-17", "Statement": [` + s + `]}` }
	tests := []struct {
		name string
		kind Kind
		doc  string
		code Code   // the one warning expected; "" for none
		col  int    // its column on line 1
		msg  string // part of its message
	}{
		{"known action", Identity, doc(`{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}`), "", 0, ""},
		{"action case does not matter", Identity, doc(`{"Effect": "Allow", "Action": "STS:assumerole", "Resource": "*"}`), "", 0, ""},
		{"typo in action (issue 09)", Identity, doc(`{"Effect": "Allow", "Action": "sts:AssumeRol", "Resource": "*"}`), CodeUnknownAction, 71, `did you mean "sts:AssumeRole"?`},
		{"typo in NotAction", Identity, doc(`{"Effect": "Deny", "NotAction": ["s3:GetObjekt"], "Resource": "*"}`), CodeUnknownAction, 74, `"s3:GetObject"`},
		{"action far from any", Identity, doc(`{"Effect": "Allow", "Action": "s3:Frobnicate", "Resource": "*"}`), CodeUnknownAction, 71, "is not an action of Amazon S3"},
		{"wildcard matching actions", Identity, doc(`{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}`), "", 0, ""},
		{"wildcard matching nothing", Identity, doc(`{"Effect": "Allow", "Action": "s3:Fetch*", "Resource": "*"}`), CodeUnknownAction, 71, "matches no action"},
		{"wildcard service is not checked", Identity, doc(`{"Effect": "Allow", "Action": "*:Get*", "Resource": "*"}`), "", 0, ""},
		{"unknown service", Identity, doc(`{"Effect": "Allow", "Action": "s4:GetObject", "Resource": "*"}`), CodeUnknownService, 71, "unknown service prefix"},
		{"bucket ARN", Identity, doc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::my-bucket"}`), "", 0, ""},
		{"object ARN with variable", Identity, doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/home/${aws:username}/*"}`), "", 0, ""},
		{"IAM user ARN", Identity, doc(`{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::111122223333:user/division/alice"}`), "", 0, ""},
		{"wildcards across ARN parts", Identity, doc(`{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:*:*:*"}`), "", 0, ""},
		{"unknown EC2 resource type", Identity, doc(`{"Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "arn:aws:ec2:us-east-1:111122223333:instanc/i-1"}`), CodeUnknownResourceType, 104, "matches no resource type of ec2"},
		{"unknown service in ARN", Identity, doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s4:::b/*"}`), CodeUnknownResourceType, 99, "which AWS does not define"},
		{"known service key", Identity, doc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringLike": {"s3:prefix": "home/"}}}`), "", 0, ""},
		{"service key family", Identity, doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"s3:ExistingObjectTag/project": "x"}}}`), "", 0, ""},
		{"unknown service key", Identity, doc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringLike": {"s3:prefixes": "home/"}}}`), CodeUnknownConditionKey, 134, `"s3:prefixes" is not one of Amazon S3's keys`},
		{"unknown key prefix", Identity, doc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringLike": {"example.com:sub": "x"}}}`), CodeUnknownConditionKey, 134, "neither a service nor an identity provider"},
		{"identity provider key", Trust, doc(`{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"accounts.google.com:aud": "x"}}}`), "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Validate([]byte(tt.doc), tt.kind, 0)
			if !rep.OK() {
				t.Fatalf("errors: %v", rep.Errors)
			}
			if tt.code == "" {
				if len(rep.Warnings) > 0 {
					t.Fatalf("warnings: %v", rep.Warnings)
				}
				return
			}
			if len(rep.Warnings) != 1 {
				t.Fatalf("warnings %v, want one %s", rep.Warnings, tt.code)
			}
			w := rep.Warnings[0]
			if w.Code != tt.code || w.Line != 1 || w.Column != tt.col || !strings.Contains(w.Message, tt.msg) {
				t.Errorf("got %s, want %s at 1:%d containing %q", w, tt.code, tt.col, tt.msg)
			}
		})
	}
}

func TestGlobsIntersect(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::b", true},
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::b/*", true},
		{"arn:${Partition}:iam::${Account}:user/${UserNameWithPath}", "arn:aws:iam::1:usr/a", false},
		{"a*c", "ab?", true},
		{"abc", "abd", false},
		{"*", "", true},
		{"?", "", false},
		{"a*", "*b", true},
		{"a*b", "ac", false},
	}
	for _, tt := range tests {
		if got := globsIntersect(globTokens(tt.a), globTokens(tt.b)); got != tt.want {
			t.Errorf("globsIntersect(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	if d := editDistance("assumerol", "assumerole", 5); d != 1 {
		t.Errorf("distance %d", d)
	}
	if d := editDistance("abc", "xyzuvw", 2); d != 2 {
		t.Errorf("capped distance %d", d)
	}
}

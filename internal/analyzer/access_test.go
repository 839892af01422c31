package analyzer

import (
	"errors"
	"testing"
)

func doc(stmts string) string { return `{"Version":"2012-10-17","Statement":[` + stmts + `]}` }

func TestCheckNoNewAccess(t *testing.T) {
	const get = `{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::reports/*"}`
	tests := []struct {
		name          string
		typ           PolicyType
		newDoc, old   string
		pass          bool
		failStatement []int
	}{
		{"same", IdentityPolicy, doc(get), doc(get), true, nil},
		{"fewer actions", IdentityPolicy, doc(`{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAcl"],"Resource":"arn:aws:s3:::reports/*"}`), doc(get), true, nil},
		{"wildcard expanded over the reference", IdentityPolicy, doc(`{"Effect":"Allow","Action":"s3:GetObjectT*","Resource":"arn:aws:s3:::reports/*"}`), doc(get), true, nil},
		{"narrower resource", IdentityPolicy, doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/2026/*"}`), doc(get), true, nil},
		{"split over two existing statements", IdentityPolicy,
			doc(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::reports/*"}`),
			doc(get + `,{"Effect":"Allow","Action":"s3:Put*","Resource":"*"}`), true, nil},
		{"new action", IdentityPolicy, doc(get + `,{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::reports/*"}`), doc(get), false, []int{1}},
		{"wider resource", IdentityPolicy, doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::*"}`), doc(get), false, []int{0}},
		{"wider wildcard", IdentityPolicy, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::reports/*"}`), doc(get), false, []int{0}},
		{"condition dropped", IdentityPolicy, doc(get),
			doc(`{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::reports/*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`), false, []int{0}},
		{"condition narrowed", IdentityPolicy,
			doc(`{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::reports/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":["ops"]},"Bool":{"aws:SecureTransport":"true"}}}`),
			doc(`{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::reports/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":["ops","dev"]}}}`), true, nil},
		{"deny removed", IdentityPolicy, doc(get), doc(get + `,{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/secret/*"}`), false, []int{-1}},
		{"deny kept and widened", IdentityPolicy, doc(get + `,{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::reports/secret/*"}`),
			doc(get + `,{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/secret/*"}`), true, nil},
		{"NotAction against star", IdentityPolicy, doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`), true, nil},
		{"NotAction widened", IdentityPolicy, doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), doc(`{"Effect":"Allow","NotAction":["iam:*","s3:*"],"Resource":"*"}`), false, []int{0}},
		{"new principal", ResourcePolicy,
			doc(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556666:root"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`),
			doc(`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), false, []int{0}},
		{"trust policy, same principal", ResourcePolicy,
			doc(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`),
			doc(`{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}`), true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := CheckNoNewAccess(tt.newDoc, tt.old, tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			if r.Pass != tt.pass || r.Message == "" || len(r.Reasons) != len(tt.failStatement) {
				t.Fatalf("result = %+v, want pass %v", r, tt.pass)
			}
			for i, want := range tt.failStatement {
				if r.Reasons[i].StatementIndex != want || r.Reasons[i].Description == "" {
					t.Errorf("reason %d = %+v, want statement %d", i, r.Reasons[i], want)
				}
			}
		})
	}
	if _, err := CheckNoNewAccess(`{"Statement":[]}`, doc(`{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`), IdentityPolicy); !errors.Is(err, ErrInvalidDocument) {
		t.Errorf("invalid new document: %v", err)
	}
}

func TestCheckAccessNotGranted(t *testing.T) {
	policy := doc(`{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::reports/*"},` +
		`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/app"},` +
		`{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},` +
		`{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/secret/*"}`)
	tests := []struct {
		name   string
		access []Access
		fail   []int
	}{
		{"action granted", []Access{{Actions: []string{"s3:GetObject"}}}, []int{0}},
		{"action and resource granted", []Access{{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::reports/q1.csv"}}}, []int{0}},
		{"denied outright", []Access{{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::reports/secret/key"}}}, nil},
		{"other bucket", []Access{{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::other/x"}}}, nil},
		{"action not granted", []Access{{Actions: []string{"s3:PutObject", "iam:CreateUser"}}}, nil},
		{"resource only", []Access{{Resources: []string{"arn:aws:iam::123456789012:role/app"}}}, []int{1, 2}},
		{"conditional allow still grants", []Access{{Actions: []string{"kms:Decrypt"}}}, []int{2}},
		{"wildcard action", []Access{{Actions: []string{"iam:Pass*"}}}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := CheckAccessNotGranted(policy, IdentityPolicy, tt.access)
			if err != nil {
				t.Fatal(err)
			}
			if r.Pass != (len(tt.fail) == 0) || len(r.Reasons) != len(tt.fail) {
				t.Fatalf("result = %+v, want failing statements %v", r, tt.fail)
			}
			for i, want := range tt.fail {
				if r.Reasons[i].StatementIndex != want {
					t.Errorf("reason %d = %+v, want statement %d", i, r.Reasons[i], want)
				}
			}
			if len(tt.fail) > 0 && tt.fail[0] == 0 && r.Reasons[0].StatementID != "Read" {
				t.Errorf("reason = %+v, want the Sid", r.Reasons[0])
			}
		})
	}
}

func TestCheckNoPublicAccess(t *testing.T) {
	tests := []struct {
		name, resourceType, doc string
		public                  bool
	}{
		{"trust: anyone", TrustPolicyResourceType, doc(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`), true},
		{"trust: AWS anyone", TrustPolicyResourceType, doc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}`), true},
		{"trust: external ID is no restriction", TrustPolicyResourceType,
			doc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}`), true},
		{"trust: organization", TrustPolicyResourceType,
			doc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`), false},
		{"trust: IfExists lets requests without the key in", TrustPolicyResourceType,
			doc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`), true},
		{"trust: service", TrustPolicyResourceType, doc(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`), false},
		{"trust: account", TrustPolicyResourceType, doc(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}`), false},
		{"trust: denied to everyone", TrustPolicyResourceType, doc(`{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}`), false},
		{"bucket: public read", "AWS::S3::Bucket", doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}`), true},
		{"bucket: VPC endpoint", "AWS::S3::Bucket",
			doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`), false},
		{"bucket: any IP", "AWS::S3::Bucket",
			doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}`), true},
		{"bucket: NotPrincipal", "AWS::S3::Bucket", doc(`{"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}`), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := CheckNoPublicAccess(tt.doc, tt.resourceType)
			if err != nil {
				t.Fatal(err)
			}
			if r.Pass == tt.public || (tt.public && (len(r.Reasons) != 1 || r.Reasons[0].StatementIndex != 0)) {
				t.Errorf("result = %+v, want public %v", r, tt.public)
			}
		})
	}
}

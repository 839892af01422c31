package handlers

import "testing"

func TestOnlyServices(t *testing.T) {
	unused := unusedServices("granted 2 of 3 services unused for 90 days or more: ec2 (never used), s3 (last used 2024-01-02)")
	if len(unused) != 2 || !unused["ec2"] || !unused["s3"] {
		t.Fatalf("unused %v", unused)
	}
	for _, tc := range []struct {
		doc  string
		want bool
	}{
		{`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, true},
		{`{"Statement":{"Effect":"Allow","Action":["S3:GetObject","ec2:Describe*"],"Resource":"*"}}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","iam:GetUser"],"Resource":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`, false},
		{`not json`, false},
	} {
		if got := onlyServices(tc.doc, unused); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.doc, got, tc.want)
		}
	}
}

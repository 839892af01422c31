package iam

import (
	"testing"
	"time"
)

func TestSAMLRolePair(t *testing.T) {
	const role, prov = "arn:aws:iam::123456789012:role/dev", "arn:aws:iam::123456789012:saml-provider/corp"
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{[]string{role + "," + prov}, true},
		{[]string{prov + "," + role}, true},
		{[]string{" " + role + " , " + prov + " "}, true},
		{[]string{"arn:aws:iam::123456789012:role/other," + prov, prov + "," + role}, true},
		{[]string{role}, false},
		{[]string{role + "," + role}, false},
		{[]string{role + ",arn:aws:iam::123456789012:saml-provider/other"}, false},
		{nil, false},
	} {
		if got := samlRolePair(tc.values, role, prov); got != tc.want {
			t.Errorf("samlRolePair(%q) = %v, want %v", tc.values, got, tc.want)
		}
	}
}

func TestSAMLSubjectType(t *testing.T) {
	for in, want := range map[string]string{
		"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent":   "persistent",
		"urn:oasis:names:tc:SAML:2.0:nameid-format:transient":    "transient",
		"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
		"": "",
	} {
		if got := samlSubjectType(in); got != want {
			t.Errorf("samlSubjectType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSAMLExpiry(t *testing.T) {
	now := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name       string
		sessionEnd time.Time
		want       time.Time
		fails      bool
	}{
		{"no session end", time.Time{}, now.Add(time.Hour), false},
		{"session ends later", now.Add(2 * time.Hour), now.Add(time.Hour), false},
		{"session ends first", now.Add(20 * time.Minute), now.Add(20 * time.Minute), false},
		{"session ended", now.Add(-time.Second), time.Time{}, true},
	} {
		got, err := samlExpiry(now, 3600, tc.sessionEnd)
		if (err != nil) != tc.fails || !got.Equal(tc.want) {
			t.Errorf("%s: samlExpiry = %v, %v", tc.name, got, err)
		}
	}
}

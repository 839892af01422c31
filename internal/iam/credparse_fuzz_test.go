package iam

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// Seeds: the shapes AWS takes and near misses of each.
var sshKeySeeds = []string{
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 alice@host",
	"ssh-rsa !!!",
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB0 bob",
	"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----\n",
	"-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA\n-----END RSA PUBLIC KEY-----\n",
	"-----BEGIN",
	"",
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAAQ==",
}

// FuzzParseSSHPublicKey: any body gives a key or an error of AWS's codes
// (never a panic, never an internal error), and a key it gives is RSA of
// 2,048 bits or more, whose SSH form reads back the same.
func FuzzParseSSHPublicKey(f *testing.F) {
	for _, s := range sshKeySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		pub, err := parseSSHPublicKey(body)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || (e.Code != "InvalidPublicKey" && e.Code != "UnrecognizedPublicKeyEncoding") {
				t.Fatalf("error %v is not AWS's", err)
			}
			return
		}
		if pub.Type() != "ssh-rsa" {
			t.Fatalf("accepted a %s key", pub.Type())
		}
		pemForm, err := encodeSSHPublicKey(strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))), EncodingPEM)
		if err != nil {
			t.Fatal(err)
		}
		again, err := parseSSHPublicKey(pemForm)
		if err != nil || string(again.Marshal()) != string(pub.Marshal()) {
			t.Fatalf("PEM form does not read back: %v", err)
		}
	})
}

var certSeeds = []string{
	"-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAK\n-----END CERTIFICATE-----\n",
	"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
	"-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n",
	"-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n",
	"-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n",
	"not pem",
}

// FuzzParseCertificateUpload: certificate bodies, chains and keys give a
// value or MalformedCertificate, never a panic.
func FuzzParseCertificateUpload(f *testing.F) {
	for _, s := range certSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		check := func(err error) {
			var e *Error
			if err != nil && (!errors.As(err, &e) || e.Code != "MalformedCertificate") {
				t.Fatalf("error %v is not AWS's", err)
			}
		}
		cert, err := parseCertificatePEM(text)
		check(err)
		key, kerr := parsePrivateKeyPEM(text)
		check(kerr)
		check(parseChainPEM(text))
		if err == nil && kerr == nil {
			_ = keyMatches(cert, key)
		}
	})
}

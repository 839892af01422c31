package iam

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"unicode/utf8"
)

// The PEM inputs of certificate uploads: what AWS accepts, and its errors.

// Certificate errors, with AWS's codes. AWS words MalformedCertificate as
// "Unable to parse certificate. Please ensure the certificate is in PEM
// format." (as quoted in users' reports); the others are worded after
// AWS's descriptions of the errors.
func malformedCertificate(what string) *Error {
	return &Error{Kind: Invalid, Code: "MalformedCertificate",
		Message: "Unable to parse " + what + ". Please ensure the " + what + " is in PEM format."}
}

var (
	errKeyPairMismatch = &Error{Kind: Invalid, Code: "KeyPairMismatch",
		Message: "Unable to validate certificate. Please ensure the certificate and private key match."}
	errDuplicateCertificate = &Error{Kind: AlreadyExists, Code: "DuplicateCertificate",
		Message: "The same certificate is already associated with an IAM user in the account."}
)

func invalidCertificate(format string, args ...any) *Error {
	e := newErr(Invalid, format, args...)
	e.Code = "InvalidCertificate"
	return e
}

// pemTextOK is AWS's pattern for PEM parameters, [\u0009\u000A\u000D\u0020-\u00FF]+,
// and their length limit.
func pemTextOK(s string, maxLen int) bool {
	if s == "" || len(s) > maxLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !(r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xFF)) {
			return false
		}
	}
	return true
}

// lengthError is AWS's "1 validation error detected" for a parameter out
// of its pattern or length.
func lengthError(field, param string, maxLen int) *Error {
	return invalidField(field, "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+ and have length less than or equal to %d", param, maxLen)
}

// parseCertificatePEM reads the one X.509 certificate a PEM body holds.
func parseCertificatePEM(body string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(body)))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, malformedCertificate("certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, malformedCertificate("certificate")
	}
	return cert, nil
}

// parseChainPEM checks that every block of a certificate chain is a
// certificate.
func parseChainPEM(chain string) error {
	rest := []byte(strings.TrimSpace(chain))
	n := 0
	for len(bytes.TrimSpace(rest)) > 0 {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil || block.Type != "CERTIFICATE" {
			return malformedCertificate("certificate chain")
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return malformedCertificate("certificate chain")
		}
		n++
	}
	if n == 0 {
		return malformedCertificate("certificate chain")
	}
	return nil
}

// parsePrivateKeyPEM reads an RSA or EC private key in PKCS #1, SEC 1 or
// PKCS #8 form.
func parsePrivateKeyPEM(key string) (crypto.Signer, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(key)))
	if block == nil {
		return nil, malformedCertificate("private key")
	}
	var k any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, malformedCertificate("private key")
	}
	if err != nil {
		return nil, malformedCertificate("private key")
	}
	switch s := k.(type) {
	case *rsa.PrivateKey:
		return s, nil
	case *ecdsa.PrivateKey:
		return s, nil
	case ed25519.PrivateKey:
		return s, nil
	}
	return nil, malformedCertificate("private key")
}

// keyMatches reports whether the private key is the certificate's.
func keyMatches(cert *x509.Certificate, key crypto.Signer) bool {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}

// certFingerprint is the SHA-256 of a certificate's DER form, which tells
// two uploads of the same certificate apart from their PEM whitespace.
func certFingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

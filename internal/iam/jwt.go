package iam

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
)

// JSON Web Tokens, as outbound web identity federation signs them: the
// two algorithms GetWebIdentityToken offers, with the standard library.

var b64 = base64.RawURLEncoding

// keyID names a public key in the JWKS: a hash of its encoding (RFC 7638
// asks for a thumbprint; any stable name serves verifiers).
func keyID(pub crypto.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(pub) // our own RSA and EC keys always encode
	sum := sha256.Sum256(der)
	return b64.EncodeToString(sum[:12])
}

// signJWT makes a compact JWS of claims with key (RFC 7515, 7518: RS256 is
// RSASSA-PKCS1-v1_5 with SHA-256; ES384 is ECDSA P-384 with SHA-384, the
// signature r||s of 48 bytes each).
func signJWT(key crypto.Signer, alg string, claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": alg, "typ": "JWT", "kid": keyID(key.Public())})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	var sig []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		sum := sha256.Sum256([]byte(input))
		sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	case *ecdsa.PrivateKey:
		sum := sha512.Sum384([]byte(input))
		var r, s *big.Int
		if r, s, err = ecdsa.Sign(rand.Reader, k, sum[:]); err == nil {
			sig = make([]byte, 96)
			r.FillBytes(sig[:48])
			s.FillBytes(sig[48:])
		}
	default:
		err = errors.New("unsupported key")
	}
	if err != nil {
		return "", err
	}
	return input + "." + b64.EncodeToString(sig), nil
}

package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Sealer encrypts secrets the server must read back (TOTP seeds, secret
// access keys) with AES-256-GCM under the master key. The associated data
// binds a sealed value to what it belongs to, so a sealed secret copied to
// another row does not open.
type Sealer struct {
	aead cipher.AEAD
	// macKey is derived from the master key for MACs (anti-forgery tokens):
	// the master key itself is used for one purpose only.
	macKey []byte
}

// NewSealer makes a Sealer from a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("master key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	kdf := hmac.New(sha256.New, key)
	kdf.Write([]byte("iam-console mac key v1"))
	return &Sealer{aead: aead, macKey: kdf.Sum(nil)}, nil
}

// Seal encrypts plaintext bound to ad, returning base64 of nonce||ciphertext.
func (s *Sealer) Seal(plaintext, ad []byte) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.StdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plaintext, ad))
}

// MAC returns base64url(HMAC-SHA256) of data under a key derived from the
// master key and purpose, so that MACs made for one purpose never pass for
// another's. Every console process with the same master key makes the same
// MAC.
func (s *Sealer) MAC(purpose string, data []byte) string {
	m := hmac.New(sha256.New, s.macKey)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(data)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ErrUnseal means a sealed value was tampered with, bound to something else,
// or sealed under another key.
var ErrUnseal = errors.New("cannot unseal secret")

// Open reverses Seal.
func (s *Sealer) Open(sealed string, ad []byte) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return nil, ErrUnseal
	}
	n := s.aead.NonceSize()
	pt, err := s.aead.Open(nil, raw[:n], raw[n:], ad)
	if err != nil {
		return nil, ErrUnseal
	}
	return pt, nil
}

// LoadOrCreateMasterKey reads the base64 master key from path, or, when the
// file does not exist and create is set, makes a new random one there with
// mode 0600. Several processes sharing a database must share this key.
func LoadOrCreateMasterKey(path string, create bool) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("master key directory: %w", err)
		}
		// Write a temporary file, then link it into place: the link either
		// creates the key whole or finds another process's key, never a
		// half-written one.
		tmp, err := os.CreateTemp(filepath.Dir(path), ".master-key-*")
		if err != nil {
			return nil, fmt.Errorf("create master key: %w", err)
		}
		defer os.Remove(tmp.Name())
		_, werr := tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
		if cerr := tmp.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("write master key: %w", werr)
		}
		if err := os.Link(tmp.Name(), path); errors.Is(err, os.ErrExist) {
			return LoadOrCreateMasterKey(path, false) // another process won the race
		} else if err != nil {
			return nil, fmt.Errorf("install master key: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read master key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("master key %s: want base64 of 32 bytes", path)
	}
	return key, nil
}

package iam

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"regexp"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/iamconsole/console/internal/models"
)

// SSHPublicKey is AWS's SSHPublicKey: a user's key for AWS CodeCommit, in
// the encoding asked for (SSH or PEM).
type SSHPublicKey struct {
	UserName         string
	SSHPublicKeyId   string
	Fingerprint      string
	SSHPublicKeyBody string
	Status           string
	UploadDate       time.Time
}

// SSH public key quotas and limits, as AWS's.
const (
	MaxSSHPublicKeysPerUser = 5
	minSSHKeyBits           = 2048
	maxSSHPublicKeyBody     = 16384
	// PrefixSSHPublicKey begins SSH public key IDs (20 characters).
	PrefixSSHPublicKey = "APKA"
)

// SSH key encodings for GetSSHPublicKey, AWS's EncodingType.
const (
	EncodingSSH = "SSH"
	EncodingPEM = "PEM"
)

var sshPublicKeyIDRE = regexp.MustCompile(`^[\w]{20,128}$`)

func noSuchSSHPublicKey(id string) *Error {
	return newErr(NotFound, "The Public Key with id %s cannot be found.", id)
}

var (
	errUnrecognizedKeyEncoding = &Error{Kind: Invalid, Code: "UnrecognizedPublicKeyEncoding",
		Message: "The public key encoding format is unsupported or unrecognized. Use an ssh-rsa key in OpenSSH or PEM format."}
	errDuplicateSSHKey = &Error{Kind: Invalid, Code: "DuplicateSSHPublicKey",
		Message: "The SSH public key is already associated with the specified IAM user."}
)

func invalidPublicKey(format string, args ...any) *Error {
	e := newErr(Invalid, format, args...)
	e.Code = "InvalidPublicKey"
	return e
}

// parseSSHPublicKey reads an RSA public key as AWS accepts one: OpenSSH's
// "ssh-rsa AAAA… comment", or PEM (PKIX "PUBLIC KEY" or PKCS #1 "RSA
// PUBLIC KEY"), of at least 2,048 bits.
func parseSSHPublicKey(body string) (ssh.PublicKey, error) {
	body = strings.TrimSpace(body)
	var rsaKey *rsa.PublicKey
	if strings.HasPrefix(body, "-----BEGIN") {
		block, _ := pem.Decode([]byte(body))
		if block == nil {
			return nil, invalidPublicKey("The public key is malformed: its PEM encoding cannot be read.")
		}
		switch block.Type {
		case "PUBLIC KEY":
			k, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				return nil, invalidPublicKey("The public key is malformed: %s.", "its PKIX encoding cannot be read")
			}
			r, ok := k.(*rsa.PublicKey)
			if !ok {
				return nil, errUnrecognizedKeyEncoding
			}
			rsaKey = r
		case "RSA PUBLIC KEY":
			r, err := x509.ParsePKCS1PublicKey(block.Bytes)
			if err != nil {
				return nil, invalidPublicKey("The public key is malformed: %s.", "its PKCS #1 encoding cannot be read")
			}
			rsaKey = r
		default:
			return nil, errUnrecognizedKeyEncoding
		}
	} else {
		if typ, _, _ := strings.Cut(body, " "); typ != ssh.KeyAlgoRSA {
			return nil, errUnrecognizedKeyEncoding
		}
		pub, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(body))
		if err != nil || len(strings.TrimSpace(string(rest))) > 0 {
			return nil, invalidPublicKey("The public key is malformed: its ssh-rsa encoding cannot be read.")
		}
		ck, ok := pub.(ssh.CryptoPublicKey)
		if !ok {
			return nil, errUnrecognizedKeyEncoding
		}
		r, ok := ck.CryptoPublicKey().(*rsa.PublicKey)
		if !ok {
			return nil, errUnrecognizedKeyEncoding
		}
		rsaKey = r
	}
	if rsaKey.N == nil || rsaKey.N.BitLen() < minSSHKeyBits {
		return nil, invalidPublicKey("The public key must be at least %d bits long.", minSSHKeyBits)
	}
	pub, err := ssh.NewPublicKey(rsaKey)
	if err != nil {
		return nil, invalidPublicKey("The public key is malformed or otherwise invalid.")
	}
	return pub, nil
}

// encodeSSHPublicKey writes a stored key (OpenSSH form) in encoding.
func encodeSSHPublicKey(stored, encoding string) (string, error) {
	if encoding == EncodingSSH {
		return stored, nil
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(stored))
	if err != nil {
		return "", err
	}
	ck, ok := pub.(ssh.CryptoPublicKey)
	if !ok {
		return "", errors.New("stored SSH key has no crypto key")
	}
	der, err := x509.MarshalPKIXPublicKey(ck.CryptoPublicKey())
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

func sshKeyOut(userName string, k *models.SSHPublicKey) SSHPublicKey {
	return SSHPublicKey{UserName: userName, SSHPublicKeyId: k.SSHPublicKeyID, Fingerprint: k.Fingerprint,
		SSHPublicKeyBody: k.Body, Status: k.Status, UploadDate: k.UploadedAt.UTC()}
}

func checkSSHPublicKeyID(id string) error {
	if !sshPublicKeyIDRE.MatchString(id) {
		return invalidField("SSHPublicKeyId", "The specified value for sshPublicKeyId is invalid. It must contain only alphanumeric characters and/or _, and be 20 to 128 characters long.")
	}
	return nil
}

// UploadSSHPublicKey gives a user an SSH public key, Active, with AWS's
// fingerprint (the MD5 of the key in colon-separated hex).
// UnrecognizedPublicKeyEncoding for anything but an RSA key in OpenSSH or
// PEM form, InvalidPublicKey for a malformed or short one,
// DuplicateSSHPublicKey when the user has it already, LimitExceeded past
// five per user.
func (s *Service) UploadSSHPublicKey(ctx context.Context, caller *Principal, userName, body string, m Meta) (*SSHPublicKey, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpUploadSSHPublicKey.Action(UserType))
	if err != nil {
		return nil, err
	}
	if !pemTextOK(body, maxSSHPublicKeyBody) {
		return nil, lengthError("SSHPublicKeyBody", "sSHPublicKeyBody", maxSSHPublicKeyBody)
	}
	pub, err := parseSSHPublicKey(body)
	if err != nil {
		return nil, err
	}
	k := &models.SSHPublicKey{SSHPublicKeyID: newID(PrefixSSHPublicKey, 16), UserID: u.UserID,
		Body: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))), Fingerprint: ssh.FingerprintLegacyMD5(pub),
		Status: models.CredentialActive, UploadedAt: s.now()}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		n, err := tx.CountSSHPublicKeys(ctx, acct, u.UserID)
		if err != nil {
			return err
		}
		if n >= MaxSSHPublicKeysPerUser {
			return newErr(LimitExceeded, "Cannot exceed quota for PublicKeysPerUser: %d", MaxSSHPublicKeysPerUser)
		}
		if err := tx.CreateSSHPublicKey(ctx, acct, k); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UploadSSHPublicKey", resource: arn,
			params: map[string]any{"userName": u.Name, "sSHPublicKeyId": k.SSHPublicKeyID}}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, errDuplicateSSHKey
	}
	if err != nil {
		return nil, asInternal(err, "upload SSH public key")
	}
	out := sshKeyOut(u.Name, k)
	return &out, nil
}

// GetSSHPublicKey returns one of a user's keys in encoding (SSH or PEM).
func (s *Service) GetSSHPublicKey(ctx context.Context, caller *Principal, userName, id, encoding string, m Meta) (*SSHPublicKey, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, _, err := s.authorizedUser(ctx, caller, acct, userName, m, OpGetSSHPublicKey.Action(UserType))
	if err != nil {
		return nil, err
	}
	if err := checkSSHPublicKeyID(id); err != nil {
		return nil, err
	}
	if encoding != EncodingSSH && encoding != EncodingPEM {
		return nil, invalidField("Encoding", "1 validation error detected: Value '%s' at 'encoding' failed to satisfy constraint: Member must satisfy enum value set: [SSH, PEM]", encoding)
	}
	k, err := s.store.SSHPublicKey(ctx, acct, u.UserID, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, noSuchSSHPublicKey(id)
	}
	if err != nil {
		return nil, internal(err, "SSH public key")
	}
	out := sshKeyOut(u.Name, k)
	if out.SSHPublicKeyBody, err = encodeSSHPublicKey(k.Body, encoding); err != nil {
		return nil, internal(err, "encode SSH public key")
	}
	return &out, nil
}

// ListSSHPublicKeys lists a user's keys (the caller's own when userName is
// empty), oldest first, one page of at most maxItems after marker (a key
// ID). The keys' bodies are left out, as AWS's list does.
func (s *Service) ListSSHPublicKeys(ctx context.Context, caller *Principal, userName string, in Page, m Meta) ([]SSHPublicKey, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	u, _, err := s.authorizedUser(ctx, caller, acct, userName, m, OpListSSHPublicKeys.Action(UserType))
	if err != nil {
		return nil, "", err
	}
	f, err := listFilter("", in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, "", err
	}
	rows, err := s.store.SSHPublicKeys(ctx, acct, u.UserID)
	if err != nil {
		return nil, "", internal(err, "SSH public keys")
	}
	out := make([]SSHPublicKey, len(rows))
	for i := range rows {
		out[i] = sshKeyOut(u.Name, &rows[i])
		out[i].SSHPublicKeyBody, out[i].Fingerprint = "", ""
	}
	return pageByPosition(out, func(k SSHPublicKey) string { return k.SSHPublicKeyId }, f)
}

// pageByPosition cuts one page from items in their own order (not sorted
// by key): those after the item whose key is f.After, at most f.Limit.
func pageByPosition[T any](items []T, key func(T) string, f models.ListFilter) ([]T, string, error) {
	if f.After != "" {
		for i := range items {
			if key(items[i]) == f.After {
				items = items[i+1:]
				break
			}
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = models.DefaultListLimit
	}
	if len(items) <= limit {
		return items, "", nil
	}
	return items[:limit], key(items[limit-1]), nil
}

// UpdateSSHPublicKey makes a user's key Active or Inactive.
func (s *Service) UpdateSSHPublicKey(ctx context.Context, caller *Principal, userName, id, status string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpUpdateSSHPublicKey.Action(UserType))
	if err != nil {
		return err
	}
	if err := checkSSHPublicKeyID(id); err != nil {
		return err
	}
	if err := checkStatus(status); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.UpdateSSHPublicKeyStatus(ctx, acct, u.UserID, id, status); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateSSHPublicKey", resource: arn,
			params: map[string]any{"userName": u.Name, "sSHPublicKeyId": id, "status": status}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchSSHPublicKey(id)
	}
	return asInternal(err, "update SSH public key")
}

// DeleteSSHPublicKey deletes a user's key.
func (s *Service) DeleteSSHPublicKey(ctx context.Context, caller *Principal, userName, id string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpDeleteSSHPublicKey.Action(UserType))
	if err != nil {
		return err
	}
	if err := checkSSHPublicKeyID(id); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.DeleteSSHPublicKey(ctx, acct, u.UserID, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteSSHPublicKey", resource: arn,
			params: map[string]any{"userName": u.Name, "sSHPublicKeyId": id}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchSSHPublicKey(id)
	}
	return asInternal(err, "delete SSH public key")
}

package models

import (
	"context"
	"strings"
	"time"
)

// Credential statuses, as AWS's StatusType.
const (
	CredentialActive   = "Active"
	CredentialInactive = "Inactive"
	CredentialExpired  = "Expired"
)

// SigningCertificate is a user's X.509 signing certificate. Fingerprint is
// the SHA-256 of its DER form, unique in the account.
type SigningCertificate struct {
	CertificateID string `gorm:"primaryKey;size:128"`
	AccountID     string `gorm:"size:12"`
	UserID        string `gorm:"size:32"`
	Body          string `gorm:"type:text"`
	Fingerprint   string `gorm:"size:64"`
	Status        string `gorm:"size:16"`
	UploadedAt    time.Time
}

// ServerCertificate is an account's server certificate (ASCA…), its
// private key sealed under the master key. NameKey is the lower-cased name.
type ServerCertificate struct {
	ServerCertificateID string `gorm:"primaryKey;size:32"`
	AccountID           string `gorm:"size:12"`
	Name                string `gorm:"size:128"`
	NameKey             string `gorm:"size:128"`
	Path                string `gorm:"size:512"`
	Body                string `gorm:"type:text"`
	Chain               string `gorm:"type:text"`
	SealedPrivateKey    string `gorm:"type:text"`
	Expiration          time.Time
	UploadedAt          time.Time
}

// SSHPublicKey is a user's SSH public key (APKA…), in OpenSSH form.
// Fingerprint is AWS's: the MD5 of the key, in colon-separated hex.
type SSHPublicKey struct {
	SSHPublicKeyID string `gorm:"primaryKey;size:128"`
	AccountID      string `gorm:"size:12"`
	UserID         string `gorm:"size:32"`
	Body           string `gorm:"type:text"`
	Fingerprint    string `gorm:"size:64"`
	Status         string `gorm:"size:16"`
	UploadedAt     time.Time
}

// ServiceSpecificCredential is a user's password (or API key) for one AWS
// service (ACCA…), sealed under the master key. ExpiresAt is nil for one
// that never expires.
type ServiceSpecificCredential struct {
	CredentialID    string `gorm:"primaryKey;size:128"`
	AccountID       string `gorm:"size:12"`
	UserID          string `gorm:"size:32"`
	ServiceName     string `gorm:"size:128"`
	ServiceUserName string `gorm:"size:200"`
	SealedSecret    string `gorm:"type:text"`
	Status          string `gorm:"size:16"`
	CreatedAt       time.Time
	ExpiresAt       *time.Time
}

// ServiceLinkedRoleDeletion is a DeleteServiceLinkedRole task and how it
// ended.
type ServiceLinkedRoleDeletion struct {
	TaskID    string `gorm:"primaryKey;size:512"`
	AccountID string `gorm:"size:12"`
	RoleName  string `gorm:"size:64"`
	Status    string `gorm:"size:16"`
	Reason    string `gorm:"size:1024"`
	CreatedAt time.Time
}

// --- signing certificates

// CreateSigningCertificate stores a user's certificate; it sets
// c.AccountID. ErrConflict when the account already holds the same
// certificate (or the ID is taken).
func (s *Store) CreateSigningCertificate(ctx context.Context, accountID string, c *SigningCertificate) error {
	c.AccountID = accountID
	return translate(s.q(ctx).Create(c).Error, "create signing certificate of user "+c.UserID)
}

// SigningCertificates lists a user's certificates, oldest first.
func (s *Store) SigningCertificates(ctx context.Context, accountID, userID string) ([]SigningCertificate, error) {
	var out []SigningCertificate
	err := s.q(ctx).Where("account_id = ? AND user_id = ?", accountID, userID).Order("uploaded_at, certificate_id").Find(&out).Error
	return out, translate(err, "signing certificates of user "+userID)
}

// CountSigningCertificates counts a user's certificates.
func (s *Store) CountSigningCertificates(ctx context.Context, accountID, userID string) (int64, error) {
	return s.count(ctx, &SigningCertificate{}, "count signing certificates of user "+userID,
		"account_id = ? AND user_id = ?", accountID, userID)
}

// UpdateSigningCertificateStatus sets a user's certificate Active or
// Inactive. ErrNotFound when the user has no such certificate.
func (s *Store) UpdateSigningCertificateStatus(ctx context.Context, accountID, userID, id, status string) error {
	res := s.q(ctx).Model(&SigningCertificate{}).Where("account_id = ? AND user_id = ? AND certificate_id = ?", accountID, userID, id).
		Update("status", status)
	return changedOne(res, "update signing certificate "+id)
}

// DeleteSigningCertificate deletes a user's certificate. ErrNotFound when
// the user has no such certificate.
func (s *Store) DeleteSigningCertificate(ctx context.Context, accountID, userID, id string) error {
	res := s.q(ctx).Where("account_id = ? AND user_id = ? AND certificate_id = ?", accountID, userID, id).Delete(&SigningCertificate{})
	return changedOne(res, "delete signing certificate "+id)
}

// --- server certificates

// CreateServerCertificate stores a server certificate; it sets
// c.AccountID and c.NameKey. ErrConflict when the name (in any case) is
// taken.
func (s *Store) CreateServerCertificate(ctx context.Context, accountID string, c *ServerCertificate) error {
	c.AccountID = accountID
	c.NameKey = strings.ToLower(c.Name)
	return translate(s.q(ctx).Create(c).Error, "create server certificate "+c.Name)
}

// ServerCertificate returns the certificate with the given name, whatever
// its case.
func (s *Store) ServerCertificate(ctx context.Context, accountID, name string) (*ServerCertificate, error) {
	var c ServerCertificate
	err := s.q(ctx).Where("account_id = ? AND name_key = ?", accountID, strings.ToLower(name)).Take(&c).Error
	if err != nil {
		return nil, translate(err, "server certificate "+name)
	}
	return &c, nil
}

// ListServerCertificates returns one page of the account's certificates in
// name order, and the marker of the next page ("" on the last).
func (s *Store) ListServerCertificates(ctx context.Context, accountID string, f ListFilter) ([]ServerCertificate, string, error) {
	q := s.q(ctx).Where("account_id = ?", accountID)
	return listPage(q, f, func(c *ServerCertificate) string { return c.NameKey }, "list server certificates")
}

// CountServerCertificates counts the account's certificates.
func (s *Store) CountServerCertificates(ctx context.Context, accountID string) (int64, error) {
	return s.count(ctx, &ServerCertificate{}, "count server certificates", "account_id = ?", accountID)
}

// MoveServerCertificate renames a certificate and changes its path.
// ErrConflict when the new name is taken, ErrNotFound when it is gone.
func (s *Store) MoveServerCertificate(ctx context.Context, accountID, id, name, path string) error {
	res := s.q(ctx).Model(&ServerCertificate{}).Where("account_id = ? AND server_certificate_id = ?", accountID, id).
		Updates(map[string]any{"name": name, "name_key": strings.ToLower(name), "path": path})
	return changedOne(res, "update server certificate "+id)
}

// DeleteServerCertificate deletes a certificate; its tags are the caller's
// to remove in the same Tx. ErrNotFound when it is gone.
func (s *Store) DeleteServerCertificate(ctx context.Context, accountID, id string) error {
	res := s.q(ctx).Where("account_id = ? AND server_certificate_id = ?", accountID, id).Delete(&ServerCertificate{})
	return changedOne(res, "delete server certificate "+id)
}

// LockServerCertificate locks a certificate's row until the transaction
// ends (its tags are counted under it). ErrNotFound when it is gone.
func (s *Store) LockServerCertificate(ctx context.Context, accountID, id string) error {
	return s.lockRow(ctx, &ServerCertificate{}, "server_certificate_id", "server certificate "+id,
		"account_id = ? AND server_certificate_id = ?", accountID, id)
}

// --- SSH public keys

// CreateSSHPublicKey stores a user's key; it sets k.AccountID. ErrConflict
// when the user already has the same key.
func (s *Store) CreateSSHPublicKey(ctx context.Context, accountID string, k *SSHPublicKey) error {
	k.AccountID = accountID
	return translate(s.q(ctx).Create(k).Error, "create SSH public key of user "+k.UserID)
}

// SSHPublicKeys lists a user's keys, oldest first.
func (s *Store) SSHPublicKeys(ctx context.Context, accountID, userID string) ([]SSHPublicKey, error) {
	var out []SSHPublicKey
	err := s.q(ctx).Where("account_id = ? AND user_id = ?", accountID, userID).Order("uploaded_at, ssh_public_key_id").Find(&out).Error
	return out, translate(err, "SSH public keys of user "+userID)
}

// SSHPublicKey returns one of a user's keys. ErrNotFound when the user has
// no such key.
func (s *Store) SSHPublicKey(ctx context.Context, accountID, userID, id string) (*SSHPublicKey, error) {
	var k SSHPublicKey
	err := s.q(ctx).Where("account_id = ? AND user_id = ? AND ssh_public_key_id = ?", accountID, userID, id).Take(&k).Error
	if err != nil {
		return nil, translate(err, "SSH public key "+id)
	}
	return &k, nil
}

// CountSSHPublicKeys counts a user's keys.
func (s *Store) CountSSHPublicKeys(ctx context.Context, accountID, userID string) (int64, error) {
	return s.count(ctx, &SSHPublicKey{}, "count SSH public keys of user "+userID, "account_id = ? AND user_id = ?", accountID, userID)
}

// UpdateSSHPublicKeyStatus sets a user's key Active or Inactive.
// ErrNotFound when the user has no such key.
func (s *Store) UpdateSSHPublicKeyStatus(ctx context.Context, accountID, userID, id, status string) error {
	res := s.q(ctx).Model(&SSHPublicKey{}).Where("account_id = ? AND user_id = ? AND ssh_public_key_id = ?", accountID, userID, id).
		Update("status", status)
	return changedOne(res, "update SSH public key "+id)
}

// DeleteSSHPublicKey deletes a user's key. ErrNotFound when the user has
// no such key.
func (s *Store) DeleteSSHPublicKey(ctx context.Context, accountID, userID, id string) error {
	res := s.q(ctx).Where("account_id = ? AND user_id = ? AND ssh_public_key_id = ?", accountID, userID, id).Delete(&SSHPublicKey{})
	return changedOne(res, "delete SSH public key "+id)
}

// --- service-specific credentials

// CreateServiceSpecificCredential stores a user's credential; it sets
// c.AccountID.
func (s *Store) CreateServiceSpecificCredential(ctx context.Context, accountID string, c *ServiceSpecificCredential) error {
	c.AccountID = accountID
	return translate(s.q(ctx).Create(c).Error, "create service-specific credential of user "+c.UserID)
}

// ServiceSpecificCredentials lists a user's credentials (every user's when
// userID is ""), for one service when serviceName is not "", oldest first.
func (s *Store) ServiceSpecificCredentials(ctx context.Context, accountID, userID, serviceName string) ([]ServiceSpecificCredential, error) {
	q := s.q(ctx).Where("account_id = ?", accountID)
	if userID != "" {
		q = q.Where("user_id = ?", userID)
	}
	if serviceName != "" {
		q = q.Where("service_name = ?", serviceName)
	}
	var out []ServiceSpecificCredential
	err := q.Order("created_at, credential_id").Find(&out).Error
	return out, translate(err, "service-specific credentials of user "+userID)
}

// ServiceSpecificCredential returns one of a user's credentials.
// ErrNotFound when the user has no such credential.
func (s *Store) ServiceSpecificCredential(ctx context.Context, accountID, userID, id string) (*ServiceSpecificCredential, error) {
	var c ServiceSpecificCredential
	err := s.q(ctx).Where("account_id = ? AND user_id = ? AND credential_id = ?", accountID, userID, id).Take(&c).Error
	if err != nil {
		return nil, translate(err, "service-specific credential "+id)
	}
	return &c, nil
}

// CountServiceSpecificCredentials counts a user's credentials for one
// service ("" for all).
func (s *Store) CountServiceSpecificCredentials(ctx context.Context, accountID, userID, serviceName string) (int64, error) {
	if serviceName == "" {
		return s.count(ctx, &ServiceSpecificCredential{}, "count service-specific credentials of user "+userID,
			"account_id = ? AND user_id = ?", accountID, userID)
	}
	return s.count(ctx, &ServiceSpecificCredential{}, "count service-specific credentials of user "+userID,
		"account_id = ? AND user_id = ? AND service_name = ?", accountID, userID, serviceName)
}

// UpdateServiceSpecificCredential sets a credential's status and, when
// sealed is not "", its secret. ErrNotFound when the user has no such
// credential.
func (s *Store) UpdateServiceSpecificCredential(ctx context.Context, accountID, userID, id, status, sealed string) error {
	set := map[string]any{}
	if status != "" {
		set["status"] = status
	}
	if sealed != "" {
		set["sealed_secret"] = sealed
	}
	res := s.q(ctx).Model(&ServiceSpecificCredential{}).Where("account_id = ? AND user_id = ? AND credential_id = ?", accountID, userID, id).
		Updates(set)
	return changedOne(res, "update service-specific credential "+id)
}

// DeleteServiceSpecificCredential deletes a user's credential. ErrNotFound
// when the user has no such credential.
func (s *Store) DeleteServiceSpecificCredential(ctx context.Context, accountID, userID, id string) error {
	res := s.q(ctx).Where("account_id = ? AND user_id = ? AND credential_id = ?", accountID, userID, id).Delete(&ServiceSpecificCredential{})
	return changedOne(res, "delete service-specific credential "+id)
}

// --- service-linked role deletions

// CreateServiceLinkedRoleDeletion records a deletion task; it sets
// d.AccountID.
func (s *Store) CreateServiceLinkedRoleDeletion(ctx context.Context, accountID string, d *ServiceLinkedRoleDeletion) error {
	d.AccountID = accountID
	return translate(s.q(ctx).Create(d).Error, "create deletion task "+d.TaskID)
}

// ServiceLinkedRoleDeletion returns a deletion task.
func (s *Store) ServiceLinkedRoleDeletion(ctx context.Context, accountID, taskID string) (*ServiceLinkedRoleDeletion, error) {
	var d ServiceLinkedRoleDeletion
	if err := s.q(ctx).Where("account_id = ? AND task_id = ?", accountID, taskID).Take(&d).Error; err != nil {
		return nil, translate(err, "deletion task "+taskID)
	}
	return &d, nil
}

// --- what a user holds

// UserCredentials counts the credentials of this file a user holds, which
// DeleteUser must find none of.
type UserCredentials struct {
	SigningCertificates, SSHPublicKeys, ServiceSpecificCredentials int64
}

// CountUserCredentials counts a user's signing certificates, SSH public
// keys and service-specific credentials.
func (s *Store) CountUserCredentials(ctx context.Context, accountID, userID string) (UserCredentials, error) {
	var c UserCredentials
	var err error
	if c.SigningCertificates, err = s.CountSigningCertificates(ctx, accountID, userID); err != nil {
		return c, err
	}
	if c.SSHPublicKeys, err = s.CountSSHPublicKeys(ctx, accountID, userID); err != nil {
		return c, err
	}
	c.ServiceSpecificCredentials, err = s.CountServiceSpecificCredentials(ctx, accountID, userID, "")
	return c, err
}

// EntityServerCertificate names server certificates in tags.
const EntityServerCertificate EntityType = "server-certificate"

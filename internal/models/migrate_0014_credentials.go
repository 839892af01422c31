package models

import (
	"time"

	"gorm.io/gorm"
)

// migrate0014Credentials adds the credentials a user (or the account) holds
// besides access keys and passwords: X.509 signing certificates, server
// certificates, SSH public keys and service-specific credentials, and the
// deletion tasks of service-linked roles.
//
// Duplicates are the schema's to refuse: a signing certificate is unique in
// the account (AWS's DuplicateCertificate), an SSH key per user (AWS's
// DuplicateSSHPublicKey), a server certificate's name in any case.
//
// Tags name their entity type in tags.entity_type, 16 characters until now;
// "server-certificate" needs 18. SQLite does not enforce varchar lengths.
func migrate0014Credentials(tx *gorm.DB) error {
	type SigningCertificate struct {
		CertificateID string `gorm:"primaryKey;size:128"`
		AccountID     string `gorm:"size:12;uniqueIndex:idx_signing_certificates_fp,priority:1;index:idx_signing_certificates_user,priority:1"`
		UserID        string `gorm:"size:32;index:idx_signing_certificates_user,priority:2"`
		Body          string `gorm:"type:text"`
		Fingerprint   string `gorm:"size:64;uniqueIndex:idx_signing_certificates_fp,priority:2"`
		Status        string `gorm:"size:16"`
		UploadedAt    time.Time
	}
	type ServerCertificate struct {
		ServerCertificateID string `gorm:"primaryKey;size:32"`
		AccountID           string `gorm:"size:12;uniqueIndex:idx_server_certificates_name,priority:1"`
		Name                string `gorm:"size:128"`
		NameKey             string `gorm:"size:128;uniqueIndex:idx_server_certificates_name,priority:2"`
		Path                string `gorm:"size:512"`
		Body                string `gorm:"type:text"`
		Chain               string `gorm:"type:text"`
		SealedPrivateKey    string `gorm:"type:text"`
		Expiration          time.Time
		UploadedAt          time.Time
	}
	type SSHPublicKey struct {
		SSHPublicKeyID string `gorm:"primaryKey;size:128"`
		AccountID      string `gorm:"size:12;uniqueIndex:idx_ssh_public_keys_fp,priority:1"`
		UserID         string `gorm:"size:32;uniqueIndex:idx_ssh_public_keys_fp,priority:2"`
		Body           string `gorm:"type:text"`
		Fingerprint    string `gorm:"size:64;uniqueIndex:idx_ssh_public_keys_fp,priority:3"`
		Status         string `gorm:"size:16"`
		UploadedAt     time.Time
	}
	type ServiceSpecificCredential struct {
		CredentialID    string `gorm:"primaryKey;size:128"`
		AccountID       string `gorm:"size:12;index:idx_service_credentials_user,priority:1"`
		UserID          string `gorm:"size:32;index:idx_service_credentials_user,priority:2"`
		ServiceName     string `gorm:"size:128"`
		ServiceUserName string `gorm:"size:200"`
		SealedSecret    string `gorm:"type:text"`
		Status          string `gorm:"size:16"`
		CreatedAt       time.Time
		ExpiresAt       *time.Time
	}
	type ServiceLinkedRoleDeletion struct {
		TaskID    string `gorm:"primaryKey;size:512"`
		AccountID string `gorm:"size:12;index"`
		RoleName  string `gorm:"size:64"`
		Status    string `gorm:"size:16"`
		Reason    string `gorm:"size:1024"`
		CreatedAt time.Time
	}
	if err := tx.Migrator().CreateTable(&SigningCertificate{}, &ServerCertificate{}, &SSHPublicKey{},
		&ServiceSpecificCredential{}, &ServiceLinkedRoleDeletion{}); err != nil {
		return err
	}
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	for _, s := range []string{
		`ALTER TABLE server_certificates ALTER COLUMN name_key TYPE varchar(128) COLLATE "C"`,
		`ALTER TABLE tags ALTER COLUMN entity_type TYPE varchar(32)`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

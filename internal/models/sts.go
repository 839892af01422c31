package models

import (
	"context"
	"time"
)

// STSSession is a set of temporary credentials (ASIA…) from AssumeRole,
// GetSessionToken or GetFederationToken. It lives in the database so every console process can
// verify its signatures; the secret and the session token are sealed under
// the master key because the server must read them back to check requests.
type STSSession struct {
	AccessKeyID   string `gorm:"primaryKey;size:32"`
	AccountID     string `gorm:"size:12;index"`
	SealedSecret  string `gorm:"type:text"`
	SealedToken   string `gorm:"type:text"`
	Kind          string `gorm:"size:16"` // "AssumedRole", "Session" or "FederatedUser"
	RoleID        string `gorm:"size:32"`
	RoleARN       string `gorm:"size:2048"`
	SessionName   string `gorm:"size:64"`
	UserID        string `gorm:"size:32"`
	PrincipalARN  string `gorm:"size:2048"` // assumed-role or federated-user ARN, or the user's ARN
	SessionPolicy string `gorm:"type:text"`
	PolicyARNs    string `gorm:"type:text"` // JSON list
	MFA           bool
	SourceARN     string `gorm:"size:2048"` // who got the credentials
	Chained       bool
	// Session tags (JSON object, key -> value): GetFederationToken's Tags,
	// or a web identity token's https://aws.amazon.com/tags claim. Web
	// identity sessions (AssumeRoleWithWebIdentity) also keep the
	// transitive keys (JSON list), the source identity, and the provider
	// (its ARN) and subject that vouched for the caller.
	SessionTags       string `gorm:"type:text"`
	TransitiveTagKeys string `gorm:"type:text"`
	SourceIdentity    string `gorm:"type:text"`
	FederatedProvider string `gorm:"type:text"`
	FederatedSubject  string `gorm:"type:text"`
	CreatedAt         time.Time
	Expiration        time.Time `gorm:"index"`
}

// CreateSTSSession stores new temporary credentials.
func (s *Store) CreateSTSSession(ctx context.Context, x *STSSession) error {
	return translate(s.q(ctx).Create(x).Error, "create STS session")
}

// STSSessionByKey returns temporary credentials by access key ID. Like
// AccessKeyByID it is not limited to an account: SigV4 only names the key.
func (s *Store) STSSessionByKey(ctx context.Context, accessKeyID string) (*STSSession, error) {
	var x STSSession
	if err := s.q(ctx).Where("access_key_id = ?", accessKeyID).Take(&x).Error; err != nil {
		return nil, translate(err, "STS session")
	}
	return &x, nil
}

// DeleteExpiredSTSSessions removes credentials that expired before t.
func (s *Store) DeleteExpiredSTSSessions(ctx context.Context, t time.Time) (int64, error) {
	res := s.q(ctx).Where("expiration < ?", t).Delete(&STSSession{})
	return res.RowsAffected, translate(res.Error, "delete expired STS sessions")
}

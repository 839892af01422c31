package iam

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// SigningCertificate is AWS's SigningCertificate: an X.509 certificate a
// user signs some AWS requests with.
type SigningCertificate struct {
	UserName        string
	CertificateId   string
	CertificateBody string
	Status          string
	UploadDate      time.Time
}

// MaxSigningCertificatesPerUser is AWS's quota.
const MaxSigningCertificatesPerUser = 2

var certificateIDRE = regexp.MustCompile(`^\w{24,128}$`)

func noSuchSigningCertificate(id string) *Error {
	return newErr(NotFound, "The Certificate with id %s cannot be found.", id)
}

// checkStatus is AWS's StatusType for the credentials a user may switch
// on and off.
func checkStatus(status string) error {
	if status != models.CredentialActive && status != models.CredentialInactive {
		return invalidField("Status", "1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]", status)
	}
	return nil
}

func signingCertificateOut(userName string, c *models.SigningCertificate) SigningCertificate {
	return SigningCertificate{UserName: userName, CertificateId: c.CertificateID, CertificateBody: c.Body, Status: c.Status,
		UploadDate: c.UploadedAt.UTC()}
}

// UploadSigningCertificate gives a user (the caller's own when userName is
// empty) an X.509 signing certificate, Active. MalformedCertificate when
// the body is no PEM certificate, InvalidCertificate when it is out of its
// validity period, DuplicateCertificate when a user of the account has it
// already, LimitExceeded past two per user.
func (s *Service) UploadSigningCertificate(ctx context.Context, caller *Principal, userName, body string, m Meta) (*SigningCertificate, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpUploadSigningCertificate.Action(UserType))
	if err != nil {
		return nil, err
	}
	if !pemTextOK(body, maxCertificateBody) {
		return nil, lengthError("CertificateBody", "certificateBody", maxCertificateBody)
	}
	cert, err := parseCertificatePEM(body)
	if err != nil {
		return nil, err
	}
	if now := s.now(); now.After(cert.NotAfter) || now.Before(cert.NotBefore) {
		return nil, invalidCertificate("The certificate is not valid at this time: it is valid from %s to %s.",
			cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
	}
	c := &models.SigningCertificate{CertificateID: newID("", 32), UserID: u.UserID, Body: body, Fingerprint: certFingerprint(cert),
		Status: models.CredentialActive, UploadedAt: s.now()}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		n, err := tx.CountSigningCertificates(ctx, acct, u.UserID)
		if err != nil {
			return err
		}
		if n >= MaxSigningCertificatesPerUser {
			return newErr(LimitExceeded, "Cannot exceed quota for SigningCertificatesPerUser: %d", MaxSigningCertificatesPerUser)
		}
		if err := tx.CreateSigningCertificate(ctx, acct, c); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UploadSigningCertificate", resource: arn,
			params: map[string]any{"userName": u.Name, "certificateId": c.CertificateID}}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, errDuplicateCertificate
	}
	if err != nil {
		return nil, asInternal(err, "upload signing certificate")
	}
	out := signingCertificateOut(u.Name, c)
	return &out, nil
}

// ListSigningCertificates lists a user's certificates (the caller's own
// when userName is empty), oldest first, one page after the marker (a
// certificate ID).
func (s *Service) ListSigningCertificates(ctx context.Context, caller *Principal, userName string, in Page, m Meta) ([]SigningCertificate, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	u, _, err := s.authorizedUser(ctx, caller, acct, userName, m, OpListSigningCertificates.Action(UserType))
	if err != nil {
		return nil, "", err
	}
	f, err := listFilter("", in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, "", err
	}
	rows, err := s.store.SigningCertificates(ctx, acct, u.UserID)
	if err != nil {
		return nil, "", internal(err, "signing certificates")
	}
	out := make([]SigningCertificate, len(rows))
	for i := range rows {
		out[i] = signingCertificateOut(u.Name, &rows[i])
	}
	return pageByPosition(out, func(c SigningCertificate) string { return c.CertificateId }, f)
}

// UpdateSigningCertificate makes a user's certificate Active or Inactive.
func (s *Service) UpdateSigningCertificate(ctx context.Context, caller *Principal, userName, id, status string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpUpdateSigningCertificate.Action(UserType))
	if err != nil {
		return err
	}
	if !certificateIDRE.MatchString(id) {
		return invalidField("CertificateId", "The specified value for certificateId is invalid. It must contain only alphanumeric characters and/or _, and be 24 to 128 characters long.")
	}
	if err := checkStatus(status); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.UpdateSigningCertificateStatus(ctx, acct, u.UserID, id, status); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateSigningCertificate", resource: arn,
			params: map[string]any{"userName": u.Name, "certificateId": id, "status": status}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchSigningCertificate(id)
	}
	return asInternal(err, "update signing certificate")
}

// DeleteSigningCertificate deletes a user's certificate.
func (s *Service) DeleteSigningCertificate(ctx context.Context, caller *Principal, userName, id string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, OpDeleteSigningCertificate.Action(UserType))
	if err != nil {
		return err
	}
	if !certificateIDRE.MatchString(id) {
		return invalidField("CertificateId", "The specified value for certificateId is invalid. It must contain only alphanumeric characters and/or _, and be 24 to 128 characters long.")
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.DeleteSigningCertificate(ctx, acct, u.UserID, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteSigningCertificate", resource: arn,
			params: map[string]any{"userName": u.Name, "certificateId": id}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchSigningCertificate(id)
	}
	return asInternal(err, "delete signing certificate")
}

// certificateColumns are a user's cert_1_active, cert_1_last_rotated,
// cert_2_active and cert_2_last_rotated in the credential report: its two
// signing certificates, oldest first, each rotated when uploaded.
func certificateColumns(certs []models.SigningCertificate, ts func(time.Time) string) []string {
	out := make([]string, 0, 4)
	for i := range 2 {
		if i < len(certs) {
			out = append(out, strconv.FormatBool(certs[i].Status == models.CredentialActive), ts(certs[i].UploadedAt))
		} else {
			out = append(out, "false", "N/A")
		}
	}
	return out
}

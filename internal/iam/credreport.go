package iam

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// CredentialReport is GetCredentialReport's output: AWS's CSV columns.
type CredentialReport struct {
	Content       []byte
	GeneratedTime time.Time
}

var credentialReportColumns = []string{"user", "arn", "user_creation_time", "password_enabled", "password_last_used",
	"password_last_changed", "password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"}

// GenerateCredentialReport is AWS's GenerateCredentialReport. The report is
// built from the live data whenever it is read, so it is always complete.
func (s *Service) GenerateCredentialReport(ctx context.Context, caller *Principal, m Meta) (string, error) {
	if err := s.authorizeMeta(ctx, caller, m, "iam:GenerateCredentialReport", "*"); err != nil {
		return "", err
	}
	return "COMPLETE", nil
}

// GetCredentialReport lists every user's credentials (and root's first) in
// AWS's CSV format.
func (s *Service) GetCredentialReport(ctx context.Context, caller *Principal, m Meta) (*CredentialReport, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetCredentialReport", "*"); err != nil {
		return nil, err
	}
	now := s.now()
	pol, err := s.passwordPolicy(ctx, s.store, acct)
	if err != nil {
		return nil, err
	}
	devices, err := s.store.AllMFADevices(ctx, acct)
	if err != nil {
		return nil, internal(err, "mfa devices")
	}
	mfa := map[string]bool{}
	for _, d := range devices {
		mfa[d.OwnerARN] = true
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "N/A"
		}
		return t.UTC().Format("2006-01-02T15:04:05+00:00")
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(credentialReportColumns)
	a, err := s.store.Account(ctx, acct)
	if err != nil {
		return nil, internal(err, "account")
	}
	root := []string{"<root_account>", a.RootARN(), ts(a.CreatedAt), "not_supported", "N/A", "not_supported", "not_supported",
		strconv.FormatBool(mfa[a.RootARN()]), "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A"}
	_ = w.Write(root)
	for after := ""; ; {
		us, next, err := s.store.ListUsers(ctx, acct, models.ListFilter{After: after, Limit: models.MaxListLimit})
		if err != nil {
			return nil, internal(err, "users")
		}
		for _, u := range us {
			arn := userARN(acct, u.Path, u.Name)
			row := []string{u.Name, arn, ts(u.CreatedAt), "false", "N/A", "N/A", "N/A", strconv.FormatBool(mfa[arn])}
			if lp, err := s.store.LoginProfile(ctx, acct, u.UserID); err == nil {
				row[3], row[5] = "true", ts(lp.PasswordChangedAt)
				if u.PasswordLastUsed != nil {
					row[4] = ts(*u.PasswordLastUsed)
				} else {
					row[4] = "no_information"
				}
				if pol.MaxPasswordAge > 0 {
					row[6] = ts(lp.PasswordChangedAt.Add(time.Duration(pol.MaxPasswordAge) * 24 * time.Hour))
				}
			}
			keys, err := s.store.ListAccessKeys(ctx, acct, u.UserID)
			if err != nil {
				return nil, internal(err, "access keys")
			}
			for i := range 2 {
				if i < len(keys) {
					k := keys[i]
					last, region, svc := "N/A", "N/A", "N/A"
					if k.LastUsedAt != nil {
						last, region, svc = ts(*k.LastUsedAt), k.LastUsedRegion, k.LastUsedService
					}
					row = append(row, strconv.FormatBool(k.Status == models.AccessKeyActive), ts(k.CreatedAt), last, region, svc)
				} else {
					row = append(row, "false", "N/A", "N/A", "N/A", "N/A")
				}
			}
			certs, err := s.store.SigningCertificates(ctx, acct, u.UserID)
			if err != nil {
				return nil, internal(err, "signing certificates")
			}
			row = append(row, certificateColumns(certs, ts)...)
			_ = w.Write(row)
		}
		if after = next; next == "" {
			break
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, internal(err, "csv")
	}
	return &CredentialReport{Content: buf.Bytes(), GeneratedTime: now}, nil
}

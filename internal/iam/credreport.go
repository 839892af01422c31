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

// CredentialReportTTL is how long a generated credential report may be
// read: AWS answers ReportExpired after four hours, and generates anew.
const CredentialReportTTL = 4 * time.Hour

// ReportGeneration is GenerateCredentialReport's answer.
type ReportGeneration struct {
	State       string // STARTED or COMPLETE
	Description string
}

// GenerateCredentialReport is AWS's GenerateCredentialReport. The first
// call, and the first after the report expired, answers STARTED, later ones
// COMPLETE, as AWS's do. The report itself is built whenever it is read
// (so it is complete at once); what is stored is the moment it was asked
// for, per account in the database, so every console process answers the
// same sequence.
func (s *Service) GenerateCredentialReport(ctx context.Context, caller *Principal, m Meta) (ReportGeneration, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return ReportGeneration{}, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GenerateCredentialReport", "*"); err != nil {
		return ReportGeneration{}, err
	}
	now := s.now()
	st, err := s.store.AccountSettings(ctx, acct)
	if err != nil {
		return ReportGeneration{}, internal(err, "settings")
	}
	if st.CredentialReportAt != nil && now.Sub(*st.CredentialReportAt) < CredentialReportTTL {
		return ReportGeneration{State: "COMPLETE"}, nil
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.MarkCredentialReport(ctx, acct, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "GenerateCredentialReport", resource: "arn:aws:iam::" + acct + ":root"}, nil)
	})
	if err != nil {
		return ReportGeneration{}, asInternal(err, "generate credential report")
	}
	// AWS's words (the aws CLI's documented example output).
	return ReportGeneration{State: "STARTED", Description: "No report exists. Starting a new report generation task"}, nil
}

// GetCredentialReport lists every user's credentials (and root's first) in
// AWS's CSV format. ReportNotPresent before any GenerateCredentialReport,
// ReportExpired four hours after the last one (both HTTP 410, as AWS's API
// reference lists them, with its descriptions as messages).
func (s *Service) GetCredentialReport(ctx context.Context, caller *Principal, m Meta) (*CredentialReport, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetCredentialReport", "*"); err != nil {
		return nil, err
	}
	st, err := s.store.AccountSettings(ctx, acct)
	if err != nil {
		return nil, internal(err, "settings")
	}
	switch {
	case st.CredentialReportAt == nil:
		return nil, &Error{Kind: NotFound, Code: "ReportNotPresent",
			Message: "The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport."}
	case s.now().Sub(*st.CredentialReportAt) >= CredentialReportTTL:
		return nil, &Error{Kind: NotFound, Code: "ReportExpired",
			Message: "The request was rejected because the most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport."}
	}
	generated := st.CredentialReportAt.UTC()
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
	return &CredentialReport{Content: buf.Bytes(), GeneratedTime: generated}, nil
}

package iam

import (
	"context"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// Dashboard is the account overview shown after sign-in.
type Dashboard struct {
	AccountID        string
	Alias            string
	ActiveSessions   int64
	SignInFailures24 int64
	Events24         int64
	Users, Groups    int64
	Roles, Policies  int64
	InstanceProfiles int64
	// ServerCertificates counts the account's server certificates
	// (GetAccountSummary's ServerCertificates).
	ServerCertificates int64
	MFADevices         int
	// MFADevicesInUse counts the devices assigned to root or a user;
	// MFADevices counts those made by CreateVirtualMFADevice and not yet
	// enabled too, as AWS's account summary does.
	MFADevicesInUse int
	// RootWithoutMFA is set when root has no MFA device and the caller
	// sees no Recommendations (which would say so).
	RootWithoutMFA bool
	// Recommendations are AWS's IAM dashboard security recommendations;
	// nil when the caller may not read credentials
	// (iam:GetCredentialReport), which they summarise.
	Recommendations []Recommendation
	// Limited is set when the caller may not read the account summary
	// (iam:GetAccountSummary): only the account ID is shown.
	Limited bool
}

// Dashboard summarises the caller's account.
func (s *Service) Dashboard(ctx context.Context, p *Principal) (*Dashboard, error) {
	acct, err := s.store.Account(ctx, p.AccountID)
	if err != nil {
		return nil, internal(err, "account")
	}
	d := &Dashboard{AccountID: acct.ID, Alias: acct.Alias}
	if ok, err := s.Allowed(ctx, p, Meta{}, "iam:GetAccountSummary", "*"); err != nil {
		return nil, err
	} else if !ok {
		d.Limited = true
		return d, nil
	}
	since := s.now().Add(-24 * time.Hour)
	if d.ActiveSessions, err = s.store.CountSessions(ctx, acct.ID); err != nil {
		return nil, internal(err, "count sessions")
	}
	if d.Events24, err = s.store.CountAudit(ctx, acct.ID, models.AuditFilter{Since: since}); err != nil {
		return nil, internal(err, "count events")
	}
	if d.SignInFailures24, err = s.store.CountAudit(ctx, acct.ID, models.AuditFilter{Since: since, EventName: "ConsoleLogin", Result: models.ResultFailure}); err != nil {
		return nil, internal(err, "count failures")
	}
	counts, err := s.store.EntityCounts(ctx, acct.ID)
	if err != nil {
		return nil, internal(err, "entity counts")
	}
	d.Users, d.Groups, d.Roles, d.Policies = counts.Users, counts.Groups, counts.Roles, counts.Policies
	d.InstanceProfiles = counts.InstanceProfiles
	d.ServerCertificates = counts.ServerCertificates
	devs, err := s.store.AllMFADevices(ctx, acct.ID)
	if err != nil {
		return nil, internal(err, "mfa devices")
	}
	d.MFADevices = len(devs)
	rootMFA := false
	for _, dev := range devs {
		rootMFA = rootMFA || dev.OwnerARN == acct.RootARN()
		if dev.OwnerARN != "" {
			d.MFADevicesInUse++
		}
	}
	if ok, err := s.Allowed(ctx, p, Meta{}, "iam:GetCredentialReport", "*"); err != nil {
		return nil, err
	} else if ok {
		if d.Recommendations, err = s.recommendations(ctx, acct, rootMFA); err != nil {
			return nil, err
		}
	} else {
		d.RootWithoutMFA = !rootMFA
	}
	return d, nil
}

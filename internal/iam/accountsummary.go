package iam

import (
	"context"

	"github.com/iamconsole/console/internal/policy"
)

// SummaryEntry is one key of GetAccountSummary's SummaryMap.
type SummaryEntry struct {
	Key   string
	Value int64
}

// Quotas AWS's account summary reports that no operation here enforces
// under another name: AWS's defaults.
const (
	// MaxPolicyVersionsInUse is AWS's PolicyVersionsInUseQuota.
	MaxPolicyVersionsInUse = 10000
	// MaxServerCertificates is AWS's ServerCertificatesQuota.
	MaxServerCertificates = 20
	// globalEndpointTokenVersion is 1 while the account keeps AWS's default
	// (STS tokens from the global endpoint valid in default regions only).
	globalEndpointTokenVersion = 1
)

// summaryServerCertificates counts the account's server certificates.
func (s *Service) summaryServerCertificates(ctx context.Context, acct string) (int64, error) {
	return s.store.CountServerCertificates(ctx, acct)
}

// summaryProviders counts the account's SAML and OpenID Connect providers.
func (s *Service) summaryProviders(ctx context.Context, acct string) (int64, error) {
	o, err := s.store.CountOIDCProviders(ctx, acct)
	if err != nil {
		return 0, err
	}
	sp, err := s.store.CountSAMLProviders(ctx, acct)
	return o + sp, err
}

// summaryRootSigningCertificates counts root's signing certificates (the
// summary reports AccountSigningCertificatesPresent, 0 or 1): root has
// none here, as it has no API keys (it signs in to the console only).
func (s *Service) summaryRootSigningCertificates(ctx context.Context, acct string) (int64, error) {
	return 0, nil
}

// AccountSummary is AWS's GetAccountSummary: every key of its SummaryMap
// (the SDK's SummaryKeyType), counts of what the account holds beside the
// quotas it runs under, in the SDK's order.
func (s *Service) AccountSummary(ctx context.Context, caller *Principal, m Meta) ([]SummaryEntry, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetAccountSummary", "*"); err != nil {
		return nil, err
	}
	a, err := s.store.Account(ctx, acct)
	if err != nil {
		return nil, internal(err, "account")
	}
	counts, err := s.store.EntityCounts(ctx, acct)
	if err != nil {
		return nil, internal(err, "entity counts")
	}
	devs, err := s.store.AllMFADevices(ctx, acct)
	if err != nil {
		return nil, internal(err, "mfa devices")
	}
	var inUse, rootMFA int64
	for _, d := range devs {
		if d.OwnerARN != "" {
			inUse++
		}
		if d.OwnerARN == a.RootARN() {
			rootMFA = 1
		}
	}
	// PolicyVersionsInUse counts managed policies' attachments, AWS's and
	// the account's own: each attachment puts a default version in use.
	attached, _, err := s.store.PolicyUseCounts(ctx, acct, "arn:")
	if err != nil {
		return nil, internal(err, "policy attachments")
	}
	var versionsInUse int64
	for _, n := range attached {
		versionsInUse += n
	}
	serverCerts, err := s.summaryServerCertificates(ctx, acct)
	if err != nil {
		return nil, internal(err, "server certificates")
	}
	providers, err := s.summaryProviders(ctx, acct)
	if err != nil {
		return nil, internal(err, "providers")
	}
	rootCerts, err := s.summaryRootSigningCertificates(ctx, acct)
	if err != nil {
		return nil, internal(err, "root signing certificates")
	}
	present := func(n int64) int64 { return min(n, 1) }
	rootPassword := int64(0)
	if a.RootPasswordHash != "" {
		rootPassword = 1
	}
	return []SummaryEntry{
		{"Users", counts.Users}, {"UsersQuota", int64(s.cfg.MaxUsers)},
		{"Groups", counts.Groups}, {"GroupsQuota", MaxGroupsPerAccount},
		{"ServerCertificates", serverCerts}, {"ServerCertificatesQuota", MaxServerCertificates},
		{"UserPolicySizeQuota", policy.LimitUserInline}, {"GroupPolicySizeQuota", policy.LimitGroupInline},
		{"GroupsPerUserQuota", MaxGroupsPerUser}, {"SigningCertificatesPerUserQuota", MaxSigningCertificatesPerUser},
		{"AccessKeysPerUserQuota", MaxAccessKeysPerUser},
		{"MFADevices", int64(len(devs))}, {"MFADevicesInUse", inUse},
		{"AccountMFAEnabled", rootMFA},
		// Root has no access keys here: the console never makes them.
		{"AccountAccessKeysPresent", 0},
		{"AccountPasswordPresent", rootPassword},
		{"AccountSigningCertificatesPresent", present(rootCerts)},
		{"AttachedPoliciesPerGroupQuota", MaxPoliciesPerEntity}, {"AttachedPoliciesPerRoleQuota", MaxPoliciesPerEntity},
		{"AttachedPoliciesPerUserQuota", MaxPoliciesPerEntity},
		{"Policies", counts.Policies}, {"PoliciesQuota", MaxPoliciesPerAccount},
		{"PolicySizeQuota", policy.LimitManaged},
		{"PolicyVersionsInUse", versionsInUse}, {"PolicyVersionsInUseQuota", MaxPolicyVersionsInUse},
		{"VersionsPerPolicyQuota", MaxPolicyVersions},
		{"GlobalEndpointTokenVersion", globalEndpointTokenVersion},
		{"AssumeRolePolicySizeQuota", policy.LimitTrust},
		{"InstanceProfiles", counts.InstanceProfiles}, {"InstanceProfilesQuota", MaxInstanceProfilesPerAccount},
		{"Providers", providers},
		{"RolePolicySizeQuota", policy.LimitRoleInline},
		{"Roles", counts.Roles}, {"RolesQuota", MaxRolesPerAccount},
	}, nil
}

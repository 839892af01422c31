package awsapi

import (
	"github.com/iamconsole/console/internal/iam"
)

type xmlPasswordPolicy struct {
	MinimumPasswordLength      int  `xml:"MinimumPasswordLength"`
	RequireSymbols             bool `xml:"RequireSymbols"`
	RequireNumbers             bool `xml:"RequireNumbers"`
	RequireUppercaseCharacters bool `xml:"RequireUppercaseCharacters"`
	RequireLowercaseCharacters bool `xml:"RequireLowercaseCharacters"`
	AllowUsersToChangePassword bool `xml:"AllowUsersToChangePassword"`
	ExpirePasswords            bool `xml:"ExpirePasswords"`
	MaxPasswordAge             int  `xml:"MaxPasswordAge,omitempty"`
	PasswordReusePrevention    int  `xml:"PasswordReusePrevention,omitempty"`
	HardExpiry                 bool `xml:"HardExpiry,omitempty"`
}

type getAccountPasswordPolicyResult struct {
	PasswordPolicy xmlPasswordPolicy `xml:"PasswordPolicy"`
}

// getAccountPasswordPolicy answers NoSuchEntity while no policy is set, as
// AWS does (the console shows the defaults that apply meanwhile).
func getAccountPasswordPolicy(s *Server, c *call) (any, error) {
	p, err := s.svc.GetPasswordPolicy(c.ctx, c.caller)
	if err != nil {
		return nil, err
	}
	if p.Default {
		return nil, &apiError{Status: 404, Code: "NoSuchEntity",
			Message: "The Password Policy with domain name " + c.caller.AccountID + " cannot be found."}
	}
	return getAccountPasswordPolicyResult{PasswordPolicy: xmlPasswordPolicy{
		MinimumPasswordLength: p.MinimumPasswordLength, RequireSymbols: p.RequireSymbols, RequireNumbers: p.RequireNumbers,
		RequireUppercaseCharacters: p.RequireUppercaseCharacters, RequireLowercaseCharacters: p.RequireLowercaseCharacters,
		AllowUsersToChangePassword: p.AllowUsersToChangePassword, ExpirePasswords: p.MaxPasswordAge > 0,
		MaxPasswordAge: p.MaxPasswordAge, PasswordReusePrevention: p.PasswordReusePrevention, HardExpiry: p.HardExpiry}}, nil
}

// updateAccountPasswordPolicy replaces the whole policy: a parameter left
// out takes AWS's default (6 characters, no rules, no expiry), as AWS's
// UpdateAccountPasswordPolicy does.
func updateAccountPasswordPolicy(s *Server, c *call) (any, error) {
	var p iam.PasswordPolicy
	var err error
	ints := []struct {
		name string
		dst  *int
		def  int
	}{{"MinimumPasswordLength", &p.MinimumPasswordLength, 6}, {"MaxPasswordAge", &p.MaxPasswordAge, 0},
		{"PasswordReusePrevention", &p.PasswordReusePrevention, 0}}
	for _, f := range ints {
		if *f.dst, err = c.p.integer(f.name, f.def); err != nil {
			return nil, err
		}
	}
	bools := []struct {
		name string
		dst  *bool
	}{{"RequireSymbols", &p.RequireSymbols}, {"RequireNumbers", &p.RequireNumbers},
		{"RequireUppercaseCharacters", &p.RequireUppercaseCharacters}, {"RequireLowercaseCharacters", &p.RequireLowercaseCharacters},
		{"AllowUsersToChangePassword", &p.AllowUsersToChangePassword}, {"HardExpiry", &p.HardExpiry}}
	for _, f := range bools {
		if *f.dst, err = c.p.boolean(f.name, false); err != nil {
			return nil, err
		}
	}
	return nil, s.svc.UpdatePasswordPolicy(c.ctx, c.caller, p, c.meta)
}

func deleteAccountPasswordPolicy(s *Server, c *call) (any, error) {
	return nil, s.svc.DeletePasswordPolicy(c.ctx, c.caller, c.meta)
}

type xmlMFADevice struct {
	UserName     string  `xml:"UserName,omitempty"`
	SerialNumber string  `xml:"SerialNumber"`
	EnableDate   isoTime `xml:"EnableDate"`
}

type listMFADevicesResult struct {
	MFADevices members[xmlMFADevice] `xml:"MFADevices"`
	page
}

// listMFADevices lists a user's devices (the caller's own when UserName is
// absent), the console's and those enabled through EnableMFADevice alike.
func listMFADevices(s *Server, c *call) (any, error) {
	name := c.p.str("UserName")
	devs, err := s.svc.ListMFADevices(c.ctx, c.caller, name, c.meta)
	if err != nil {
		return nil, err
	}
	if name == "" && c.caller.Type == iam.TypeUser {
		name = c.caller.Name
	}
	out := listMFADevicesResult{}
	for _, d := range devs {
		out.MFADevices.Member = append(out.MFADevices.Member, xmlMFADevice{UserName: name, SerialNumber: d.Serial, EnableDate: ts(d.EnabledAt)})
	}
	return out, nil
}

type summaryEntry struct {
	Key   string `xml:"key"`
	Value int64  `xml:"value"`
}

type getAccountSummaryResult struct {
	SummaryMap struct {
		Entry []summaryEntry `xml:"entry"`
	} `xml:"SummaryMap"`
}

// Quotas the summary reports beside the counts, AWS's defaults (the ones
// the operations enforce among them).
var summaryQuotas = []summaryEntry{
	{"UsersQuota", 5000}, {"GroupsQuota", 300}, {"RolesQuota", 1000}, {"PoliciesQuota", 1500},
	{"AccessKeysPerUserQuota", 2}, {"GroupsPerUserQuota", 10}, {"AttachedPoliciesPerUserQuota", 10},
	{"AttachedPoliciesPerGroupQuota", 10}, {"AttachedPoliciesPerRoleQuota", 10}, {"VersionsPerPolicyQuota", 5},
	{"PolicySizeQuota", 6144}, {"UserPolicySizeQuota", 2048}, {"GroupPolicySizeQuota", 5120},
	{"RolePolicySizeQuota", 10240}, {"AssumeRolePolicySizeQuota", 2048}, {"SigningCertificatesPerUserQuota", 2},
	{"ServerCertificatesQuota", 20}, {"InstanceProfilesQuota", 1000},
}

// getAccountSummary answers from the dashboard operation, which decides
// iam:GetAccountSummary and says so by Limited.
func getAccountSummary(s *Server, c *call) (any, error) {
	d, err := s.svc.Dashboard(c.ctx, c.caller)
	if err != nil {
		return nil, err
	}
	if d.Limited {
		return nil, &apiError{Status: 403, Code: "AccessDenied",
			Message: "User: " + c.caller.ARN + " is not authorized to perform: iam:GetAccountSummary on resource: *"}
	}
	out := getAccountSummaryResult{}
	out.SummaryMap.Entry = append([]summaryEntry{{"Users", d.Users}, {"Groups", d.Groups}, {"Roles", d.Roles},
		{"Policies", d.Policies}, {"MFADevices", int64(d.MFADevices)}, {"MFADevicesInUse", int64(d.MFADevicesInUse)},
		{"AccountAccessKeysPresent", 0}, {"AccountSigningCertificatesPresent", 0}, {"ServerCertificates", d.ServerCertificates},
		{"InstanceProfiles", d.InstanceProfiles}, {"Providers", 0}}, summaryQuotas...)
	return out, nil
}

type listAccountAliasesResult struct {
	AccountAliases members[string] `xml:"AccountAliases"`
	page
}

// createAccountAlias sets the account's alias (replacing any).
func createAccountAlias(s *Server, c *call) (any, error) {
	if err := c.p.required("AccountAlias"); err != nil {
		return nil, err
	}
	return nil, s.svc.CreateAccountAlias(c.ctx, c.caller, c.p.str("AccountAlias"), c.meta)
}

// deleteAccountAlias removes the account's alias.
func deleteAccountAlias(s *Server, c *call) (any, error) {
	if err := c.p.required("AccountAlias"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteAccountAlias(c.ctx, c.caller, c.p.str("AccountAlias"), c.meta)
}

// listAccountAliases lists the account's alias, in one page.
func listAccountAliases(s *Server, c *call) (any, error) {
	if _, _, err := c.p.paging(); err != nil {
		return nil, err
	}
	aliases, err := s.svc.ListAccountAliases(c.ctx, c.caller, c.meta)
	if err != nil {
		return nil, err
	}
	return listAccountAliasesResult{AccountAliases: list(aliases)}, nil
}

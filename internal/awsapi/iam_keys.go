package awsapi

import "github.com/iamconsole/console/internal/iam"

// xmlAccessKey is a new key, with its secret (shown this once).
type xmlAccessKey struct {
	UserName        string  `xml:"UserName"`
	AccessKeyID     string  `xml:"AccessKeyId"`
	Status          string  `xml:"Status"`
	SecretAccessKey string  `xml:"SecretAccessKey"`
	CreateDate      isoTime `xml:"CreateDate"`
}

type createAccessKeyResult struct {
	AccessKey xmlAccessKey `xml:"AccessKey"`
}

type xmlAccessKeyMetadata struct {
	UserName    string  `xml:"UserName"`
	AccessKeyID string  `xml:"AccessKeyId"`
	Status      string  `xml:"Status"`
	CreateDate  isoTime `xml:"CreateDate"`
}

type listAccessKeysResult struct {
	AccessKeyMetadata members[xmlAccessKeyMetadata] `xml:"AccessKeyMetadata"`
	page
}

// xmlAccessKeyLastUsed says "N/A" for the service and region of a key never
// used, as AWS does.
type xmlAccessKeyLastUsed struct {
	LastUsedDate *isoTime `xml:"LastUsedDate,omitempty"`
	ServiceName  string   `xml:"ServiceName"`
	Region       string   `xml:"Region"`
}

type getAccessKeyLastUsedResult struct {
	UserName          string               `xml:"UserName"`
	AccessKeyLastUsed xmlAccessKeyLastUsed `xml:"AccessKeyLastUsed"`
}

type xmlLoginProfile struct {
	UserName              string  `xml:"UserName"`
	CreateDate            isoTime `xml:"CreateDate"`
	PasswordResetRequired bool    `xml:"PasswordResetRequired"`
}

type loginProfileResult struct {
	LoginProfile xmlLoginProfile `xml:"LoginProfile"`
}

// createAccessKey makes a key for the named user, or the caller's own.
func createAccessKey(s *Server, c *call) (any, error) {
	k, err := s.svc.CreateAccessKey(c.ctx, c.caller, c.p.str("UserName"), c.meta)
	if err != nil {
		return nil, err
	}
	return createAccessKeyResult{AccessKey: xmlAccessKey{UserName: k.UserName, AccessKeyID: k.AccessKeyId, Status: k.Status,
		SecretAccessKey: k.SecretAccessKey, CreateDate: ts(k.CreateDate)}}, nil
}

// listAccessKeys answers in one page: a user has at most two keys.
func listAccessKeys(s *Server, c *call) (any, error) {
	if _, _, err := c.p.paging(); err != nil {
		return nil, err
	}
	ks, err := s.svc.ListAccessKeys(c.ctx, c.caller, c.p.str("UserName"), c.meta)
	if err != nil {
		return nil, err
	}
	out := make([]xmlAccessKeyMetadata, len(ks))
	for i, k := range ks {
		out[i] = xmlAccessKeyMetadata{UserName: k.UserName, AccessKeyID: k.AccessKeyId, Status: k.Status, CreateDate: ts(k.CreateDate)}
	}
	return listAccessKeysResult{AccessKeyMetadata: list(out)}, nil
}

func updateAccessKey(s *Server, c *call) (any, error) {
	if err := c.p.required("AccessKeyId", "Status"); err != nil {
		return nil, err
	}
	return nil, s.svc.UpdateAccessKey(c.ctx, c.caller, iam.UpdateAccessKeyInput{UserName: c.p.str("UserName"),
		AccessKeyId: c.p.str("AccessKeyId"), Status: c.p.str("Status")}, c.meta)
}

func deleteAccessKey(s *Server, c *call) (any, error) {
	if err := c.p.required("AccessKeyId"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteAccessKey(c.ctx, c.caller, c.p.str("UserName"), c.p.str("AccessKeyId"), c.meta)
}

func getAccessKeyLastUsed(s *Server, c *call) (any, error) {
	if err := c.p.required("AccessKeyId"); err != nil {
		return nil, err
	}
	user, lu, err := s.svc.GetAccessKeyLastUsed(c.ctx, c.caller, c.p.str("AccessKeyId"), c.meta)
	if err != nil {
		return nil, err
	}
	return getAccessKeyLastUsedResult{UserName: user, AccessKeyLastUsed: xmlAccessKeyLastUsed{
		LastUsedDate: tsp(lu.LastUsedDate), ServiceName: lu.ServiceName, Region: lu.Region}}, nil
}

func loginProfileXML(lp *iam.LoginProfile) loginProfileResult {
	return loginProfileResult{LoginProfile: xmlLoginProfile{UserName: lp.UserName, CreateDate: ts(lp.CreateDate),
		PasswordResetRequired: lp.PasswordResetRequired}}
}

func createLoginProfile(s *Server, c *call) (any, error) {
	if err := c.p.required("Password"); err != nil {
		return nil, err
	}
	reset, err := c.p.boolean("PasswordResetRequired", false)
	if err != nil {
		return nil, err
	}
	lp, err := s.svc.CreateLoginProfile(c.ctx, c.caller, iam.CreateLoginProfileInput{UserName: c.p.str("UserName"),
		Password: c.p.str("Password"), PasswordResetRequired: reset}, c.meta)
	if err != nil {
		return nil, err
	}
	return loginProfileXML(lp), nil
}

func getLoginProfile(s *Server, c *call) (any, error) {
	lp, err := s.svc.GetLoginProfile(c.ctx, c.caller, c.p.str("UserName"), c.meta)
	if err != nil {
		return nil, err
	}
	return loginProfileXML(lp), nil
}

// updateLoginProfile changes only what the request names: an absent
// Password or PasswordResetRequired keeps the current value.
func updateLoginProfile(s *Server, c *call) (any, error) {
	in := iam.UpdateLoginProfileInput{UserName: c.p.str("UserName")}
	if c.p.has("Password") {
		pw := c.p.str("Password")
		in.Password = &pw
	}
	if c.p.has("PasswordResetRequired") {
		reset, err := c.p.boolean("PasswordResetRequired", false)
		if err != nil {
			return nil, err
		}
		in.PasswordResetRequired = &reset
	}
	return nil, s.svc.UpdateLoginProfile(c.ctx, c.caller, in, c.meta)
}

func deleteLoginProfile(s *Server, c *call) (any, error) {
	return nil, s.svc.DeleteLoginProfile(c.ctx, c.caller, c.p.str("UserName"), c.meta)
}

func changePassword(s *Server, c *call) (any, error) {
	if err := c.p.required("OldPassword", "NewPassword"); err != nil {
		return nil, err
	}
	_, err := s.svc.ChangePassword(c.ctx, c.caller, c.p.str("OldPassword"), c.p.str("NewPassword"), c.meta)
	return nil, err
}

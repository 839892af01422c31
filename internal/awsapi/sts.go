package awsapi

import "github.com/iamconsole/console/internal/iam"

type callerIdentityResult struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

// getCallerIdentity works for every valid caller and needs no permission,
// as AWS's does.
func getCallerIdentity(s *Server, c *call) (any, error) {
	return callerIdentityResult{Arn: c.caller.ARN, UserID: c.caller.ID, Account: c.caller.AccountID}, nil
}

type xmlCredentials struct {
	AccessKeyID     string  `xml:"AccessKeyId"`
	SecretAccessKey string  `xml:"SecretAccessKey"`
	SessionToken    string  `xml:"SessionToken"`
	Expiration      isoTime `xml:"Expiration"`
}

func credentials(c iam.Credentials) xmlCredentials {
	return xmlCredentials{AccessKeyID: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: ts(c.Expiration)}
}

type assumeRoleResult struct {
	AssumedRoleUser struct {
		Arn           string `xml:"Arn"`
		AssumedRoleID string `xml:"AssumedRoleId"`
	} `xml:"AssumedRoleUser"`
	Credentials      xmlCredentials `xml:"Credentials"`
	PackedPolicySize *int           `xml:"PackedPolicySize,omitempty"`
}

func assumeRole(s *Server, c *call) (any, error) {
	for _, req := range []string{"RoleArn", "RoleSessionName"} {
		if c.p.str(req) == "" {
			return nil, missing(req)
		}
	}
	dur, err := c.p.integer("DurationSeconds", 0)
	if err != nil {
		return nil, err
	}
	var arns []string
	for _, n := range c.p.members("PolicyArns") {
		arns = append(arns, c.p.field("PolicyArns", n, "arn"))
	}
	res, err := s.svc.AssumeRole(c.ctx, c.caller, iam.AssumeRoleInput{RoleArn: c.p.str("RoleArn"),
		RoleSessionName: c.p.str("RoleSessionName"), DurationSeconds: dur, ExternalId: c.p.str("ExternalId"),
		SerialNumber: c.p.str("SerialNumber"), TokenCode: c.p.str("TokenCode"), Policy: c.p.str("Policy"), PolicyArns: arns}, c.meta)
	if err != nil {
		return nil, err
	}
	out := assumeRoleResult{Credentials: credentials(res.Credentials)}
	out.AssumedRoleUser.Arn, out.AssumedRoleUser.AssumedRoleID = res.Arn, res.AssumedRoleId
	if c.p.str("Policy") != "" || len(arns) > 0 {
		out.PackedPolicySize = &res.PackedPolicySize
	}
	return out, nil
}

type getSessionTokenResult struct {
	Credentials xmlCredentials `xml:"Credentials"`
}

func getSessionToken(s *Server, c *call) (any, error) {
	dur, err := c.p.integer("DurationSeconds", 0)
	if err != nil {
		return nil, err
	}
	cr, err := s.svc.GetSessionToken(c.ctx, c.caller, iam.GetSessionTokenInput{DurationSeconds: dur,
		SerialNumber: c.p.str("SerialNumber"), TokenCode: c.p.str("TokenCode")}, c.meta)
	if err != nil {
		return nil, err
	}
	return getSessionTokenResult{Credentials: credentials(*cr)}, nil
}

type accessKeyInfoResult struct {
	Account string `xml:"Account"`
}

// getAccessKeyInfo answers which account an access key ID belongs to.
func getAccessKeyInfo(s *Server, c *call) (any, error) {
	if err := c.p.required("AccessKeyId"); err != nil {
		return nil, err
	}
	acct, err := s.svc.AccessKeyAccount(c.ctx, c.caller, c.p.str("AccessKeyId"), c.meta)
	if err != nil {
		return nil, err
	}
	return accessKeyInfoResult{Account: acct}, nil
}

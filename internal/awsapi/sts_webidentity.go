package awsapi

import "github.com/iamconsole/console/internal/iam"

type assumeRoleWithWebIdentityResult struct {
	SubjectFromWebIdentityToken string `xml:"SubjectFromWebIdentityToken"`
	Audience                    string `xml:"Audience"`
	AssumedRoleUser             struct {
		Arn           string `xml:"Arn"`
		AssumedRoleID string `xml:"AssumedRoleId"`
	} `xml:"AssumedRoleUser"`
	Credentials      xmlCredentials `xml:"Credentials"`
	Provider         string         `xml:"Provider"`
	PackedPolicySize *int           `xml:"PackedPolicySize,omitempty"`
	SourceIdentity   string         `xml:"SourceIdentity,omitempty"`
}

func assumeRoleWithWebIdentity(s *Server, c *call) (any, error) {
	if err := c.p.required("RoleArn", "RoleSessionName", "WebIdentityToken"); err != nil {
		return nil, err
	}
	dur, err := c.p.integer("DurationSeconds", 0)
	if err != nil {
		return nil, err
	}
	var arns []string
	for _, n := range c.p.members("PolicyArns") {
		arns = append(arns, c.p.field("PolicyArns", n, "arn"))
	}
	res, err := s.svc.AssumeRoleWithWebIdentity(c.ctx, iam.AssumeRoleWithWebIdentityInput{RoleArn: c.p.str("RoleArn"),
		RoleSessionName: c.p.str("RoleSessionName"), WebIdentityToken: c.p.str("WebIdentityToken"),
		ProviderId: c.p.str("ProviderId"), DurationSeconds: dur, Policy: c.p.str("Policy"), PolicyArns: arns}, c.meta)
	if err != nil {
		return nil, err
	}
	out := assumeRoleWithWebIdentityResult{SubjectFromWebIdentityToken: res.SubjectFromWebIdentityToken, Audience: res.Audience,
		Credentials: credentials(res.Credentials), Provider: res.Provider, SourceIdentity: res.SourceIdentity}
	out.AssumedRoleUser.Arn, out.AssumedRoleUser.AssumedRoleID = res.Arn, res.AssumedRoleId
	if c.p.str("Policy") != "" || len(arns) > 0 {
		out.PackedPolicySize = &res.PackedPolicySize
	}
	return out, nil
}

package awsapi

import "github.com/iamconsole/console/internal/iam"

// assumeRoleWithSAMLResult is AWS's AssumeRoleWithSAMLResult (aws-sdk-go-v2
// service/sts AssumeRoleWithSAMLOutput).
type assumeRoleWithSAMLResult struct {
	Credentials     xmlCredentials `xml:"Credentials"`
	AssumedRoleUser struct {
		Arn           string `xml:"Arn"`
		AssumedRoleID string `xml:"AssumedRoleId"`
	} `xml:"AssumedRoleUser"`
	PackedPolicySize *int   `xml:"PackedPolicySize,omitempty"`
	Subject          string `xml:"Subject"`
	SubjectType      string `xml:"SubjectType"`
	Issuer           string `xml:"Issuer"`
	Audience         string `xml:"Audience"`
	NameQualifier    string `xml:"NameQualifier"`
	SourceIdentity   string `xml:"SourceIdentity,omitempty"`
}

// assumeRoleWithSAML is unsigned, as AWS's: the assertion is the proof, and
// c.caller is nil (or whoever signed: it plays no part).
func assumeRoleWithSAML(s *Server, c *call) (any, error) {
	if err := c.p.required("RoleArn", "PrincipalArn", "SAMLAssertion"); err != nil {
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
	res, err := s.svc.AssumeRoleWithSAML(c.ctx, iam.AssumeRoleWithSAMLInput{RoleArn: c.p.str("RoleArn"),
		PrincipalArn: c.p.str("PrincipalArn"), SAMLAssertion: c.p.str("SAMLAssertion"), Policy: c.p.str("Policy"),
		PolicyArns: arns, DurationSeconds: dur}, c.meta)
	if err != nil {
		return nil, err
	}
	out := assumeRoleWithSAMLResult{Credentials: credentials(res.Credentials), Subject: res.Subject, SubjectType: res.SubjectType,
		Issuer: res.Issuer, Audience: res.Audience, NameQualifier: res.NameQualifier, SourceIdentity: res.SourceIdentity}
	out.AssumedRoleUser.Arn, out.AssumedRoleUser.AssumedRoleID = res.Arn, res.AssumedRoleId
	if c.p.str("Policy") != "" || len(arns) > 0 {
		out.PackedPolicySize = &res.PackedPolicySize
	}
	return out, nil
}

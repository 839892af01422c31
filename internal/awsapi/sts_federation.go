package awsapi

import "github.com/iamconsole/console/internal/iam"

type getFederationTokenResult struct {
	Credentials   xmlCredentials `xml:"Credentials"`
	FederatedUser struct {
		FederatedUserID string `xml:"FederatedUserId"`
		Arn             string `xml:"Arn"`
	} `xml:"FederatedUser"`
	PackedPolicySize *int `xml:"PackedPolicySize,omitempty"`
}

// getFederationToken is STS GetFederationToken: temporary credentials for
// a federated user of the calling IAM user (internal/iam federation.go).
func getFederationToken(s *Server, c *call) (any, error) {
	if err := c.p.required("Name"); err != nil {
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
	res, err := s.svc.GetFederationToken(c.ctx, c.caller, iam.GetFederationTokenInput{Name: c.p.str("Name"),
		DurationSeconds: dur, Policy: c.p.str("Policy"), PolicyArns: arns, Tags: c.p.tags("Tags")}, c.meta)
	if err != nil {
		return nil, err
	}
	out := getFederationTokenResult{Credentials: credentials(res.Credentials)}
	out.FederatedUser.FederatedUserID, out.FederatedUser.Arn = res.FederatedUserID, res.Arn
	if res.Packed {
		out.PackedPolicySize = &res.PackedPolicySize
	}
	return out, nil
}

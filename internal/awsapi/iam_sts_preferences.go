package awsapi

// setSecurityTokenServicePreferences is IAM's
// SetSecurityTokenServicePreferences: an account setting, reported by
// GetAccountSummary as GlobalEndpointTokenVersion.
func setSecurityTokenServicePreferences(s *Server, c *call) (any, error) {
	if err := c.p.required("GlobalEndpointTokenVersion"); err != nil {
		return nil, err
	}
	return nil, s.svc.SetSecurityTokenServicePreferences(c.ctx, c.caller, c.p.str("GlobalEndpointTokenVersion"), c.meta)
}

type issuerResult struct {
	IssuerIdentifier string `xml:"IssuerIdentifier"`
}

// enableOutboundWebIdentityFederation turns on STS GetWebIdentityToken for
// the account, with the console as the tokens' issuer, at the URL the
// caller reached it by.
func enableOutboundWebIdentityFederation(s *Server, c *call) (any, error) {
	issuer, err := s.svc.EnableOutboundWebIdentityFederation(c.ctx, c.caller, c.baseURL, c.meta)
	if err != nil {
		return nil, err
	}
	return issuerResult{IssuerIdentifier: issuer}, nil
}

func disableOutboundWebIdentityFederation(s *Server, c *call) (any, error) {
	return nil, s.svc.DisableOutboundWebIdentityFederation(c.ctx, c.caller, c.meta)
}

type outboundInfoResult struct {
	IssuerIdentifier  string `xml:"IssuerIdentifier"`
	JwtVendingEnabled bool   `xml:"JwtVendingEnabled"`
}

func getOutboundWebIdentityFederationInfo(s *Server, c *call) (any, error) {
	info, err := s.svc.GetOutboundWebIdentityFederationInfo(c.ctx, c.caller, c.meta)
	if err != nil {
		return nil, err
	}
	return outboundInfoResult{IssuerIdentifier: info.IssuerIdentifier, JwtVendingEnabled: info.JwtVendingEnabled}, nil
}

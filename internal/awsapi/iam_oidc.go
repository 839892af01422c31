package awsapi

import "github.com/iamconsole/console/internal/iam"

// OpenID Connect identity providers. The provider is named by its ARN
// (OpenIDConnectProviderArn) in every action; AWS's answers carry no
// provider ID.

type createOIDCProviderResult struct {
	OpenIDConnectProviderArn string           `xml:"OpenIDConnectProviderArn"`
	Tags                     *members[xmlTag] `xml:"Tags,omitempty"`
}

type getOIDCProviderResult struct {
	Url            string           `xml:"Url"`
	ClientIDList   members[string]  `xml:"ClientIDList"`
	ThumbprintList members[string]  `xml:"ThumbprintList"`
	CreateDate     isoTime          `xml:"CreateDate"`
	Tags           *members[xmlTag] `xml:"Tags,omitempty"`
}

type xmlOIDCProviderEntry struct {
	Arn string `xml:"Arn"`
}

type listOIDCProvidersResult struct {
	OpenIDConnectProviderList members[xmlOIDCProviderEntry] `xml:"OpenIDConnectProviderList"`
}

// oidcProviderARN reads and requires the provider's ARN.
func (c *call) oidcProviderARN(others ...string) (string, error) {
	if err := c.p.required(append([]string{"OpenIDConnectProviderArn"}, others...)...); err != nil {
		return "", err
	}
	return c.p.str("OpenIDConnectProviderArn"), nil
}

func createOpenIDConnectProvider(s *Server, c *call) (any, error) {
	if err := c.p.required("Url"); err != nil {
		return nil, err
	}
	p, err := s.svc.CreateOIDCProvider(c.ctx, c.caller, iam.CreateOIDCProviderInput{Url: c.p.str("Url"),
		ClientIDList: c.p.list("ClientIDList"), ThumbprintList: c.p.list("ThumbprintList"), Tags: c.p.tags("Tags")}, c.meta)
	if err != nil {
		return nil, err
	}
	return createOIDCProviderResult{OpenIDConnectProviderArn: p.Arn, Tags: tagList(p.Tags)}, nil
}

func getOpenIDConnectProvider(s *Server, c *call) (any, error) {
	arn, err := c.oidcProviderARN()
	if err != nil {
		return nil, err
	}
	p, err := s.svc.GetOIDCProvider(c.ctx, c.caller, arn, c.meta)
	if err != nil {
		return nil, err
	}
	return getOIDCProviderResult{Url: p.Url, ClientIDList: list(nonNil(p.ClientIDList)), ThumbprintList: list(nonNil(p.ThumbprintList)),
		CreateDate: ts(p.CreateDate), Tags: tagList(p.Tags)}, nil
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func listOpenIDConnectProviders(s *Server, c *call) (any, error) {
	ps, err := s.svc.ListOIDCProviders(c.ctx, c.caller, c.meta)
	if err != nil {
		return nil, err
	}
	out := make([]xmlOIDCProviderEntry, len(ps))
	for i := range ps {
		out[i] = xmlOIDCProviderEntry{Arn: ps[i].Arn}
	}
	return listOIDCProvidersResult{OpenIDConnectProviderList: list(out)}, nil
}

func deleteOpenIDConnectProvider(s *Server, c *call) (any, error) {
	arn, err := c.oidcProviderARN()
	if err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteOIDCProvider(c.ctx, c.caller, arn, c.meta)
}

func addClientIDToOpenIDConnectProvider(s *Server, c *call) (any, error) {
	arn, err := c.oidcProviderARN("ClientID")
	if err != nil {
		return nil, err
	}
	return nil, s.svc.AddClientIDToOIDCProvider(c.ctx, c.caller, arn, c.p.str("ClientID"), c.meta)
}

func removeClientIDFromOpenIDConnectProvider(s *Server, c *call) (any, error) {
	arn, err := c.oidcProviderARN("ClientID")
	if err != nil {
		return nil, err
	}
	return nil, s.svc.RemoveClientIDFromOIDCProvider(c.ctx, c.caller, arn, c.p.str("ClientID"), c.meta)
}

func updateOpenIDConnectProviderThumbprint(s *Server, c *call) (any, error) {
	arn, err := c.oidcProviderARN()
	if err != nil {
		return nil, err
	}
	// An empty list is sent as "ThumbprintList=" (AWS's query encoding
	// of an empty list): present, and clears the thumbprints.
	if _, present := c.p["ThumbprintList"]; !present && len(c.p.members("ThumbprintList")) == 0 {
		return nil, missing("ThumbprintList")
	}
	return nil, s.svc.UpdateOIDCProviderThumbprint(c.ctx, c.caller, arn, c.p.list("ThumbprintList"), c.meta)
}

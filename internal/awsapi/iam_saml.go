package awsapi

import "github.com/iamconsole/console/internal/iam"

// SAML identity providers: AWS's shapes (aws-sdk-go-v2 service/iam
// schemas: CreateSAMLProviderResponse, GetSAMLProviderResponse,
// SAMLProviderListEntry, SAMLPrivateKey).

type createSAMLProviderResult struct {
	SAMLProviderArn string           `xml:"SAMLProviderArn"`
	Tags            *members[xmlTag] `xml:"Tags,omitempty"`
}

type xmlSAMLPrivateKey struct {
	KeyID     string  `xml:"KeyId"`
	Timestamp isoTime `xml:"Timestamp"`
}

type getSAMLProviderResult struct {
	SAMLProviderUUID        string                      `xml:"SAMLProviderUUID"`
	SAMLMetadataDocument    string                      `xml:"SAMLMetadataDocument"`
	CreateDate              isoTime                     `xml:"CreateDate"`
	ValidUntil              isoTime                     `xml:"ValidUntil"`
	Tags                    *members[xmlTag]            `xml:"Tags,omitempty"`
	AssertionEncryptionMode string                      `xml:"AssertionEncryptionMode,omitempty"`
	PrivateKeyList          *members[xmlSAMLPrivateKey] `xml:"PrivateKeyList,omitempty"`
}

type xmlSAMLProviderListEntry struct {
	Arn        string  `xml:"Arn"`
	CreateDate isoTime `xml:"CreateDate"`
	ValidUntil isoTime `xml:"ValidUntil"`
}

type listSAMLProvidersResult struct {
	SAMLProviderList members[xmlSAMLProviderListEntry] `xml:"SAMLProviderList"`
}

type updateSAMLProviderResult struct {
	SAMLProviderArn string `xml:"SAMLProviderArn"`
}

func createSAMLProvider(s *Server, c *call) (any, error) {
	if err := c.p.required("Name", "SAMLMetadataDocument"); err != nil {
		return nil, err
	}
	p, err := s.svc.CreateSAMLProvider(c.ctx, c.caller, iam.CreateSAMLProviderInput{Name: c.p.str("Name"),
		SAMLMetadataDocument: c.p.str("SAMLMetadataDocument"), Tags: c.p.tags("Tags"),
		AssertionEncryptionMode: c.p.str("AssertionEncryptionMode"), AddPrivateKey: c.p.str("AddPrivateKey")}, c.meta)
	if err != nil {
		return nil, err
	}
	return createSAMLProviderResult{SAMLProviderArn: p.Arn, Tags: tagList(p.Tags)}, nil
}

func getSAMLProvider(s *Server, c *call) (any, error) {
	if err := c.p.required("SAMLProviderArn"); err != nil {
		return nil, err
	}
	p, err := s.svc.GetSAMLProvider(c.ctx, c.caller, c.p.str("SAMLProviderArn"), c.meta)
	if err != nil {
		return nil, err
	}
	out := getSAMLProviderResult{SAMLProviderUUID: p.SAMLProviderUUID, SAMLMetadataDocument: p.SAMLMetadataDocument,
		CreateDate: ts(p.CreateDate), ValidUntil: ts(p.ValidUntil), Tags: tagList(p.Tags), AssertionEncryptionMode: p.AssertionEncryptionMode}
	if len(p.PrivateKeyList) > 0 {
		keys := make([]xmlSAMLPrivateKey, len(p.PrivateKeyList))
		for i, k := range p.PrivateKeyList {
			keys[i] = xmlSAMLPrivateKey{KeyID: k.KeyId, Timestamp: ts(k.Timestamp)}
		}
		l := list(keys)
		out.PrivateKeyList = &l
	}
	return out, nil
}

func listSAMLProviders(s *Server, c *call) (any, error) {
	ps, err := s.svc.ListSAMLProviders(c.ctx, c.caller, c.meta)
	if err != nil {
		return nil, err
	}
	out := make([]xmlSAMLProviderListEntry, len(ps))
	for i, p := range ps {
		out[i] = xmlSAMLProviderListEntry{Arn: p.Arn, CreateDate: ts(p.CreateDate), ValidUntil: ts(p.ValidUntil)}
	}
	return listSAMLProvidersResult{SAMLProviderList: list(out)}, nil
}

func updateSAMLProvider(s *Server, c *call) (any, error) {
	if err := c.p.required("SAMLProviderArn"); err != nil {
		return nil, err
	}
	arn, err := s.svc.UpdateSAMLProvider(c.ctx, c.caller, iam.UpdateSAMLProviderInput{SAMLProviderArn: c.p.str("SAMLProviderArn"),
		SAMLMetadataDocument: c.p.str("SAMLMetadataDocument"), AssertionEncryptionMode: c.p.str("AssertionEncryptionMode"),
		AddPrivateKey: c.p.str("AddPrivateKey"), RemovePrivateKey: c.p.str("RemovePrivateKey")}, c.meta)
	if err != nil {
		return nil, err
	}
	return updateSAMLProviderResult{SAMLProviderArn: arn}, nil
}

func deleteSAMLProvider(s *Server, c *call) (any, error) {
	if err := c.p.required("SAMLProviderArn"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteSAMLProvider(c.ctx, c.caller, c.p.str("SAMLProviderArn"), c.meta)
}

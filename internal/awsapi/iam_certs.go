package awsapi

import "github.com/iamconsole/console/internal/iam"

// Signing certificates and server certificates.

type xmlSigningCertificate struct {
	UserName        string  `xml:"UserName"`
	CertificateID   string  `xml:"CertificateId"`
	CertificateBody string  `xml:"CertificateBody"`
	Status          string  `xml:"Status"`
	UploadDate      isoTime `xml:"UploadDate"`
}

type uploadSigningCertificateResult struct {
	Certificate xmlSigningCertificate `xml:"Certificate"`
}

type listSigningCertificatesResult struct {
	Certificates members[xmlSigningCertificate] `xml:"Certificates"`
	page
}

func signingCertificateXML(c *iam.SigningCertificate) xmlSigningCertificate {
	return xmlSigningCertificate{UserName: c.UserName, CertificateID: c.CertificateId, CertificateBody: c.CertificateBody,
		Status: c.Status, UploadDate: ts(c.UploadDate)}
}

// uploadSigningCertificate gives the named user, or the caller, a
// certificate.
func uploadSigningCertificate(s *Server, c *call) (any, error) {
	if err := c.p.required("CertificateBody"); err != nil {
		return nil, err
	}
	cert, err := s.svc.UploadSigningCertificate(c.ctx, c.caller, c.p.str("UserName"), c.p.str("CertificateBody"), c.meta)
	if err != nil {
		return nil, err
	}
	return uploadSigningCertificateResult{Certificate: signingCertificateXML(cert)}, nil
}

func listSigningCertificates(s *Server, c *call) (any, error) {
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	certs, next, err := s.svc.ListSigningCertificates(c.ctx, c.caller, c.p.str("UserName"), iamPage(marker, maxItems), c.meta)
	if err != nil {
		return nil, err
	}
	out := make([]xmlSigningCertificate, len(certs))
	for i := range certs {
		out[i] = signingCertificateXML(&certs[i])
	}
	return listSigningCertificatesResult{Certificates: list(out), page: pageOf(next)}, nil
}

func updateSigningCertificate(s *Server, c *call) (any, error) {
	if err := c.p.required("CertificateId", "Status"); err != nil {
		return nil, err
	}
	return nil, s.svc.UpdateSigningCertificate(c.ctx, c.caller, c.p.str("UserName"), c.p.str("CertificateId"), c.p.str("Status"), c.meta)
}

func deleteSigningCertificate(s *Server, c *call) (any, error) {
	if err := c.p.required("CertificateId"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteSigningCertificate(c.ctx, c.caller, c.p.str("UserName"), c.p.str("CertificateId"), c.meta)
}

type xmlServerCertificateMetadata struct {
	Path                  string  `xml:"Path"`
	ServerCertificateName string  `xml:"ServerCertificateName"`
	ServerCertificateID   string  `xml:"ServerCertificateId"`
	Arn                   string  `xml:"Arn"`
	UploadDate            isoTime `xml:"UploadDate"`
	Expiration            isoTime `xml:"Expiration"`
}

type xmlServerCertificate struct {
	ServerCertificateMetadata xmlServerCertificateMetadata `xml:"ServerCertificateMetadata"`
	CertificateBody           string                       `xml:"CertificateBody"`
	CertificateChain          string                       `xml:"CertificateChain,omitempty"`
	Tags                      *members[xmlTag]             `xml:"Tags,omitempty"`
}

type uploadServerCertificateResult struct {
	ServerCertificateMetadata xmlServerCertificateMetadata `xml:"ServerCertificateMetadata"`
	Tags                      *members[xmlTag]             `xml:"Tags,omitempty"`
}

type getServerCertificateResult struct {
	ServerCertificate xmlServerCertificate `xml:"ServerCertificate"`
}

type listServerCertificatesResult struct {
	ServerCertificateMetadataList members[xmlServerCertificateMetadata] `xml:"ServerCertificateMetadataList"`
	page
}

func serverCertificateMetadataXML(m *iam.ServerCertificateMetadata) xmlServerCertificateMetadata {
	return xmlServerCertificateMetadata{Path: m.Path, ServerCertificateName: m.ServerCertificateName, ServerCertificateID: m.ServerCertificateId,
		Arn: m.Arn, UploadDate: ts(m.UploadDate), Expiration: ts(m.Expiration)}
}

func uploadServerCertificate(s *Server, c *call) (any, error) {
	if err := c.p.required("ServerCertificateName", "CertificateBody", "PrivateKey"); err != nil {
		return nil, err
	}
	sc, err := s.svc.UploadServerCertificate(c.ctx, c.caller, iam.UploadServerCertificateInput{
		ServerCertificateName: c.p.str("ServerCertificateName"), Path: c.p.str("Path"), CertificateBody: c.p.str("CertificateBody"),
		PrivateKey: c.p.str("PrivateKey"), CertificateChain: c.p.str("CertificateChain"), Tags: c.p.tags("Tags")}, c.meta)
	if err != nil {
		return nil, err
	}
	return uploadServerCertificateResult{ServerCertificateMetadata: serverCertificateMetadataXML(&sc.Metadata), Tags: tagList(sc.Tags)}, nil
}

func getServerCertificate(s *Server, c *call) (any, error) {
	if err := c.p.required("ServerCertificateName"); err != nil {
		return nil, err
	}
	sc, err := s.svc.GetServerCertificate(c.ctx, c.caller, c.p.str("ServerCertificateName"), c.meta)
	if err != nil {
		return nil, err
	}
	return getServerCertificateResult{ServerCertificate: xmlServerCertificate{
		ServerCertificateMetadata: serverCertificateMetadataXML(&sc.Metadata), CertificateBody: sc.CertificateBody,
		CertificateChain: sc.CertificateChain, Tags: tagList(sc.Tags)}}, nil
}

func listServerCertificates(s *Server, c *call) (any, error) {
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	ms, next, err := s.svc.ListServerCertificates(c.ctx, c.caller, iam.ListInput{PathPrefix: c.p.str("PathPrefix"), Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	out := make([]xmlServerCertificateMetadata, len(ms))
	for i := range ms {
		out[i] = serverCertificateMetadataXML(&ms[i])
	}
	return listServerCertificatesResult{ServerCertificateMetadataList: list(out), page: pageOf(next)}, nil
}

func updateServerCertificate(s *Server, c *call) (any, error) {
	if err := c.p.required("ServerCertificateName"); err != nil {
		return nil, err
	}
	return nil, s.svc.UpdateServerCertificate(c.ctx, c.caller, iam.UpdateServerCertificateInput{
		ServerCertificateName: c.p.str("ServerCertificateName"), NewServerCertificateName: c.p.str("NewServerCertificateName"),
		NewPath: c.p.str("NewPath")}, c.meta)
}

func deleteServerCertificate(s *Server, c *call) (any, error) {
	if err := c.p.required("ServerCertificateName"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteServerCertificate(c.ctx, c.caller, c.p.str("ServerCertificateName"), c.meta)
}

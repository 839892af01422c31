package awsapi

// SSH public keys.

type xmlSSHPublicKey struct {
	UserName         string  `xml:"UserName"`
	SSHPublicKeyID   string  `xml:"SSHPublicKeyId"`
	Fingerprint      string  `xml:"Fingerprint"`
	SSHPublicKeyBody string  `xml:"SSHPublicKeyBody"`
	Status           string  `xml:"Status"`
	UploadDate       isoTime `xml:"UploadDate"`
}

type sshPublicKeyResult struct {
	SSHPublicKey xmlSSHPublicKey `xml:"SSHPublicKey"`
}

type xmlSSHPublicKeyMetadata struct {
	UserName       string  `xml:"UserName"`
	SSHPublicKeyID string  `xml:"SSHPublicKeyId"`
	Status         string  `xml:"Status"`
	UploadDate     isoTime `xml:"UploadDate"`
}

type listSSHPublicKeysResult struct {
	SSHPublicKeys members[xmlSSHPublicKeyMetadata] `xml:"SSHPublicKeys"`
	page
}

func uploadSSHPublicKey(s *Server, c *call) (any, error) {
	if err := c.p.required("UserName", "SSHPublicKeyBody"); err != nil {
		return nil, err
	}
	k, err := s.svc.UploadSSHPublicKey(c.ctx, c.caller, c.p.str("UserName"), c.p.str("SSHPublicKeyBody"), c.meta)
	if err != nil {
		return nil, err
	}
	return sshPublicKeyResult{SSHPublicKey: xmlSSHPublicKey{UserName: k.UserName, SSHPublicKeyID: k.SSHPublicKeyId, Fingerprint: k.Fingerprint,
		SSHPublicKeyBody: k.SSHPublicKeyBody, Status: k.Status, UploadDate: ts(k.UploadDate)}}, nil
}

func getSSHPublicKey(s *Server, c *call) (any, error) {
	if err := c.p.required("UserName", "SSHPublicKeyId", "Encoding"); err != nil {
		return nil, err
	}
	k, err := s.svc.GetSSHPublicKey(c.ctx, c.caller, c.p.str("UserName"), c.p.str("SSHPublicKeyId"), c.p.str("Encoding"), c.meta)
	if err != nil {
		return nil, err
	}
	return sshPublicKeyResult{SSHPublicKey: xmlSSHPublicKey{UserName: k.UserName, SSHPublicKeyID: k.SSHPublicKeyId, Fingerprint: k.Fingerprint,
		SSHPublicKeyBody: k.SSHPublicKeyBody, Status: k.Status, UploadDate: ts(k.UploadDate)}}, nil
}

func listSSHPublicKeys(s *Server, c *call) (any, error) {
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	ks, next, err := s.svc.ListSSHPublicKeys(c.ctx, c.caller, c.p.str("UserName"), iamPage(marker, maxItems), c.meta)
	if err != nil {
		return nil, err
	}
	out := make([]xmlSSHPublicKeyMetadata, len(ks))
	for i, k := range ks {
		out[i] = xmlSSHPublicKeyMetadata{UserName: k.UserName, SSHPublicKeyID: k.SSHPublicKeyId, Status: k.Status, UploadDate: ts(k.UploadDate)}
	}
	return listSSHPublicKeysResult{SSHPublicKeys: list(out), page: pageOf(next)}, nil
}

func updateSSHPublicKey(s *Server, c *call) (any, error) {
	if err := c.p.required("UserName", "SSHPublicKeyId", "Status"); err != nil {
		return nil, err
	}
	return nil, s.svc.UpdateSSHPublicKey(c.ctx, c.caller, c.p.str("UserName"), c.p.str("SSHPublicKeyId"), c.p.str("Status"), c.meta)
}

func deleteSSHPublicKey(s *Server, c *call) (any, error) {
	if err := c.p.required("UserName", "SSHPublicKeyId"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteSSHPublicKey(c.ctx, c.caller, c.p.str("UserName"), c.p.str("SSHPublicKeyId"), c.meta)
}

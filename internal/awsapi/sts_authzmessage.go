package awsapi

type decodeAuthorizationMessageResult struct {
	DecodedMessage string `xml:"DecodedMessage"`
}

// decodeAuthorizationMessage is STS DecodeAuthorizationMessage: the JSON
// explanation behind an AccessDenied's "Encoded authorization failure
// message" (internal/iam authzmessage.go).
func decodeAuthorizationMessage(s *Server, c *call) (any, error) {
	if err := c.p.required("EncodedMessage"); err != nil {
		return nil, err
	}
	msg, err := s.svc.DecodeAuthorizationMessage(c.ctx, c.caller, c.p.str("EncodedMessage"), c.meta)
	if err != nil {
		return nil, err
	}
	return decodeAuthorizationMessageResult{DecodedMessage: msg}, nil
}

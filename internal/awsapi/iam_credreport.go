package awsapi

import (
	"encoding/base64"
)

type generateCredentialReportResult struct {
	State       string `xml:"State"`
	Description string `xml:"Description,omitempty"`
}

func generateCredentialReport(s *Server, c *call) (any, error) {
	g, err := s.svc.GenerateCredentialReport(c.ctx, c.caller, c.meta)
	if err != nil {
		return nil, err
	}
	return generateCredentialReportResult{State: g.State, Description: g.Description}, nil
}

type getCredentialReportResult struct {
	Content       string  `xml:"Content"`
	ReportFormat  string  `xml:"ReportFormat"`
	GeneratedTime isoTime `xml:"GeneratedTime"`
}

// getCredentialReport answers the CSV base64-encoded, as AWS does (the SDKs
// decode it into bytes).
func getCredentialReport(s *Server, c *call) (any, error) {
	r, err := s.svc.GetCredentialReport(c.ctx, c.caller, c.meta)
	if err != nil {
		return nil, err
	}
	return getCredentialReportResult{Content: base64.StdEncoding.EncodeToString(r.Content), ReportFormat: "text/csv",
		GeneratedTime: ts(r.GeneratedTime)}, nil
}

package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/analyzer"
	"github.com/iamconsole/console/web/templates"
)

// analyzerFindings are Access Analyzer's findings on an identity policy
// being written, as the editor shows them (at their line and column, which
// the editor counts from 1 where AWS counts columns from 0).
func (s *Server) analyzerFindings(c echo.Context, doc string) []templates.AnalyzerFinding {
	fs := s.svc.EditorFindings(c.Request().Context(), principal(c), meta(c), doc, analyzer.Input{PolicyType: analyzer.IdentityPolicy})
	out := make([]templates.AnalyzerFinding, 0, len(fs))
	for _, f := range fs {
		v := templates.AnalyzerFinding{Type: string(f.FindingType), Code: f.IssueCode, Details: f.FindingDetails, Link: f.LearnMoreLink}
		if len(f.Locations) > 0 {
			v.Line, v.Column = f.Locations[0].Span.Start.Line, f.Locations[0].Span.Start.Column+1
		}
		out = append(out, v)
	}
	return out
}

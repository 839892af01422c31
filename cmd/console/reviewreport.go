package main

import (
	"github.com/iamconsole/console/internal/iam"
)

// ReviewReportCmd prints an access review campaign's report: the evidence
// of a periodic access review, for an auditor.
type ReviewReportCmd struct {
	ID     string `arg:"" help:"The campaign's ID (from the console's /reviews)."`
	Format string `name:"format" enum:"csv,json" default:"csv" help:"csv or json."`
}

// Run prints the report as the operator (every campaign of the live account).
func (c *ReviewReportCmd) Run(g *Globals, e *env) error {
	return g.review(e, func(svc *iam.Service) error {
		return svc.CampaignReport(e.ctx, nil, c.ID, c.Format, e.stdout, cliMeta("review-report"))
	})
}

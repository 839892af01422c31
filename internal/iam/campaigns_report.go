package iam

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/graph"
)

// CampaignReportJSON is a campaign's report as JSON: an auditor's evidence
// of a periodic access review.
type CampaignReportJSON struct {
	ID, Name, Scope string
	Due             time.Time
	Reviewers       []string
	State           string
	CreatedBy       string
	CreatedAt       time.Time
	ClosedBy        string    `json:",omitempty"`
	ClosedAt        time.Time `json:",omitzero"`
	Principals      []ReportRow
}

// ReportRow is one principal of the report.
type ReportRow struct {
	Principal    string
	Kind         string
	Access       []AccessRow
	PathsToAdmin []string
	Evidence     UsageEvidence
	Decision     string // "" while undecided
	Reviewer     string
	DecidedAt    time.Time `json:",omitzero"`
	// Revocations are every change the principal's decisions applied.
	Revocations []Revocation
	// Decisions are all its decisions, superseded ones included.
	Decisions []CampaignDecision
}

// ReportFormats are the formats CampaignReport writes.
var ReportFormats = []string{"csv", "json"}

// CampaignReport writes a campaign's report as "csv" or "json" to w;
// reading it is GetAccessReviewAction.
func (s *Service) CampaignReport(ctx context.Context, caller *Principal, id, format string, w io.Writer, m Meta) error {
	if format != "csv" && format != "json" {
		return invalidField("format", "A report is csv or json, not %q.", format)
	}
	c, err := s.GetCampaign(ctx, caller, id, m)
	if err != nil {
		return err
	}
	rep := reportOf(c)
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return internal(err, "write report")
		}
		return nil
	}
	header := []string{"Principal", "Kind", "Access", "PathsToAdmin", "Evidence", "Decision", "Reviewer", "DecidedAt", "Revocations"}
	err = graph.CSVTable(w, "access review", header, len(rep.Principals), func(i int) []string {
		r := rep.Principals[i]
		var access, revs []string
		for _, a := range r.Access {
			access = append(access, a.Name+": "+a.Access)
		}
		for _, rv := range r.Revocations {
			if rv.Gone != "" {
				revs = append(revs, fmt.Sprintf("%s %s (already gone: %s)", rv.Operation, rv.Target, rv.Gone))
				continue
			}
			revs = append(revs, fmt.Sprintf("%s %s (audit event %s)", rv.Operation, rv.Target, rv.AuditEventID))
		}
		at := ""
		if !r.DecidedAt.IsZero() {
			at = r.DecidedAt.Format(time.RFC3339)
		}
		return []string{r.Principal, r.Kind, strings.Join(access, "; "), strings.Join(r.PathsToAdmin, " | "), r.Evidence.Summary(),
			r.Decision, r.Reviewer, at, strings.Join(revs, "; ")}
	})
	if err != nil {
		return internal(err, "write report")
	}
	return nil
}

func reportOf(c *Campaign) CampaignReportJSON {
	rep := CampaignReportJSON{ID: c.ID, Name: c.Name, Scope: c.ScopeText(), Due: c.Due, Reviewers: c.Reviewers, State: c.State,
		CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt, ClosedBy: c.ClosedBy}
	if c.State == CampaignClosed {
		rep.ClosedAt = c.ClosedAt
	}
	rep.Principals = make([]ReportRow, 0, len(c.Items))
	for _, it := range c.Items {
		r := ReportRow{Principal: it.Snapshot.ARN, Kind: it.Snapshot.Kind, Access: it.Snapshot.Access, PathsToAdmin: it.Snapshot.AdminPath,
			Evidence: it.Snapshot.Evidence, Decision: it.Decision, Reviewer: it.Reviewer, DecidedAt: it.DecidedAt, Decisions: it.Decisions,
			Revocations: []Revocation{}}
		for _, d := range it.Decisions {
			r.Revocations = append(r.Revocations, d.Revocations...)
		}
		if r.PathsToAdmin == nil {
			r.PathsToAdmin = []string{}
		}
		rep.Principals = append(rep.Principals, r)
	}
	return rep
}

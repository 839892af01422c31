package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// simulatorShow shows the empty simulator. Its example policy is a
// placeholder, never a value: a user simulated with nothing pasted is
// simulated with its own policies alone. ?source= preselects a principal.
func (s *Server) simulatorShow(c echo.Context) error {
	f := templates.SimulatorForm{Source: strings.TrimSpace(c.QueryParam("source"))}
	return render(c, http.StatusOK, templates.SimulatorPage(s.page(c, "Policy simulator", "simulator"), f, nil))
}

// simulatorRun evaluates the pasted policies. It changes nothing; POST
// carries the (possibly large) documents.
func (s *Server) simulatorRun(c echo.Context) error {
	f := templates.SimulatorForm{
		Policy1: c.FormValue("policy1"), Policy2: c.FormValue("policy2"), Boundary: c.FormValue("boundary"),
		ResourcePolicy: c.FormValue("resource_policy"), PrincipalARN: strings.TrimSpace(c.FormValue("principal_arn")),
		Actions: c.FormValue("actions"), Resources: c.FormValue("resources"), Context: c.FormValue("context"),
		Source: strings.TrimSpace(c.FormValue("source")),
	}
	page := s.page(c, "Policy simulator", "simulator")
	keys, err := iam.ParseContextLines(f.Context)
	if fe := fieldError(err); fe != nil {
		f.Errors = fe
		return render(c, formStatus, templates.SimulatorPage(page, f, nil))
	}
	var res []iam.SimulationResult
	if f.Source == "" && strings.TrimSpace(f.Policy1+f.Policy2) == "" {
		f.Errors = templates.FieldErrors{"principal": "Name a user or role to simulate with its own policies, or paste an identity policy."}
		return render(c, formStatus, templates.SimulatorPage(page, f, nil))
	}
	if f.Source != "" {
		var extra []string
		for _, doc := range []string{f.Policy1, f.Policy2} {
			if strings.TrimSpace(doc) != "" {
				extra = append(extra, doc)
			}
		}
		res, err = s.svc.SimulatePrincipal(c.Request().Context(), principal(c), iam.PrincipalSimulation{
			PolicySourceArn: sourceARN(principal(c).AccountID, f.Source), PolicyInputList: extra,
			ResourcePolicy: f.ResourcePolicy, Actions: lines(f.Actions), Resources: lines(f.Resources), Context: keys,
		}, meta(c))
	} else {
		var docs []string
		for _, doc := range []string{f.Policy1, f.Policy2} {
			if strings.TrimSpace(doc) != "" {
				docs = append(docs, doc)
			}
		}
		res, err = s.svc.SimulateCustom(c.Request().Context(), principal(c), iam.CustomSimulation{
			IdentityPolicies: docs, Boundary: f.Boundary, ResourcePolicy: f.ResourcePolicy,
			PrincipalARN: f.PrincipalARN, Actions: lines(f.Actions), Resources: lines(f.Resources), Context: keys,
		})
	}
	if k := iam.KindOf(err); err != nil && (k == iam.Invalid || k == iam.Malformed || k == iam.NotFound) {
		e := err.(*iam.Error)
		field := e.Field
		if field == "" {
			field = "principal"
		}
		f.Errors = templates.FieldErrors{field: e.Message}
		return render(c, formStatus, templates.SimulatorPage(page, f, nil))
	}
	if err != nil {
		return err
	}
	rows := make([]templates.SimRow, len(res))
	for i, r := range res {
		row := templates.SimRow{Action: r.Action, Resource: r.Resource, Decision: r.Decision, Missing: r.Missing,
			BoundaryDenied: f.Boundary != "" && !r.BoundaryAllowed}
		for _, st := range r.Statements {
			href := ""
			if strings.HasPrefix(st.PolicyID, "arn:aws:iam::") && strings.Contains(st.PolicyID, ":policy/") {
				href = policyURL(st.PolicyID)
			}
			row.Statements = append(row.Statements, templates.SimStatement{Href: href, Source: st.Source, Sid: st.Sid, Effect: st.Effect,
				Index: st.Index, Deciding: st.Deciding, Text: st.Text,
				Lines: fmt.Sprintf("lines %d–%d", st.Start.Line, st.End.Line)})
		}
		rows[i] = row
	}
	return render(c, http.StatusOK, templates.SimulatorPage(page, f, rows))
}

// lines splits a textarea into its non-empty trimmed lines.
func lines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// sourceARN accepts "user/alice", "role/Auditor" or a full ARN.
func sourceARN(account, v string) string {
	if strings.HasPrefix(v, "arn:") {
		return v
	}
	return "arn:aws:iam::" + account + ":" + v
}

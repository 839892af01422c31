package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/graphviz"
	"github.com/iamconsole/console/internal/iam"
)

// review opens the service for the read-only review commands.
func (g *Globals) review(e *env, f func(svc *iam.Service) error) error {
	store, sealer, err := g.open(e.ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	return f(g.service(store, sealer, g.logger(e.stderr), iam.Config{}))
}

func cliMeta(cmd string) iam.Meta { return iam.Meta{Source: "cli", UserAgent: "console " + cmd} }

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ImportCmd loads an authorization-details dump for review.
type ImportCmd struct {
	File string `arg:"" type:"existingfile" help:"Output of 'aws iam get-account-authorization-details'."`
	Name string `name:"name" help:"A label for the account."`
	// Evidence of use (README, "Importing an account").
	CredentialReport string `name:"credential-report" type:"existingfile" help:"AWS's credential report CSV (the decoded Content of 'aws iam get-credential-report')."`
	LastAccessed     string `name:"last-accessed" type:"existingfile" help:"Services last accessed: JSON of 'aws iam get-service-last-accessed-details' per principal, with its Arn."`
}

// Run imports the file.
func (c *ImportCmd) Run(g *Globals, e *env) error {
	return g.review(e, func(svc *iam.Service) error {
		f, err := os.Open(c.File)
		if err != nil {
			return err
		}
		defer f.Close()
		ev, closeEv, err := c.evidence()
		if err != nil {
			return err
		}
		defer closeEv()
		res, err := svc.ImportAccountEvidence(e.ctx, nil, f, c.Name, ev, cliMeta("import"))
		if err != nil {
			return err
		}
		// The report as JSON on standard output (README, "JSON shapes");
		// the same in words on standard error, remarks apart from problems.
		fmt.Fprintf(e.stderr, "imported account %s (%s): %s\n", res.AccountID, res.Label, res.Summary)
		for _, n := range res.Notes {
			fmt.Fprintln(e.stderr, "note:", n)
		}
		for _, w := range res.Warnings {
			fmt.Fprintln(e.stderr, "warning:", w)
		}
		return printJSON(e.stdout, res)
	})
}

// GraphCmd prints the access graph.
type GraphCmd struct {
	Account string        `name:"account" help:"Account ID (default: the live account)."`
	Focus   string        `name:"focus" help:"Only this node (an ARN) and its neighbourhood."`
	Depth   int           `name:"depth" default:"2" help:"Neighbourhood depth with --focus."`
	Format  string        `name:"format" enum:"dot,svg,json" default:"dot" help:"dot, svg (laid out by Graphviz, which must be installed) or json."`
	Grants  bool          `name:"grants" help:"Include resource grants."`
	Timeout time.Duration `name:"timeout" default:"5m" help:"Longest an SVG layout may take."`
}

// Run prints the graph.
func (c *GraphCmd) Run(g *Globals, e *env) error {
	return g.review(e, func(svc *iam.Service) error {
		gr, err := svc.AccessGraph(e.ctx, nil, c.Account, cliMeta("graph"))
		if err != nil {
			return err
		}
		if c.Focus != "" {
			if _, ok := gr.Node(c.Focus); !ok {
				return fmt.Errorf("--focus %s: no such node in the graph", c.Focus)
			}
		}
		if c.Format == "json" {
			b, err := gr.JSON()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.stdout, "%s\n", b)
			return err
		}
		d := gr.Draw(graph.DOTOptions{Focus: c.Focus, Depth: c.Depth, Grants: c.Grants})
		if c.Format == "svg" {
			return c.svg(e, gr, d)
		}
		_, err = e.stdout.Write(d.DOT)
		return err
	})
}

// svg lays the drawing out as the graph page would (graph.PlanLayout): dot
// for what the page lays out while it waits, sfdp's overview for a bigger
// whole account.
func (c *GraphCmd) svg(e *env, gr *graph.Graph, d graph.Drawing) error {
	plan, err := gr.PlanLayout(d, c.Focus == "", c.Grants)
	var big *graph.ViewTooLargeError
	if errors.As(err, &big) && !big.Overview {
		return fmt.Errorf("the view of %s has %d nodes and %d edges, too many to lay out: lower --depth, or use --format dot", c.Focus, big.Nodes, big.Edges)
	}
	if err != nil {
		return fmt.Errorf("%w: use --format dot or json", err)
	}
	r := graphviz.New(graphviz.Options{Path: plan.Program, Timeout: c.Timeout, MaxDOTBytes: 64 << 20})
	if !r.Available() {
		return fmt.Errorf("--format svg needs Graphviz's %s on PATH (%s); --format dot and json work without it", plan.Program, graphviz.InstallHint)
	}
	svg, err := r.SVG(e.ctx, plan.Drawing.DOT)
	if err != nil {
		return fmt.Errorf("lay out %d nodes with %s: %w", plan.Drawing.Nodes, plan.Program, err)
	}
	_, err = e.stdout.Write(svg)
	return err
}

// WhoCanCmd answers "who can do this action on this resource, and how".
type WhoCanCmd struct {
	Action   string `name:"action" required:"" help:"An IAM action, such as s3:GetObject."`
	Resource string `name:"resource" required:"" help:"A resource ARN, or *."`
	Account  string `name:"account" help:"Account ID (default: the live account)."`
	Format   string `name:"format" enum:"json,csv" default:"json" help:"json (the contract scripts read) or csv (one row a principal, the path in words)."`
}

// Run prints a JSON array of {Principal, Path, Steps, Statements,
// Technique, Needs, External, Assumption, Trust}, every key in every entry:
// the account's own principals, then those outside it that its trust
// policies let in; or the same as CSV.
func (c *WhoCanCmd) Run(g *Globals, e *env) error {
	return g.review(e, func(svc *iam.Service) error {
		gr, err := svc.AccessGraph(e.ctx, nil, c.Account, cliMeta("who-can"))
		if err != nil {
			return err
		}
		paths := gr.WhoCan(c.Action, c.Resource)
		if c.Format == "csv" {
			return gr.WriteWhoCanCSV(e.stdout, paths)
		}
		if paths == nil {
			paths = []graph.Path{}
		}
		return printJSON(e.stdout, paths)
	})
}

// FindingsCmd lists what a reviewer should look at.
type FindingsCmd struct {
	Account   string `name:"account" help:"Account ID (default: the live account)."`
	Format    string `name:"format" enum:"json,csv" default:"json" help:"Output format: json or csv."`
	Severity  string `name:"severity" enum:",Critical,High,Medium,Low" default:"" help:"Only this severity: Critical, High, Medium or Low."`
	Type      string `name:"type" help:"Only this finding type (PrivilegeEscalation, HiddenAdmin, Admin, …)."`
	Technique string `name:"technique" help:"Only findings naming this catalogue technique (iam-002, sts-001, …)."`
	Kind      string `name:"kind" enum:",user,group,role,policy,root" default:"" help:"Only principals of this kind."`
	Sort      string `name:"sort" enum:",severity,type,principal,technique" default:"" help:"Sort key (default severity)."`
}

// Help documents the output, the JSON contract scripts rely on.
func (c *FindingsCmd) Help() string {
	return `Prints the account's findings, most severe first, as a JSON array (or CSV with
--format csv: Severity, Type, Principal, Technique, Path, Statements, Explanation).
Every JSON entry has every key, empty when it does not apply:

  {
    "Type":        "PrivilegeEscalation",   (Admin, HiddenAdmin, PermissiveTrust, …)
    "Severity":    "High",                  (Critical, High, Medium, Low)
    "Principal":   "arn:aws:iam::111122223333:user/alice",
    "Technique":   "iam-002",               ("" unless an escalation)
    "Path":        ["arn…user/alice", "arn…user/admin"],   ([] when none)
    "Statements":  [{"Policy", "PolicyName", "Version", "Sid", "Index",
                     "Effect", "Layer", "Line", "Column"}], ([] when no decision)
    "Explanation": "iam:CreateAccessKey: alice can …"
  }`
}

func (c *FindingsCmd) query() graph.FindingQuery {
	return graph.FindingQuery{Severity: c.Severity, Type: c.Type, Technique: c.Technique, Kind: c.Kind, Sort: c.Sort}
}

// Validate refuses an unknown type or technique as a usage error, before
// the store is opened.
func (c *FindingsCmd) Validate() error { return c.query().Check() }

// Run prints the findings the filters keep, as JSON or CSV.
func (c *FindingsCmd) Run(g *Globals, e *env) error {
	return g.review(e, func(svc *iam.Service) error {
		gr, err := svc.AccessGraph(e.ctx, nil, c.Account, cliMeta("findings"))
		if err != nil {
			return err
		}
		all, err := svc.AccountFindings(e.ctx, gr)
		if err != nil {
			return err
		}
		fs := c.query().Apply(all).Findings
		if c.Format == "csv" {
			return graph.WriteFindingsCSV(e.stdout, fs)
		}
		if fs == nil {
			fs = []graph.Finding{}
		}
		return printJSON(e.stdout, fs)
	})
}

package main

import (
	"encoding/json"
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
}

// Run imports the file.
func (c *ImportCmd) Run(g *Globals, e *env) error {
	return g.review(e, func(svc *iam.Service) error {
		f, err := os.Open(c.File)
		if err != nil {
			return err
		}
		defer f.Close()
		res, err := svc.ImportAccount(e.ctx, nil, f, c.Name, cliMeta("import"))
		if err != nil {
			return err
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

// --format svg lays out with dot what the graph page would lay out while it
// waits; a bigger whole account gets the page's sfdp overview.
const (
	svgDotNodes = 1000
	svgDotEdges = 1000
)

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
			return printJSON(e.stdout, struct {
				Nodes    []graph.Node
				Edges    []graph.Edge
				Warnings []graph.Warning
			}{gr.Nodes, gr.Edges, gr.Warnings})
		}
		d := gr.Draw(graph.DOTOptions{Focus: c.Focus, Depth: c.Depth, Grants: c.Grants})
		if c.Format == "svg" {
			return c.svg(e, gr, d)
		}
		_, err = e.stdout.Write(d.DOT)
		return err
	})
}

// svg lays the drawing out: dot for what the graph page would lay out while
// it waits, sfdp's overview for a bigger whole account.
func (c *GraphCmd) svg(e *env, gr *graph.Graph, d graph.Drawing) error {
	program := "dot"
	if d.Nodes > svgDotNodes || d.Edges > svgDotEdges {
		if c.Focus != "" {
			return fmt.Errorf("the view of %s has %d nodes and %d edges, too many to lay out: lower --depth, or use --format dot", c.Focus, d.Nodes, d.Edges)
		}
		program, d = "sfdp", gr.Draw(graph.DOTOptions{Overview: true, Grants: c.Grants})
	}
	r := graphviz.New(graphviz.Options{Path: program, Timeout: c.Timeout, MaxDOTBytes: 64 << 20})
	if !r.Available() {
		return fmt.Errorf("--format svg needs Graphviz's %s on PATH (%s); --format dot and json work without it", program, graphviz.InstallHint)
	}
	svg, err := r.SVG(e.ctx, d.DOT)
	if err != nil {
		return fmt.Errorf("lay out %d nodes with %s: %w", d.Nodes, program, err)
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
	Account string `name:"account" help:"Account ID (default: the live account)."`
}

// Run prints a JSON array of findings.
func (c *FindingsCmd) Run(g *Globals, e *env) error {
	return g.review(e, func(svc *iam.Service) error {
		gr, err := svc.AccessGraph(e.ctx, nil, c.Account, cliMeta("findings"))
		if err != nil {
			return err
		}
		fs := gr.Findings(svc.Now())
		if fs == nil {
			fs = []graph.Finding{}
		}
		return printJSON(e.stdout, fs)
	})
}

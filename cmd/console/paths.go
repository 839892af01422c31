package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
)

// PathsCmd answers "who can become admin, and how", or how one principal
// can act as another.
type PathsCmd struct {
	To      string `name:"to" default:"admin" help:"'admin' (full access), or a principal's ARN (with --from)."`
	From    string `name:"from" help:"Only this principal's path (an ARN)."`
	Account string `name:"account" help:"Account ID (default: the live account)."`
	Format  string `name:"format" enum:"json,csv,text" default:"json" help:"json (the contract scripts read), csv, or text for a reader."`
	Ways    int    `name:"ways" default:"1" help:"With --from and --to a principal: up to this many ways (at most 10), the shortest first."`
}

// Validate refuses --ways out of its bounds as a usage error, before the
// store is opened.
func (c *PathsCmd) Validate() error {
	if c.Ways < 1 || c.Ways > graph.MaxWays {
		return fmt.Errorf("--ways %d: give 1 to %d", c.Ways, graph.MaxWays)
	}
	return nil
}

// Run prints the paths, ranked: shortest first, then fewest assumptions,
// then the most severe.
func (c *PathsCmd) Run(g *Globals, e *env) error {
	if c.To != "admin" && c.From == "" {
		return fmt.Errorf("--to %s needs --from: the paths between two principals start at one", c.To)
	}
	return g.review(e, func(svc *iam.Service) error {
		gr, err := svc.AccessGraph(e.ctx, nil, c.Account, cliMeta("paths"))
		if err != nil {
			return err
		}
		for _, x := range []struct{ flag, arn string }{{"--from", c.From}, {"--to", c.To}} {
			if x.arn == "" || x.arn == "admin" {
				continue
			}
			if _, ok := gr.Node(x.arn); !ok {
				return fmt.Errorf("%s %s: no such principal in account %s", x.flag, x.arn, gr.Account().ID)
			}
		}
		entries := []graph.PathEntry{}
		if c.To == "admin" {
			for _, r := range gr.PathsToAdmin() {
				if c.From == "" || r.Principal == c.From {
					entries = append(entries, gr.Entry(r))
				}
			}
		} else {
			entries = append(entries, gr.Between(c.From, c.To, c.Ways)...)
		}
		switch c.Format {
		case "csv":
			return graph.WritePathsCSV(e.stdout, entries, 1)
		case "text":
			return c.text(e.stdout, gr.Account().ID, entries)
		}
		return printJSON(e.stdout, entries)
	})
}

// text writes the paths for a reader: a count, what they take to hold
// (once), then each path in words with the statements behind each step.
func (c *PathsCmd) text(w io.Writer, account string, entries []graph.PathEntry) error {
	var b strings.Builder
	switch {
	case c.To != "admin" && len(entries) == 0:
		fmt.Fprintf(&b, "%s cannot act as %s in account %s.\n", c.From, c.To, account)
	case c.To != "admin":
		fmt.Fprintf(&b, "How %s can act as %s in account %s:\n", c.From, c.To, account)
	case c.From != "" && len(entries) == 0:
		fmt.Fprintf(&b, "%s cannot reach full access in account %s.\n", c.From, account)
	default:
		fmt.Fprintf(&b, "%d %s reach full access in account %s.\n", len(entries), plural(len(entries), "principal can", "principals can"), account)
	}
	paths := make([]graph.Path, len(entries))
	for i, en := range entries {
		paths[i] = en.Path
	}
	if as := graph.Assumptions(paths); len(as) > 0 {
		b.WriteString("\nAssumed (IAM data cannot show these):\n")
		for _, a := range as {
			names := make([]string, len(a.Principals))
			for i, p := range a.Principals {
				names[i] = shortName(p)
			}
			fmt.Fprintf(&b, "  - %s: %s\n", a.Text, strings.Join(names, ", "))
		}
	}
	for i, en := range entries {
		b.WriteString("\n")
		label := ""
		if en.Severity != "" {
			kind := "admin"
			if en.Hidden {
				kind = "hidden admin"
			}
			label = " [" + en.Severity + ", " + kind + "]"
		}
		fmt.Fprintf(&b, "%d. %s%s\n   %s\n", i+1, en.Principal, label, en.Said)
		for _, h := range en.Hops {
			if len(h.Statements) == 0 {
				continue
			}
			fmt.Fprintf(&b, "     %s %s:", h.Verb, h.ToName)
			for j, s := range h.Statements {
				if j > 0 {
					b.WriteString(";")
				}
				b.WriteString(" " + graph.Cite(s))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// shortName is an ARN's last part ("alice" of ".../user/alice").
func shortName(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

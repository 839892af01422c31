package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
)

// CompareCmd says what changed in an account between two snapshots.
type CompareCmd struct {
	Account string `name:"account" help:"Account ID (default: the live account)."`
	Before  string `name:"before" help:"'live', a kept import's number, or a file: an earlier 'console export' or dump of the account (default: the import before the newest)."`
	After   string `name:"after" default:"live" help:"'live' (the account now: the live account, or an imported one's newest import), a kept import's number, or a file."`
	Format  string `name:"format" enum:"json,text" default:"json" help:"json or text."`
}

// Run prints the comparison: JSON {AccountID, Live, Imports, Before, After,
// Diff} (Diff null when there is nothing to compare with), or text.
func (c *CompareCmd) Run(g *Globals, e *env) error {
	before, err := compareRef("--before", c.Before)
	if err != nil {
		return err
	}
	after, err := compareRef("--after", c.After)
	if err != nil {
		return err
	}
	return g.review(e, func(svc *iam.Service) error {
		cmp, err := svc.CompareAccount(e.ctx, nil, c.Account, before, after, cliMeta("compare"))
		if err != nil {
			return err
		}
		if c.Format == "text" {
			return printComparison(e.stdout, cmp)
		}
		return printJSON(e.stdout, cmp)
	})
}

// compareRef reads a side: a file when one exists by that name, else
// "live" or an import's number.
func compareRef(flag, s string) (iam.CompareRef, error) {
	if s != "" && s != "live" && s != "current" && strings.Trim(s, "0123456789") != "" {
		b, err := os.ReadFile(s)
		if err != nil {
			return iam.CompareRef{}, fmt.Errorf("%s %s: neither 'live', an import's number nor a file that can be read: %w", flag, s, err)
		}
		return iam.CompareRef{Document: b, Name: s}, nil
	}
	return iam.ParseCompareRef(strings.TrimPrefix(flag, "--"), s)
}

// printComparison writes a comparison for people, one section per kind of
// change, principals by their ARNs' resource part.
func printComparison(w io.Writer, cmp *iam.Comparison) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	if cmp.Diff == nil {
		p("Account %s: nothing to compare with: no earlier import is kept (%d kept). Name a side with --before.\n", cmp.AccountID, len(cmp.Imports))
		return nil
	}
	p("Account %s, from %s to %s: %s\n", cmp.AccountID, sideName(cmp.Before), sideName(cmp.After), cmp.Diff.Summary())
	d := cmp.Diff
	admins := func(title string, as []graph.AdminChange) {
		if len(as) == 0 {
			return
		}
		p("\n%s (%d)\n", title, len(as))
		for _, a := range as {
			p("  %s: %s\n", short(a.Principal), a.Words)
			if a.WasWords != "" {
				p("    was: %s\n", a.WasWords)
			}
		}
	}
	admins("New admins", d.AdminsAdded)
	admins("No longer admin", d.AdminsRemoved)
	admins("Admin by another way", d.AdminsChanged)
	findings := func(title string, fs []graph.Finding) {
		if len(fs) == 0 {
			return
		}
		p("\n%s (%d)\n", title, len(fs))
		for _, f := range fs {
			tech := ""
			if f.Technique != "" {
				tech = " " + f.Technique
			}
			p("  %s %s%s %s: %s\n", f.Severity, f.Type, tech, short(f.Principal), f.Explanation)
		}
	}
	findings("New findings", d.FindingsAdded)
	findings("Findings resolved", d.FindingsResolved)
	principals := func(title string, ns []graph.Node) {
		if len(ns) == 0 {
			return
		}
		p("\n%s (%d)\n", title, len(ns))
		for _, n := range ns {
			p("  %s %s\n", n.Kind, n.ID)
		}
	}
	principals("Principals added", d.PrincipalsAdded)
	principals("Principals removed", d.PrincipalsRemoved)
	edges := func(title string, gs []graph.EdgeGroup) {
		for _, g := range gs {
			p("\n%s: %s (%d)\n", title, g.Kind, len(g.Edges))
			for _, e := range g.Edges {
				var detail []string
				if e.Kind == graph.EdgeGrants {
					detail = append(detail, e.Label)
				}
				if e.Technique != "" {
					detail = append(detail, e.Technique)
				}
				if len(e.Needs) > 0 {
					detail = append(detail, "needs "+strings.Join(e.Needs, ", "))
				}
				to := short(strings.TrimPrefix(e.To, "resource:"))
				if n, ok := d.Sets[e.To]; ok {
					to = n.Name + " [" + n.Description + "]"
				}
				line := short(e.From) + " — " + e.Verb() + " → " + to
				if len(detail) > 0 {
					line += " (" + strings.Join(detail, "; ") + ")"
				}
				p("  %s\n", line)
			}
		}
	}
	edges("Edges added", d.EdgesAdded)
	edges("Edges removed", d.EdgesRemoved)
	return nil
}

func sideName(s iam.ComparedSide) string {
	switch {
	case s.Import != 0:
		return fmt.Sprintf("import %d (%s, %s)", s.Import, s.Label, s.ImportedAt.UTC().Format("2006-01-02 15:04 UTC"))
	case s.Current:
		return "now"
	}
	return s.Label
}

// short is an ARN's resource part ("user/alice"); other names as they are.
func short(arn string) string {
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 && parts[0] == "arn" && parts[5] != "" {
		return parts[5]
	}
	return arn
}

package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
)

// PreviewCmd says what a permission change to the live account would do,
// without making it: the console's preview step, for scripts and reviews
// of a change before it is applied.
type PreviewCmd struct {
	Change       string `arg:"" enum:"attach,detach,put-inline,delete-inline,trust,add-member,remove-member,boundary,delete-boundary,default-version,new-version,create-access-key,delete-access-key,create-login-profile,delete-login-profile,delete-role" help:"The change: attach, detach, put-inline, delete-inline, trust, add-member, remove-member, boundary, delete-boundary, default-version, new-version, create-access-key, delete-access-key (--name KEY_ID), create-login-profile, delete-login-profile or delete-role."`
	User         string `name:"user" help:"The user changed."`
	Group        string `name:"group" help:"The group changed (add-member and remove-member: the group joined or left)."`
	Role         string `name:"role" help:"The role changed."`
	Policy       string `name:"policy" help:"The managed policy, by name or ARN (attach, detach, boundary, default-version, new-version)."`
	Name         string `name:"name" help:"The inline policy's name (put-inline, delete-inline); the user joining or leaving (add-member, remove-member); the access key's ID (delete-access-key)."`
	DocumentFile string `name:"document-file" type:"path" help:"The policy document (put-inline, trust, new-version)."`
	Version      string `name:"version" help:"The version made default (default-version)."`
	Format       string `name:"format" enum:"json,text" default:"json" help:"json or text."`
	FailOnAdmin  bool   `name:"fail-on-new-admin" help:"Exit with status 3 when the change would let a principal become admin (for a check before applying a change)."`
}

// errNewAdmin ends a preview run with status 3 (--fail-on-new-admin).
var errNewAdmin = exitError{code: 3, msg: "the change would let a principal become admin"}

// previewOut is a preview as printed: the graph's paths said in words.
type previewOut struct {
	Summary          string
	AdminsAdded      []graph.AdminChange
	AdminsRemoved    []graph.AdminChange
	Entering         []previewWay
	Access           []previewAccess
	More             int
	FindingsAdded    []graph.Finding
	FindingsResolved []graph.Finding
}

type previewWay struct{ Principal, Words string }

type previewAccess struct {
	Principal    string
	Kind         string
	Gained, Lost []previewService
}

type previewService struct{ Service, Name, Access string }

// Run prints the preview: JSON (previewOut) or text.
func (c *PreviewCmd) Run(g *Globals, e *env) error {
	ch, err := c.change()
	if err != nil {
		return err
	}
	var out previewOut
	err = g.review(e, func(svc *iam.Service) error {
		m := cliMeta("preview")
		if ch.PolicyARN != "" {
			if ch.PolicyARN, err = svc.ResolvePolicyARN(e.ctx, nil, ch.PolicyARN, m); err != nil {
				return err
			}
		}
		p, err := svc.PreviewChange(e.ctx, nil, ch, m)
		if err != nil {
			return err
		}
		out = previewOf(p)
		if c.Format == "text" {
			return printPreview(e.stdout, out)
		}
		return printJSON(e.stdout, out)
	})
	if err == nil && c.FailOnAdmin && len(out.AdminsAdded) > 0 {
		return errNewAdmin
	}
	return err
}

// change is the change the flags name.
func (c *PreviewCmd) change() (iam.Change, error) {
	ch := iam.Change{Kind: iam.ChangeKind(c.Change), PolicyARN: c.Policy, Name: c.Name, VersionID: c.Version}
	switch n := btoi(c.User != "") + btoi(c.Group != "") + btoi(c.Role != ""); {
	case c.User != "":
		ch.Entity = iam.UserNamed(c.User)
		if n > 1 {
			return ch, errors.New("name one of --user, --group and --role")
		}
	case c.Group != "":
		ch.Entity = iam.GroupNamed(c.Group)
		if n > 1 {
			return ch, errors.New("name one of --user, --group and --role")
		}
	case c.Role != "":
		ch.Entity = iam.RoleNamed(c.Role)
	case ch.Kind != iam.ChangeDefaultVersion && ch.Kind != iam.ChangeNewVersion:
		return ch, fmt.Errorf("%s: name the user, group or role changed (--user, --group or --role)", c.Change)
	}
	switch ch.Kind {
	case iam.ChangePutInline, iam.ChangeTrust, iam.ChangeNewVersion:
		if c.DocumentFile == "" {
			return ch, fmt.Errorf("%s: give the document with --document-file", c.Change)
		}
		b, err := os.ReadFile(c.DocumentFile)
		if err != nil {
			return ch, fmt.Errorf("--document-file: %w", err)
		}
		ch.Document = string(b)
	}
	return ch, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func previewOf(p *iam.Preview) previewOut {
	out := previewOut{Summary: p.Diff.Summary(), AdminsAdded: p.Diff.AdminsAdded, AdminsRemoved: p.Diff.AdminsRemoved, More: p.More,
		FindingsAdded: p.Diff.FindingsAdded, FindingsResolved: p.Diff.FindingsResolved,
		Entering: []previewWay{}, Access: []previewAccess{}}
	for _, h := range p.Entering {
		out.Entering = append(out.Entering, previewWay{Principal: h.From, Words: graph.SayHops(h.From, []graph.Hop{h})})
	}
	services := func(rows []iam.ServiceAccess) []previewService {
		s := []previewService{}
		for _, r := range rows {
			s = append(s, previewService{Service: r.Service, Name: r.Name, Access: r.Access})
		}
		return s
	}
	for _, a := range p.Access {
		out.Access = append(out.Access, previewAccess{Principal: a.Principal, Kind: string(a.Kind), Gained: services(a.Gained), Lost: services(a.Lost)})
	}
	return out
}

// printPreview writes a preview for people.
func printPreview(w io.Writer, p previewOut) error {
	f := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	f("%s\n", p.Summary)
	admins := func(title string, as []graph.AdminChange) {
		if len(as) > 0 {
			f("\n%s (%d)\n", title, len(as))
		}
		for _, a := range as {
			f("  %s: %s\n", short(a.Principal), a.Words)
		}
	}
	admins("Can become admin", p.AdminsAdded)
	if len(p.Entering) > 0 {
		f("\nCan newly come in from outside the account (%d)\n", len(p.Entering))
	}
	for _, w := range p.Entering {
		f("  %s\n", w.Words)
	}
	admins("No longer admin", p.AdminsRemoved)
	if len(p.Access) > 0 {
		f("\nPermissions that change (%d)\n", len(p.Access)+p.More)
	}
	for _, a := range p.Access {
		f("  %s\n", short(a.Principal))
		for _, s := range a.Gained {
			f("    gains %s: %s\n", s.Name, s.Access)
		}
		for _, s := range a.Lost {
			f("    loses %s: %s\n", s.Name, s.Access)
		}
	}
	if p.More > 0 {
		f("  and %d more\n", p.More)
	}
	return nil
}

package handlers

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/web/templates"
)

// Fix links (issue 15): an unused finding of the live account links to the
// confirmation step of the change that removes what is unused, where the
// change's preview shows its effect before anything is done. Imported
// accounts are read-only: their findings get none.

// findingFix is the confirmation step that fixes fd in account a, "" when
// there is none (not an unused finding, or no single change fixes it).
func findingFix(a *graph.Account, fd graph.Finding) string {
	kind, name := graph.PrincipalKind(fd.Principal), fd.Principal[strings.LastIndex(fd.Principal, "/")+1:]
	switch {
	case fd.Type == graph.FindingUnusedAccessKey && kind == "user":
		u := userOf(a, fd.Principal)
		if u == nil {
			return ""
		}
		for _, k := range u.AccessKeys {
			// unused.go words the finding "access key ID: evidence".
			if strings.HasPrefix(fd.Explanation, "access key "+k.ID+":") {
				return "/users/" + url.PathEscape(name) + "/access-keys/delete?" + url.Values{"AccessKeyId": {k.ID}}.Encode()
			}
		}
	case fd.Type == graph.FindingUnusedPassword && kind == "user":
		return "/users/" + url.PathEscape(name) + "/login-profile/delete"
	case fd.Type == graph.FindingUnusedRole && kind == "role":
		return "/roles/" + url.PathEscape(name) + "/delete"
	case fd.Type == graph.FindingUnusedPermission && (kind == "user" || kind == "role"):
		return unusedPermissionFix(a, fd, kind, name)
	}
	return ""
}

// unusedPermissionFix: when exactly one of the principal's own policies
// (attached managed, or inline) grants only services the finding lists as
// unused, the step that detaches (or deletes) it. Policies through groups
// are left alone: detaching them changes the other members too.
func unusedPermissionFix(a *graph.Account, fd graph.Finding, kind, name string) string {
	unused := unusedServices(fd.Explanation)
	if len(unused) == 0 {
		return ""
	}
	var attached []graph.AttachedPolicy
	var inline []graph.InlinePolicy
	if kind == "user" {
		if u := userOf(a, fd.Principal); u != nil {
			attached, inline = u.Attached, u.Inline
		}
	} else {
		for i := range a.Roles {
			if a.Roles[i].ARN == fd.Principal {
				attached, inline = a.Roles[i].Attached, a.Roles[i].Inline
			}
		}
	}
	base := "/" + kind + "s/" + url.PathEscape(name)
	var fixes []string
	for _, ap := range attached {
		for i := range a.Policies {
			if a.Policies[i].ARN == ap.ARN && onlyServices(a.Policies[i].Document(), unused) {
				fixes = append(fixes, base+"/policies/detach?"+url.Values{"PolicyArn": {ap.ARN}}.Encode())
			}
		}
	}
	for _, ip := range inline {
		if onlyServices(ip.Document, unused) {
			fixes = append(fixes, base+"/inline/delete?"+url.Values{"PolicyName": {ip.Name}}.Encode())
		}
	}
	if len(fixes) != 1 {
		return ""
	}
	return fixes[0]
}

func userOf(a *graph.Account, arn string) *graph.User {
	for i := range a.Users {
		if a.Users[i].ARN == arn {
			return &a.Users[i]
		}
	}
	return nil
}

// unusedServices reads the services an UnusedPermission finding lists
// ("granted 2 of 3 services unused for 90 days or more: ec2 (never used),
// s3 (last used 2024-01-02)"); a list cut short ("and 4 more") gives only
// those named, so fewer policies qualify, never a wrong one.
func unusedServices(explanation string) map[string]bool {
	_, list, ok := strings.Cut(explanation, " or more: ")
	if !ok {
		return nil
	}
	out := map[string]bool{}
	for _, item := range strings.Split(list, ", ") {
		if ns, _, ok := strings.Cut(item, " ("); ok {
			out[ns] = true
		}
	}
	return out
}

// onlyServices says whether every action the document allows is of one of
// the services (a wildcard or NotAction is not).
func onlyServices(doc string, services map[string]bool) bool {
	var d struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &d) != nil || len(d.Statement) == 0 {
		return false
	}
	var sts []map[string]json.RawMessage
	if json.Unmarshal(d.Statement, &sts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(d.Statement, &one) != nil {
			return false
		}
		sts = []map[string]json.RawMessage{one}
	}
	allows := 0
	for _, st := range sts {
		var effect string
		json.Unmarshal(st["Effect"], &effect)
		if effect != "Allow" {
			continue
		}
		if _, ok := st["NotAction"]; ok {
			return false
		}
		var actions []string
		if json.Unmarshal(st["Action"], &actions) != nil {
			var one string
			if json.Unmarshal(st["Action"], &one) != nil {
				return false
			}
			actions = []string{one}
		}
		for _, act := range actions {
			ns, _, ok := strings.Cut(act, ":")
			if !ok || !services[strings.ToLower(ns)] {
				return false
			}
			allows++
		}
	}
	return allows > 0
}

// addFixes gives the page's unused findings their Fix links, for the live
// account only.
func (s *Server) addFixes(c echo.Context, accounts []templates.AccountOption, v *templates.FindingsView) {
	live := false
	for _, a := range accounts {
		live = live || (a.Selected && a.Live)
	}
	if !live {
		return
	}
	g, err := s.svc.AccessGraph(c.Request().Context(), principal(c), v.F.Account, meta(c))
	if err != nil {
		return // the page shows without links; the graph was just read
	}
	a := g.Account()
	for i := range v.Rows {
		r := &v.Rows[i]
		r.FixURL = findingFix(a, graph.Finding{Type: r.Type, Principal: r.Principal, Explanation: r.Explanation})
	}
}

package handlers

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// Every change that affects permissions is shown before it is saved (issue
// 14): the form posts to the change's address; without `confirm` the
// answer is the preview (iam.PreviewChange: who gains or loses what, which
// paths to admin open or close, who can newly come in), with the form's
// fields carried in a Save button's form; with confirm=yes the change is
// made. A preview saves nothing.

// previewable is a permission change whose save is previewed.
type previewable struct {
	// change reads what the form asks for. ok false means there is nothing
	// to preview (a version that will not be the default): save at once.
	change func(c echo.Context) (ch iam.Change, ok bool, err error)
	// step names the change ("Attach AdministratorAccess to developers")
	// and where Cancel goes.
	step func(c echo.Context) (title, back string)
	// crumbs places the step below an entity's page.
	kind, section string
	do            echo.HandlerFunc
	// onlyIfMatters skips the step when the change opens or closes no way
	// to act as someone else (iam.Preview.Matters): a new access key
	// usually does neither.
	onlyIfMatters bool
}

// previewed is p's POST: the preview, or the save once confirmed. Input
// the preview cannot judge (no such policy, a malformed document) goes
// straight to the save, whose form shows the error beside its field as
// before; a caller who may not review the account's access saves as
// before, without a preview, since it could not be shown one.
func (s *Server) previewed(p previewable) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.FormValue("confirm") == confirmYes {
			return p.do(c)
		}
		ch, ok, err := p.change(c)
		if err != nil || !ok {
			return p.do(c)
		}
		title, back := p.step(c)
		v := templates.ConfirmView{Heading: title + "?", Action: c.Request().URL.Path, Button: "Save", Plain: true, Cancel: back,
			Fields: formFields(c)}
		pv, matters, err := s.previewView(c, ch)
		if err == nil && p.onlyIfMatters && !matters {
			return p.do(c)
		}
		switch iam.KindOf(err) {
		case iam.NotFound, iam.Malformed, iam.Invalid, iam.AccessDenied:
			return p.do(c)
		}
		if err != nil && iam.KindOf(err) != iam.LimitExceeded {
			return err
		}
		if err != nil {
			pv = &templates.PreviewView{Unavailable: "No preview: " + err.Error()}
		}
		v.Preview = pv
		page := s.confirmPage(c, title, p.kind, p.section, "/"+p.kind, c.Param("name"), back)
		if c.Param("name") == "" {
			page = s.page(c, title, p.kind)
		}
		return render(c, http.StatusOK, templates.ConfirmPage(page, v))
	}
}

// formFields are the posted fields a Save carries back, but the CSRF token
// (the step's form has its own) and the confirmation.
func formFields(c echo.Context) []templates.HiddenField {
	params, err := c.FormParams()
	if err != nil {
		return nil
	}
	var out []templates.HiddenField
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if k == "_csrf" || k == "confirm" {
			continue
		}
		for _, v := range params[k] {
			out = append(out, templates.HiddenField{Name: k, Value: v})
		}
	}
	return out
}

// previewView is the view of ch's preview; it may also be shown on a
// confirmation step of its own (detach, delete).
func (s *Server) previewView(c echo.Context, ch iam.Change) (*templates.PreviewView, bool, error) {
	p, err := s.svc.PreviewChange(c.Request().Context(), principal(c), ch, meta(c))
	if err != nil {
		return nil, false, err
	}
	acct := p.After.Account().ID
	v := &templates.PreviewView{Summary: previewSummary(p), More: p.More}
	paths := func(as []graph.AdminChange, g *graph.Graph) []templates.PreviewPath {
		var out []templates.PreviewPath
		for _, a := range as {
			out = append(out, templates.PreviewPath{Principal: a.Principal, Hops: hopViews(g.Tell(a.Path), acct, true),
				URL: templates.PathsURL(acct, a.Principal)})
		}
		return out
	}
	v.AdminsAdded, v.AdminsRemoved = paths(p.Diff.AdminsAdded, p.After), paths(p.Diff.AdminsRemoved, p.Before)
	for _, h := range p.Entering {
		v.Entering = append(v.Entering, templates.PreviewPath{Principal: h.From, Hops: hopViews([]graph.Hop{h}, acct, true)})
	}
	for _, a := range p.Access {
		v.Access = append(v.Access, templates.PreviewAccess{Principal: a.Principal, Name: a.Name, Kind: string(a.Kind),
			URL: templates.AccessURL(acct, a.Principal), Gained: previewServices(a.Gained), Lost: previewServices(a.Lost)})
	}
	findings := func(fs []graph.Finding) []templates.CompareFinding {
		var out []templates.CompareFinding
		for _, f := range fs {
			out = append(out, templates.CompareFinding{Severity: f.Severity, Type: f.Type, Principal: f.Principal,
				Technique: f.Technique, Explanation: f.Explanation})
		}
		return out
	}
	v.FindingsAdded, v.FindingsResolved = findings(p.Diff.FindingsAdded), findings(p.Diff.FindingsResolved)
	for _, b := range p.Broken {
		v.Broken = append(v.Broken, b.Rule+": "+b.Explanation)
	}
	v.Override = iam.OverrideGuardrailAction
	return v, p.Matters(), nil
}

// withPreview shows ch's preview on a confirmation step of its own
// (detach, delete, remove), when the caller may see one: the step still
// asks without it.
func (s *Server) withPreview(c echo.Context, v *templates.ConfirmView, ch iam.Change) {
	pv, _, err := s.previewView(c, ch)
	switch {
	case err == nil:
		v.Preview = pv
	case iam.KindOf(err) == iam.LimitExceeded:
		v.Preview = &templates.PreviewView{Unavailable: "No preview: " + err.Error()}
	}
}

// previewSummary counts what a change does in a reader's words, most
// consequential first; the graph's edges are its means, not news.
func previewSummary(p *iam.Preview) string {
	var parts []string
	add := func(n int, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, strconv.Itoa(n)+" "+many)
		}
	}
	add(len(p.Diff.AdminsAdded), "principal can become admin", "principals can become admin")
	add(len(p.Entering), "new way in from outside the account", "new ways in from outside the account")
	add(len(p.Diff.AdminsRemoved), "principal no longer admin", "principals no longer admin")
	add(len(p.Access)+p.More, "principal's permissions change", "principals' permissions change")
	add(len(p.Diff.FindingsAdded), "new finding", "new findings")
	add(len(p.Diff.FindingsResolved), "finding resolved", "findings resolved")
	if len(parts) == 0 {
		return "No principal's access changes."
	}
	return strings.Join(parts, ", ") + "."
}

func previewServices(rows []iam.ServiceAccess) []templates.PreviewService {
	out := make([]templates.PreviewService, 0, len(rows))
	for _, r := range rows {
		out = append(out, templates.PreviewService{Name: r.Name, Access: r.Access, Resources: r.Resources})
	}
	return out
}

// The permission changes of users', groups' and roles' pages.

func (s *Server) attachPreview(h *policyHolder) previewable {
	return previewable{kind: h.kind, section: sections[h.kind], do: s.policyAttach(h),
		change: func(c echo.Context) (iam.Change, bool, error) {
			arn, err := s.svc.ResolvePolicyARN(c.Request().Context(), principal(c), strings.TrimSpace(c.FormValue("PolicyArn")), meta(c))
			return iam.Change{Kind: iam.ChangeAttach, Entity: h.entity(c.Param("name")), PolicyARN: arn}, true, err
		},
		step: func(c echo.Context) (string, string) {
			typed := strings.TrimSpace(c.FormValue("PolicyArn"))
			return "Attach " + policyNameOfARN(typed) + " to " + c.Param("name"), entityURL(h.kind, c.Param("name"), "permissions")
		}}
}

func (s *Server) inlinePreview(h *policyHolder) previewable {
	return previewable{kind: h.kind, section: sections[h.kind], do: s.inlinePut(h),
		change: func(c echo.Context) (iam.Change, bool, error) {
			return iam.Change{Kind: iam.ChangePutInline, Entity: h.entity(c.Param("name")), Name: strings.TrimSpace(c.FormValue("PolicyName")),
				Document: c.FormValue("PolicyDocument")}, true, nil
		},
		step: func(c echo.Context) (string, string) {
			return "Save inline policy " + strings.TrimSpace(c.FormValue("PolicyName")) + " of " + c.Param("name"), entityURL(h.kind, c.Param("name"), "permissions")
		}}
}

func (s *Server) boundaryPreview(h *policyHolder) previewable {
	return previewable{kind: h.kind, section: sections[h.kind], do: s.boundarySave(h),
		change: func(c echo.Context) (iam.Change, bool, error) {
			arn, fe, err := s.boundaryARN(c, strings.TrimSpace(c.FormValue("PermissionsBoundary")))
			if fe != nil || arn == "" {
				return iam.Change{}, false, err
			}
			return iam.Change{Kind: iam.ChangeBoundary, Entity: h.entity(c.Param("name")), PolicyARN: arn}, true, err
		},
		step: func(c echo.Context) (string, string) {
			return "Set the permissions boundary of " + c.Param("name"), entityURL(h.kind, c.Param("name"), "permissions")
		}}
}

func (s *Server) trustPreview() previewable {
	return previewable{kind: "roles", section: sections["roles"], do: s.roleTrustSave,
		change: func(c echo.Context) (iam.Change, bool, error) {
			return iam.Change{Kind: iam.ChangeTrust, Entity: iam.RoleNamed(c.Param("name")), Document: c.FormValue("AssumeRolePolicyDocument")}, true, nil
		},
		step: func(c echo.Context) (string, string) {
			return "Save the trust policy of " + c.Param("name"), entityURL("roles", c.Param("name"), "trust")
		}}
}

// memberPreview is adding a user to a group, from the group's page
// (UserName posted) or the user's (GroupName posted).
func (s *Server) memberPreview(fromGroup bool) previewable {
	kind, do := "users", s.userGroupAdd
	if fromGroup {
		kind, do = "groups", s.groupMemberAdd
	}
	names := func(c echo.Context) (group, user string) {
		if fromGroup {
			return c.Param("name"), strings.TrimSpace(c.FormValue("UserName"))
		}
		return strings.TrimSpace(c.FormValue("GroupName")), c.Param("name")
	}
	return previewable{kind: kind, section: sections[kind], do: do,
		change: func(c echo.Context) (iam.Change, bool, error) {
			group, user := names(c)
			return iam.Change{Kind: iam.ChangeAddMember, Entity: iam.GroupNamed(group), Name: user}, true, nil
		},
		step: func(c echo.Context) (string, string) {
			group, user := names(c)
			tab := "groups"
			if fromGroup {
				tab = "members"
			}
			return "Add " + user + " to group " + group, entityURL(kind, c.Param("name"), tab)
		}}
}

func (s *Server) versionPreview() previewable {
	return previewable{kind: "policies", section: "Policies", do: s.policyVersionCreate,
		change: func(c echo.Context) (iam.Change, bool, error) {
			return iam.Change{Kind: iam.ChangeNewVersion, PolicyARN: c.FormValue("arn"), Document: c.FormValue("PolicyDocument")},
				c.FormValue("SetAsDefault") == "true", nil
		},
		step: func(c echo.Context) (string, string) {
			return "Save a new default version of " + policyNameOfARN(c.FormValue("arn")), policyTabURL(c.FormValue("arn"), "versions")
		}}
}

func (s *Server) defaultVersionPreview() previewable {
	return previewable{kind: "policies", section: "Policies", do: s.policyVersionDefault,
		change: func(c echo.Context) (iam.Change, bool, error) {
			return iam.Change{Kind: iam.ChangeDefaultVersion, PolicyARN: c.FormValue("arn"), VersionID: c.FormValue("VersionId")}, true, nil
		},
		step: func(c echo.Context) (string, string) {
			return "Make " + c.FormValue("VersionId") + " the default version of " + policyNameOfARN(c.FormValue("arn")), policyTabURL(c.FormValue("arn"), "versions")
		}}
}

// policyNameOfARN is a policy ARN's name (a typed name is itself).
func policyNameOfARN(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// accessKeyPreview is creating an access key: shown first only when an
// escalation depends on it (a user who may create keys for others can no
// longer give this one a second).
func (s *Server) accessKeyPreview() previewable {
	return previewable{kind: "users", section: sections["users"], do: s.accessKeyCreate, onlyIfMatters: true,
		change: func(c echo.Context) (iam.Change, bool, error) {
			return iam.Change{Kind: iam.ChangeCreateAccessKey, Entity: iam.UserNamed(c.Param("name"))}, true, nil
		},
		step: func(c echo.Context) (string, string) {
			return "Create an access key for " + c.Param("name"), entityURL("users", c.Param("name"), "security")
		}}
}

package handlers

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// pageSize is how many entities a list page shows: enough to scan, small
// enough to stay fast at AWS's quotas.
const pageSize = 100

// formErrors turns an operation's refusal of a form's input into the
// message beside the field at fault: always for Invalid and Malformed, and
// for the extra kinds a form names (AlreadyExists beside the name, say).
// Anything else is nil, and goes to the error page.
func formErrors(err error, fallback string, kinds ...iam.Kind) templates.FieldErrors {
	var e *iam.Error
	if !errors.As(err, &e) {
		return nil
	}
	ok := e.Kind == iam.Invalid || e.Kind == iam.Malformed
	for _, k := range kinds {
		ok = ok || e.Kind == k
	}
	if !ok {
		return nil
	}
	field := e.Field
	if field == "" || e.Kind != iam.Invalid && e.Kind != iam.Malformed {
		field = fallback
	}
	return templates.FieldErrors{field: e.Message}
}

// placed keeps errors on the fields a form has and moves any other to the
// top of the form ("_form"), so that no message is lost for want of a place.
func placed(fe templates.FieldErrors, fields ...string) templates.FieldErrors {
	out := templates.FieldErrors{}
	for k, msg := range fe {
		known := false
		for _, f := range fields {
			known = known || f == k
		}
		if !known {
			k = "_form"
		}
		out[k] = msg
	}
	return out
}

// flashable reports whether err is a refusal to tell the user about on the
// page they came from (a conflict, a quota, a thing already gone) rather
// than on an error page.
func flashable(err error) (string, bool) {
	var e *iam.Error
	if !errors.As(err, &e) {
		return "", false
	}
	switch e.Kind {
	case iam.Invalid, iam.Malformed, iam.Conflict, iam.LimitExceeded, iam.AlreadyExists, iam.NotFound:
		return e.Message, true
	}
	return "", false
}

// formTags reads the tag rows of a form (tag_key, tag_value pairs); rows
// left blank are skipped.
func formTags(c echo.Context) []iam.Tag {
	f, err := c.FormParams()
	if err != nil {
		return nil
	}
	keys, vals := f["tag_key"], f["tag_value"]
	var out []iam.Tag
	for i, k := range keys {
		v := ""
		if i < len(vals) {
			v = vals[i]
		}
		k = strings.TrimSpace(k)
		if k == "" && strings.TrimSpace(v) == "" {
			continue
		}
		out = append(out, iam.Tag{Key: k, Value: v})
	}
	return out
}

func tagRows(tags []iam.Tag) []templates.TagRow {
	out := make([]templates.TagRow, len(tags))
	for i, t := range tags {
		out[i] = templates.TagRow{Key: t.Key, Value: t.Value}
	}
	return out
}

// can reports whether the signed-in principal may do op on the entity arn
// names, to decide which buttons a page shows: iam.Can asks what the
// operation asks. The operation decides again when the form is posted; a
// failed check only hides a button.
func (s *Server) can(c echo.Context, op iam.Op, arn string) bool {
	return s.svc.Can(c.Request().Context(), principal(c), meta(c), op, arn)
}

// accountARN is the start of this account's IAM ARNs, for permission checks
// on entities that do not exist yet ("user/*").
func accountARN(c echo.Context, kind string) string {
	return "arn:aws:iam::" + principal(c).AccountID + ":" + kind
}

func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func whenPtr(t *time.Time, never string) string {
	if t == nil || t.IsZero() {
		return never
	}
	return when(*t)
}

// listRequest reads a list page's search box, path filter, marker and
// sort from the query string.
func listRequest(c echo.Context, action string) (f templates.ListFilter, marker string) {
	f = templates.ListFilter{Action: action, Query: strings.TrimSpace(c.QueryParam("q")),
		PathPrefix: strings.TrimSpace(c.QueryParam("path")), Descending: c.QueryParam("sort") == "-name"}
	return f, c.QueryParam("marker")
}

// listLinks fills a list page's links: the next page, the first (when
// this is not it) and the other sort order, each keeping the filter and
// the list's own query parameters (name, value pairs: the policies'
// scope).
func listLinks(f *templates.ListFilter, marker, next string, keep ...string) {
	sort, other := "", "-name"
	if f.Descending {
		sort, other = "-name", ""
	}
	if next != "" {
		f.NextURL = listURL(f.Action, f.Query, f.PathPrefix, next, append([]string{"sort", sort}, keep...)...)
	}
	if marker != "" {
		f.FirstURL = listURL(f.Action, f.Query, f.PathPrefix, "", append([]string{"sort", sort}, keep...)...)
	}
	f.SortURL = listURL(f.Action, f.Query, f.PathPrefix, "", append([]string{"sort", other}, keep...)...)
}

// listURL is a list page's address with its search, path filter and marker.
func listURL(base, q, path, marker string, extra ...string) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if path != "" {
		v.Set("path", path)
	}
	if marker != "" {
		v.Set("marker", marker)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] != "" {
			v.Set(extra[i], extra[i+1])
		}
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// entityURL is the detail page of a named entity, on a tab.
func entityURL(kind, name, tab string) string {
	u := "/" + kind + "/" + url.PathEscape(name)
	if tab != "" {
		u += "?tab=" + url.QueryEscape(tab)
	}
	return u
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// policyURL is a managed policy's page.
func policyURL(arn string) string { return "/policies/view?arn=" + url.QueryEscape(arn) }

package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

const auditPageSize = 50

// auditFilter reads the audit log's filter from the query string.
func auditFilter(c echo.Context) (templates.AuditFilterView, iam.AuditFilter) {
	fv := templates.AuditFilterView{
		Principal: c.QueryParam("principal"), Event: c.QueryParam("event"), Resource: c.QueryParam("resource"),
		Result: c.QueryParam("result"), Since: c.QueryParam("since"), Until: c.QueryParam("until"),
		Oldest: c.QueryParam("sort") == "oldest",
	}
	f := iam.AuditFilter{PrincipalARN: fv.Principal, EventName: fv.Event, Resource: fv.Resource, Result: fv.Result, Oldest: fv.Oldest}
	f.Since, _ = time.Parse("2006-01-02T15:04", fv.Since)
	f.Until, _ = time.Parse("2006-01-02T15:04", fv.Until)
	if b, err := strconv.ParseUint(c.QueryParam("before"), 10, 64); err == nil {
		f.BeforeID = b
	}
	if a, err := strconv.ParseUint(c.QueryParam("after"), 10, 64); err == nil {
		f.AfterID = a
	}
	return fv, f
}

// auditExport streams the filtered audit log as JSON lines, newest first,
// in pages so a long log never sits in memory whole. Each line is one
// iam.AuditEvent, whose JSON keys are the file's stable format.
func (s *Server) auditExport(c echo.Context) error {
	_, f := auditFilter(c)
	f.Limit = 1000
	w := c.Response()
	first := true
	for {
		evs, err := s.svc.AuditLog(c.Request().Context(), principal(c), f, meta(c))
		if err != nil {
			if first {
				return err
			}
			s.log.Error("audit export stopped", "err", err)
			return nil
		}
		if first {
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.Header().Set("Content-Disposition", `attachment; filename="audit-log.jsonl"`)
			w.WriteHeader(http.StatusOK)
			first = false
		}
		enc := json.NewEncoder(w)
		for _, e := range evs {
			if err := enc.Encode(e); err != nil {
				return nil // the client went away
			}
		}
		if len(evs) < f.Limit {
			return nil
		}
		if f.Oldest {
			f.AfterID = evs[len(evs)-1].ID
		} else {
			f.BeforeID = evs[len(evs)-1].ID
		}
	}
}

// auditList shows the audit log with filters, newest first.
func (s *Server) auditList(c echo.Context) error {
	fv, f := auditFilter(c)
	f.Limit = auditPageSize + 1
	evs, err := s.svc.AuditLog(c.Request().Context(), principal(c), f, meta(c))
	if err != nil {
		return err
	}
	next := ""
	if len(evs) > auditPageSize {
		evs = evs[:auditPageSize]
		q := c.QueryParams()
		if fv.Oldest {
			q.Set("after", strconv.FormatUint(evs[len(evs)-1].ID, 10))
		} else {
			q.Set("before", strconv.FormatUint(evs[len(evs)-1].ID, 10))
		}
		next = "/audit?" + url.Values(q).Encode()
	}
	// The other order, from its first page, with the same filter.
	q := c.QueryParams()
	q.Del("before")
	q.Del("after")
	if fv.Oldest {
		q.Del("sort")
	} else {
		q.Set("sort", "oldest")
	}
	fv.SortURL = "/audit?" + url.Values(q).Encode()
	rows := make([]templates.AuditRow, len(evs))
	for i, e := range evs {
		rows[i] = templates.AuditRow{ID: e.ID, Time: e.EventTime.UTC().Format("2006-01-02 15:04:05"),
			EventName: e.EventName, Principal: e.PrincipalARN, SourceIP: e.SourceIP, Resource: e.Resource,
			Result: e.Result, ErrorCode: e.ErrorCode, Parameters: e.RequestParameters,
			RequestID: e.RequestID, UserAgent: e.UserAgent}
	}
	return render(c, http.StatusOK, templates.AuditPage(s.page(c, "Audit log", "audit"), fv, rows, next))
}

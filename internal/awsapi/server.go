package awsapi

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/auth/sigv4"
	"github.com/iamconsole/console/internal/iam"
)

// API versions, as the SDKs send them.
const (
	iamVersion = "2010-05-08"
	stsVersion = "2011-06-15"
)

// maxBody bounds a request body: the largest documents (policies, 10,240
// characters URL-encoded) fit many times over.
const maxBody = 1 << 20

// call is one authenticated API request on its way to an operation.
type call struct {
	ctx    context.Context
	caller *iam.Principal
	p      params
	meta   iam.Meta
	auth   *sigv4.Result
}

// action handles one API action and returns its result element (nil for
// actions whose response has no result).
type action func(s *Server, c *call) (any, error)

// Server answers /aws.
type Server struct {
	svc      *iam.Service
	log      *slog.Logger
	verifier *sigv4.Verifier
	iam      map[string]action
	sts      map[string]action
}

// New makes the API server over svc.
func New(svc *iam.Service, log *slog.Logger) *Server {
	s := &Server{svc: svc, log: log, iam: iamActions(), sts: stsActions()}
	s.verifier = &sigv4.Verifier{Services: []string{"iam", "sts"}, Now: svc.Now, Lookup: svc.APICredential}
	return s
}

// Register mounts the API on e at /aws (POST, and GET with the query).
func (s *Server) Register(e *echo.Echo, mw ...echo.MiddlewareFunc) {
	e.POST("/aws", s.handle, mw...)
	e.GET("/aws", s.handle, mw...)
	e.POST("/aws/", s.handle, mw...)
	e.GET("/aws/", s.handle, mw...)
}

func (s *Server) handle(c echo.Context) error {
	r := c.Request()
	r.Header.Del("Cookie") // the API authenticates by signature only: no cookies here
	requestID := c.Response().Header().Get(echo.HeaderXRequestID)
	c.Response().Header().Set("x-amzn-RequestId", requestID)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return s.fail(c, err, "", requestID)
	}
	if len(body) > maxBody {
		return s.fail(c, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "RequestEntityTooLarge", Message: "Request body too large."}, "", requestID)
	}
	p, err := parseParams(r, body)
	if err != nil {
		return s.fail(c, err, "", requestID)
	}
	res, err := s.verifier.Verify(r, body)
	if err != nil {
		return s.fail(c, err, "", requestID)
	}
	svcName, version, table, ns := "iam", iamVersion, s.iam, iamNS
	if res.Service == "sts" {
		svcName, version, table, ns = "sts", stsVersion, s.sts, stsNS
	}
	name := p.str("Action")
	fn := table[name]
	switch {
	case name == "":
		return s.fail(c, &apiError{Status: 400, Code: "MissingAction", Message: "Missing Action"}, ns, requestID)
	case p.str("Version") != version:
		return s.fail(c, &apiError{Status: 400, Code: "InvalidAction",
			Message: "Could not find operation " + name + " for version " + p.str("Version")}, ns, requestID)
	case fn == nil:
		return s.fail(c, &apiError{Status: 400, Code: "InvalidAction",
			Message: "Could not find operation " + name + " for version " + version}, ns, requestID)
	}
	ctx := r.Context()
	meta := iam.Meta{SourceIP: c.RealIP(), UserAgent: r.UserAgent(), RequestID: requestID, Secure: r.TLS != nil,
		Source: svcName + ".amazonaws.com"}
	caller, err := s.svc.APIPrincipal(ctx, res, meta)
	if err != nil {
		return s.fail(c, err, ns, requestID)
	}
	out, err := fn(s, &call{ctx: ctx, caller: caller, p: p, meta: meta, auth: res})
	if err != nil {
		return s.fail(c, err, ns, requestID)
	}
	doc, err := encodeResponse(name, ns, requestID, out)
	if err != nil {
		return s.fail(c, err, ns, requestID)
	}
	return c.Blob(http.StatusOK, "text/xml", doc)
}

// parseParams reads the query string and, for a form POST, the body. A
// malformed encoding is refused rather than half-read.
func parseParams(r *http.Request, body []byte) (params, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &apiError{Status: 400, Code: "MalformedQueryString", Message: "The query string is not valid URL encoding."}
	}
	if r.Method == http.MethodPost && len(body) > 0 {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct != "" && ct != "application/x-www-form-urlencoded" {
			return nil, &apiError{Status: 400, Code: "InvalidParameterValue", Message: "Content-Type must be application/x-www-form-urlencoded."}
		}
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, &apiError{Status: 400, Code: "MalformedQueryString", Message: "The request body is not valid URL encoding."}
		}
		for k, v := range f {
			q[k] = append(q[k], v...)
		}
	}
	for k, vs := range q {
		for _, v := range vs {
			if strings.ContainsRune(v, 0) || !validUTF8(v) || !validUTF8(k) {
				return nil, validation("Parameter %s holds invalid characters.", strings.ToValidUTF8(k, "?"))
			}
		}
	}
	return params(q), nil
}

// fail writes an ErrorResponse.
func (s *Server) fail(c echo.Context, err error, ns, requestID string) error {
	ae, internalErr := errorFor(err)
	if internalErr {
		s.log.Error("api request failed", "request_id", requestID, "err", err)
	}
	if ns == "" {
		ns = iamNS
	}
	doc := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b, _ := xmlErrorDoc(ns, ae, requestID)
	doc = append(doc, b...)
	return c.Blob(ae.Status, "text/xml", doc)
}

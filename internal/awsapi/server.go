package awsapi

import (
	"context"
	"encoding/xml"
	"fmt"
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
	// baseURL is the console's URL as the caller reached it
	// (scheme://host), for URLs an action hands out (an issuer's).
	baseURL string
}

// action handles one API action and returns its result element (nil for
// actions whose response has no result).
type action func(s *Server, c *call) (any, error)

// Server answers /aws.
type Server struct {
	svc      *iam.Service
	log      *slog.Logger
	verifier *sigv4.Verifier
}

// New makes the API server over svc.
func New(svc *iam.Service, log *slog.Logger) *Server {
	s := &Server{svc: svc, log: log}
	s.verifier = &sigv4.Verifier{Services: []string{iamService.name, stsService.name, analyzerService.name}, Now: svc.Now, Lookup: svc.APICredential}
	return s
}

// Register mounts the API on e at /aws (POST, and GET with the query). Any
// other path under /aws is the API's too: its 404 is AWS's XML, not the
// pages' (whose middleware would otherwise ask for a session or a CSRF
// token first).
func (s *Server) Register(e *echo.Echo, mw ...echo.MiddlewareFunc) {
	e.POST("/aws", s.handle, mw...)
	e.GET("/aws", s.handle, mw...)
	e.POST("/aws/", s.handle, mw...)
	e.GET("/aws/", s.handle, mw...)
	// Outbound web identity federation issuers' discovery documents
	// (sts_webidentity.go): public, read by token verifiers.
	e.GET("/aws/oidc/:id/.well-known/openid-configuration", s.issuerDocument, mw...)
	e.GET("/aws/oidc/:id/.well-known/jwks.json", s.issuerDocument, mw...)
	s.registerREST(e, mw...)
	e.RouteNotFound("/aws/*", func(echo.Context) error { return echo.ErrNotFound }, mw...)
}

// Owns reports whether a request is the API's: /aws and below. Its errors,
// even those raised around the API (an unknown path, a wrong method, a body
// too large, a panic), are written by WriteError.
func (s *Server) Owns(r *http.Request) bool {
	return r.URL.Path == "/aws" || strings.HasPrefix(r.URL.Path, "/aws/")
}

// WriteError answers err as AWS's ErrorResponse, for the server's error
// handler: the API is the service the request's credential scope names.
func (s *Server) WriteError(c echo.Context, err error) {
	_ = s.fail(c, serviceOf(c.Request()), err)
}

func (s *Server) handle(c echo.Context) error {
	r := c.Request()
	r.Header.Del("Cookie") // the API authenticates by signature only: no cookies here
	claimed := serviceOf(r)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return s.fail(c, claimed, err)
	}
	if len(body) > maxBody {
		return s.fail(c, claimed, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "RequestEntityTooLarge", Message: "Request body too large."})
	}
	p, err := parseParams(r, body)
	if err != nil {
		return s.fail(c, claimed, err)
	}
	name := p.str("Action")
	var res *sigv4.Result // nil for an unsigned call
	svc := stsService     // the only service with unsigned actions
	if !isUnsigned(r, name) {
		if res, err = s.verifier.Verify(r, body); err != nil {
			return s.fail(c, claimed, err)
		}
		if svc = services[res.Service]; svc == nil { // the verifier accepts only the services above
			return s.fail(c, claimed, fmt.Errorf("awsapi: signed for unserved service %q", res.Service))
		}
		if svc.json { // a REST-JSON API has no operation at /aws itself
			return s.fail(c, svc, echo.ErrNotFound)
		}
	}
	fn := svc.actions[name]
	switch {
	case name == "":
		return s.fail(c, svc, &apiError{Status: 400, Code: "MissingAction", Message: "Missing Action"})
	case p.str("Version") != svc.version:
		return s.fail(c, svc, &apiError{Status: 400, Code: "InvalidAction",
			Message: "Could not find operation " + name + " for version " + p.str("Version")})
	case fn == nil:
		return s.fail(c, svc, &apiError{Status: 400, Code: "InvalidAction",
			Message: "Could not find operation " + name + " for version " + svc.version})
	}
	return s.answer(c, svc, name, fn, p, res)
}

// answer runs action fn of svc for the caller res verified (nil for an
// unsigned action, which has none) and writes its response.
func (s *Server) answer(c echo.Context, svc *service, name string, fn action, p params, res *sigv4.Result) error {
	r := c.Request()
	ctx, requestID := r.Context(), requestIDOf(c)
	meta := iam.Meta{SourceIP: c.RealIP(), UserAgent: r.UserAgent(), RequestID: requestID, Secure: r.TLS != nil,
		Source: svc.name + ".amazonaws.com"}
	var caller *iam.Principal
	if res != nil {
		var err error
		caller, err = s.svc.APIPrincipal(ctx, res, meta)
		if err == nil {
			err = caller.APIRefusal(svc.name, name)
		}
		if err != nil {
			return s.fail(c, svc, err)
		}
	}
	out, err := fn(s, &call{ctx: ctx, caller: caller, p: p, meta: meta, auth: res, baseURL: c.Scheme() + "://" + r.Host})
	if err != nil {
		return s.fail(c, svc, err)
	}
	doc, err := encodeResponse(name, svc.ns, requestID, out)
	if err != nil {
		return s.fail(c, svc, err)
	}
	c.Response().Header().Set("x-amzn-RequestId", requestID)
	return c.Blob(http.StatusOK, "text/xml", doc)
}

// unsignedActions are the STS actions AWS answers without a signature: the
// caller has no AWS credentials yet, and proves who it is by the token or
// assertion it carries, which the action verifies itself.
var unsignedActions = map[string]bool{"AssumeRoleWithSAML": true, "AssumeRoleWithWebIdentity": true}

// isUnsigned reports an unsigned call of an unsigned action. A signed one
// (an Authorization header, or a presigned query) is verified as any other.
func isUnsigned(r *http.Request, action string) bool {
	return unsignedActions[action] && r.Header.Get("Authorization") == "" && r.URL.Query().Get("X-Amz-Credential") == ""
}

// requestIDOf is the request's ID, as the server's middleware set it.
func requestIDOf(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
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

// fail writes err as svc's ErrorResponse: the one writer of AWS errors.
func (s *Server) fail(c echo.Context, svc *service, err error) error {
	if svc.json {
		return s.writeJSONError(c, err)
	}
	requestID := requestIDOf(c)
	ae, internalErr := svc.errorFor(err)
	if internalErr {
		s.log.Error("api request failed", "request_id", requestID, "path", c.Request().URL.Path, "err", err)
	}
	b, merr := xmlErrorDoc(svc.ns, ae, requestID)
	if merr != nil { // the document is strings only: cannot happen
		return merr
	}
	c.Response().Header().Set("x-amzn-RequestId", requestID)
	return c.Blob(ae.Status, "text/xml", append([]byte(xml.Header), b...))
}

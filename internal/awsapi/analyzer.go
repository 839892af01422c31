package awsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/auth/sigv4"
	"github.com/iamconsole/console/internal/iam"
)

// IAM Access Analyzer's API speaks AWS's REST-JSON protocol (restJson1),
// not the query protocol IAM and STS share: the operation is the path
// (POST /policy/validation), parameters are JSON members (and, for
// paging, the query string), and errors are a JSON object {"message": ...}
// named by the x-amzn-ErrorType header (aws-sdk-go-v2
// service/accessanalyzer deserializers.go reads the header first, then
// "code"/"__type" in the body). The SigV4 credential scope names the
// service "access-analyzer".

// analyzerService is Access Analyzer among the APIs at /aws. It has no
// Version and no XML namespace; its routes are analyzerRoutes.
var analyzerService = &service{name: "access-analyzer", json: true, internalCode: "InternalServerException"}

// restAction handles one REST-JSON operation: it decodes the request from
// the call's body and query, calls one operation of internal/iam and
// returns the response object.
type restAction func(s *Server, c *restCall) (any, error)

// restCall is one authenticated REST-JSON request on its way to an
// operation.
type restCall struct {
	call
	body  []byte
	query map[string][]string
}

// analyzerRoutes are Access Analyzer's operations by path (under /aws), as
// the SDK's serializers write them; all are POST. The handlers live in
// analyzer_checks.go.
var analyzerRoutes = map[string]restAction{
	"/policy/validation":               validatePolicy,
	"/policy/check-no-new-access":      checkNoNewAccess,
	"/policy/check-access-not-granted": checkAccessNotGranted,
	"/policy/check-no-public-access":   checkNoPublicAccess,
}

// registerREST mounts the REST-JSON routes under /aws.
func (s *Server) registerREST(e *echo.Echo, mw ...echo.MiddlewareFunc) {
	for path, fn := range analyzerRoutes {
		e.POST("/aws"+path, s.handleREST(fn), mw...)
	}
}

func (s *Server) handleREST(fn restAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		r.Header.Del("Cookie") // the API authenticates by signature only
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return s.fail(c, analyzerService, err)
		}
		if len(body) > maxBody {
			return s.fail(c, analyzerService, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "RequestEntityTooLarge", Message: "Request body too large."})
		}
		res, err := s.verifier.Verify(r, body)
		if err != nil {
			return s.fail(c, analyzerService, err)
		}
		if res.Service != analyzerService.name {
			return s.fail(c, services[res.Service], &apiError{Status: http.StatusBadRequest, Code: "InvalidAction",
				Message: "Could not find operation for path " + r.URL.Path + " in service " + res.Service})
		}
		ctx, requestID := r.Context(), requestIDOf(c)
		meta := iam.Meta{SourceIP: c.RealIP(), UserAgent: r.UserAgent(), RequestID: requestID, Secure: r.TLS != nil,
			Source: analyzerService.name + ".amazonaws.com"}
		caller, err := s.svc.APIPrincipal(ctx, res, meta)
		if err != nil {
			return s.fail(c, analyzerService, err)
		}
		out, err := fn(s, &restCall{call: call{ctx: ctx, caller: caller, meta: meta, auth: res}, body: body, query: r.URL.Query()})
		if err != nil {
			return s.fail(c, analyzerService, err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return s.fail(c, analyzerService, err)
		}
		c.Response().Header().Set("x-amzn-RequestId", requestID)
		return c.Blob(http.StatusOK, "application/json", bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
}

// decodeJSON reads a request body into v. An empty body is an empty
// object (the operation then reports its missing members); anything else
// that is not a JSON object of v's shape is AWS's SerializationException.
func (c *restCall) decodeJSON(v any) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return &apiError{Status: http.StatusBadRequest, Code: "SerializationException", Message: "The request body is not a valid JSON object of this operation's input: " + err.Error()}
	}
	return nil
}

// jsonError is a REST-JSON error: its code goes in x-amzn-ErrorType, the
// rest in the body.
type jsonError struct {
	Status    int                   `json:"-"`
	Code      string                `json:"-"`
	Message   string                `json:"message"`
	Reason    string                `json:"reason,omitempty"`
	FieldList []validationFieldJSON `json:"fieldList,omitempty"`
}

type validationFieldJSON struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

// jsonSigv4Codes are the signature errors of AWS's JSON services (as
// DynamoDB, KMS and Access Analyzer answer them) for the query APIs'
// codes the verifier reports.
var jsonSigv4Codes = map[string]string{
	sigv4.CodeMissingAuthenticationToken: "MissingAuthenticationTokenException",
	sigv4.CodeIncompleteSignature:        "IncompleteSignatureException",
	sigv4.CodeInvalidClientTokenId:       "UnrecognizedClientException",
	sigv4.CodeSignatureDoesNotMatch:      "InvalidSignatureException",
	sigv4.CodeRequestExpired:             "InvalidSignatureException",
	sigv4.CodeExpiredToken:               "ExpiredTokenException",
	sigv4.CodeMalformedQueryString:       "SerializationException",
	"ValidationError":                    "ValidationException",
	"AccessDenied":                       "AccessDeniedException",
}

// jsonKind are Access Analyzer's errors (aws-sdk-go-v2
// service/accessanalyzer types/errors.go) for internal/iam's kinds.
var jsonKind = map[iam.Kind]struct {
	status int
	code   string
}{
	iam.NotFound:      {http.StatusNotFound, "ResourceNotFoundException"},
	iam.AlreadyExists: {http.StatusConflict, "ConflictException"},
	iam.Conflict:      {http.StatusConflict, "ConflictException"},
	iam.LimitExceeded: {http.StatusPaymentRequired, "ServiceQuotaExceededException"},
	iam.Malformed:     {http.StatusBadRequest, "ValidationException"},
	iam.Invalid:       {http.StatusBadRequest, "ValidationException"},
	iam.AccessDenied:  {http.StatusForbidden, "AccessDeniedException"},
	iam.Throttled:     {http.StatusTooManyRequests, "ThrottlingException"},
}

// jsonErrorFor maps any error to Access Analyzer's error for it, as
// errorFor does for the query APIs; internal errors say only "Internal
// error." and report true for the caller to log the cause.
func jsonErrorFor(err error) (*jsonError, bool) {
	var ie *iam.Error
	if errors.As(err, &ie) && ie.Kind != iam.Internal {
		if k, ok := jsonKind[ie.Kind]; ok {
			je := &jsonError{Status: k.status, Code: k.code, Message: ie.Message}
			if k.code == "ValidationException" {
				je.Reason = "fieldValidationFailed"
				if ie.Field != "" {
					je.FieldList = []validationFieldJSON{{Name: ie.Field, Message: ie.Message}}
				}
			}
			return je, false
		}
	}
	ae, internalErr := analyzerService.errorFor(err) // signatures, the server's refusals
	code := ae.Code
	if c, ok := jsonSigv4Codes[code]; ok {
		code = c
	}
	switch ae.Status {
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		code = "UnknownOperationException"
	}
	je := &jsonError{Status: ae.Status, Code: code, Message: ae.Message}
	if code == "ValidationException" {
		je.Reason = "fieldValidationFailed"
	}
	return je, internalErr
}

// writeJSONError answers err in the REST-JSON shape.
func (s *Server) writeJSONError(c echo.Context, err error) error {
	requestID := requestIDOf(c)
	je, internalErr := jsonErrorFor(err)
	if internalErr {
		s.log.Error("api request failed", "request_id", requestID, "path", c.Request().URL.Path, "err", err)
	}
	b, merr := json.Marshal(je)
	if merr != nil { // strings only: cannot happen
		return merr
	}
	h := c.Response().Header()
	h.Set("x-amzn-RequestId", requestID)
	h.Set("x-amzn-ErrorType", je.Code)
	if je.Code == "ThrottlingException" {
		h.Set("Retry-After", strconv.Itoa(1))
	}
	return c.Blob(je.Status, "application/json", b)
}

// queryInt reads an integer query parameter; absent is (0, false).
func (c *restCall) queryInt(name string) (int, bool, error) {
	vs := c.query[name]
	if len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(vs[0])
	if err != nil {
		return 0, false, &iam.Error{Kind: iam.Invalid, Field: name, Message: "1 validation error detected: Value '" + vs[0] + "' at '" + name + "' failed to satisfy constraint: Member must be an integer"}
	}
	return n, true, nil
}

package sigv4

import (
	"errors"
	"net/http"
)

// Error codes Verify returns, with the meaning AWS gives them.
const (
	// CodeMissingAuthenticationToken: no Authorization header and no presigned query (403).
	CodeMissingAuthenticationToken = "MissingAuthenticationToken"
	// CodeIncompleteSignature: the signature information is missing a piece or malformed (400).
	CodeIncompleteSignature = "IncompleteSignature"
	// CodeInvalidClientTokenId: the access key or the session token is not known (403).
	CodeInvalidClientTokenId = "InvalidClientTokenId"
	// CodeSignatureDoesNotMatch: the signature or its scope is wrong (403).
	CodeSignatureDoesNotMatch = "SignatureDoesNotMatch"
	// CodeRequestExpired: signed too far from now, or a presigned URL past its expiry (400).
	CodeRequestExpired = "RequestExpired"
	// CodeExpiredToken: the temporary credentials have expired (400).
	CodeExpiredToken = "ExpiredToken"
	// CodeMalformedQueryString: the query string is not validly percent-encoded, so
	// it cannot be canonicalized (400).
	CodeMalformedQueryString = "MalformedQueryString"
)

// Error is a refusal caused by the request, with the AWS error code and HTTP status
// the API answers with. Message is safe to show to the client: it never contains a
// secret or a computed signature.
type Error struct {
	Code       string
	Message    string
	HTTPStatus int
}

// Error returns "Code: Message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// ErrUnknownKey is what a Lookup function returns for an access key that does not
// exist or must not authenticate (inactive, deleted, belonging to a deleted user).
// Verify turns it into InvalidClientTokenId; any other Lookup error is returned
// wrapped, as an internal failure.
var ErrUnknownKey = errors.New("sigv4: unknown access key")

var statusOf = map[string]int{
	CodeMissingAuthenticationToken: http.StatusForbidden,
	CodeIncompleteSignature:        http.StatusBadRequest,
	CodeInvalidClientTokenId:       http.StatusForbidden,
	CodeSignatureDoesNotMatch:      http.StatusForbidden,
	CodeRequestExpired:             http.StatusBadRequest,
	CodeExpiredToken:               http.StatusBadRequest,
	CodeMalformedQueryString:       http.StatusBadRequest,
}

func newError(code, msg string) *Error {
	return &Error{Code: code, Message: msg, HTTPStatus: statusOf[code]}
}

const (
	msgMissingAuth   = "Request is missing Authentication Token"
	msgInvalidKey    = "The security token included in the request is invalid."
	msgExpiredToken  = "The security token included in the request is expired"
	msgSignatureDiff = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
